// The shape of the generated data set: who posts, what kinds, how big, who replies to whom.
// A pure, seeded generator of unsigned events with their ids; dataset.ts signs and caches them.
import { createHash } from 'node:crypto';
import { SeededRandom, ZipfSampler } from './random.js';

export interface UnsignedWithId {
  id: string;
  pubkey: string;
  created_at: number;
  kind: number;
  tags: string[][];
  content: string;
  /** Index of the author (its popularity rank); the signer derives the key from it. */
  author: number;
}

export interface GeneratorPlan {
  seed: string;
  /** Events in the preload set (what a store holds before the read workloads). */
  size: number;
  /** Extra newer events kept back for write workloads (burst, mixed). */
  fresh: number;
  authors: number;
  /** Unix seconds: the newest created_at of the preload set. */
  epoch: number;
  /** Seconds covered by the preload set. */
  span: number;
}

/** What the read workloads need to aim realistic queries at the data. */
export interface DatasetFacts {
  authors: string[]; // pubkeys, most active first
  hashtags: string[]; // most used first
  threadRoots: string[]; // root note ids, most replied-to first (top 2,000)
  noteIds: string[]; // a sample of kind-1 ids, newest first (up to 5,000)
  deepAuthor: { pubkey: string; notes: number };
  kinds: Record<string, number>;
  payloadBytes: { total: number; p50: number; p90: number; p99: number; max: number };
  createdAt: { min: number; max: number };
}

const WORDS = (
  'the a of and to in is it that was for on are with as be at this have from or one had by word but not ' +
  'what all were we when your can said there use an each which she do how their if will up other about out ' +
  'many then them these so some her would make like him into time has look two more write go see number no ' +
  'way could people my than first water been call who oil its now find long down day did get come made may ' +
  'part nostr relay bitcoin lightning zap note key sign event filter client tag thread reply coffee music'
).split(' ');

const NAMED_TAGS = ['nostr', 'bitcoin', 'plebchain', 'grownostr', 'art', 'music', 'photography', 'food', 'dev'];
const REACTIONS = ['+', '+', '+', '🤙', '❤️', '-', '⚡'];

export function hashtagVocabulary(count: number): string[] {
  const tags = [...NAMED_TAGS];
  for (let i = 0; tags.length < count; i++) tags.push(`topic${i}`);
  return tags;
}

/** Canonical NIP-01 id: sha256 of [0,pubkey,created_at,kind,tags,content]. */
export function eventId(e: Omit<UnsignedWithId, 'id' | 'author'>): string {
  const serial = JSON.stringify([0, e.pubkey, e.created_at, e.kind, e.tags, e.content]);
  return createHash('sha256').update(serial).digest('hex');
}

function text(rng: SeededRandom, bytes: number): string {
  const parts: string[] = [];
  let length = 0;
  while (length < bytes) {
    const word = rng.pick(WORDS);
    parts.push(word);
    length += word.length + 1;
  }
  return parts.join(rng.chance(0.05) ? '\n' : ' ').slice(0, Math.max(1, bytes));
}

interface NoteRef {
  id: string;
  pubkey: string;
}

/**
 * Yields the preload set followed by the fresh set, oldest first, so replies and reactions
 * always point at events that exist earlier in the stream.
 */
export class EventGenerator {
  private readonly rng: SeededRandom;
  private readonly authorRank: ZipfSampler;
  private readonly tagRank: ZipfSampler;
  private readonly hashtags: string[];
  private readonly notes: NoteRef[] = [];
  private readonly replies = new Map<string, number>();
  private readonly kinds: Record<string, number> = {};
  private readonly noteCounts: number[];
  private minCreated = Infinity;
  private maxCreated = 0;

  constructor(
    private readonly plan: GeneratorPlan,
    private readonly pubkeys: string[],
  ) {
    this.rng = new SeededRandom(`${plan.seed}/events`);
    this.authorRank = new ZipfSampler(plan.authors, 1.0);
    this.hashtags = hashtagVocabulary(300);
    this.tagRank = new ZipfSampler(this.hashtags.length, 1.1);
    this.noteCounts = new Array<number>(plan.authors).fill(0);
  }

  /**
   * created_at of the i-th event: the preload set evenly over the span ending at epoch; fresh
   * events continue after epoch at the same pace but within two days, so they are never in
   * the future (dataset.ts keeps epoch at least two days in the past).
   */
  private timeOf(i: number): number {
    const { epoch, span, size, fresh } = this.plan;
    if (i < size) return epoch - span + Math.floor((i * span) / Math.max(1, size)) + this.rng.int(3);
    const step = Math.min(span / Math.max(1, size), (2 * 86_400) / Math.max(1, fresh));
    return epoch + Math.floor((i - size) * step) + this.rng.int(3);
  }

  *events(): Generator<UnsignedWithId> {
    const total = this.plan.size + this.plan.fresh;
    const a = this.plan.authors;
    for (let i = 0; i < total; i++) {
      let author: number;
      let draft: Omit<UnsignedWithId, 'id' | 'pubkey' | 'author'>;
      const created_at = this.timeOf(i);
      // Every author first publishes a profile and a contact list, then the Zipf stream begins.
      if (i < a && i < this.plan.size / 4) draft = this.profile((author = i), created_at);
      else if (i < 2 * a && i < this.plan.size / 2) draft = this.contacts((author = i - a), created_at);
      else draft = this.activity((author = this.authorRank.sample(this.rng)), created_at);
      const pubkey = this.pubkeys[author];
      const event = { pubkey, ...draft };
      const id = eventId(event);
      const full: UnsignedWithId = { id, ...event, author };
      if (i < this.plan.size) this.observe(full);
      yield full;
    }
  }

  private profile(author: number, created_at: number) {
    const content = JSON.stringify({
      name: `bench${author}`,
      about: text(this.rng, Math.floor(this.rng.logNormal(Math.log(80), 0.8))),
      picture: `https://example.com/avatar/${author}.png`,
    });
    return { created_at, kind: 0, tags: [] as string[][], content };
  }

  private contacts(author: number, created_at: number) {
    const follows = new Set<number>();
    const want = Math.min(this.plan.authors - 1, 20 + this.rng.int(80));
    for (let tries = 0; follows.size < want && tries < want * 4; tries++) {
      const f = this.authorRank.sample(this.rng);
      if (f !== author) follows.add(f);
    }
    const tags = [...follows].map((f) => ['p', this.pubkeys[f]]);
    return { created_at, kind: 3, tags, content: '' };
  }

  private target(): NoteRef | undefined {
    if (this.notes.length === 0) return undefined;
    // Recent notes draw most replies and reactions (cubic skew toward the newest).
    const window = Math.min(this.notes.length, 5000);
    const offset = Math.floor(window * Math.pow(this.rng.next(), 3));
    return this.notes[this.notes.length - 1 - offset];
  }

  private noteTags(): string[][] {
    const tags: string[][] = [];
    if (this.rng.chance(0.3)) {
      const n = 1 + this.rng.int(3);
      for (let k = 0; k < n; k++) tags.push(['t', this.hashtags[this.tagRank.sample(this.rng)]]);
    }
    return tags;
  }

  private activity(author: number, created_at: number) {
    const roll = this.rng.next();
    const target = this.target();
    if (roll < 0.2 && target) {
      return {
        created_at,
        kind: 7,
        tags: [['e', target.id], ['p', target.pubkey]],
        content: this.rng.pick(REACTIONS),
      };
    }
    if (roll < 0.26 && target) {
      return { created_at, kind: 6, tags: [['e', target.id, ''], ['p', target.pubkey]], content: '' };
    }
    if (roll < 0.42 && target) {
      const tags = [['e', target.id, '', 'root'], ['p', target.pubkey], ...this.noteTags()];
      return { created_at, kind: 1, tags, content: this.noteText() };
    }
    if (roll < 0.44) {
      // Long-form: a few KB to tens of KB.
      const bytes = Math.min(48_000, Math.floor(this.rng.logNormal(Math.log(4000), 0.9)));
      const slug = `article-${author}-${this.rng.int(1e9)}`;
      const tags = [['d', slug], ['title', text(this.rng, 40)], ...this.noteTags()];
      return { created_at, kind: 30023, tags, content: text(this.rng, Math.max(500, bytes)) };
    }
    if (roll < 0.445) return this.profile(author, created_at);
    if (roll < 0.45) return this.contacts(author, created_at);
    return { created_at, kind: 1, tags: this.noteTags(), content: this.noteText() };
  }

  /** Notes: median ~140 bytes, a long tail to several KB. */
  private noteText(): string {
    const bytes = Math.min(16_000, Math.max(2, Math.floor(this.rng.logNormal(Math.log(140), 1.0))));
    return text(this.rng, bytes);
  }

  private observe(e: UnsignedWithId): void {
    this.kinds[e.kind] = (this.kinds[e.kind] ?? 0) + 1;
    this.minCreated = Math.min(this.minCreated, e.created_at);
    this.maxCreated = Math.max(this.maxCreated, e.created_at);
    if (e.kind === 1) {
      const root = e.tags.find((t) => t[0] === 'e');
      if (root) this.replies.set(root[1], (this.replies.get(root[1]) ?? 0) + 1);
      else this.notes.push({ id: e.id, pubkey: e.pubkey });
      this.noteCounts[e.author]++;
    }
  }

  /** Facts about the preload set, once the generator has run; `lineBytes` = its JSONL line sizes. */
  summarize(lineBytes: ArrayLike<number>): DatasetFacts {
    const sizes = Float64Array.from(lineBytes).sort();
    const at = (q: number) => (sizes.length ? sizes[Math.min(sizes.length - 1, Math.floor(q * sizes.length))] : 0);
    const roots = [...this.replies.entries()].sort((x, y) => y[1] - x[1]).slice(0, 2000);
    let deep = 0;
    for (let i = 1; i < this.noteCounts.length; i++) if (this.noteCounts[i] > this.noteCounts[deep]) deep = i;
    const noteIds: string[] = [];
    for (let i = this.notes.length - 1; i >= 0 && noteIds.length < 5000; i--) noteIds.push(this.notes[i].id);
    return {
      authors: this.pubkeys,
      hashtags: this.hashtags,
      threadRoots: roots.map(([id]) => id),
      noteIds,
      deepAuthor: { pubkey: this.pubkeys[deep], notes: this.noteCounts[deep] },
      kinds: this.kinds,
      payloadBytes: {
        total: sizes.reduce((s, v) => s + v, 0),
        p50: at(0.5),
        p90: at(0.9),
        p99: at(0.99),
        max: sizes.length ? sizes[sizes.length - 1] : 0,
      },
      createdAt: { min: this.minCreated, max: this.maxCreated },
    };
  }
}
