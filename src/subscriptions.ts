// Live subscriptions and the index that finds which of them an event can match.
//
// Each filter is filed under its most selective condition (ids, else authors, else one tag
// condition, else kinds; a filter with none of those goes on the short "unindexed" list).
// For an event we look up its id, pubkey, kind and single-letter tag values, then run the
// full matchFilter only on those candidates: cost follows the number of plausible
// subscriptions, not the number of open ones.
import { filterTagKeys, matchFilter, type Filter, type NostrEvent } from '../pkg/nostr/index.js';

/** Who receives a subscription's events (a connection). */
export interface Subscriber {
  deliver(sub: LiveSubscription, event: NostrEvent, eventJson: string): void;
}

export class LiveSubscription {
  /** `["EVENT","<subId>",` — the frame is this + event JSON + `]`. */
  readonly frameHead: string;

  constructor(
    readonly id: string,
    readonly filters: readonly Filter[],
    readonly owner: Subscriber,
  ) {
    this.frameHead = `["EVENT",${JSON.stringify(id)},`;
  }

  frame(eventJson: string): string {
    return this.frameHead + eventJson + ']';
  }
}

interface Entry {
  sub: LiveSubscription;
  filter: Filter;
}

type Slot = { map: 'id' | 'author' | 'tag'; keys: string[] } | { map: 'kind'; keys: number[] } | { map: 'none' };

function slotOf(f: Filter): Slot {
  if (f.ids) return { map: 'id', keys: f.ids };
  if (f.authors) return { map: 'author', keys: f.authors };
  const tags = filterTagKeys(f);
  if (tags.length > 0) {
    // The tag condition with the fewest values is the narrowest.
    let best = tags[0];
    for (const t of tags) if (t[1].length < best[1].length) best = t;
    return { map: 'tag', keys: best[1].map((v) => best[0] + v) };
  }
  if (f.kinds) return { map: 'kind', keys: f.kinds };
  return { map: 'none' };
}

export class SubscriptionIndex {
  private readonly byId = new Map<string, Set<Entry>>();
  private readonly byAuthor = new Map<string, Set<Entry>>();
  private readonly byTag = new Map<string, Set<Entry>>();
  private readonly byKind = new Map<number, Set<Entry>>();
  private readonly unindexed = new Set<Entry>();
  private readonly entries = new Map<LiveSubscription, Entry[]>();

  /** Number of live subscriptions. */
  get size(): number {
    return this.entries.size;
  }

  add(sub: LiveSubscription): void {
    if (this.entries.has(sub)) return;
    const list: Entry[] = [];
    for (const filter of sub.filters) {
      const entry: Entry = { sub, filter };
      list.push(entry);
      this.file(entry, slotOf(filter), true);
    }
    this.entries.set(sub, list);
  }

  remove(sub: LiveSubscription): void {
    const list = this.entries.get(sub);
    if (!list) return;
    this.entries.delete(sub);
    for (const entry of list) this.file(entry, slotOf(entry.filter), false);
  }

  /** The subscriptions that match `ev` (each once). */
  matching(ev: NostrEvent): Set<LiveSubscription> {
    const out = new Set<LiveSubscription>();
    const consider = (set: Set<Entry> | undefined) => {
      if (!set) return;
      for (const e of set) if (!out.has(e.sub) && matchFilter(e.filter, ev)) out.add(e.sub);
    };
    consider(this.byId.get(ev.id));
    consider(this.byAuthor.get(ev.pubkey));
    consider(this.byKind.get(ev.kind));
    if (this.byTag.size > 0) {
      for (const tag of ev.tags) {
        if (tag.length > 1 && tag[0].length === 1) consider(this.byTag.get(tag[0] + tag[1]));
      }
    }
    consider(this.unindexed);
    return out;
  }

  /** Send `ev` (serialized once, as `eventJson`) to every matching subscription. */
  broadcast(ev: NostrEvent, eventJson: string): number {
    // Collect first: delivering may close a slow connection, which edits the index.
    const subs = this.matching(ev);
    for (const sub of subs) sub.owner.deliver(sub, ev, eventJson);
    return subs.size;
  }

  private file(entry: Entry, slot: Slot, adding: boolean): void {
    if (slot.map === 'none') {
      if (adding) this.unindexed.add(entry);
      else this.unindexed.delete(entry);
      return;
    }
    if (slot.map === 'kind') {
      for (const k of slot.keys) edit(this.byKind, k, entry, adding);
      return;
    }
    const map = slot.map === 'id' ? this.byId : slot.map === 'author' ? this.byAuthor : this.byTag;
    for (const k of slot.keys) edit(map, k, entry, adding);
  }
}

function edit<K>(map: Map<K, Set<Entry>>, key: K, entry: Entry, adding: boolean): void {
  let set = map.get(key);
  if (adding) {
    if (!set) map.set(key, (set = new Set()));
    set.add(entry);
  } else if (set) {
    set.delete(entry);
    if (set.size === 0) map.delete(key);
  }
}
