// Value-log GC of one sealed segment: copy the entries `isLive` keeps to the head, flush, let the
// store repoint them (`relocate`, one LMDB transaction), and only then delete the old file.
//
// Crash reasoning: before relocate commits, the store still points at the old segment, which is
// intact; the copies are unreferenced bytes (harmless, reclaimed by a later GC of their segment).
// After relocate commits, nothing points at the old file, so deleting it, or a crash before the
// delete, loses nothing. If relocate throws, the old file is kept. A segment with any damaged
// stretch is refused (VLOG_CORRUPT) before anything is copied: deleting it could turn a
// damaged-but-referenced entry into a dangling pointer.
//
// bytesReclaimed = old file bytes minus the bytes written for the copies.
// relocate is called even when no entry was live (with an empty list).
import { StoreError } from './errors.js';
import type { ValueLog, VlogMove } from './value-log.js';
import type { VlogPointer } from './vlog-reader.js';
import { ENTRY_HEADER_BYTES } from './vlog-entry.js';

export async function rewriteSegment(
  log: ValueLog,
  segment: number,
  isLive: (serial: number, ptr: VlogPointer) => boolean,
  relocate: (moves: VlogMove[]) => Promise<void>,
): Promise<{ bytesReclaimed: number; entriesMoved: number }> {
  const oldBytes = log.claimForRewrite(segment);
  try {
    const live: { serial: number; from: VlogPointer; payload: Buffer }[] = [];
    for (const e of log.entries(segment)) {
      if (!e.ok) {
        throw new StoreError('VLOG_CORRUPT', `value-log segment ${segment} is damaged at offset ${e.pointer.offset}; run verify before GC`);
      }
      if (isLive(e.serial, e.pointer)) live.push({ serial: e.serial, from: e.pointer, payload: e.payload });
    }
    const moves: VlogMove[] = live.map((e) => ({ serial: e.serial, from: e.from, to: log.append(e.serial, e.payload) }));
    await log.flush();
    await relocate(moves);
    await log.removeSegment(segment);
    const movedBytes = moves.reduce((sum, m) => sum + ENTRY_HEADER_BYTES + m.to.length, 0);
    return { bytesReclaimed: oldBytes - movedBytes, entriesMoved: moves.length };
  } finally {
    log.releaseRewrite(segment);
  }
}
