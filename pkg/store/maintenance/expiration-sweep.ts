// NIP-40 sweeper: removes events whose expiration has passed, oldest first, in bounded transactions.
import type { StoreParts } from './store-parts.js';
import { IndexPrefix, expirationKey, readU64, serialKey } from '../layout/keys.js';
import { RecordView } from '../layout/record.js';
import { WriteTxn } from '../write/write-txn.js';
import { COUNTERS_KEY } from '../write/store-counters.js';

/** The parts of a store this pass uses. */
export type SweepTarget = Pick<StoreParts, 'db' | 'cache' | 'counters' | 'writer'>;

const PER_TXN = 5000;

export async function sweepExpired(store: SweepTarget, now: number): Promise<number> {
  let total = 0;
  for (;;) {
    const removed = await store.writer.exclusive(async () => {
      const txnRemoved: number[] = [];
      await store.db.env.childTransaction(() => {
        const txn = new WriteTxn(store.db, store.counters, now);
        const keys = store.db.index.getKeys({ start: Buffer.of(IndexPrefix.expiration), end: expirationKey(now + 1, 0), limit: PER_TXN });
        for (const key of keys) {
          const serial = readU64(key as Buffer, 9);
          const buf = store.db.events.get(serialKey(serial));
          if (buf) txn.remove(serial, new RecordView(buf));
          else store.db.index.remove(key as Buffer); // orphan: drop it so the sweep moves on
        }
        txn.writeOut();
        txnRemoved.push(...txn.effects.removedSerials);
        store.db.meta.put(COUNTERS_KEY, store.counters);
      });
      for (const s of txnRemoved) store.cache.delete(s);
      return txnRemoved.length;
    });
    total += removed;
    if (removed < PER_TXN) return total;
  }
}
