// The per-serial record: compact metadata for post-filtering plus where the payload lives.
//
// Layout (big-endian):
//   0      version (1)
//   1      flags: bit0 payload inline, bit1 has expiration
//   2..4   kind u16
//   4..12  created_at u64
//   12..44 id (32)
//   44..76 pubkey (32)
//   [8]    expiration u64 (when flag bit1)
//   u16    single-letter tag count, then per tag: letter u8, length u16, first value UTF-8
//   rest   inline: encoded payload (codec flag byte + bytes)
//          value log: segment u32, offset u32, length u32
import type { EventMeta } from '../base/types.js';
import type { VlogPointer } from '../vlog/value-log.js';
import { readU64, writeU64 } from './keys.js';

const VERSION = 1;
const FLAG_INLINE = 1;
const FLAG_EXPIRATION = 2;

export interface RecordInput {
  kind: number;
  createdAt: number;
  id: Uint8Array;
  pubkey: Uint8Array;
  expiration?: number;
  tags: [string, string][];
  /** The encoded inline payload (codec flag + bytes)… */
  inline?: Buffer;
  /** …or, for an uncompressed inline payload, its JSON: written straight into the record (one copy, no temporary). */
  inlineJson?: string;
  pointer?: VlogPointer;
}

/** Bytes of the encoded payload `{ inlineJson }` stands for: the codec flag plus the UTF-8 JSON. */
export function plainPayloadBytes(json: string): number {
  return 1 + Buffer.byteLength(json, 'utf8');
}

/** Bytes of the record `r` encodes to (only the lengths matter). */
export function recordSize(r: RecordInput): number {
  let size = 76 + (r.expiration !== undefined ? 8 : 0) + 2;
  for (const [, value] of r.tags) size += 3 + Buffer.byteLength(value, 'utf8');
  return size + (r.inline ? r.inline.length : r.inlineJson !== undefined ? plainPayloadBytes(r.inlineJson) : 12);
}

export function encodeRecord(r: RecordInput): Buffer {
  const b = Buffer.allocUnsafe(recordSize(r));
  writeRecord(b, 0, r);
  return b;
}

/** Write the record at `b[at…]` (recordSize(r) bytes); returns where it ends. */
export function writeRecord(b: Buffer, at: number, r: RecordInput): number {
  b[at] = VERSION;
  b[at + 1] = (r.inline !== undefined || r.inlineJson !== undefined ? FLAG_INLINE : 0) | (r.expiration !== undefined ? FLAG_EXPIRATION : 0);
  b.writeUInt16BE(r.kind, at + 2);
  writeU64(b, at + 4, r.createdAt);
  b.set(r.id, at + 12);
  b.set(r.pubkey, at + 44);
  let o = at + 76;
  if (r.expiration !== undefined) {
    writeU64(b, o, r.expiration);
    o += 8;
  }
  b.writeUInt16BE(r.tags.length, o);
  o += 2;
  for (const [letter, value] of r.tags) {
    b[o] = letter.charCodeAt(0);
    const len = b.write(value, o + 3, 'utf8');
    b.writeUInt16BE(len, o + 1);
    o += 3 + len;
  }
  if (r.inline) {
    b.set(r.inline, o);
    return o + r.inline.length;
  }
  if (r.inlineJson !== undefined) {
    b[o] = 0x00; // codec flag "none" (codec.ts)
    return o + 1 + b.write(r.inlineJson, o + 1, 'utf8');
  }
  const p = r.pointer!;
  b.writeUInt32BE(p.segment, o);
  b.writeUInt32BE(p.offset, o + 4);
  b.writeUInt32BE(p.length, o + 8);
  return o + 12;
}

/** A zero-copy view over a stored record; fields decode on demand. */
export class RecordView {
  private tagsEnd = -1;
  constructor(readonly buf: Buffer) {}

  get inline(): boolean {
    return (this.buf[1] & FLAG_INLINE) !== 0;
  }
  get kind(): number {
    return this.buf.readUInt16BE(2);
  }
  get createdAt(): number {
    return readU64(this.buf, 4);
  }
  get idBytes(): Buffer {
    return this.buf.subarray(12, 44);
  }
  get pubkeyBytes(): Buffer {
    return this.buf.subarray(44, 76);
  }
  get id(): string {
    return this.buf.toString('hex', 12, 44);
  }
  get pubkey(): string {
    return this.buf.toString('hex', 44, 76);
  }
  get expiration(): number | undefined {
    return this.buf[1] & FLAG_EXPIRATION ? readU64(this.buf, 76) : undefined;
  }
  private get tagsStart(): number {
    return this.buf[1] & FLAG_EXPIRATION ? 84 : 76;
  }
  tags(): [string, string][] {
    const b = this.buf;
    let o = this.tagsStart;
    const n = b.readUInt16BE(o);
    o += 2;
    const out: [string, string][] = new Array(n);
    for (let i = 0; i < n; i++) {
      const len = b.readUInt16BE(o + 1);
      out[i] = [String.fromCharCode(b[o]), b.toString('utf8', o + 3, o + 3 + len)];
      o += 3 + len;
    }
    this.tagsEnd = o;
    return out;
  }
  /** True when some tag named `letter` has a first value in `values`. */
  hasTag(letter: string, values: Set<string>): boolean {
    const b = this.buf;
    const code = letter.charCodeAt(0);
    let o = this.tagsStart;
    const n = b.readUInt16BE(o);
    o += 2;
    for (let i = 0; i < n; i++) {
      const len = b.readUInt16BE(o + 1);
      if (b[o] === code && values.has(b.toString('utf8', o + 3, o + 3 + len))) return true;
      o += 3 + len;
    }
    return false;
  }
  private payloadStart(): number {
    if (this.tagsEnd < 0) {
      const b = this.buf;
      let o = this.tagsStart;
      const n = b.readUInt16BE(o);
      o += 2;
      for (let i = 0; i < n; i++) o += 3 + b.readUInt16BE(o + 1);
      this.tagsEnd = o;
    }
    return this.tagsEnd;
  }
  /** The encoded inline payload (codec flag + bytes); only when `inline`. */
  inlinePayload(): Buffer {
    return this.buf.subarray(this.payloadStart());
  }
  pointer(): VlogPointer {
    const o = this.payloadStart();
    return { segment: this.buf.readUInt32BE(o), offset: this.buf.readUInt32BE(o + 4), length: this.buf.readUInt32BE(o + 8) };
  }
  /** Copy of the record with the value-log pointer replaced (GC relocation). */
  withPointer(p: VlogPointer): Buffer {
    const o = this.payloadStart();
    const b = Buffer.from(this.buf);
    b.writeUInt32BE(p.segment, o);
    b.writeUInt32BE(p.offset, o + 4);
    b.writeUInt32BE(p.length, o + 8);
    return b;
  }
  meta(): EventMeta {
    return { id: this.id, pubkey: this.pubkey, created_at: this.createdAt, kind: this.kind, tags: this.tags() };
  }
}
