// Nostr write semantics applied inside one LMDB write transaction: duplicates, replaceable and
// addressable versions, NIP-09 deletions, NIP-40 expiration. Import and the relay both land here.
import type { NostrEvent, KindClass } from '../nostr/types.js';
import type { PutResult } from './types.js';
import type { VlogPointer } from './value-log.js';
import type { StoreDatabases } from './schema.js';
import { addKind, addSegmentLive, type CountersData } from './store-counters.js';
import { addressKey, readU64, serialKey, writeU64 } from './keys.js';
import { encodeRecord, RecordView } from './record.js';
import { indexKeysOf } from './index-entries.js';

const EMPTY = Buffer.alloc(0);

/** An event ready to write: everything that can be computed outside the transaction. */
export interface PreparedEvent {
  event: NostrEvent;
  json: string;
  idBytes: Buffer;
  pubkeyBytes: Buffer;
  cls: KindClass;
  tags: [string, string][];
  expiration?: number;
  /** Address key for replaceable/addressable kinds. */
  address?: Buffer;
  serial: number;
  /** Encoded payload when kept inline. */
  inline?: Buffer;
  /** Value-log location when kept out of line. */
  pointer?: VlogPointer;
  payloadBytes: number;
}

/** What one transaction changed, for the cache and counters after commit. */
export interface TxnEffects {
  removedSerials: number[];
  storedSerials: number[];
}

export class WriteTxn {
  readonly effects: TxnEffects = { removedSerials: [], storedSerials: [] };
  /** Ids stored earlier in this same batch (LMDB sees them too; this keeps the check cheap). */
  private readonly batchIds = new Set<string>();

  constructor(
    private readonly db: StoreDatabases,
    private readonly counters: CountersData,
    private readonly now: number,
  ) {}

  apply(p: PreparedEvent): PutResult {
    const ev = p.event;
    if (this.batchIds.has(ev.id) || this.db.ids.doesExist(p.idBytes)) return { status: 'duplicate', message: 'already have this event' };
    if (p.cls === 'ephemeral') return { status: 'ephemeral', message: 'ephemeral events are not stored' };
    if (p.expiration !== undefined && p.expiration <= this.now) return { status: 'expired', message: 'event has expired' };
    const deleter = this.db.deletedIds.get(p.idBytes);
    if (deleter && ev.kind !== 5 && deleter.equals(p.pubkeyBytes)) return { status: 'deleted', message: 'this event was deleted by its author' };

    const removed: string[] = [];
    if (p.address) {
      const deletedUpTo = this.db.deletedAddresses.get(p.address);
      if (deletedUpTo && readU64(deletedUpTo, 0) >= ev.created_at)
        return { status: 'deleted', message: 'this address was deleted by its author at or after this version' };
      const current = this.db.addresses.get(p.address);
      if (current) {
        const serial = readU64(current, 0);
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

  private view(serial: number): RecordView | undefined {
    const buf = this.db.events.get(serialKey(serial));
    return buf ? new RecordView(buf) : undefined;
  }

  private insert(p: PreparedEvent): void {
    const sk = serialKey(p.serial);
    const fields = {
      kind: p.event.kind,
      createdAt: p.event.created_at,
      idBytes: p.idBytes,
      pubkeyBytes: p.pubkeyBytes,
      tags: p.tags,
      expiration: p.expiration,
    };
    this.db.events.put(sk, encodeRecord({ ...fields, id: p.idBytes, pubkey: p.pubkeyBytes, inline: p.inline, pointer: p.pointer }));
    this.db.ids.put(p.idBytes, sk);
    for (const key of indexKeysOf(fields, p.serial)) this.db.index.put(key, EMPTY);
    if (p.address) this.db.addresses.put(p.address, sk);
    this.batchIds.add(p.event.id);

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
    for (const key of indexKeysOf(fields, serial)) this.db.index.remove(key);
    this.db.ids.remove(fields.idBytes);
    const d = tags.find(([l]) => l === 'd')?.[1] ?? '';
    const cls = view.kind;
    if (cls === 0 || cls === 3 || (cls >= 10000 && cls < 20000) || (cls >= 30000 && cls < 40000)) {
      const addr = addressKey(view.kind, fields.pubkeyBytes, cls >= 30000 ? d : '');
      const cur = this.db.addresses.get(addr);
      if (cur && readU64(cur, 0) === serial) this.db.addresses.remove(addr);
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
    this.db.events.remove(serialKey(serial));
    this.effects.removedSerials.push(serial);
    return view.id;
  }

  /** NIP-09: the author removes their own events by `e` id and `a` address. */
  private applyDeletion(ev: NostrEvent, removed: string[]): void {
    const author = Buffer.from(ev.pubkey, 'hex');
    for (const tag of ev.tags) {
      if (tag[0] === 'e' && typeof tag[1] === 'string' && /^[0-9a-f]{64}$/.test(tag[1])) {
        const target = Buffer.from(tag[1], 'hex');
        const cur = this.db.ids.get(target);
        if (cur) {
          const serial = readU64(cur, 0);
          const view = this.view(serial);
          if (!view || view.kind === 5 || !view.pubkeyBytes.equals(author)) continue;
          removed.push(this.remove(serial, view));
        }
        this.db.deletedIds.put(target, author);
      } else if (tag[0] === 'a' && typeof tag[1] === 'string') {
        const m = /^(\d{1,5}):([0-9a-f]{64}):(.*)$/s.exec(tag[1]);
        if (!m || m[2] !== ev.pubkey) continue;
        const kind = Number(m[1]);
        const replaceable = kind === 0 || kind === 3 || (kind >= 10000 && kind < 20000);
        if (!replaceable && !(kind >= 30000 && kind < 40000)) continue;
        const addr = addressKey(kind, author, replaceable ? '' : m[3]);
        const prev = this.db.deletedAddresses.get(addr);
        if (!prev || readU64(prev, 0) < ev.created_at) {
          const b = Buffer.allocUnsafe(8);
          writeU64(b, 0, ev.created_at);
          this.db.deletedAddresses.put(addr, b);
        }
        const cur = this.db.addresses.get(addr);
        if (!cur) continue;
        const serial = readU64(cur, 0);
        const view = this.view(serial);
        if (view && view.createdAt <= ev.created_at) removed.push(this.remove(serial, view));
      }
    }
  }
}
