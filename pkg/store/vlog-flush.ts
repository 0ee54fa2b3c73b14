// Writing buffered value-log appends to their segment files: grouping consecutive appends into one
// positional write, the write-and-fsync loop (asynchronous, or in place for flushNow), the test-only
// fault seam called before each write and fsync, and what a failure means for further writes.
import * as fs from 'node:fs';
import { StoreError } from './errors.js';

/**
 * Test-only fault injection: called before each positional write and each fsync of a segment;
 * throwing (e.g. an Error with code 'ENOSPC') makes that write or fsync fail as if the OS had.
 */
export interface ValueLogFaults {
  beforeWrite?(segment: number, position: number, length: number): void;
  beforeSync?(segment: number): void;
}

/** An append not yet written: its bytes and where its pointer says they are. */
export interface PendingEntry {
  segment: number;
  offset: number;
  bytes: Buffer;
}

/** The bytes of consecutive buffered appends to one segment, written with one positional write. */
export interface SegmentWrite {
  segment: number;
  at: number;
  data: Buffer;
  offsets: number[];
}

export function groupBySegment(batch: PendingEntry[]): SegmentWrite[] {
  const out: SegmentWrite[] = [];
  let i = 0;
  while (i < batch.length) {
    const segment = batch[i].segment;
    let j = i;
    while (j < batch.length && batch[j].segment === segment) j++;
    const group = batch.slice(i, j);
    // Positional writes: the bytes land exactly where the pointers say, whatever the file holds.
    out.push({
      segment,
      at: group[0].offset,
      data: group.length === 1 ? group[0].bytes : Buffer.concat(group.map((e) => e.bytes)),
      offsets: group.map((e) => e.offset),
    });
    i = j;
  }
  return out;
}

export async function writeGroup(handle: fs.promises.FileHandle, group: SegmentWrite, sync: boolean, faults: ValueLogFaults | undefined): Promise<void> {
  let written = 0;
  while (written < group.data.length) {
    faults?.beforeWrite?.(group.segment, group.at + written, group.data.length - written);
    const { bytesWritten } = await handle.write(group.data, written, group.data.length - written, group.at + written);
    written += bytesWritten;
  }
  if (sync) {
    faults?.beforeSync?.(group.segment);
    await handle.sync();
  }
}

/** writeGroup, in place: blocks this thread for the write and the fsync. */
export function writeGroupNow(fd: number, group: SegmentWrite, sync: boolean, faults: ValueLogFaults | undefined): void {
  let written = 0;
  while (written < group.data.length) {
    faults?.beforeWrite?.(group.segment, group.at + written, group.data.length - written);
    written += fs.writeSync(fd, group.data, written, group.data.length - written, group.at + written);
  }
  if (sync) {
    faults?.beforeSync?.(group.segment);
    fs.fsyncSync(fd);
  }
}

/**
 * What a failed write or fsync means: a full disk (DISK_FULL) clears once space is freed; anything
 * else (VLOG_IO) needs a reopen, since after a failed fsync the kernel may have dropped the pages.
 */
export function flushFailure(err: unknown): StoreError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new StoreError('DISK_FULL', `the disk holding the value log is full (${(err as Error).message}); free space and writes resume`, { cause: err });
  }
  return new StoreError(
    'VLOG_IO',
    `value-log write failed (${(err as Error).message}); the store must be reopened (restart the relay) before it can write again`,
    { cause: err },
  );
}
