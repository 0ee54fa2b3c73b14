// An order-independent fingerprint of a set of events: the count and the sha256 of all ids
// (32 bytes each) in ascending order. Two stores, or a store and a JSONL export, hold the same
// events exactly when their digests are equal. Events whose NIP-40 expiration has passed at
// `at` are left out on both sides, because the relay neither serves nor re-imports them.
import { createHash } from 'node:crypto';
import type { StoreParts } from './store-parts.js';
import { RecordView } from '../layout/record.js';
import { readU64, serialKey } from '../layout/keys.js';
import { expirationOf } from '../../nostr/nip-tags.js';

/** The parts of a store this pass uses. */
export type DigestSource = Pick<StoreParts, 'db'>;

export interface IdDigest {
  count: number;
  sha256: string;
  /** The unix time expiration was judged at. */
  at: number;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Digest of the ids in a store; the ids database is already in ascending id order. */
export async function digestStore(store: DigestSource, at = nowSeconds()): Promise<IdDigest> {
  const hash = createHash('sha256');
  let count = 0;
  const txn = store.db.env.useReadTransaction();
  try {
    for (const { key, value } of store.db.ids.getRange({ transaction: txn })) {
      const buf = store.db.events.get(serialKey(readU64(value, 0)), { transaction: txn });
      if (!buf) continue;
      const exp = new RecordView(buf).expiration;
      if (exp !== undefined && exp <= at) continue;
      hash.update(key);
      count++;
      if (count % 50_000 === 0) await new Promise((r) => setImmediate(r));
    }
  } finally {
    txn.done();
  }
  return { count, sha256: hash.digest('hex'), at };
}

/** Digest of the events in JSONL lines (as `lode export` writes them). Lines that are not events are skipped and counted. */
export async function digestLines(lines: AsyncIterable<string> | Iterable<string>, at = nowSeconds()): Promise<IdDigest & { skipped: number }> {
  const ids: Buffer[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  for await (const line of lines) {
    if (line.trim() === '') continue;
    let ev: { id?: unknown; tags?: unknown };
    try {
      ev = JSON.parse(line) as typeof ev;
    } catch {
      skipped++;
      continue;
    }
    if (typeof ev.id !== 'string' || !/^[0-9a-f]{64}$/.test(ev.id)) {
      skipped++;
      continue;
    }
    const tags = Array.isArray(ev.tags) ? (ev.tags as unknown[]).filter((t): t is string[] => Array.isArray(t)) : [];
    const exp = expirationOf({ tags });
    if (exp !== undefined && exp <= at) continue;
    if (seen.has(ev.id)) continue;
    seen.add(ev.id);
    ids.push(Buffer.from(ev.id, 'hex'));
  }
  ids.sort(Buffer.compare);
  const hash = createHash('sha256');
  for (const id of ids) hash.update(id);
  return { count: ids.length, sha256: hash.digest('hex'), at, skipped };
}
