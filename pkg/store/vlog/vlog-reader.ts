// Reading value-log entries: segment file names, a small cache of read descriptors, and the
// checks every read makes (magic, length, CRC, and the serial when the caller knows it).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StoreError } from '../base/errors.js';
import { ENTRY_HEADER_BYTES, MAX_PAYLOAD_BYTES, decodeHeader, entryFault, readFully, scanSegment } from './vlog-entry.js';

export interface VlogPointer {
  segment: number;
  /** Offset of the entry header within the segment file. */
  offset: number;
  /** Payload length in bytes. */
  length: number;
}

const MAX_CACHED_READ_FDS = 64;

export function segmentFileName(segment: number): string {
  return `${String(segment).padStart(6, '0')}.vlog`;
}

const SEGMENT_FILE = /^(\d{6,})\.vlog$/;

/** The segment files in `dir`: segment number → file bytes. */
export async function listSegments(dir: string): Promise<Map<number, number>> {
  const segments = new Map<number, number>();
  for (const name of await fs.promises.readdir(dir)) {
    const m = SEGMENT_FILE.exec(name);
    if (m) segments.set(Number(m[1]), (await fs.promises.stat(path.join(dir, name))).size);
  }
  return segments;
}

/** Positional reads of flushed entries through up to 64 cached descriptors (oldest closed first). */
export class SegmentReader {
  private readonly fds = new Map<number, number>();

  constructor(private readonly dir: string) {}

  segmentPath(segment: number): string {
    return path.join(this.dir, segmentFileName(segment));
  }

  /** The payload at `ptr`, checked; the caller has already ruled out buffered (unflushed) entries. */
  read(ptr: VlogPointer, expectedSerial?: number): Buffer {
    const entry = Buffer.allocUnsafe(ENTRY_HEADER_BYTES + ptr.length);
    const fd = this.fd(ptr.segment);
    let n: number;
    try {
      n = readFully(fd, entry, ptr.offset);
    } catch (err) {
      throw new StoreError('VLOG_IO', `cannot read value-log segment ${ptr.segment}: ${(err as Error).message}`, { cause: err });
    }
    if (n < entry.length) throw corrupt(ptr, 'entry runs past the end of the segment');
    return checkEntry(entry, ptr, expectedSerial);
  }

  /** Forget a segment's descriptor (before the file is deleted). */
  drop(segment: number): void {
    const fd = this.fds.get(segment);
    if (fd === undefined) return;
    this.fds.delete(segment);
    fs.closeSync(fd);
  }

  closeAll(): void {
    for (const fd of this.fds.values()) fs.closeSync(fd);
    this.fds.clear();
  }

  private fd(segment: number): number {
    let fd = this.fds.get(segment);
    if (fd !== undefined) return fd;
    fd = openForRead(this.segmentPath(segment), segment);
    if (this.fds.size >= MAX_CACHED_READ_FDS) {
      const [oldest, oldFd] = this.fds.entries().next().value as [number, number];
      this.fds.delete(oldest);
      fs.closeSync(oldFd);
    }
    this.fds.set(segment, fd);
    return fd;
  }
}

/** Header checks of one whole entry; returns its payload. */
export function checkEntry(entry: Buffer, ptr: VlogPointer, expectedSerial: number | undefined): Buffer {
  const h = decodeHeader(entry);
  if (!h.magicOk) throw corrupt(ptr, 'no entry header at this offset');
  if (h.length !== ptr.length) throw corrupt(ptr, `entry holds ${h.length} bytes, pointer expects ${ptr.length}`);
  if (entryFault(entry)) throw corrupt(ptr, 'CRC mismatch');
  if (expectedSerial !== undefined && h.serial !== expectedSerial) {
    throw corrupt(ptr, `entry belongs to serial ${h.serial}, expected ${expectedSerial}`);
  }
  return entry.subarray(ENTRY_HEADER_BYTES);
}

export function assertPointer(ptr: VlogPointer): void {
  const ok = (n: number) => Number.isSafeInteger(n) && n >= 0;
  if (!ok(ptr.segment) || !ok(ptr.offset) || !ok(ptr.length) || ptr.length > MAX_PAYLOAD_BYTES) {
    throw new StoreError('BAD_OPTIONS', `invalid value-log pointer ${JSON.stringify(ptr)}`);
  }
}

/** One entry as a segment scan finds it: ok=false for a damaged stretch (payload empty). */
export interface VlogEntry {
  serial: number;
  pointer: VlogPointer;
  payload: Buffer;
  ok: boolean;
}

/**
 * Every entry in the first `size` (flushed) bytes of segment file `file`, in file order. A damaged
 * stretch is one item with ok=false (serial -1 when the header itself is unreadable).
 */
export function* segmentEntries(file: string, segment: number, size: number): Generator<VlogEntry> {
  if (size === 0) return;
  const fd = openForRead(file, segment);
  try {
    for (const item of scanSegment(fd, size)) {
      if (item.ok) {
        const pointer = { segment, offset: item.offset, length: item.end - item.offset - ENTRY_HEADER_BYTES };
        yield { serial: item.serial, pointer, payload: Buffer.from(item.payload), ok: true };
      } else {
        const pointer = { segment, offset: item.offset, length: Math.max(0, item.end - item.offset - ENTRY_HEADER_BYTES) };
        yield { serial: item.serial, pointer, payload: Buffer.alloc(0), ok: false };
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

export function openForRead(file: string, segment: number): number {
  try {
    return fs.openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw missing(segment);
    throw new StoreError('VLOG_IO', `cannot open value-log segment ${segment}: ${(err as Error).message}`, { cause: err });
  }
}

export function corrupt(ptr: VlogPointer, why: string): StoreError {
  return new StoreError('VLOG_CORRUPT', `value-log entry at segment ${ptr.segment} offset ${ptr.offset} is corrupt: ${why}`);
}

export function missing(segment: number): StoreError {
  return new StoreError('VLOG_MISSING', `value-log segment ${segmentFileName(segment)} does not exist (rewritten by GC?)`);
}
