// Value-log GC: rewrite sealed segments whose stale share passed gcDiscardRatio.
// Copies happen outside the writer; repointing is one short exclusive transaction per segment.
import type { StoreParts } from './store-parts.js';
import type { GcResult } from '../base/types.js';
import type { VlogMove, VlogPointer } from '../vlog/value-log.js';
import { serialKey } from '../layout/keys.js';
import { RecordView } from '../layout/record.js';
import { addSegmentLive, COUNTERS_KEY } from '../write/store-counters.js';

/** The parts of a store this pass uses. */
export type GcTarget = Pick<StoreParts, 'db' | 'vlog' | 'counters' | 'options' | 'writer' | 'saveCounters'>;

function pointsAt(store: GcTarget, serial: number, ptr: VlogPointer): RecordView | undefined {
  const buf = store.db.events.get(serialKey(serial));
  if (!buf) return undefined;
  const r = new RecordView(buf);
  if (r.inline) return undefined;
  const p = r.pointer();
  return p.segment === ptr.segment && p.offset === ptr.offset ? r : undefined;
}

export async function collectGarbage(store: GcTarget): Promise<GcResult> {
  const started = Date.now();
  const result: GcResult = { segmentsRewritten: 0, bytesReclaimed: 0, entriesMoved: 0, durationMs: 0 };
  const active = store.vlog.activeSegment;
  for (const { segment, bytes } of store.vlog.segments()) {
    if (segment === active || bytes === 0) continue;
    const live = store.counters.segmentLive[String(segment)] ?? 0;
    if (1 - live / bytes < store.options.gcDiscardRatio) continue;
    const relocate = (moves: VlogMove[]) =>
      store.writer.exclusive(async () => {
        await store.db.env.childTransaction(() => {
          for (const m of moves) {
            const r = pointsAt(store, m.serial, m.from);
            if (!r) continue; // removed meanwhile: the copy is garbage for a later pass
            store.db.events.put(serialKey(m.serial), r.withPointer(m.to));
            addSegmentLive(store.counters, m.from.segment, -m.from.length);
            addSegmentLive(store.counters, m.to.segment, m.to.length);
          }
          delete store.counters.segmentLive[String(segment)];
          store.db.meta.put(COUNTERS_KEY, store.counters);
        });
      });
    const r = await store.vlog.rewrite(segment, (serial, ptr) => pointsAt(store, serial, ptr) !== undefined, relocate);
    result.segmentsRewritten++;
    result.bytesReclaimed += r.bytesReclaimed;
    result.entriesMoved += r.entriesMoved;
  }
  result.durationMs = Date.now() - started;
  await store.writer.exclusive(async () => {
    store.counters.gcRuns++;
    store.counters.gcBytesReclaimed += Math.max(0, result.bytesReclaimed);
    store.counters.gcLastRunAt = Math.floor(Date.now() / 1000);
    await store.saveCounters();
  });
  return result;
}
