// Per filter: pick the most selective index and compile the checks it does not cover.
import type { Filter } from '../../nostr/types.js';
import type { RecordView } from '../layout/record.js';
import {
  SUFFIX_BYTES,
  createdAtPrefix,
  endSuffix,
  kindPrefix,
  pubkeyKindPrefix,
  pubkeyPrefix,
  seekSuffix,
  tagPrefix,
} from '../layout/keys.js';

/** Above this many pubkey·kind pairs, walk the pubkey index and post-filter kinds instead. */
const MAX_PAIR_CURSORS = 256;

export interface RangeSpec {
  start: Buffer;
  end: Buffer;
  prefixLength: number;
}

export interface FilterPlan {
  /** Direct id lookups (the `ids` condition). */
  ids?: Buffer[];
  /** Index ranges to merge newest-first. */
  ranges: RangeSpec[];
  /** Remaining checks against the stored record (all conditions, re-checked cheaply). */
  matches: (r: RecordView) => boolean;
  /** True when the ranges alone decide a match (no post-filter needed to count). */
  covered: boolean;
  limit: number;
  since: number;
  until: number;
  /** Human-readable index choice, for logs and tests. */
  index: 'ids' | 'tag' | 'pubkey-kind' | 'pubkey' | 'kind' | 'created-at' | 'none';
}

function range(prefix: Buffer, since: number, until: number): RangeSpec {
  const start = Buffer.allocUnsafe(prefix.length + SUFFIX_BYTES);
  prefix.copy(start);
  seekSuffix(start, prefix.length, until);
  const end = Buffer.allocUnsafe(prefix.length + SUFFIX_BYTES + 1);
  prefix.copy(end);
  endSuffix(end, prefix.length, since);
  end[end.length - 1] = 0xff;
  return { start, end, prefixLength: prefix.length };
}

export function planFilter(f: Filter, maxLimit: number): FilterPlan {
  const since = f.since ?? 0;
  const until = Math.min(f.until ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const limit = Math.min(f.limit ?? maxLimit, maxLimit);
  const tagConds: [string, Set<string>][] = [];
  for (const key of Object.keys(f)) {
    if (key.length === 2 && key[0] === '#') tagConds.push([key[1], new Set(f[key as `#${string}`] ?? [])]);
  }
  const authors = f.authors ? new Set(f.authors) : undefined;
  const kinds = f.kinds ? new Set(f.kinds) : undefined;
  const ids = f.ids ? new Set(f.ids) : undefined;

  const matches = (r: RecordView): boolean => {
    const ts = r.createdAt;
    if (ts < since || ts > until) return false;
    if (kinds && !kinds.has(r.kind)) return false;
    if (authors && !authors.has(r.pubkey)) return false;
    if (ids && !ids.has(r.id)) return false;
    for (const [letter, values] of tagConds) if (!r.hasTag(letter, values)) return false;
    return true;
  };

  const base = { matches, limit, since, until };
  const empty =
    since > until ||
    limit <= 0 ||
    (ids && ids.size === 0) ||
    (authors && authors.size === 0) ||
    (kinds && kinds.size === 0) ||
    tagConds.some(([, v]) => v.size === 0);
  if (empty) return { ...base, ranges: [], covered: true, index: 'none' };

  if (ids) return { ...base, ids: [...ids].map((id) => Buffer.from(id, 'hex')), ranges: [], covered: false, index: 'ids' };

  const pk = (hex: string) => Buffer.from(hex, 'hex');
  if (tagConds.length) {
    let best = tagConds[0];
    for (const t of tagConds) if (t[1].size < best[1].size) best = t;
    const ranges = [...best[1]].map((v) => range(tagPrefix(best[0], v), since, until));
    return { ...base, ranges, covered: false, index: 'tag' };
  }
  if (authors && kinds && authors.size * kinds.size <= MAX_PAIR_CURSORS) {
    const ranges: RangeSpec[] = [];
    for (const a of authors) for (const k of kinds) ranges.push(range(pubkeyKindPrefix(pk(a), k), since, until));
    return { ...base, ranges, covered: true, index: 'pubkey-kind' };
  }
  if (authors) {
    const ranges = [...authors].map((a) => range(pubkeyPrefix(pk(a)), since, until));
    return { ...base, ranges, covered: !kinds, index: 'pubkey' };
  }
  if (kinds) return { ...base, ranges: [...kinds].map((k) => range(kindPrefix(k), since, until)), covered: true, index: 'kind' };
  return { ...base, ranges: [range(createdAtPrefix(), since, until)], covered: true, index: 'created-at' };
}
