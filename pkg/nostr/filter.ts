// NIP-01 filters: the shape check for REQ/COUNT filters and matching of an
// event against them (used by live fan-out and post-filtering in the store).
//
// Decisions where NIP-01 leaves room:
// - ids and authors must be exact 64-lowercase-hex strings; prefix matching
//   was dropped from NIP-01, so a prefix is refused, not silently unmatched.
// - An empty array (`kinds: []`, `"#e": []`) matches nothing, like any list
//   with no member equal to the event's value. It is a valid filter.
// - since > until is valid and matches nothing.
// - limit only bounds the initial query; matching ignores it.
// - `search` (NIP-50) and any other unknown field are refused with a reason
//   naming the field, so a client learns why it got nothing.

import { isHex64 } from './hex.js';
import { MAX_KIND } from './event-shape.js';
import type { Checked, Filter, NostrEvent } from './types.js';

type TagKey = `#${string}`;

const TAG_KEY = /^#[a-zA-Z]$/;

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

function hexListProblem(key: string, x: unknown): string | undefined {
  if (!Array.isArray(x)) return `${key}: must be an array of 64-character lowercase hex strings`;
  for (let i = 0; i < x.length; i++) {
    if (!isHex64(x[i])) return `${key}[${i}]: must be 64 lowercase hex characters (prefixes are not supported)`;
  }
  return undefined;
}

function fail(reason: string): Checked<Filter> {
  return { ok: false, reason };
}

/**
 * Checks one REQ/COUNT filter. On success `value` is a new object holding
 * only the recognised fields, with arrays copied (so the caller's later
 * mutation of the input can not change a live subscription).
 */
export function checkFilterShape(x: unknown): Checked<Filter> {
  if (!isPlainObject(x)) return fail('filter: must be a JSON object');
  const out: Filter = {};
  for (const key of Object.keys(x)) {
    const v = x[key];
    switch (key) {
      case 'ids':
      case 'authors': {
        const reason = hexListProblem(key, v);
        if (reason !== undefined) return fail(reason);
        out[key] = (v as string[]).slice();
        break;
      }
      case 'kinds': {
        if (!Array.isArray(v)) return fail(`kinds: must be an array of integers from 0 to ${MAX_KIND}`);
        for (let i = 0; i < v.length; i++) {
          const k: unknown = v[i];
          if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k > MAX_KIND) {
            return fail(`kinds[${i}]: must be an integer from 0 to ${MAX_KIND}`);
          }
        }
        out.kinds = (v as number[]).slice();
        break;
      }
      case 'since':
      case 'until':
        if (!isCount(v)) return fail(`${key}: must be a non-negative integer (unix seconds)`);
        out[key] = v;
        break;
      case 'limit':
        if (!isCount(v)) return fail('limit: must be a non-negative integer');
        out.limit = v;
        break;
      case 'search':
        return fail('search: NIP-50 is not supported');
      default: {
        if (key[0] !== '#') return fail(`${key}: unknown filter field`);
        if (!TAG_KEY.test(key)) return fail(`${key}: tag filters must be "#" and one letter a-z or A-Z`);
        if (!Array.isArray(v)) return fail(`${key}: must be an array of strings`);
        for (let i = 0; i < v.length; i++) {
          if (typeof v[i] !== 'string') return fail(`${key}[${i}]: must be a string`);
        }
        out[key as TagKey] = (v as string[]).slice();
      }
    }
  }
  return { ok: true, value: out };
}

/** The tag conditions of a filter as [letter, values] pairs, e.g. [['e', [id1, id2]]]. */
export function filterTagKeys(f: Filter): [string, string[]][] {
  const out: [string, string[]][] = [];
  for (const key of Object.keys(f)) {
    if (key.length === 2 && key[0] === '#') {
      const values = f[key as TagKey];
      if (values !== undefined) out.push([key[1], values]);
    }
  }
  return out;
}

// Long lists (a follow list as `authors`, many `#e` ids) are matched through a
// Set built once per array and kept while the filter lives; short ones scan,
// which is faster than hashing. Filters are therefore treated as immutable
// once matched (checkFilterShape hands out private copies).
const SET_FROM_LENGTH = 16;
const memberSets = new WeakMap<readonly unknown[], Set<unknown>>();

function isMember<T>(list: readonly T[], value: T): boolean {
  if (list.length < SET_FROM_LENGTH) return list.includes(value);
  let set = memberSets.get(list);
  if (set === undefined) {
    set = new Set(list);
    memberSets.set(list, set);
  }
  return set.has(value);
}

/** True when some tag named `letter` has its first value (tag[1]) in `values`. */
function hasTagValue(ev: NostrEvent, letter: string, values: readonly string[]): boolean {
  for (const tag of ev.tags) {
    if (tag[0] === letter && tag.length > 1 && isMember(values, tag[1])) return true;
  }
  return false;
}

/**
 * NIP-01 match of one event against one (shape-checked) filter: every
 * condition present must hold. Tag conditions look only at the first value
 * of tags with that single-letter name; since and until are inclusive;
 * limit is ignored.
 */
export function matchFilter(f: Filter, ev: NostrEvent): boolean {
  if (f.ids !== undefined && !isMember(f.ids, ev.id)) return false;
  if (f.authors !== undefined && !isMember(f.authors, ev.pubkey)) return false;
  if (f.kinds !== undefined && !isMember(f.kinds, ev.kind)) return false;
  if (f.since !== undefined && ev.created_at < f.since) return false;
  if (f.until !== undefined && ev.created_at > f.until) return false;
  for (const key in f) {
    if (key.length !== 2 || key[0] !== '#') continue;
    const values = f[key as TagKey];
    if (values !== undefined && !hasTagValue(ev, key[1], values)) return false;
  }
  return true;
}

/** True when the event matches at least one of the filters (a REQ's filters are OR-ed). */
export function matchFilters(fs: readonly Filter[], ev: NostrEvent): boolean {
  for (const f of fs) {
    if (matchFilter(f, ev)) return true;
  }
  return false;
}
