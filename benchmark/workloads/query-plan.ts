// The read mix: which queries a client population sends and how often, aimed at the data set
// with Zipf-skewed popularity (popular authors, threads, tags and notes are asked for most).
import type { Filter } from '../../pkg/nostr/types.js';
import type { DatasetFacts } from '../dataset-generate.js';
import { SeededRandom, ZipfSampler } from '../random.js';

export type QueryType = 'profile' | 'timeline' | 'thread' | 'replies' | 'hashtag' | 'byId';

export const QUERY_TYPES: QueryType[] = ['profile', 'timeline', 'thread', 'replies', 'hashtag', 'byId'];

/** Share of each query type in the mix. */
export const QUERY_WEIGHTS: Record<QueryType, number> = {
  profile: 0.22,
  timeline: 0.18,
  thread: 0.12,
  replies: 0.13,
  hashtag: 0.1,
  byId: 0.25,
};

export interface PlannedQuery {
  type: QueryType;
  filters: Filter[];
}

export interface QueryPlanOptions {
  /** Follows per timeline (issue 4: 50; issue 3's relay target uses 20). */
  timelineAuthors?: number;
  /** Distinct readers whose timelines are asked for (each has a fixed follow list). */
  readers?: number;
  exponent?: number;
  /** Restrict the mix to these types (weights renormalised). */
  types?: QueryType[];
}

/** Issue 3's "typical queries": profile, 20-author timeline, #e replies, #t hashtag. */
export const TYPICAL_PLAN: QueryPlanOptions = { types: ['profile', 'timeline', 'replies', 'hashtag'], timelineAuthors: 20 };

export class QueryPlanner {
  private readonly rng: SeededRandom;
  private readonly authorZipf: ZipfSampler;
  private readonly rootZipf: ZipfSampler;
  private readonly tagZipf: ZipfSampler;
  private readonly idZipf: ZipfSampler;
  private readonly readerZipf: ZipfSampler;
  private readonly follows: string[][] = [];
  private readonly cumulative: [QueryType, number][];

  constructor(
    private readonly facts: DatasetFacts,
    seed: string,
    options: QueryPlanOptions = {},
  ) {
    const s = options.exponent ?? 1.0;
    this.rng = new SeededRandom(`${seed}/queries`);
    this.authorZipf = new ZipfSampler(facts.authors.length, s);
    this.rootZipf = new ZipfSampler(Math.max(1, facts.threadRoots.length), s);
    this.tagZipf = new ZipfSampler(facts.hashtags.length, s);
    this.idZipf = new ZipfSampler(Math.max(1, facts.noteIds.length), s);
    const readers = options.readers ?? 200;
    this.readerZipf = new ZipfSampler(readers, s);
    const want = Math.min(options.timelineAuthors ?? 50, facts.authors.length);
    const followRng = new SeededRandom(`${seed}/follows`);
    for (let r = 0; r < readers; r++) {
      const set = new Set<string>();
      for (let tries = 0; set.size < want && tries < want * 20; tries++) set.add(facts.authors[this.authorZipf.sample(followRng)]);
      this.follows.push([...set]);
    }
    let sum = 0;
    const types = options.types?.length ? options.types : QUERY_TYPES;
    this.cumulative = types.map((t) => [t, (sum += QUERY_WEIGHTS[t])]);
  }

  next(): PlannedQuery {
    const u = this.rng.next() * this.cumulative[this.cumulative.length - 1][1];
    const type = this.cumulative.find(([, c]) => u < c)?.[0] ?? 'byId';
    return this.of(type);
  }

  /** A query of one type (the per-type latency breakdown and the relay targets use these). */
  of(type: QueryType): PlannedQuery {
    const f = this.facts;
    switch (type) {
      case 'profile':
        return { type, filters: [{ kinds: [0], authors: [f.authors[this.authorZipf.sample(this.rng)]], limit: 1 }] };
      case 'timeline':
        return { type, filters: [{ kinds: [1, 6], authors: this.follows[this.readerZipf.sample(this.rng)], limit: 50 }] };
      case 'thread': {
        const root = f.threadRoots[this.rootZipf.sample(this.rng)] ?? f.noteIds[0];
        return { type, filters: [{ ids: [root] }, { '#e': [root], kinds: [1, 6, 7], limit: 100 }] };
      }
      case 'replies': {
        const root = f.threadRoots[this.rootZipf.sample(this.rng)] ?? f.noteIds[0];
        return { type, filters: [{ kinds: [1], '#e': [root], limit: 50 }] };
      }
      case 'hashtag':
        return { type, filters: [{ kinds: [1], '#t': [f.hashtags[this.tagZipf.sample(this.rng)]], limit: 50 }] };
      case 'byId':
        return { type, filters: [{ ids: [f.noteIds[this.idZipf.sample(this.rng)]] }] };
    }
  }
}
