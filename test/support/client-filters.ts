// Random REQ filter groups shaped like real clients' (profiles, timelines, threads, mentions,
// hashtags, long-form by address, id lookups), drawn mostly from values present in a data set,
// with some that are not, for the query differential test and scripts/fuzz-queries.ts.
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import type { Filter, NostrEvent } from '../../pkg/nostr/types.js';

/** The values a data set holds, by filter field. */
export interface ValuePool {
  ids: string[];
  authors: string[];
  kinds: number[];
  tags: { e: string[]; p: string[]; t: string[]; d: string[] };
  createdAt: number[];
}

export function valuePool(events: NostrEvent[]): ValuePool {
  const tags = { e: new Set<string>(), p: new Set<string>(), t: new Set<string>(), d: new Set<string>() };
  for (const ev of events) {
    for (const t of ev.tags) {
      const set = tags[t[0] as keyof typeof tags];
      if (set && t.length > 1 && t[1].length <= 200) set.add(t[1]);
    }
  }
  const sorted = <T>(s: Iterable<T>) => [...new Set(s)].sort();
  return {
    ids: sorted(events.map((e) => e.id)),
    authors: sorted(events.map((e) => e.pubkey)),
    kinds: [...new Set(events.map((e) => e.kind))].sort((a, b) => a - b),
    tags: { e: sorted(tags.e), p: sorted(tags.p), t: sorted(tags.t), d: sorted(tags.d) },
    createdAt: [...new Set(events.map((e) => e.created_at))].sort((a, b) => a - b),
  };
}

const absentHex = fc.nat().map((n) => createHash('sha256').update(`absent-${n}`).digest('hex'));

/** 1–20 values, mostly from `present` (short lists most often, as clients send), some absent. */
function values<T>(present: readonly T[], absent: fc.Arbitrary<T>): fc.Arbitrary<T[]> {
  const one = present.length ? fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...present) }, { weight: 1, arbitrary: absent }) : absent;
  return fc.oneof(
    { weight: 5, arbitrary: fc.array(one, { minLength: 1, maxLength: 3 }) },
    { weight: 3, arbitrary: fc.array(one, { minLength: 1, maxLength: 8 }) },
    { weight: 2, arbitrary: fc.array(one, { minLength: 1, maxLength: 20 }) },
  );
}

/** Hashtags as clients send them: as stored, or re-cased ("Bitcoin" for "bitcoin"). */
function hashtags(pool: ValuePool): fc.Arbitrary<string[]> {
  const recased = fc.tuple(fc.constantFrom(...(pool.tags.t.length ? pool.tags.t : ['nostr'])), fc.nat(2)).map(([t, how]) =>
    how === 0 ? t.toLowerCase() : how === 1 ? t.toUpperCase() : t.charAt(0).toUpperCase() + t.slice(1).toLowerCase(),
  );
  const absent = fc.constantFrom('no-such-tag', 'zzz', 'Nostr ');
  return values(pool.tags.t, fc.oneof({ weight: 2, arbitrary: recased }, { weight: 1, arbitrary: absent }));
}

/** A timestamp at, just before or just after one that exists (since/until are inclusive). */
function instant(pool: ValuePool): fc.Arbitrary<number> {
  const at = pool.createdAt.length ? fc.constantFrom(...pool.createdAt) : fc.constant(1_700_000_000);
  return fc.tuple(at, fc.constantFrom(-1, 0, 0, 0, 1)).map(([t, d]) => Math.max(0, t + d));
}

/** limit: absent, 0, 1, small, large, or above the relay's max_limit. */
export function limitArb(maxLimit: number): fc.Arbitrary<number | undefined> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constant(0) },
    { weight: 2, arbitrary: fc.constant(1) },
    { weight: 5, arbitrary: fc.integer({ min: 2, max: 40 }) },
    { weight: 2, arbitrary: fc.integer({ min: 41, max: maxLimit }) },
    { weight: 1, arbitrary: fc.integer({ min: maxLimit + 1, max: maxLimit * 4 }) },
  );
}

function filterArb(pool: ValuePool, maxLimit: number): fc.Arbitrary<Filter> {
  const absentKind = fc.constantFrom(2, 4, 9999, 31234, 65535);
  const fields = {
    ids: values(pool.ids, absentHex),
    authors: values(pool.authors, absentHex),
    kinds: values(pool.kinds, absentKind),
    '#e': values(pool.tags.e, absentHex),
    '#p': values(pool.tags.p, absentHex),
    '#t': hashtags(pool),
    '#d': values(pool.tags.d, fc.constantFrom('', 'no-such-d')),
    since: instant(pool),
    until: instant(pool),
    limit: limitArb(maxLimit),
  };
  const pick = (keys: (keyof typeof fields)[]) =>
    fc.record(Object.fromEntries(keys.map((k) => [k, fields[k]])) as Record<string, fc.Arbitrary<unknown>>, { requiredKeys: [] });
  // Shapes clients send, each with its optional extras; plus fully random combinations.
  const shapes = fc.oneof(
    { weight: 2, arbitrary: pick(['authors', 'kinds', 'limit']) }, // profiles, timelines
    { weight: 2, arbitrary: pick(['authors', 'kinds', 'since', 'until', 'limit']) },
    { weight: 2, arbitrary: pick(['#e', 'kinds', 'limit']) }, // replies, reactions, zaps
    { weight: 2, arbitrary: pick(['#p', 'kinds', 'since', 'limit']) }, // mentions, notifications
    { weight: 3, arbitrary: pick(['#t', 'kinds', 'since', 'until', 'limit']) }, // hashtag feeds
    { weight: 1, arbitrary: pick(['kinds', 'authors', '#d', 'limit']) }, // addressable by coordinate
    { weight: 1, arbitrary: pick(['ids', 'kinds', 'limit']) }, // lookups
    { weight: 1, arbitrary: pick(['kinds', 'since', 'until', 'limit']) }, // global feed
    { weight: 2, arbitrary: pick(Object.keys(fields) as (keyof typeof fields)[]) },
  );
  // An absent limit is left out of the object, as a client's JSON would.
  return shapes.map((f) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(f)) if (v !== undefined) out[k] = v;
    return out as Filter;
  });
}

/** A REQ's filters: 1–5 of them. */
export function filterGroupArb(pool: ValuePool, maxLimit: number): fc.Arbitrary<Filter[]> {
  return fc.array(filterArb(pool, maxLimit), { minLength: 1, maxLength: 5 });
}
