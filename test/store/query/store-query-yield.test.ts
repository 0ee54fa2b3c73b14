// A filter with thousands of values (tag values, authors, kinds) opens one index cursor per value.
// Opening them must not hold the event loop for the whole set: other clients' work gets turns in
// between, and an aborted query stops opening cursors.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EventStore } from '../../../pkg/store/event-store.js';
import { collect, fakeEvent, openTestStore, tempDir } from '../../support/store-fixtures.js';

const dir = tempDir();
let store: EventStore;
const values = Array.from({ length: 5_000 }, (_, i) => `v${i}`);

beforeAll(async () => {
  store = await openTestStore(dir.path);
  for (let i = 0; i < 20; i++) await store.put(fakeEvent({ tags: [['t', `v${i * 7}`]], created_at: 1_700_000_000 + i }));
});
afterAll(async () => {
  await store.close();
  dir.remove();
});

it('lets the event loop run while a 5,000-value filter opens its cursors, and still answers correctly', async () => {
  let turns = 0;
  const tick = () => {
    turns++;
    if (running) setImmediate(tick);
  };
  let running = true;
  const result = collect(store.query([{ '#t': values, limit: 100 }]));
  setImmediate(tick);
  const events = await result;
  running = false;
  expect(events).toHaveLength(20);
  expect(events.map((e) => e.created_at)).toEqual(Array.from({ length: 20 }, (_, i) => 1_700_000_019 - i));
  expect(turns).toBeGreaterThan(1);
});

it('counts with a 5,000-value filter without holding the loop', async () => {
  let turned = false;
  const counting = store.count([{ kinds: Array.from({ length: 5_000 }, (_, i) => i) }]);
  setImmediate(() => (turned = true));
  expect(await counting).toBe(20);
  expect(turned).toBe(true);
});

it('stops opening cursors once the query is aborted', async () => {
  const abort = new AbortController();
  const query = collect(store.query([{ '#t': values }], { signal: abort.signal }));
  setImmediate(() => abort.abort());
  await expect(query).rejects.toMatchObject({ code: 'ABORTED' });
});
