// Nostr write semantics for one batch: duplicates, replaceable and addressable versions, NIP-09
// deletions, NIP-40 expiration. Import and the relay both land here.
//
// A WriteTxn decides first and writes last: apply() reads the committed state plus what this batch
// already decided (an overlay), and only queues writes; writeOut() issues them all at once. So the
// writes can go out as one lmdb-js async batch (executed by lmdb-js's write thread, atomic, durable
// when its promise resolves) while the main thread goes on, and a bug or bad input halfway through a
// batch leaves nothing half-written. Inside env.childTransaction (GC, sweeper) writeOut() is synchronous.
// A batch decided while the previous one is still committing reads that one's overlay too (`parent`),
// until it is committed (then LMDB answers the same) or failed (then this batch fails with it).
import type { NostrEvent } from '../../nostr/types.js';
import { isAddressable, isReplaceable } from '../../nostr/kinds.js';
import type { PutResult } from '../base/types.js';
import type { PreparedEvent } from './prepared-event.js';
import type { StoreDatabases } from '../base/schema.js';
import { addKind, addSegmentLive, type CountersData } from './store-counters.js';
import { addressKey, readU64, serialKey, writeU64 } from '../layout/keys.js';
import { RecordView } from '../layout/record.js';
import { indexKeysOf } from '../layout/index-entries.js';
import type { Database } from 'lmdb';

const EMPTY = Buffer.alloc(0);

/** What one transaction changed, for the cache and counters after commit. */
export interface TxnEffects {
  removedSerials: number[];
  storedSerials: number[];
}

type Db = Database<Buffer, Buffer>;

/** One queued write: a put (value set) or a removal, and the key's value before it (null: absent). */
interface QueuedWrite {
  db: Db;
  key: Buffer;
  value: Buffer | undefined;
  prior: Buffer | null;
  /** The key sorts after every key in `db` (a new serial's record): LMDB appends, filling pages. */
  append: boolean;
}

const APPEND = { append: true } as const;
/** lmdb-js put with put flags: its implementation takes them (write.js), its typings leave them out. */
type PutWithFlags = (this: Db, key: Buffer, value: Buffer, flags: typeof APPEND) => unknown;

export class WriteTxn {
  readonly effects: TxnEffects = { removedSerials: [], storedSerials: [] };
  private writes: QueuedWrite[] = [];
  // What this batch decided, keyed by hex id / serial / latin1 key; null = removed in this batch.
  private readonly ids = new Map<string, number | null>();
  private readonly records = new Map<number, Buffer | null>();
  private readonly addresses = new Map<string, number | null>();
  private readonly deletedIds = new Map<string, Buffer>();
  private readonly deletedAddresses = new Map<string, number>();

  /** False once this batch's writes are committed or have failed: LMDB alone answers from then on. */
  committing = true;

  constructor(
    private readonly db: StoreDatabases,
    private readonly counters: CountersData,
    private readonly now: number,
    private parent?: WriteTxn,
  ) {}

  /** The batch's writes are committed (or failed): later batches stop reading its overlay. */
  settled(): void {
    this.committing = false;
    this.parent = undefined;
  }

  /** This batch's decision for `key` in one overlay, else the nearest uncommitted parent's. */
  private decided<K, V>(pick: (t: WriteTxn) => Map<K, V>, key: K): V | undefined {
    const own = pick(this).get(key);
    if (own !== undefined) return own;
    for (let t = this.parent; t && t.committing; t = t.parent) {
      const v = pick(t).get(key);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  /**
   * Issue every queued write, in decision order. If one throws, the ones already issued are put back
   * (newest first) in the same batch before rethrowing, so the batch lands as nothing at all: an
   * lmdb-js async batch cannot be aborted once writes are handed to it.
   */
  writeOut(): void {
    const writes = this.writes;
    let i = 0;
    try {
      for (; i < writes.length; i++) {
        const w = writes[i];
        if (w.value === undefined) w.db.remove(w.key);
        else if (w.append) (w.db.put as unknown as PutWithFlags).call(w.db, w.key, w.value, APPEND);
        else w.db.put(w.key, w.value);
      }
    } catch (e) {
      for (let j = i - 1; j >= 0; j--) {
        const w = writes[j];
        if (w.prior === null) w.db.remove(w.key);
        else w.db.put(w.key, w.prior);
      }
      throw e;
    } finally {
      this.writes = [];
    }
  }

  get queuedWrites(): number {
    return this.writes.length;
  }

  apply(p: PreparedEvent): PutResult {
    const ev = p.event;
    const idBytes = p.idBytes;
    if (this.hasId(ev.id, idBytes)) return { status: 'duplicate', message: 'already have this event' };
    if (p.cls === 'ephemeral') return { status: 'ephemeral', message: 'ephemeral events are not stored' };
    if (p.expiration !== undefined && p.expiration <= this.now) return { status: 'expired', message: 'event has expired' };
    const deleter = this.deleterOf(ev.id, idBytes);
    if (deleter && ev.kind !== 5 && deleter.equals(p.pubkeyBytes)) return { status: 'deleted', message: 'this event was deleted by its author' };

    const removed: string[] = [];
    if (p.address) {
      const deletedUpTo = this.addressDeletedUpTo(p.address);
      if (deletedUpTo !== undefined && deletedUpTo >= ev.created_at)
        return { status: 'deleted', message: 'this address was deleted by its author at or after this version' };
      const serial = this.addressHolder(p.address);
      if (serial !== undefined) {
        const view = this.view(serial);
        if (view) {
          const older = view.createdAt > ev.created_at || (view.createdAt === ev.created_at && view.id < ev.id);
          if (older) return { status: 'replaced-older', message: 'have a newer version of this replaceable event' };
          removed.push(this.remove(serial, view));
        }
      }
    }

    this.insert(p);
    if (ev.kind === 5) this.applyDeletion(ev, removed);
    return removed.length ? { status: 'stored', removed } : { status: 'stored' };
  }

  // ---- reads: this batch's decisions first, then the committed state ----

  private hasId(hex: string, bytes: Buffer): boolean {
    const o = this.decided((t) => t.ids, hex);
    return o !== undefined ? o !== null : this.db.ids.doesExist(bytes);
  }

  private serialOfId(hex: string, bytes: Buffer): number | undefined {
    const o = this.decided((t) => t.ids, hex);
    if (o !== undefined) return o ?? undefined;
    const cur = this.db.ids.get(bytes);
    return cur ? readU64(cur, 0) : undefined;
  }

  private deleterOf(hex: string, bytes: Buffer): Buffer | undefined {
    return this.decided((t) => t.deletedIds, hex) ?? this.db.deletedIds.get(bytes);
  }

  private addressDeletedUpTo(address: Buffer): number | undefined {
    const o = this.decided((t) => t.deletedAddresses, address.toString('latin1'));
    if (o !== undefined) return o;
    const b = this.db.deletedAddresses.get(address);
    return b ? readU64(b, 0) : undefined;
  }

  private addressHolder(address: Buffer): number | undefined {
    const o = this.decided((t) => t.addresses, address.toString('latin1'));
    if (o !== undefined) return o ?? undefined;
    const cur = this.db.addresses.get(address);
    return cur ? readU64(cur, 0) : undefined;
  }

  private view(serial: number): RecordView | undefined {
    const o = this.decided((t) => t.records, serial);
    if (o !== undefined) return o ? new RecordView(o) : undefined;
    const buf = this.db.events.get(serialKey(serial));
    return buf ? new RecordView(buf) : undefined;
  }

  // ---- decisions ----

  private put(db: Db, key: Buffer, value: Buffer, prior: Buffer | null = null): void {
    this.writes.push({ db, key, value, prior, append: false });
  }

  private del(db: Db, key: Buffer, prior: Buffer): void {
    this.writes.push({ db, key, value: undefined, prior, append: false });
  }

  private insert(p: PreparedEvent): void {
    const sk = p.serialKey;
    const record = p.record;
    // Serials only grow (nextSerial is checked against the last record on open), so the record is the
    // last key: appended, LMDB leaves full pages behind instead of half-full ones (~8 % less file).
    this.writes.push({ db: this.db.events, key: sk, value: record, prior: null, append: true });
    this.put(this.db.ids, p.idBytes, sk);
    for (let i = 0; i < p.indexKeyCount; i++) this.put(this.db.index, p.indexKey(i), EMPTY);
    if (p.address) {
      const holder = this.addressHolder(p.address); // a dangling holder left by an unreadable record
      this.put(this.db.addresses, p.address, sk, holder === undefined ? null : serialKey(holder));
      this.addresses.set(p.address.toString('latin1'), p.serial);
    }
    this.ids.set(p.event.id, p.serial);
    this.records.set(p.serial, record);

    const c = this.counters;
    c.events++;
    addKind(c, p.event.kind, 1);
    if (p.pointer) {
      c.vlogEvents++;
      c.vlogBytes += p.payloadBytes;
      addSegmentLive(c, p.pointer.segment, p.payloadBytes);
    } else {
      c.inlineEvents++;
      c.inlineBytes += p.payloadBytes;
    }
    this.effects.storedSerials.push(p.serial);
  }

  /** Remove a stored event and every index entry it owns; returns its id. */
  remove(serial: number, view: RecordView): string {
    const tags = view.tags();
    const fields = {
      kind: view.kind,
      createdAt: view.createdAt,
      idBytes: Buffer.from(view.idBytes),
      pubkeyBytes: Buffer.from(view.pubkeyBytes),
      tags,
      expiration: view.expiration,
    };
    const sk = serialKey(serial);
    for (const key of indexKeysOf(fields, serial)) this.del(this.db.index, key, EMPTY);
    this.del(this.db.ids, fields.idBytes, sk);
    this.ids.set(view.id, null);
    const d = tags.find(([l]) => l === 'd')?.[1] ?? '';
    if (isReplaceable(view.kind) || isAddressable(view.kind)) {
      const addr = addressKey(view.kind, fields.pubkeyBytes, isAddressable(view.kind) ? d : '');
      if (this.addressHolder(addr) === serial) {
        this.del(this.db.addresses, addr, sk);
        this.addresses.set(addr.toString('latin1'), null);
      }
    }
    const c = this.counters;
    c.events--;
    addKind(c, view.kind, -1);
    if (view.inline) {
      c.inlineEvents--;
      c.inlineBytes -= view.inlinePayload().length;
    } else {
      const ptr = view.pointer();
      c.vlogEvents--;
      c.vlogBytes -= ptr.length;
      addSegmentLive(c, ptr.segment, -ptr.length);
    }
    this.del(this.db.events, sk, view.buf);
    this.records.set(serial, null);
    this.effects.removedSerials.push(serial);
    return view.id;
  }

  /** NIP-09: the author removes their own events by `e` id and `a` address. */
  private applyDeletion(ev: NostrEvent, removed: string[]): void {
    const author = Buffer.from(ev.pubkey, 'hex');
    for (const tag of ev.tags) {
      if (tag[0] === 'e' && typeof tag[1] === 'string' && /^[0-9a-f]{64}$/.test(tag[1])) {
        const target = Buffer.from(tag[1], 'hex');
        const serial = this.serialOfId(tag[1], target);
        if (serial !== undefined) {
          const view = this.view(serial);
          if (!view || view.kind === 5 || !view.pubkeyBytes.equals(author)) continue;
          removed.push(this.remove(serial, view));
        }
        this.put(this.db.deletedIds, target, author, this.deleterOf(tag[1], target) ?? null);
        this.deletedIds.set(tag[1], author);
      } else if (tag[0] === 'a' && typeof tag[1] === 'string') {
        const m = /^(\d{1,5}):([0-9a-f]{64}):(.*)$/s.exec(tag[1]);
        if (!m || m[2] !== ev.pubkey) continue;
        const kind = Number(m[1]);
        const replaceable = isReplaceable(kind);
        if (!replaceable && !isAddressable(kind)) continue;
        const addr = addressKey(kind, author, replaceable ? '' : m[3]);
        const prev = this.addressDeletedUpTo(addr);
        if (prev === undefined || prev < ev.created_at) {
          const b = Buffer.allocUnsafe(8);
          writeU64(b, 0, ev.created_at);
          let priorBytes: Buffer | null = null;
          if (prev !== undefined) writeU64((priorBytes = Buffer.allocUnsafe(8)), 0, prev);
          this.put(this.db.deletedAddresses, addr, b, priorBytes);
          this.deletedAddresses.set(addr.toString('latin1'), ev.created_at);
        }
        const serial = this.addressHolder(addr);
        if (serial === undefined) continue;
        const view = this.view(serial);
        if (view && view.createdAt <= ev.created_at) removed.push(this.remove(serial, view));
      }
    }
  }
}
