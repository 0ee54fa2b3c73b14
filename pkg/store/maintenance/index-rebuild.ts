// `verify --repair`: drop the derived databases (index, ids, addresses) and rebuild them from the
// records' payloads, which are the source of truth. Records whose payload cannot be read or does
// not hash to its id cannot be served and are removed (their ids are reported so the operator can
// fetch them again elsewhere); metadata records that disagree with their payload are rewritten;
// the counters are recomputed. NIP-09 deletion markers are kept as they are (they cannot be
// derived from the remaining events).
//
// Runs as one exclusive writer job with GC held off. The rebuild commits in batches: if it is
// interrupted, the indexes are incomplete (verify says so) and running the repair again finishes it.
import type { StoreParts } from './store-parts.js';
import { StoreError } from '../base/errors.js';
import { encodeRecord, RecordView } from '../layout/record.js';
import { indexableTags, indexKeysOf, type IndexedFields } from '../layout/index-entries.js';
import { readU64, serialKey, successor } from '../layout/keys.js';
import { serialsAfter } from '../write/store-counters.js';
import { expirationOf } from '../../nostr/nip-tags.js';
import { addressOfEvent, checkPayload, fieldsOfRecord, type VerifyTarget } from './verify.js';

/** The parts of a store this pass uses. */
export type RebuildTarget = Pick<StoreParts, 'db' | 'cache' | 'counters' | 'writer' | 'readOnly' | 'holdingGc' | 'saveCounters'> & VerifyTarget;

const BATCH = 2000;
const EMPTY = Buffer.alloc(0);

export interface RepairReport {
  records: number;
  indexEntries: number;
  /** Records removed because they cannot be served, with the reason. */
  removed: { id: string; serial: number; reason: string }[];
  /** Metadata records rewritten to match their payload. */
  rewrittenRecords: number;
  durationMs: number;
}

export interface RepairOptions {
  onProgress?: (p: { done: number; total: number }) => void;
}

export async function rebuildIndexes(store: RebuildTarget, o: RepairOptions = {}): Promise<RepairReport> {
  if (store.readOnly) throw new StoreError('READ_ONLY', 'repair needs the store opened for writing (with the data-dir lock)');
  return store.holdingGc(() => store.writer.exclusive(() => rebuild(store, o)));
}

async function rebuild(store: RebuildTarget, o: RepairOptions): Promise<RepairReport> {
  const started = Date.now();
  const { db } = store;
  const report: RepairReport = { records: 0, indexEntries: 0, removed: [], rewrittenRecords: 0, durationMs: 0 };
  await db.index.clearAsync();
  await db.ids.clearAsync();
  await db.addresses.clearAsync();

  const c = store.counters;
  const totals = { events: 0, inlineEvents: 0, inlineBytes: 0, vlogEvents: 0, vlogBytes: 0, byKind: {} as Record<string, number>, segmentLive: {} as Record<string, number> };
  let maxSerial = 0;
  const total = db.events.getCount();
  let start: Buffer | undefined;
  for (;;) {
    const batch = [...db.events.getRange({ start, limit: BATCH })].map(({ key, value }) => ({ key: Buffer.from(key), value: Buffer.from(value) }));
    if (batch.length === 0) break;
    start = successor(batch[batch.length - 1].key);
    await db.env.childTransaction(() => {
      for (const { key, value } of batch) {
        const serial = readU64(key, 0);
        maxSerial = Math.max(maxSerial, serial);
        report.records++;
        const remove = (id: string, reason: string) => {
          db.events.remove(key);
          store.cache.delete(serial);
          report.removed.push({ id, serial, reason });
        };
        let r: RecordView;
        try {
          r = new RecordView(value);
          fieldsOfRecord(r);
        } catch (err) {
          remove('', `record unreadable: ${(err as Error).message}`);
          continue;
        }
        const payload = checkPayload(store, serial, r);
        if (!payload.ok) {
          remove(r.id, `${payload.kind}: ${payload.detail}`);
          continue;
        }
        const ev = payload.event;
        const idBytes = Buffer.from(ev.id, 'hex');
        const held = db.ids.get(idBytes);
        if (held && readU64(held, 0) !== serial) {
          remove(ev.id, `duplicate id (kept serial ${readU64(held, 0)})`);
          continue;
        }
        const fields: IndexedFields = {
          kind: ev.kind,
          createdAt: ev.created_at,
          idBytes,
          pubkeyBytes: Buffer.from(ev.pubkey, 'hex'),
          tags: indexableTags(ev.tags),
          expiration: expirationOf(ev),
        };
        const address = addressOfEvent(ev);
        if (address) {
          const cur = db.addresses.get(address);
          const other = cur ? readU64(cur, 0) : undefined;
          const otherRec = other !== undefined ? db.events.get(serialKey(other)) : undefined;
          if (other !== undefined && otherRec) {
            const o2 = new RecordView(otherRec);
            const otherIsNewer = o2.createdAt > ev.created_at || (o2.createdAt === ev.created_at && o2.id < ev.id);
            if (otherIsNewer) {
              remove(ev.id, `older version of an address (kept ${o2.id})`);
              continue;
            }
            // This one wins: take the older version out again.
            const of = fieldsOfRecord(o2);
            for (const k of indexKeysOf(of, other)) db.index.remove(k);
            db.ids.remove(of.idBytes);
            db.events.remove(serialKey(other));
            store.cache.delete(other);
            report.removed.push({ id: o2.id, serial: other, reason: `older version of an address (kept ${ev.id})` });
            untally(totals, o2);
          }
          db.addresses.put(address, key);
        }
        const rewritten = encodeRecord({
          ...fields,
          id: idBytes,
          pubkey: fields.pubkeyBytes,
          inline: r.inline ? Buffer.from(r.inlinePayload()) : undefined,
          pointer: r.inline ? undefined : r.pointer(),
        });
        if (!rewritten.equals(value)) {
          db.events.put(key, rewritten);
          report.rewrittenRecords++;
        }
        db.ids.put(idBytes, key);
        for (const k of indexKeysOf(fields, serial)) {
          db.index.put(k, EMPTY);
          report.indexEntries++;
        }
        tally(totals, new RecordView(rewritten));
      }
    });
    o.onProgress?.({ done: report.records, total });
    await new Promise((r) => setImmediate(r));
  }

  // Counters follow the records now in the store.
  c.events = totals.events;
  c.byKind = totals.byKind;
  c.inlineEvents = totals.inlineEvents;
  c.inlineBytes = totals.inlineBytes;
  c.vlogEvents = totals.vlogEvents;
  c.vlogBytes = totals.vlogBytes;
  c.segmentLive = totals.segmentLive;
  c.nextSerial = serialsAfter(c, maxSerial).nextSerial;
  await store.saveCounters();
  report.durationMs = Date.now() - started;
  return report;
}

type Totals = {
  events: number;
  inlineEvents: number;
  inlineBytes: number;
  vlogEvents: number;
  vlogBytes: number;
  byKind: Record<string, number>;
  segmentLive: Record<string, number>;
};

function tally(t: Totals, r: RecordView, sign = 1): void {
  t.events += sign;
  const k = String(r.kind);
  t.byKind[k] = (t.byKind[k] ?? 0) + sign;
  if (t.byKind[k] <= 0) delete t.byKind[k];
  if (r.inline) {
    t.inlineEvents += sign;
    t.inlineBytes += sign * r.inlinePayload().length;
  } else {
    const p = r.pointer();
    t.vlogEvents += sign;
    t.vlogBytes += sign * p.length;
    const seg = String(p.segment);
    t.segmentLive[seg] = (t.segmentLive[seg] ?? 0) + sign * p.length;
    if (t.segmentLive[seg] <= 0) delete t.segmentLive[seg];
  }
}

function untally(t: Totals, r: RecordView): void {
  tally(t, r, -1);
}
