// Compaction swaps in a smaller LMDB file holding the same events.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { compactStore } from '../../../pkg/store/maintenance/compact.js';
import { collect, fakeEvent, openTestStore, tempDir } from '../../support/store-fixtures.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

it('shrinks the LMDB file after mass deletion and keeps every live event', async () => {
  const store = await openTestStore(dir.path, { inlineThreshold: 8192 });
  const notes = Array.from({ length: 3000 }, (_, i) => fakeEvent({ created_at: i, content: 'c'.repeat(1000) }));
  await store.putMany(notes);
  const keep = notes.filter((_, i) => i % 10 === 0);
  await store.putMany(notes.filter((_, i) => i % 10 !== 0).map((n, i) => fakeEvent({ kind: 5, created_at: 10_000 + i, tags: [['e', n.id]] })));
  await store.close();
  const open = () => openTestStore(dir.path, { inlineThreshold: 8192, eventCacheSize: 0 });
  const r = await compactStore(dir.path, open);
  expect(r.lmdbBytesAfter).toBeLessThan(r.lmdbBytesBefore);
  const reopened = await open();
  const got = await collect(reopened.query([{ kinds: [1] }], { maxLimit: 10_000 }));
  expect(got.map((e) => e.id).sort()).toEqual(keep.map((e) => e.id).sort());
  expect(reopened.stats().events).toBe(r.events);
  await reopened.close();
});
