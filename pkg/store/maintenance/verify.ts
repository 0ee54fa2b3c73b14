// Store verification: every record's payload reads, decodes, parses and hashes to its id; every
// index entry, id entry and address entry resolves to the record it claims; every record owns all
// the index entries it should; every value-log entry's CRC holds; the counters add up.
//
// All LMDB reads go through one read transaction, so a verify next to a running relay sees one
// consistent snapshot (the relay keeps writing; the snapshot keeps its pages until we finish).
import type { Transaction } from 'lmdb';
import type { NostrEvent } from '../../nostr/types.js';
import { checkEventShape } from '../../nostr/event-shape.js';
import { computeId } from '../../nostr/serialize.js';
import { dTagOf, kindClass } from '../../nostr/kinds.js';
import type { StoreParts } from './store-parts.js';
import { decodePayload } from '../codec/codec.js';
import { RecordView } from '../layout/record.js';
import { indexKeysOf, type IndexedFields } from '../layout/index-entries.js';
import { addressKey, readU64, serialKey, serialOfKey } from '../layout/keys.js';
import { COUNTERS_KEY, type CountersData } from '../write/store-counters.js';
import { ENTRY_HEADER_BYTES } from '../vlog/vlog-entry.js';

/** The parts of a store this pass uses. */
export type VerifyTarget = Pick<StoreParts, 'db' | 'vlog' | 'readOnly' | 'payloadBytes'>;

export type ProblemKind =
  | 'record-unreadable' // the metadata record does not parse
  | 'payload-unreadable' // value-log read (missing segment, CRC, serial) or decompression failed
  | 'payload-not-event' // not JSON, or not a well-formed event
  | 'id-mismatch' // the payload hashes to another id
  | 'record-mismatch' // the metadata record disagrees with its payload
  | 'index-missing' // a record lacks one of its index entries
  | 'index-dangling' // an index entry names a serial with no record
  | 'index-foreign' // an index entry names a record that would not own it
  | 'id-missing' // a record's id does not map to its serial
  | 'id-dangling' // an id entry names no record, or a record with another id
  | 'address-missing' // a replaceable/addressable record is not its address's current version
  | 'address-dangling' // an address entry names no record, or one of another address
  | 'vlog-damaged' // a value-log entry fails its magic, length or CRC check
  | 'counters-mismatch'; // stored counters disagree with the records

export interface VerifyProblem {
  kind: ProblemKind;
  id?: string;
  serial?: number;
  detail: string;
}

export interface VerifyReport {
  ok: boolean;
  checked: { records: number; indexEntries: number; ids: number; addresses: number; vlogSegments: number; vlogEntries: number };
  /** Problem counts by kind (only kinds that occurred). */
  problems: Partial<Record<ProblemKind, number>>;
  /** Event ids affected, by problem kind (up to maxListed each). */
  affectedIds: Partial<Record<ProblemKind, string[]>>;
  /** The first problems in full (up to maxListed). */
  details: VerifyProblem[];
  /** Things worth knowing that are not damage (e.g. a write in progress at the value-log tail). */
  notes: string[];
  durationMs: number;
}

export interface VerifyProgress {
  phase: 'records' | 'index' | 'ids' | 'addresses' | 'vlog';
  done: number;
  total: number;
}

export interface VerifyOptions {
  maxListed?: number;
  onProgress?: (p: VerifyProgress) => void;
  /** Skip the value-log CRC scan (records' own entries are still CRC-checked when read). */
  skipVlogScan?: boolean;
}

/** What one record's payload turned out to be. */
export type PayloadCheck = { ok: true; event: NostrEvent } | { ok: false; kind: ProblemKind; detail: string };

/** Read, decode, parse and hash one record's payload. Shared with repair. */
export function checkPayload(store: VerifyTarget, serial: number, r: RecordView): PayloadCheck {
  let json: string;
  try {
    json = decodePayload(store.payloadBytes(serial, r));
  } catch (err) {
    return { ok: false, kind: 'payload-unreadable', detail: (err as Error).message };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    return { ok: false, kind: 'payload-not-event', detail: `not JSON: ${(err as Error).message}` };
  }
  const shape = checkEventShape(parsed);
  if (!shape.ok) return { ok: false, kind: 'payload-not-event', detail: shape.reason };
  const ev = shape.value;
  const id = computeId(ev);
  if (id !== ev.id) return { ok: false, kind: 'id-mismatch', detail: `payload claims id ${ev.id} but hashes to ${id}` };
  return { ok: true, event: ev };
}

/** The index fields a record claims (from its metadata). */
export function fieldsOfRecord(r: RecordView): IndexedFields {
  return {
    kind: r.kind,
    createdAt: r.createdAt,
    idBytes: Buffer.from(r.idBytes),
    pubkeyBytes: Buffer.from(r.pubkeyBytes),
    tags: r.tags(),
    expiration: r.expiration,
  };
}

/** The address key of a replaceable/addressable event, else undefined. */
export function addressOfEvent(ev: Pick<NostrEvent, 'kind' | 'pubkey' | 'tags'>): Buffer | undefined {
  const cls = kindClass(ev.kind);
  if (cls === 'replaceable') return addressKey(ev.kind, ev.pubkey, '');
  if (cls === 'addressable') return addressKey(ev.kind, ev.pubkey, dTagOf(ev as NostrEvent));
  return undefined;
}

class Findings {
  readonly problems: Partial<Record<ProblemKind, number>> = {};
  readonly affectedIds: Partial<Record<ProblemKind, string[]>> = {};
  readonly details: VerifyProblem[] = [];
  constructor(private readonly maxListed: number) {}
  add(p: VerifyProblem): void {
    this.problems[p.kind] = (this.problems[p.kind] ?? 0) + 1;
    if (p.id) {
      const list = (this.affectedIds[p.kind] ??= []);
      if (list.length < this.maxListed && !list.includes(p.id)) list.push(p.id);
    }
    if (this.details.length < this.maxListed) this.details.push(p);
  }
}

const yieldTurn = () => new Promise((r) => setImmediate(r));

export async function verifyStore(store: VerifyTarget, o: VerifyOptions = {}): Promise<VerifyReport> {
  const started = Date.now();
  const f = new Findings(o.maxListed ?? 100);
  const notes: string[] = [];
  const checked = { records: 0, indexEntries: 0, ids: 0, addresses: 0, vlogSegments: 0, vlogEntries: 0 };
  const { db } = store;
  const txn: Transaction = db.env.useReadTransaction();
  // A fresh options object per call: lmdb's count helpers write flags into the one they are given.
  const at = () => ({ transaction: txn });
  try {
    // 1. Records → payloads, ids, index entries, addresses; recount what the counters claim.
    const totals = { events: 0, inlineEvents: 0, inlineBytes: 0, vlogEvents: 0, vlogBytes: 0, byKind: {} as Record<string, number> };
    const recordTotal = db.events.getCount(at());
    for (const { key, value } of db.events.getRange(at())) {
      const serial = readU64(key, 0);
      checked.records++;
      if (checked.records % 5000 === 0) {
        o.onProgress?.({ phase: 'records', done: checked.records, total: recordTotal });
        await yieldTurn();
      }
      let r: RecordView;
      let fields: IndexedFields;
      try {
        r = new RecordView(value);
        fields = fieldsOfRecord(r);
      } catch (err) {
        f.add({ kind: 'record-unreadable', serial, detail: (err as Error).message });
        continue;
      }
      const id = r.id;
      totals.events++;
      totals.byKind[r.kind] = (totals.byKind[r.kind] ?? 0) + 1;
      if (r.inline) {
        totals.inlineEvents++;
        totals.inlineBytes += r.inlinePayload().length;
      } else {
        totals.vlogEvents++;
        totals.vlogBytes += r.pointer().length;
      }
      const payload = checkPayload(store, serial, r);
      if (!payload.ok) f.add({ kind: payload.kind, id, serial, detail: payload.detail });
      else {
        const ev = payload.event;
        if (ev.id !== id || ev.kind !== r.kind || ev.pubkey !== r.pubkey || ev.created_at !== r.createdAt) {
          f.add({ kind: 'record-mismatch', id, serial, detail: `record says ${r.kind}/${r.pubkey.slice(0, 8)}…/${r.createdAt}, payload ${ev.kind}/${ev.pubkey.slice(0, 8)}…/${ev.created_at}` });
        }
      }
      const idSerial = db.ids.get(fields.idBytes, at());
      if (!idSerial || readU64(idSerial, 0) !== serial) f.add({ kind: 'id-missing', id, serial, detail: `id does not map to serial ${serial}` });
      for (const k of indexKeysOf(fields, serial)) {
        if (db.index.get(k, at()) === undefined) f.add({ kind: 'index-missing', id, serial, detail: `index entry ${k.toString('hex', 0, 1)}… missing` });
      }
      const address = payload.ok ? addressOfEvent(payload.event) : undefined;
      if (address) {
        const cur = db.addresses.get(address, at());
        if (!cur || readU64(cur, 0) !== serial) f.add({ kind: 'address-missing', id, serial, detail: 'the address does not name this record' });
      }
    }
    o.onProgress?.({ phase: 'records', done: checked.records, total: recordTotal });
    const counters = db.meta.get(COUNTERS_KEY, at()) as CountersData | undefined;
    if (counters) {
      const diffs: string[] = [];
      for (const k of ['events', 'inlineEvents', 'inlineBytes', 'vlogEvents', 'vlogBytes'] as const) {
        if (counters[k] !== totals[k]) diffs.push(`${k} ${counters[k]} ≠ ${totals[k]}`);
      }
      if (diffs.length) f.add({ kind: 'counters-mismatch', detail: `stored counters disagree with the records: ${diffs.join(', ')}` });
    }

    // 2. Every index entry resolves to a record that owns it.
    const lookup = (serial: number) => {
      const buf = db.events.get(serialKey(serial), at());
      return buf ? new RecordView(buf) : undefined;
    };
    // An event with thousands of tags owns thousands of keys: remember each record's key set
    // instead of recomputing it per key (that would be quadratic), within a bound.
    const owned = new Map<number, Set<string>>();
    let ownedSize = 0;
    const ownedKeys = (serial: number, r: RecordView): Set<string> => {
      let set = owned.get(serial);
      if (set) return set;
      set = new Set(indexKeysOf(fieldsOfRecord(r), serial).map((k) => k.toString('latin1')));
      if (ownedSize + set.size > 1_000_000) {
        owned.clear();
        ownedSize = 0;
      }
      owned.set(serial, set);
      ownedSize += set.size;
      return set;
    };
    const indexTotal = db.index.getKeysCount(at());
    for (const k of db.index.getKeys(at())) {
      const key = k as Buffer;
      checked.indexEntries++;
      if (checked.indexEntries % 20_000 === 0) {
        o.onProgress?.({ phase: 'index', done: checked.indexEntries, total: indexTotal });
        await yieldTurn();
      }
      const serial = serialOfKey(key);
      const r = lookup(serial);
      if (!r) {
        f.add({ kind: 'index-dangling', serial, detail: `index entry ${key.toString('hex')} names no record` });
        continue;
      }
      let owned = false;
      try {
        owned = ownedKeys(serial, r).has(key.toString('latin1'));
      } catch {
        // an unreadable record was reported in step 1
      }
      if (!owned) f.add({ kind: 'index-foreign', id: r.id, serial, detail: `index entry ${key.toString('hex')} does not belong to this record` });
    }
    o.onProgress?.({ phase: 'index', done: checked.indexEntries, total: indexTotal });

    // 3. ids and addresses point back at matching records.
    for (const { key, value } of db.ids.getRange(at())) {
      checked.ids++;
      const serial = readU64(value, 0);
      const r = lookup(serial);
      const id = Buffer.from(key).toString('hex');
      if (!r || !r.idBytes.equals(key)) f.add({ kind: 'id-dangling', id, serial, detail: r ? `serial ${serial} holds ${r.id}` : `serial ${serial} has no record` });
      if (checked.ids % 20_000 === 0) await yieldTurn();
    }
    for (const { key, value } of db.addresses.getRange(at())) {
      checked.addresses++;
      const serial = readU64(value, 0);
      const r = lookup(serial);
      const sameOwner = r && Buffer.from(key).readUInt16BE(0) === r.kind && r.pubkeyBytes.equals(Buffer.from(key).subarray(2, 34));
      if (!sameOwner) f.add({ kind: 'address-dangling', id: r?.id, serial, detail: r ? 'the address names a record of another kind or author' : `serial ${serial} has no record` });
    }
  } finally {
    txn.done();
  }

  // 4. Every value-log entry, referenced or not, passes its checks.
  if (!o.skipVlogScan) {
    const segments = store.vlog.segments();
    const newest = segments.length ? segments[segments.length - 1].segment : -1;
    for (const { segment, bytes } of segments) {
      checked.vlogSegments++;
      for (const e of store.vlog.entries(segment)) {
        checked.vlogEntries++;
        if (e.ok) continue;
        const atTail = segment === newest && e.pointer.offset + ENTRY_HEADER_BYTES + e.pointer.length >= bytes;
        if (atTail && store.readOnly) {
          notes.push(`value-log segment ${segment} ends in an incomplete entry at offset ${e.pointer.offset}: a write in progress, or a torn tail the relay cuts on its next start`);
          continue;
        }
        f.add({ kind: 'vlog-damaged', serial: e.serial >= 0 ? e.serial : undefined, detail: `segment ${segment} offset ${e.pointer.offset}: entry fails its checks` });
      }
      o.onProgress?.({ phase: 'vlog', done: checked.vlogSegments, total: segments.length });
      await yieldTurn();
    }
  }

  return {
    ok: Object.keys(f.problems).length === 0,
    checked,
    problems: f.problems,
    affectedIds: f.affectedIds,
    details: f.details,
    notes,
    durationMs: Date.now() - started,
  };
}
