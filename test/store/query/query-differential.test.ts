// Every query answered exactly: the store API and the relay over a real socket give the same
// events (ids and order) and the same COUNT as the reference model, for thousands of random
// client-shaped filter groups over the 3,323 real fixture events plus synthetic ones with
// duplicate tag values, many tags and crowded seconds. A failure shrinks to the smallest group.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Filter, NostrEvent } from '../../../pkg/nostr/types.js';
import { filterGroupArb, valuePool, type ValuePool } from '../../support/client-filters.js';
import { fixtureEvents, syntheticEvents } from '../../support/query-corpus.js';
import { ModelSide, disagreement, relaySide, storeSide, type QuerySide } from '../../support/query-differential.js';
import { ReferenceStore } from '../../support/reference-store.js';
import { keys, startRelay, type RawClient, type RelayHarness } from '../../support/relay-harness.js';

const STORE_MAX_LIMIT = 200;
const RELAY_MAX_LIMIT = 120;
const RELAY_DEFAULT_LIMIT = 80;
const GATED_KINDS = [4, 1059]; // the relay's default read gating: hidden from a reader who has not authenticated

const now = Math.floor(Date.now() / 1000);
let harness: RelayHarness;
let client: RawClient;
let pool: ValuePool;
let storeModel: ModelSide;
let relayModel: ModelSide;

beforeAll(async () => {
  const real = fixtureEvents();
  pool = valuePool(real);
  const corpus: NostrEvent[] = [...real, ...syntheticEvents(pool, real, 700, 12, now)];
  const model = new ReferenceStore();
  const expected = corpus.map((e) => model.put(e, now));
  harness = await startRelay({ limits: { maxLimit: RELAY_MAX_LIMIT, defaultLimit: RELAY_DEFAULT_LIMIT, gatedKinds: GATED_KINDS } });
  const got = await harness.store.putMany(corpus);
  // The stored set itself must be the model's before any query can be.
  expect(got.map((r) => r.status)).toEqual(expected);
  storeModel = new ModelSide(model, { maxLimit: STORE_MAX_LIMIT }, now);
  relayModel = new ModelSide(model, { maxLimit: RELAY_MAX_LIMIT, defaultLimit: RELAY_DEFAULT_LIMIT, readable: (e) => !GATED_KINDS.includes(e.kind) }, now);
  client = await harness.connect();
  // Authenticated as a stranger: gated kinds may be asked for, and none of those events is theirs.
  expect((await client.auth(keys().sk, harness.url)).accepted).toBe(true);
}, 120_000);

afterAll(async () => {
  await harness?.close();
});

async function agree(side: QuerySide, model: ModelSide, filters: Filter[], gated = false): Promise<void> {
  const report = await disagreement(side, model, filters, gated ? GATED_KINDS : undefined);
  if (report) throw new Error(report);
}

describe('queries against the reference model', () => {
  it('the filters that lost events answer exactly (store and socket)', async () => {
    const repro: Filter[][] = [
      [{ kinds: [1, 0], '#t': ['nature', 'Bitcoin'], limit: 6 }],
      [{ '#t': ['bitcoin', 'Sports', 'siamstr'], since: 1706039118, limit: 31 }],
      [{ kinds: [1985], '#t': ['programming', 'olympics', 'press'], limit: 31 }],
      [{ kinds: [1, 0], '#t': ['nature', 'Bitcoin'], limit: 40 }, { kinds: [1] }],
    ];
    for (const filters of repro) {
      await agree(storeSide(harness.store, STORE_MAX_LIMIT), storeModel, filters);
      await agree(relaySide(client), relayModel, filters, true);
    }
    // More events match than the first two limits: a full page each.
    expect(storeModel.answer(repro[0]).ids).toHaveLength(6);
    expect(storeModel.answer(repro[1]).ids).toHaveLength(31);
  });

  it('the store API agrees on 5,000 client-shaped filter groups', async () => {
    const side = storeSide(harness.store, STORE_MAX_LIMIT);
    await fc.assert(
      fc.asyncProperty(filterGroupArb(pool, STORE_MAX_LIMIT), (filters) => agree(side, storeModel, filters)),
      { seed: 20261207, numRuns: 5_000 },
    );
  }, 240_000);

  it('the relay over its socket agrees on 2,000 client-shaped filter groups (REQ and COUNT)', async () => {
    const side = relaySide(client);
    await fc.assert(
      fc.asyncProperty(filterGroupArb(pool, RELAY_MAX_LIMIT), (filters) => agree(side, relayModel, filters, true)),
      { seed: 7122026, numRuns: 2_000 },
    );
  }, 240_000);

  it('agrees on a fresh random seed each run (store API)', async () => {
    const side = storeSide(harness.store, STORE_MAX_LIMIT);
    await fc.assert(fc.asyncProperty(filterGroupArb(pool, STORE_MAX_LIMIT), (filters) => agree(side, storeModel, filters)), { numRuns: 500 });
  }, 120_000);
});
