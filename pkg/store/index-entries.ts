// Which index keys one stored event owns. Insert and removal both derive them here, so they can never drift apart.
import {
  createdAtPrefix,
  expirationKey,
  indexKey,
  kindPrefix,
  pubkeyKindPrefix,
  pubkeyPrefix,
  tagPrefix,
} from './keys.js';

export interface IndexedFields {
  kind: number;
  createdAt: number;
  idBytes: Buffer;
  pubkeyBytes: Buffer;
  /** Single-letter tags, [letter, first value], deduplicated. */
  tags: [string, string][];
  expiration?: number;
}

export function indexKeysOf(f: IndexedFields, serial: number): Buffer[] {
  const keys = [
    indexKey(pubkeyPrefix(f.pubkeyBytes), f.createdAt, f.idBytes, serial),
    indexKey(kindPrefix(f.kind), f.createdAt, f.idBytes, serial),
    indexKey(pubkeyKindPrefix(f.pubkeyBytes, f.kind), f.createdAt, f.idBytes, serial),
    indexKey(createdAtPrefix(), f.createdAt, f.idBytes, serial),
  ];
  for (const [letter, value] of f.tags) keys.push(indexKey(tagPrefix(letter, value), f.createdAt, f.idBytes, serial));
  if (f.expiration !== undefined) keys.push(expirationKey(f.expiration, serial));
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
