// A deliberately naive in-memory model of the store's semantics, for differential tests.
// Everything is a linear scan over a list; clarity over speed.
import type { Filter, NostrEvent } from '../../pkg/nostr/types.js';
import { matchFilter } from '../../pkg/nostr/filter.js';
import { dTagOf, kindClass } from '../../pkg/nostr/kinds.js';
import { expirationOf } from '../../pkg/nostr/nip-tags.js';
import type { PutStatus } from '../../pkg/store/types.js';

const newestFirst = (a: NostrEvent, b: NostrEvent) =>
  b.created_at - a.created_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export class ReferenceStore {
  events: NostrEvent[] = [];
  private deletedIds = new Map<string, string>(); // id → deleter pubkey
  private deletedAddr = new Map<string, number>(); // address → deletion created_at

  private address(ev: NostrEvent): string | undefined {
    const c = kindClass(ev.kind);
    if (c === 'replaceable') return `${ev.kind}:${ev.pubkey}:`;
    if (c === 'addressable') return `${ev.kind}:${ev.pubkey}:${dTagOf(ev)}`;
    return undefined;
  }

  put(ev: NostrEvent, now: number): PutStatus {
    if (this.events.some((e) => e.id === ev.id)) return 'duplicate';
    if (kindClass(ev.kind) === 'ephemeral') return 'ephemeral';
    const exp = expirationOf(ev);
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
        const c = kindClass(kind);
        if (c !== 'replaceable' && c !== 'addressable') continue;
        const addr = `${kind}:${m[2]}:${c === 'replaceable' ? '' : m[3]}`;
        this.deletedAddr.set(addr, Math.max(this.deletedAddr.get(addr) ?? -1, del.created_at));
        this.events = this.events.filter((e) => !(this.address(e) === addr && e.created_at <= del.created_at));
      }
    }
  }

  private live(now: number): NostrEvent[] {
    return this.events.filter((e) => {
      const exp = expirationOf(e);
      return exp === undefined || exp > now;
    });
  }

  query(filters: Filter[], maxLimit: number, now: number): NostrEvent[] {
    const out = new Map<string, NostrEvent>();
    const live = this.live(now).sort(newestFirst);
    for (const f of filters) {
      const limit = Math.min(f.limit ?? maxLimit, maxLimit);
      for (const e of live.filter((e) => matchFilter(f, e)).slice(0, Math.max(0, limit))) out.set(e.id, e);
    }
    return [...out.values()].sort(newestFirst);
  }

  count(filters: Filter[], now: number): number {
    return this.live(now).filter((e) => filters.some((f) => matchFilter(f, e))).length;
  }
}
