// Which index keys one stored event owns. Insert and removal both derive them here, so they can never drift apart.
import { encodeTagValue, expirationKey, IndexPrefix, SUFFIX_BYTES, writeSuffix } from './keys.js';

export interface IndexedFields {
  kind: number;
  createdAt: number;
  idBytes: Buffer;
  pubkeyBytes: Buffer;
  /** Single-letter tags, [letter, first value], deduplicated. */
  tags: [string, string][];
  expiration?: number;
}

/** Every index key of one event, as views into one buffer. */
export function indexKeysOf(f: IndexedFields, serial: number): Buffer[] {
  const tagValues = encodedTagValues(f.tags);
  const block = Buffer.allocUnsafe(indexKeysSize(f.expiration !== undefined, tagValues));
  const ends = writeIndexKeys(block, 0, f, serial, tagValues);
  return ends.map((end, i) => block.subarray(i === 0 ? 0 : ends[i - 1], end));
}

/** The tags' values as they appear in index keys (keys.ts encodeTagValue). */
export function encodedTagValues(tags: [string, string][]): Buffer[] {
  return tags.map(([, value]) => encodeTagValue(value));
}

export function indexKeysSize(expires: boolean, tagValues: Buffer[]): number {
  let size = 33 + 3 + 35 + 1 + 4 * SUFFIX_BYTES + (expires ? 17 : 0);
  for (const v of tagValues) size += 2 + v.length + SUFFIX_BYTES;
  return size;
}

/**
 * Write every index key of one event back to back at `block[at…]` (indexKeysSize bytes): pubkey,
 * kind, pubkey·kind, created_at, one per tag, expiration. Returns each key's end offset. The write
 * path keeps an event's keys inside one buffer (many small buffers were a visible share of its
 * time and of GC).
 */
export function writeIndexKeys(block: Buffer, at: number, f: IndexedFields, serial: number, tagValues: Buffer[]): number[] {
  const tags = f.tags;
  const ends: number[] = new Array(4 + tags.length + (f.expiration !== undefined ? 1 : 0));
  // The 24-byte suffix is written once, after the first prefix, and copied after the others.
  block[at] = IndexPrefix.pubkey;
  block.set(f.pubkeyBytes, at + 1);
  writeSuffix(block, at + 33, f.createdAt, f.idBytes, serial);
  const suffix = block.subarray(at + 33, at + 33 + SUFFIX_BYTES);
  let o = (ends[0] = at + 33 + SUFFIX_BYTES);
  block[o] = IndexPrefix.kind;
  block.writeUInt16BE(f.kind, o + 1);
  o = ends[1] = endKey(block, o, 3, suffix);
  block[o] = IndexPrefix.pubkeyKind;
  block.set(f.pubkeyBytes, o + 1);
  block.writeUInt16BE(f.kind, o + 33);
  o = ends[2] = endKey(block, o, 35, suffix);
  block[o] = IndexPrefix.createdAt;
  o = ends[3] = endKey(block, o, 1, suffix);
  for (let i = 0; i < tags.length; i++) {
    block[o] = IndexPrefix.tag;
    block[o + 1] = tags[i][0].charCodeAt(0);
    block.set(tagValues[i], o + 2);
    o = ends[4 + i] = endKey(block, o, 2 + tagValues[i].length, suffix);
  }
  if (f.expiration !== undefined) {
    const k = expirationKey(f.expiration, serial);
    block.set(k, o);
    ends[ends.length - 1] = o + k.length;
  }
  return ends;
}

/** Append the suffix after a key's prefix (at start..start+prefixLength); returns where the key ends. */
function endKey(block: Buffer, start: number, prefixLength: number, suffix: Buffer): number {
  block.set(suffix, start + prefixLength);
  return start + prefixLength + SUFFIX_BYTES;
}

/** Longest tag value kept in the metadata record and indexes (its length field is 16 bits). */
export const MAX_INDEXED_TAG_VALUE = 16_000;

/** The single-letter tags of an event as deduplicated [letter, first value] pairs. */
export function indexableTags(tags: string[][]): [string, string][] {
  const out: [string, string][] = [];
  const seen = new Set<string>();
  for (const t of tags) {
    const name = t[0];
    if (t.length < 2 || name.length !== 1) continue;
    const c = name.charCodeAt(0);
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122))) continue;
    const value = t[1];
    if (value.length > MAX_INDEXED_TAG_VALUE) continue;
    const k = name + '\u0000' + value;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push([name, value]);
  }
  return out;
}
