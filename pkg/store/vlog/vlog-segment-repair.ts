// File-level repairs of value-log segments: cutting a torn tail on open, cutting back to the last
// fsynced length after a failed write, and making file creation/removal durable.
import * as fs from 'node:fs';
import { scanSegment } from './vlog-entry.js';

export interface TailRecovery {
  /** Bytes cut from the end: a torn or garbage tail left by a crash. 0 when clean. */
  truncatedBytes: number;
  /** Damaged stretches found before the last sound entry; left in place (they may be referenced). */
  corruptRegions: { offset: number; end: number }[];
}

/** Scan the newest segment and cut everything after its last sound entry. Returns the new size. */
export function recoverTail(file: string, recovered: TailRecovery, sync: boolean): number {
  const fd = fs.openSync(file, 'r+');
  try {
    const size = fs.fstatSync(fd).size;
    let goodEnd = 0;
    const bad: { offset: number; end: number }[] = [];
    for (const item of scanSegment(fd, size)) {
      if (item.ok) goodEnd = item.end;
      else bad.push({ offset: item.offset, end: item.end });
    }
    recovered.corruptRegions = bad.filter((r) => r.end <= goodEnd);
    if (goodEnd < size) {
      fs.ftruncateSync(fd, goodEnd);
      if (sync) fs.fsyncSync(fd);
      recovered.truncatedBytes = size - goodEnd;
    }
    return goodEnd;
  } finally {
    fs.closeSync(fd);
  }
}

/** Truncate a segment back to `bytes` (its last fsynced length). */
export function cutBack(file: string, bytes: number, sync: boolean): void {
  const fd = fs.openSync(file, 'r+');
  try {
    fs.ftruncateSync(fd, bytes);
    if (sync) fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Cut every segment that grew past its last fsynced length (`fileBytes`) back to it: what a failed
 * write left behind. A segment file that does not exist yet is skipped.
 */
export function cutBackAll(fileBytes: Map<number, number>, pathOf: (segment: number) => string, sync: boolean): void {
  for (const [segment, bytes] of fileBytes) {
    let size: number;
    try {
      size = fs.statSync(pathOf(segment)).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    if (size > bytes) cutBack(pathOf(segment), bytes, sync);
  }
}

