// Binary key layouts of every LMDB index, declared in one place.
import { createHash } from 'node:crypto';
//
// Every index key ends in the same 24-byte ordering suffix:
//   invCreatedAt (8, big-endian 2^64-1-created_at) · idPrefix (8) · serial (8)
// so a FORWARD cursor walks newest-first, and equal created_at come out lowest id first
// (by the id's first 8 bytes — a tie there needs a 2^-64 coincidence — then by serial).
// Seeking to `until` is a seek to the suffix of invCreatedAt(until).

export const SUFFIX_BYTES = 24;

/** Index families, the first byte of every key in the `index` database. */
export const IndexPrefix = {
  pubkey: 0x02, // pubkey(32) · suffix
  kind: 0x03, // kind(2) · suffix
  pubkeyKind: 0x04, // pubkey(32) · kind(2) · suffix
  tag: 0x05, // letter(1) · tagValue(…) · suffix
  createdAt: 0x06, // suffix
  expiration: 0x07, // expiresAt(8) · serial(8)   (ascending: the sweeper walks oldest first)
} as const;

const MAX_U32 = 0xffffffff;

export function writeU64(buf: Buffer, offset: number, value: number): void {
  buf.writeUInt32BE(Math.floor(value / 0x100000000) >>> 0, offset);
  buf.writeUInt32BE(value >>> 0, offset + 4);
}

export function readU64(buf: Uint8Array, offset: number): number {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  return b.readUInt32BE(offset) * 0x100000000 + b.readUInt32BE(offset + 4);
}

function writeInvU64(buf: Buffer, offset: number, value: number): void {
  const hi = Math.floor(value / 0x100000000) >>> 0;
  const lo = value >>> 0;
  buf.writeUInt32BE((MAX_U32 - hi) >>> 0, offset);
  buf.writeUInt32BE((MAX_U32 - lo) >>> 0, offset + 4);
}

export function serialKey(serial: number): Buffer {
  const b = Buffer.allocUnsafe(8);
  writeU64(b, 0, serial);
  return b;
}

export function writeSuffix(buf: Buffer, offset: number, createdAt: number, idBytes: Uint8Array, serial: number): void {
  writeInvU64(buf, offset, createdAt);
  buf.set(idBytes.subarray(0, 8), offset + 8);
  writeU64(buf, offset + 16, serial);
}

/** The serial stored in the last 8 bytes of any suffixed key. */
export function serialOfKey(key: Uint8Array): number {
  return readU64(key, key.length - 8);
}

/** The smallest suffix at created_at = ts (the first key a forward cursor meets for that second). */
export function seekSuffix(buf: Buffer, offset: number, ts: number): void {
  writeInvU64(buf, offset, ts);
  buf.fill(0, offset + 8, offset + SUFFIX_BYTES);
}

/** The largest suffix at created_at = ts. */
export function endSuffix(buf: Buffer, offset: number, ts: number): void {
  writeInvU64(buf, offset, ts);
  buf.fill(0xff, offset + 8, offset + SUFFIX_BYTES);
}

/** Tag values: 64-hex values (e, p, …) pack to 32 bytes; others are UTF-8, long ones hashed. */
export function encodeTagValue(value: string): Buffer {
  if (value.length === 64 && /^[0-9a-f]{64}$/.test(value)) {
    const b = Buffer.allocUnsafe(34);
    b[0] = 0x01;
    b[1] = 32;
    b.write(value, 2, 'hex');
    return b;
  }
  const utf8 = Buffer.from(value, 'utf8');
  if (utf8.length <= 200) {
    const b = Buffer.allocUnsafe(utf8.length + 2);
    b[0] = 0x00;
    b[1] = utf8.length;
    utf8.copy(b, 2);
    return b;
  }
  // Long values share a 16-byte digest key; the query path re-checks the real value from the record.
  const digest = createHashSync(utf8);
  const b = Buffer.allocUnsafe(18);
  b[0] = 0x02;
  b[1] = 16;
  digest.copy(b, 2, 0, 16);
  return b;
}

function createHashSync(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

/** Key prefix (without suffix) for one cursor. */
export function pubkeyPrefix(pubkey: Buffer): Buffer {
  const b = Buffer.allocUnsafe(33);
  b[0] = IndexPrefix.pubkey;
  pubkey.copy(b, 1);
  return b;
}
export function kindPrefix(kind: number): Buffer {
  const b = Buffer.allocUnsafe(3);
  b[0] = IndexPrefix.kind;
  b.writeUInt16BE(kind, 1);
  return b;
}
export function pubkeyKindPrefix(pubkey: Buffer, kind: number): Buffer {
  const b = Buffer.allocUnsafe(35);
  b[0] = IndexPrefix.pubkeyKind;
  pubkey.copy(b, 1);
  b.writeUInt16BE(kind, 33);
  return b;
}
export function tagPrefix(letter: string, value: string): Buffer {
  const v = encodeTagValue(value);
  const b = Buffer.allocUnsafe(2 + v.length);
  b[0] = IndexPrefix.tag;
  b[1] = letter.charCodeAt(0);
  v.copy(b, 2);
  return b;
}
export function createdAtPrefix(): Buffer {
  return Buffer.of(IndexPrefix.createdAt);
}

/** A full index key: prefix · suffix. */
export function indexKey(prefix: Buffer, createdAt: number, idBytes: Uint8Array, serial: number): Buffer {
  const b = Buffer.allocUnsafe(prefix.length + SUFFIX_BYTES);
  prefix.copy(b, 0);
  writeSuffix(b, prefix.length, createdAt, idBytes, serial);
  return b;
}

export function expirationKey(expiresAt: number, serial: number): Buffer {
  const b = Buffer.allocUnsafe(17);
  b[0] = IndexPrefix.expiration;
  writeU64(b, 1, expiresAt);
  writeU64(b, 9, serial);
  return b;
}

/** Address key: kind(2) · pubkey(32) · d (UTF-8). Replaceable kinds use an empty d. */
export function addressKey(kind: number, pubkey: Buffer | string, d: string): Buffer {
  const pk = typeof pubkey === 'string' ? Buffer.from(pubkey, 'hex') : pubkey;
  const dBytes = Buffer.from(d, 'utf8');
  const b = Buffer.allocUnsafe(34 + dBytes.length);
  b.writeUInt16BE(kind, 0);
  pk.copy(b, 2);
  dBytes.copy(b, 34);
  return b;
}

/** The key that sorts right after `key` (for exclusive resumption of a cursor). */
export function successor(key: Uint8Array): Buffer {
  const b = Buffer.allocUnsafe(key.length + 1);
  b.set(key, 0);
  b[key.length] = 0;
  return b;
}
