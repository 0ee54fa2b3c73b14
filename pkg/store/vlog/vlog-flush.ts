// Writing buffered value-log appends to their segment files: grouping consecutive appends into one
// positional write, the write-and-fsync loop (asynchronous, or in place for flushNow), the test-only
// fault seam called before each write and fsync, and what a failure means for further writes.
import * as fs from 'node:fs';
import { StoreError } from '../base/errors.js';

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

/** Appends not yet written, in order, and by segment and offset so reads can be served from them. */
export class PendingAppends {
  private entries: PendingEntry[] = [];
  private readonly bySegment = new Map<number, Map<number, Buffer>>();

  get count(): number {
    return this.entries.length;
  }

  add(segment: number, offset: number, bytes: Buffer): void {
    this.entries.push({ segment, offset, bytes });
    let index = this.bySegment.get(segment);
    if (!index) this.bySegment.set(segment, (index = new Map()));
    index.set(offset, bytes);
  }

  /** The bytes of the entry at `offset` of `segment`, if it is still waiting. */
  get(segment: number, offset: number): Buffer | undefined {
    return this.bySegment.get(segment)?.get(offset);
  }

  /** Some entry of `segment` is still waiting. */
  has(segment: number): boolean {
    return this.bySegment.has(segment);
  }

  /** Every waiting entry belongs to `segment`. */
  allIn(segment: number): boolean {
    return this.entries.every((e) => e.segment === segment);
  }

  /** Hand the waiting entries to a writer; reads keep finding them until written() is called. */
  take(): PendingEntry[] {
    const out = this.entries;
    this.entries = [];
    return out;
  }

  /** The group's bytes are in the file now. */
  written(group: SegmentWrite): void {
    const index = this.bySegment.get(group.segment);
    for (const offset of group.offsets) index?.delete(offset);
    if (index && index.size === 0) this.bySegment.delete(group.segment);
  }

  clear(): void {
    this.entries = [];
    this.bySegment.clear();
  }
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
