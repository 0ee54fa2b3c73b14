// A seeded, realistic-shaped event stream for the in-process store benchmark. The store does not
// check ids or signatures (its caller does), so ids and pubkeys are random 64-hex and the sig is a
// dummy of the right length: generating a million events takes seconds, not an hour of signing.
//
// Shape (per DESIGN.md's benchmark brief):
// - AUTHORS pubkeys; rank 0 is a prolific bot holding BOT_SHARE of all events (all kind 1), so one
//   author has ≥ 200k events for the deep-pagination figure; ranks 1.. share the rest with Zipf(1)
//   popularity.
// - Every author first gets one kind 0 profile and one kind 3 contact list (p tags), so the
//   replaceable kinds never replace each other and every generated event is stored.
// - Then kinds mostly 1 (replies carry e/p tags, some posts carry t hashtags), some 7 reactions,
//   6 reposts (embedded event JSON, often past the inline threshold) and 30023 articles (long).
// - Content lengths are log-normal (median ~80 chars) with a long tail, so a few percent of events
//   go to the value log at the default 1 KiB inline threshold.
// - created_at rises with generation order over one year (with jitter), like a relay's arrivals.
import type { NostrEvent } from '../pkg/nostr/types.js';
import { SeededRandom, ZipfSampler } from './random.js';

export const DATASET_VERSION = 1;
export const AUTHORS = 5000;
export const BOT_SHARE = 0.24;
export const HASHTAGS = 1000;
const THREAD_POOL = 5000;
const SPAN_SECONDS = 365 * 24 * 3600;
export const T_END = 1_760_000_000;
const DUMMY_SIG = 'f'.repeat(128);

/** The harness's seeded generator (same mulberry32 stream) plus random 64-hex ids for unsigned events. */
export class Prng extends SeededRandom {
  hex64(): string {
    let s = '';
    for (let i = 0; i < 8; i++) s += ((this.next() * 4294967296) >>> 0).toString(16).padStart(8, '0');
    return s;
  }
}

export const Zipf = ZipfSampler;
export type Zipf = ZipfSampler;

/** What the queries need to know about the data set, saved next to the built store. */
export interface DatasetFacts {
  version: number;
  events: number;
  /** Pubkeys by popularity rank (0 = the prolific bot). */
  authors: string[];
  /** Kind-1 event count per author rank. */
  kind1PerAuthor: number[];
  /** For author rank 0, kind 1: the created_at of the event at each newest-first depth. */
  prolificUntil: { depth: number; until: number }[];
  /** Hashtags by popularity rank. */
  hashtags: string[];
  /** Thread root ids by popularity rank. */
  threadRoots: string[];
  /** A spread sample of stored ids (for get-by-id). */
  sampleIds: string[];
  /** Events with more than 700 characters of content (about the share past a 1 KiB inline threshold). */
  longContent: number;
}

const WORDS = 'the relay store keeps every note newest first and pages by until without scanning from the top'.split(' ');
let LOREM = '';
while (LOREM.length < 70_000) LOREM += WORDS[LOREM.length % WORDS.length] + ' ';

function text(rng: Prng, length: number): string {
  const len = Math.min(Math.max(1, Math.round(length)), 64_000);
  const at = rng.int(LOREM.length - len);
  return LOREM.slice(at, at + len);
}

export const PAGINATION_DEPTHS = [0, 1_000, 10_000, 100_000, 200_000];

/**
 * Generates `n` events in arrival order; `facts` is complete once the iterator is exhausted.
 * `profiles: false` skips the opening block of kind 0/3 events (a steady-state mix for put rates).
 */
export function* generateEvents(n: number, seed: number, facts?: DatasetFacts, profiles = true): Generator<NostrEvent> {
  const rng = new Prng(seed);
  const authors = Array.from({ length: AUTHORS }, () => rng.hex64());
  const hashtags = Array.from({ length: HASHTAGS }, (_, i) => `tag${i}`);
  const authorZipf = new Zipf(AUTHORS - 1, 1);
  const tagZipf = new Zipf(HASHTAGS, 1);
  const threadZipf = new Zipf(THREAD_POOL, 1);
  const roots: string[] = [];
  const kind1PerAuthor = new Array<number>(AUTHORS).fill(0);
  const botTimes: number[] = [];
  const sampleIds: string[] = [];
  const sampleEvery = Math.max(1, Math.floor(n / 50_000));
  const t0 = T_END - SPAN_SECONDS;
  let longContent = 0;

  for (let i = 0; i < n; i++) {
    const created_at = t0 + Math.floor((i / n) * SPAN_SECONDS) + rng.int(600);
    const id = rng.hex64();
    let rank: number;
    let kind: number;
    const tags: string[][] = [];
    let content: string;
    if (profiles && i < 2 * AUTHORS) {
      // Profiles and contact lists first: one of each per author.
      rank = i >> 1;
      kind = i & 1 ? 3 : 0;
      if (kind === 0) content = JSON.stringify({ name: `user${rank}`, about: text(rng, rng.logNormal(Math.log(60), 1)) });
      else {
        content = '';
        const follows = 1 + rng.int(100);
        for (let f = 0; f < follows; f++) tags.push(['p', authors[1 + authorZipf.sample(rng)]]);
      }
    } else {
      rank = rng.next() < BOT_SHARE ? 0 : 1 + authorZipf.sample(rng);
      const r = rng.next();
      kind = rank === 0 ? 1 : r < 0.86 ? 1 : r < 0.96 ? 7 : r < 0.99 ? 6 : 30023;
      if (kind === 1) {
        content = text(rng, rng.logNormal(Math.log(80), 1.1));
        if (rank !== 0 && roots.length > 0 && rng.next() < 0.3) {
          const root = roots[Math.min(threadZipf.sample(rng), roots.length - 1)];
          tags.push(['e', root, '', 'root'], ['p', authors[1 + authorZipf.sample(rng)]]);
        } else if (roots.length < THREAD_POOL && rank !== 0) roots.push(id);
        if (rng.next() < (rank === 0 ? 0.5 : 0.15)) {
          const n = 1 + rng.int(3);
          for (let t = 0; t < n; t++) tags.push(['t', hashtags[tagZipf.sample(rng)]]);
        }
      } else if (kind === 7 || kind === 6) {
        const target = roots.length ? roots[Math.min(threadZipf.sample(rng), roots.length - 1)] : rng.hex64();
        tags.push(['e', target], ['p', authors[1 + authorZipf.sample(rng)]]);
        content = kind === 7 ? '+' : JSON.stringify({ id: target, pubkey: authors[1], content: text(rng, rng.logNormal(Math.log(300), 0.9)), sig: DUMMY_SIG });
      } else {
        tags.push(['d', `article-${i}`], ['title', 'an article'], ['t', hashtags[tagZipf.sample(rng)]]);
        content = text(rng, rng.logNormal(Math.log(4000), 0.8));
      }
    }
    if (content.length > 700) longContent++;
    if (kind === 1) {
      kind1PerAuthor[rank]++;
      if (rank === 0) botTimes.push(created_at);
    }
    if (i % sampleEvery === 0) sampleIds.push(id);
    yield { id, pubkey: authors[rank], created_at, kind, tags, content, sig: DUMMY_SIG };
  }

  if (facts) {
    botTimes.sort((a, b) => b - a);
    Object.assign(facts, {
      version: DATASET_VERSION,
      events: n,
      authors,
      kind1PerAuthor,
      prolificUntil: PAGINATION_DEPTHS.filter((d) => d < botTimes.length).map((depth) => ({ depth, until: botTimes[depth] })),
      hashtags,
      threadRoots: roots,
      sampleIds,
      longContent,
    } satisfies DatasetFacts);
  }
}
