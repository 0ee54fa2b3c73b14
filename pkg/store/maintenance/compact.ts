// Compaction: LMDB reuses freed pages but never shrinks its file, so swap in a compacting copy.
import * as fs from 'node:fs';
import { join } from 'node:path';
import type { StoreParts } from './store-parts.js';
import { StoreError } from '../base/errors.js';

/** The parts of a store this pass uses. */
export type CompactableStore = Pick<StoreParts, 'db' | 'stats' | 'lmdbFileBytes' | 'close'>;

export interface CompactResult {
  lmdbBytesBefore: number;
  lmdbBytesAfter: number;
  events: number;
  /** Where the original file was kept (keepOld), else undefined. */
  oldFile?: string;
}

/**
 * Write a compacting copy of the LMDB file next to it, swap it in, and check that the reopened
 * store holds the same number of events; on any failure the original file is put back.
 * The caller holds the data-dir lock across the whole call; `open` opens the store without taking it.
 */
export async function compactStore(dataDir: string, open: () => Promise<CompactableStore>, o: { keepOld?: boolean } = {}): Promise<CompactResult> {
  const lmdbDir = join(dataDir, 'lmdb');
  const live = join(lmdbDir, 'data.mdb');
  const old = join(lmdbDir, 'data.mdb.pre-compact');
  const tmp = join(lmdbDir, `compact-${process.pid}`);
  try {
    let store = await open();
    const lmdbBytesBefore = store.lmdbFileBytes();
    const events = store.stats().events;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { mode: 0o700 });
    try {
      await store.db.env.backup(tmp, true);
    } finally {
      await store.close();
    }
    fs.chmodSync(join(tmp, 'data.mdb'), 0o600);
    fs.renameSync(live, old);
    fs.renameSync(join(tmp, 'data.mdb'), live);
    let lmdbBytesAfter: number;
    try {
      store = await open();
      const count = store.stats().events;
      lmdbBytesAfter = store.lmdbFileBytes();
      await store.close();
      if (count !== events) throw new StoreError('CORRUPT', `the compacted copy holds ${count} events, the original ${events}`);
    } catch (err) {
      fs.renameSync(old, live); // put the original back
      throw err;
    }
    if (!o.keepOld) fs.rmSync(old, { force: true });
    return { lmdbBytesBefore, lmdbBytesAfter, events, oldFile: o.keepOld ? old : undefined };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
