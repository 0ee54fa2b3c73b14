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
import { StoreError } from '../base/errors.js';
import type { VlogEntry, VlogPointer } from './vlog-reader.js';
import { ENTRY_HEADER_BYTES } from './vlog-entry.js';

/** One live entry copied by GC: the store repoints `serial` from `from` to `to`. */
export interface VlogMove {
  serial: number;
  from: VlogPointer;
  to: VlogPointer;
}

/** What a rewrite needs of the value log (ValueLog is one). */
export interface RewritableLog {
  claimForRewrite(segment: number): number;
  releaseRewrite(segment: number): void;
  entries(segment: number): Iterable<VlogEntry>;
  append(serial: number, payload: Uint8Array): VlogPointer;
  flush(): Promise<void>;
  removeSegment(segment: number): Promise<void>;
}

export async function rewriteSegment(
  log: RewritableLog,
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
