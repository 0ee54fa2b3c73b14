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
  const suffix = Buffer.allocUnsafe(SUFFIX_BYTES);
  writeSuffix(suffix, 0, f.createdAt, f.idBytes, serial);
  const tagValues = f.tags.map(([, value]) => encodeTagValue(value));
  let size = 33 + 3 + 35 + 1 + 4 * SUFFIX_BYTES + (f.expiration !== undefined ? 17 : 0);
  for (const v of tagValues) size += 2 + v.length + SUFFIX_BYTES;
  const block = Buffer.allocUnsafe(size);
  const keys: Buffer[] = [];
  let o = 0;
  const finish = (prefixEnd: number) => {
    block.set(suffix, prefixEnd);
    keys.push(block.subarray(o, prefixEnd + SUFFIX_BYTES));
    o = prefixEnd + SUFFIX_BYTES;
  };
  block[o] = IndexPrefix.pubkey;
  block.set(f.pubkeyBytes, o + 1);
  finish(o + 33);
  block[o] = IndexPrefix.kind;
  block.writeUInt16BE(f.kind, o + 1);
  finish(o + 3);
  block[o] = IndexPrefix.pubkeyKind;
  block.set(f.pubkeyBytes, o + 1);
  block.writeUInt16BE(f.kind, o + 33);
  finish(o + 35);
  block[o] = IndexPrefix.createdAt;
  finish(o + 1);
  f.tags.forEach(([letter], i) => {
    block[o] = IndexPrefix.tag;
    block[o + 1] = letter.charCodeAt(0);
    block.set(tagValues[i], o + 2);
    finish(o + 2 + tagValues[i].length);
  });
  if (f.expiration !== undefined) {
    const k = expirationKey(f.expiration, serial);
    block.set(k, o);
    keys.push(block.subarray(o, o + k.length));
  }
  return keys;
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
