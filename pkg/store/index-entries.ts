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

/**
 * Every index key of one event, in one allocation: the keys are views into a single buffer (a write
 * path builds ~6 per event, and separate small buffers were a visible share of its time and GC).
 */
export function indexKeysOf(f: IndexedFields, serial: number): Buffer[] {
  const tags = f.tags;
  const tagValues: Buffer[] = new Array(tags.length);
  let size = 33 + 3 + 35 + 1 + 4 * SUFFIX_BYTES + (f.expiration !== undefined ? 17 : 0);
  for (let i = 0; i < tags.length; i++) size += 2 + (tagValues[i] = encodeTagValue(tags[i][1])).length + SUFFIX_BYTES;
  const block = Buffer.allocUnsafe(size);
  // The 24-byte suffix is written once, after the first prefix, and copied after the others.
  const keys: Buffer[] = new Array(4 + tags.length + (f.expiration !== undefined ? 1 : 0));
  block[0] = IndexPrefix.pubkey;
  block.set(f.pubkeyBytes, 1);
  writeSuffix(block, 33, f.createdAt, f.idBytes, serial);
  const suffix = block.subarray(33, 33 + SUFFIX_BYTES);
  keys[0] = block.subarray(0, 33 + SUFFIX_BYTES);
  let o = 33 + SUFFIX_BYTES;
  block[o] = IndexPrefix.kind;
  block.writeUInt16BE(f.kind, o + 1);
  o = endKey(block, o, 3, suffix, keys, 1);
  block[o] = IndexPrefix.pubkeyKind;
  block.set(f.pubkeyBytes, o + 1);
  block.writeUInt16BE(f.kind, o + 33);
  o = endKey(block, o, 35, suffix, keys, 2);
  block[o] = IndexPrefix.createdAt;
  o = endKey(block, o, 1, suffix, keys, 3);
  for (let i = 0; i < tags.length; i++) {
    block[o] = IndexPrefix.tag;
    block[o + 1] = tags[i][0].charCodeAt(0);
    block.set(tagValues[i], o + 2);
    o = endKey(block, o, 2 + tagValues[i].length, suffix, keys, 4 + i);
  }
  if (f.expiration !== undefined) {
    const k = expirationKey(f.expiration, serial);
    block.set(k, o);
    keys[keys.length - 1] = block.subarray(o, o + k.length);
  }
  return keys;
}

/** Append the suffix after a key's prefix (at start..start+prefixLength) and record the key; returns the next offset. */
function endKey(block: Buffer, start: number, prefixLength: number, suffix: Buffer, keys: Buffer[], n: number): number {
  const end = start + prefixLength + SUFFIX_BYTES;
  block.set(suffix, start + prefixLength);
  keys[n] = block.subarray(start, end);
  return end;
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
