// A deliberately naive in-memory model of the store's semantics, for differential tests.
// It restates every rule from the NIPs itself (kind classes, `d` tags, expiration, filter matching)
// instead of importing the project's helpers, so a bug there cannot hide in both sides at once.
// Everything is a linear scan over a list; clarity over speed.
import type { Filter, NostrEvent } from '../../pkg/nostr/types.js';
import type { PutStatus } from '../../pkg/store/base/types.js';

type KindClass = 'regular' | 'replaceable' | 'ephemeral' | 'addressable';

// NIP-01 kind ranges.
function classOf(kind: number): KindClass {
  if (kind === 0 || kind === 3 || (kind >= 10000 && kind < 20000)) return 'replaceable';
  if (kind >= 20000 && kind < 30000) return 'ephemeral';
  if (kind >= 30000 && kind < 40000) return 'addressable';
  return 'regular';
}

/** NIP-01: the first `d` tag's value; no `d` tag counts as "". */
function dValue(ev: NostrEvent): string {
  const d = ev.tags.find((t) => t[0] === 'd');
  return d ? (d[1] ?? '') : '';
}

/** NIP-40: the first `expiration` tag holding a plain decimal number; malformed ones are ignored. */
function expiresAt(ev: NostrEvent): number | undefined {
  for (const t of ev.tags) {
    if (t[0] === 'expiration' && typeof t[1] === 'string' && /^(0|[1-9][0-9]{0,15})$/.test(t[1])) {
      const n = Number(t[1]);
      if (Number.isSafeInteger(n)) return n;
    }
  }
  return undefined;
}

// Per event: tag name → the set of first values of the tags with that name. Built once per event
// (a follow list has thousands of tags); the lookup is then plain set membership.
const tagValueSets = new WeakMap<NostrEvent, Map<string, Set<string>>>();
function tagValues(ev: NostrEvent, name: string): Set<string> | undefined {
  let byName = tagValueSets.get(ev);
  if (!byName) {
    byName = new Map();
    for (const t of ev.tags) {
      if (t.length < 2) continue;
      let set = byName.get(t[0]);
      if (!set) byName.set(t[0], (set = new Set()));
      set.add(t[1]);
    }
    tagValueSets.set(ev, byName);
  }
  return byName.get(name);
}

/** NIP-01 filter semantics: every present field must hold; tag filters test each tag's first value. */
export function modelMatcher(f: Filter): (ev: NostrEvent) => boolean {
  const tagConds = Object.entries(f).filter(([key]) => /^#[a-zA-Z]$/.test(key)) as [string, string[]][];
  return (ev) => {
    if (f.ids && !f.ids.includes(ev.id)) return false;
    if (f.authors && !f.authors.includes(ev.pubkey)) return false;
    if (f.kinds && !f.kinds.includes(ev.kind)) return false;
    if (f.since !== undefined && ev.created_at < f.since) return false;
    if (f.until !== undefined && ev.created_at > f.until) return false;
    for (const [key, wanted] of tagConds) {
      const have = tagValues(ev, key[1]);
      if (!have || !wanted.some((v) => have.has(v))) return false;
    }
    return true;
  };
}

/** Newest first; equal created_at: lowest id first. */
export const newestFirst = (a: NostrEvent, b: NostrEvent) =>
  b.created_at - a.created_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export interface ModelQueryOptions {
  /** A filter's limit is clamped to this. */
  maxLimit: number;
  /** The limit of a filter without one (the store API uses maxLimit; the relay its defaultLimit). */
  defaultLimit?: number;
  /** Which events this reader may see (read gating). */
  readable?: (ev: NostrEvent) => boolean;
}

export class ReferenceStore {
  events: NostrEvent[] = [];
  private deletedIds = new Map<string, string>(); // id → deleter pubkey
  private deletedAddr = new Map<string, number>(); // address → deletion created_at

  private address(ev: NostrEvent): string | undefined {
    const c = classOf(ev.kind);
    if (c === 'replaceable') return `${ev.kind}:${ev.pubkey}:`;
    if (c === 'addressable') return `${ev.kind}:${ev.pubkey}:${dValue(ev)}`;
    return undefined;
  }

  put(ev: NostrEvent, now: number): PutStatus {
    if (this.events.some((e) => e.id === ev.id)) return 'duplicate';
    if (classOf(ev.kind) === 'ephemeral') return 'ephemeral';
    const exp = expiresAt(ev);
    if (exp !== undefined && exp <= now) return 'expired';
    if (ev.kind !== 5 && this.deletedIds.get(ev.id) === ev.pubkey) return 'deleted';
    const addr = this.address(ev);
    if (addr) {
      const deletedAt = this.deletedAddr.get(addr);
      if (deletedAt !== undefined && deletedAt >= ev.created_at) return 'deleted';
      const cur = this.events.find((e) => this.address(e) === addr);
      if (cur) {
        if (cur.created_at > ev.created_at || (cur.created_at === ev.created_at && cur.id < ev.id)) return 'replaced-older';
        this.events = this.events.filter((e) => e !== cur);
      }
    }
    this.events.push(ev);
    if (ev.kind === 5) this.applyDeletion(ev);
    return 'stored';
  }

  // NIP-09: `e` removes the author's own non-deletion events and keeps them from coming back;
  // `a` removes the author's versions of that address up to the deletion's created_at.
  private applyDeletion(del: NostrEvent): void {
    for (const t of del.tags) {
      if (t[0] === 'e' && /^[0-9a-f]{64}$/.test(t[1] ?? '')) {
        const target = this.events.find((e) => e.id === t[1]);
        if (target && (target.kind === 5 || target.pubkey !== del.pubkey)) continue;
        if (target) this.events = this.events.filter((e) => e !== target);
        this.deletedIds.set(t[1], del.pubkey);
      } else if (t[0] === 'a' && typeof t[1] === 'string') {
        const m = /^(\d{1,5}):([0-9a-f]{64}):(.*)$/s.exec(t[1]);
        if (!m || m[2] !== del.pubkey) continue;
        const kind = Number(m[1]);
        const c = classOf(kind);
        if (c !== 'replaceable' && c !== 'addressable') continue;
        const addr = `${kind}:${m[2]}:${c === 'replaceable' ? '' : m[3]}`;
        this.deletedAddr.set(addr, Math.max(this.deletedAddr.get(addr) ?? -1, del.created_at));
        this.events = this.events.filter((e) => !(this.address(e) === addr && e.created_at <= del.created_at));
      }
    }
  }

  /** The events a reader sees at `now`, newest first. */
  live(now: number, readable?: (ev: NostrEvent) => boolean): NostrEvent[] {
    return this.events
      .filter((e) => {
        const exp = expiresAt(e);
        return (exp === undefined || exp > now) && (!readable || readable(e));
      })
      .sort(newestFirst);
  }

  /** Per filter its newest `limit` matches; the union of those, deduplicated, newest first. */
  query(filters: Filter[], limits: number | ModelQueryOptions, now: number, live?: NostrEvent[]): NostrEvent[] {
    const o = typeof limits === 'number' ? { maxLimit: limits } : limits;
    const candidates = live ?? this.live(now, o.readable);
    const out = new Map<string, NostrEvent>();
    for (const f of filters) {
      const limit = Math.min(f.limit ?? o.defaultLimit ?? o.maxLimit, o.maxLimit);
      if (limit <= 0) continue;
      const matches = modelMatcher(f);
      let taken = 0;
      for (const e of candidates) {
        if (!matches(e)) continue;
        out.set(e.id, e);
        if (++taken === limit) break;
      }
    }
    return [...out.values()].sort(newestFirst);
  }

  /** Distinct events matching any filter; limits do not apply to a count. */
  count(filters: Filter[], now: number, live?: NostrEvent[], readable?: (ev: NostrEvent) => boolean): number {
    const matchers = filters.map(modelMatcher);
    return (live ?? this.live(now, readable)).filter((e) => matchers.some((m) => m(e))).length;
  }
}
