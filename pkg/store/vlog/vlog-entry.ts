// The on-disk format of one value-log entry, and a scanner that walks a segment file.
//
//   offset  size  field
//   0       2     magic 0xFB 0x4C   (0xFB never occurs in UTF-8 text, so JSON payloads can't fake it)
//   2       4     payload length, u32 big-endian
//   6       8     serial, u64 big-endian (high u32, low u32; serials stay below 2^53)
//   14      4     CRC-32 (IEEE) over bytes 2..14 (length + serial) followed by the payload
//   18      n     payload
//
// The CRC covers the length too, so a flipped length bit is caught instead of sending a reader
// to the wrong place. Entries follow each other with no padding; a segment is just entries.
import * as fs from 'node:fs';
import { crc32 } from './crc32.js';

export const ENTRY_MAGIC_0 = 0xfb;
export const ENTRY_MAGIC_1 = 0x4c;
export const ENTRY_HEADER_BYTES = 18;
export const MAX_PAYLOAD_BYTES = 0xffffffff;

/** Header plus payload, ready to write. */
export function encodeEntry(serial: number, payload: Uint8Array): Buffer {
  const buf = Buffer.allocUnsafe(ENTRY_HEADER_BYTES + payload.length);
  buf[0] = ENTRY_MAGIC_0;
  buf[1] = ENTRY_MAGIC_1;
  buf.writeUInt32BE(payload.length, 2);
  buf.writeUInt32BE(Math.floor(serial / 0x100000000), 6);
  buf.writeUInt32BE(serial >>> 0, 10);
  buf.set(payload, ENTRY_HEADER_BYTES);
  buf.writeUInt32BE(entryCrc(buf.subarray(0, ENTRY_HEADER_BYTES), payload), 14);
  return buf;
}

function entryCrc(header: Uint8Array, payload: Uint8Array): number {
  return crc32(payload, crc32(header.subarray(2, 14)));
}

export interface EntryHeader {
  magicOk: boolean;
  length: number;
  serial: number;
  crc: number;
}

export function decodeHeader(buf: Buffer, at = 0): EntryHeader {
  return {
    magicOk: buf[at] === ENTRY_MAGIC_0 && buf[at + 1] === ENTRY_MAGIC_1,
    length: buf.readUInt32BE(at + 2),
    serial: buf.readUInt32BE(at + 6) * 0x100000000 + buf.readUInt32BE(at + 10),
    crc: buf.readUInt32BE(at + 14),
  };
}

/** Why a whole entry (header + payload in `entry`) is bad, or undefined when it is sound. */
export function entryFault(entry: Buffer): 'magic' | 'crc' | undefined {
  const h = decodeHeader(entry);
  if (!h.magicOk) return 'magic';
  const payload = entry.subarray(ENTRY_HEADER_BYTES, ENTRY_HEADER_BYTES + h.length);
  return entryCrc(entry, payload) === h.crc ? undefined : 'crc';
}

/** Reads ranges of one file through a 1 MiB window, so scanning small entries costs few syscalls. */
export class WindowedReader {
  private window = Buffer.alloc(0);
  private windowStart = 0;

  constructor(
    private readonly fd: number,
    private readonly size: number,
    private readonly windowBytes = 1 << 20,
  ) {}

  /** Exactly `length` bytes at `offset`, or undefined when the file ends first. */
  read(offset: number, length: number): Buffer | undefined {
    if (offset + length > this.size) return undefined;
    const inWindow = offset >= this.windowStart && offset + length <= this.windowStart + this.window.length;
    if (!inWindow) {
      const n = Math.min(Math.max(length, this.windowBytes), this.size - offset);
      const buf = Buffer.allocUnsafe(n);
      readFully(this.fd, buf, offset);
      this.window = buf;
      this.windowStart = offset;
    }
    const at = offset - this.windowStart;
    return this.window.subarray(at, at + length);
  }
}

/** pread until `buf` is full or the file ends; returns the bytes read. */
export function readFully(fd: number, buf: Buffer, position: number): number {
  let done = 0;
  while (done < buf.length) {
    const n = fs.readSync(fd, buf, done, buf.length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

export type ScanItem =
  | { ok: true; offset: number; end: number; serial: number; payload: Buffer }
  /** `end` is where the next sound entry starts (or the scanned size when none follows). */
  | { ok: false; offset: number; end: number; serial: number; reason: 'torn' | 'magic' | 'crc' };

type Probe =
  | { status: 'ok'; serial: number; payload: Buffer; end: number }
  | { status: 'torn' | 'magic' }
  | { status: 'crc'; serial: number };

function probe(reader: WindowedReader, offset: number): Probe {
  const header = reader.read(offset, ENTRY_HEADER_BYTES);
  if (!header) return { status: 'torn' };
  const h = decodeHeader(header);
  if (!h.magicOk) return { status: 'magic' };
  // Copy the header: reading the payload may move the window under it.
  const headerCopy = Buffer.from(header);
  const payload = reader.read(offset + ENTRY_HEADER_BYTES, h.length);
  if (!payload) return { status: 'torn' };
  if (entryCrc(headerCopy, payload) !== h.crc) return { status: 'crc', serial: h.serial };
  return { status: 'ok', serial: h.serial, payload, end: offset + ENTRY_HEADER_BYTES + h.length };
}

/** The next offset after `from` where a sound entry starts, or `size` when there is none. */
function resync(reader: WindowedReader, from: number, size: number): number {
  const chunk = 64 * 1024;
  for (let base = from; base < size - 1; base += chunk) {
    const len = Math.min(chunk + 1, size - base);
    const bytes = Buffer.from(reader.read(base, len)!);
    let i = bytes.indexOf(ENTRY_MAGIC_0);
    while (i !== -1 && i < chunk) {
      if (bytes[i + 1] === ENTRY_MAGIC_1 && probe(reader, base + i).status === 'ok') return base + i;
      i = bytes.indexOf(ENTRY_MAGIC_0, i + 1);
    }
  }
  return size;
}

/**
 * Walks the first `size` bytes of a segment. A bad stretch is reported once, as one item
 * spanning up to the next sound entry; payloads of sound entries are views that are only
 * valid until the next item (copy them to keep them).
 */
export function* scanSegment(fd: number, size: number): Generator<ScanItem> {
  const reader = new WindowedReader(fd, size);
  let offset = 0;
  while (offset < size) {
    const p = probe(reader, offset);
    if (p.status === 'ok') {
      yield { ok: true, offset, end: p.end, serial: p.serial, payload: p.payload };
      offset = p.end;
      continue;
    }
    const end = resync(reader, offset + 1, size);
    const serial = p.status === 'crc' ? p.serial : -1;
    yield { ok: false, offset, end, serial, reason: p.status };
    offset = end;
  }
}
