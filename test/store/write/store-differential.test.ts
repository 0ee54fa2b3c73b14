// The store's answers (ids and order) must equal a naive in-memory model's, for random
// events of every kind class, deletions, equal timestamps and random filters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { EventStore } from '../../../pkg/store/event-store.js';
import type { Filter, NostrEvent } from '../../../pkg/nostr/types.js';
import type { PutResult } from '../../../pkg/store/base/types.js';
import { ReferenceStore } from '../../support/reference-store.js';

const PUBKEYS = ['a', 'b', 'c'].map((s) => createHash('sha256').update(s).digest('hex'));
const KINDS = [1, 1, 1, 7, 0, 3, 10002, 30023, 30023, 5, 20001];
const T0 = 1_700_000_000;
const now = Math.floor(Date.now() / 1000);

let counter = 0;
const fakeId = () => createHash('sha256').update(`ev-${counter++}-${Math.random()}`).digest('hex');

interface OpSpec {
  author: number;
  kind: number;
  dt: number;
  tagPick: number[];
  dPick: number;
  refPick: number;
  expPick: number;
}

const opArb: fc.Arbitrary<OpSpec> = fc.record({
  author: fc.nat(PUBKEYS.length - 1),
  kind: fc.nat(KINDS.length - 1),
  dt: fc.nat(6), // few distinct timestamps → many ties
  tagPick: fc.array(fc.nat(9), { maxLength: 4 }),
  dPick: fc.nat(2),
  refPick: fc.nat(1000),
  expPick: fc.nat(9),
});

function materialize(ops: OpSpec[]): NostrEvent[] {
  const out: NostrEvent[] = [];
  for (const op of ops) {
    const pubkey = PUBKEYS[op.author];
    const kind = KINDS[op.kind];
    const tags: string[][] = [];
    for (const t of op.tagPick) {
      if (t < 3) tags.push(['t', ['nostr', 'bitcoin', 'art'][t]]);
      else if (t < 6) tags.push(['p', PUBKEYS[t - 3]]);
      else if (out.length) tags.push(['e', out[op.refPick % out.length].id]);
    }
    if (kind >= 30000) tags.push(['d', ['', 'x', 'y'][op.dPick]]);
    if (kind === 5 && out.length) {
      const target = out[op.refPick % out.length];
      if (op.dPick === 0) tags.push(['e', target.id]);
      else tags.push(['a', `${target.kind}:${target.pubkey}:${target.tags.find((x) => x[0] === 'd')?.[1] ?? ''}`]);
    }
    if (op.expPick === 0) tags.push(['expiration', String(now - 100)]);
    if (op.expPick === 1) tags.push(['expiration', String(now + 100_000)]);
    out.push({ id: fakeId(), pubkey, created_at: T0 + op.dt, kind, tags, content: 'x'.repeat(op.refPick % 3 === 0 ? 3000 : 10), sig: '0'.repeat(128) });
  }
  return out;
}

const filterArb = (events: NostrEvent[]): fc.Arbitrary<Filter> =>
  fc
    .record(
      {
        ids: fc.subarray(events.map((e) => e.id), { maxLength: Math.min(4, events.length) }),
        authors: fc.subarray(PUBKEYS, { minLength: 1 }),
        kinds: fc.subarray([...new Set(KINDS)], { minLength: 1 }),
        '#t': fc.subarray(['nostr', 'bitcoin', 'art', 'none'], { minLength: 1 }),
        '#p': fc.subarray(PUBKEYS, { minLength: 1 }),
        since: fc.integer({ min: T0, max: T0 + 6 }),
        until: fc.integer({ min: T0, max: T0 + 6 }),
        limit: fc.integer({ min: 0, max: 30 }),
      },
      { requiredKeys: [] },
    )
    .map((f) => f as Filter);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lode-diff-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let run = 0;
/**
 * How the events reach the store: one put at a time, all in one putMany (one group commit), or in
 * small putMany chunks a tick apart, so later batches are decided while earlier ones still commit.
 */
type Submission = 'sequential' | 'batch' | 'pipelined';

async function submit(store: EventStore, events: NostrEvent[], how: Submission, chunk: number): Promise<string[]> {
  if (how === 'batch') return (await store.putMany(events)).map((r) => r.status);
  if (how === 'sequential') {
    const got: string[] = [];
    for (const e of events) got.push((await store.put(e)).status);
    return got;
  }
  const inFlight: Promise<PutResult[]>[] = [];
  for (let i = 0; i < events.length; i += chunk) {
    inFlight.push(store.putMany(events.slice(i, i + chunk)));
    await new Promise((r) => setImmediate(r));
  }
  return (await Promise.all(inFlight)).flat().map((r) => r.status);
}

async function checkAgainstModel(ops: OpSpec[], filterSeeds: number, how: Submission | boolean, seed: number): Promise<number> {
  if (typeof how === 'boolean') how = how ? 'batch' : 'sequential';
  const events = materialize(ops);
  const store = await EventStore.open({ dataDir: join(dir, `s${run++}`), inlineThreshold: 512, eventCacheSize: 64 * 1024, gcInterval: 0, expirationSweepInterval: 0, syncWrites: false });
  try {
    const model = new ReferenceStore();
    const expected = events.map((e) => model.put(e, now));
    const got = await submit(store, events, how, 1 + (Math.abs(seed) % 5));
    expect(got).toEqual(expected);
    const filters = fc.sample(fc.array(filterArb(events), { minLength: 1, maxLength: 3 }), { numRuns: filterSeeds, seed });
    for (const fs of filters) {
      const want = model.query(fs, 50, now).map((e) => e.id);
      const have: string[] = [];
      for await (const json of store.query(fs, { maxLimit: 50 })) have.push(JSON.parse(json).id);
      expect(have, JSON.stringify(fs)).toEqual(want);
      expect(await store.count(fs), 'count ' + JSON.stringify(fs)).toBe(model.count(fs, now));
    }
    expect(store.stats().events).toBe(model.events.length);
    return store.writeStats.batchesDecidedOverInFlight;
  } finally {
    await store.close();
  }
}

describe('store vs reference model', () => {
  it('agrees on a fixed seed (sequential puts)', async () => {
    await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 60 }), fc.integer(), async (ops, s) => void (await checkAgainstModel(ops, 15, false, s))), {
      seed: 20261122,
      numRuns: 25,
    });
  });
  it('agrees on a fixed seed (one batch, group commit)', async () => {
    await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 60 }), fc.integer(), async (ops, s) => void (await checkAgainstModel(ops, 15, true, s))), {
      seed: 7,
      numRuns: 25,
    });
  });
  it('agrees on a fixed seed (pipelined batches: each decided while the one before commits)', async () => {
    let overlapped = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 60 }), fc.integer(), async (ops, s) => {
        overlapped += await checkAgainstModel(ops, 10, 'pipelined', s);
      }),
      { seed: 11, numRuns: 25 },
    );
    // The property only means something if batches really were decided on top of uncommitted ones.
    expect(overlapped).toBeGreaterThan(25);
  });
  it('agrees on random seeds', async () => {
    await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 80 }), fc.integer(), fc.boolean(), async (ops, s, b) => void (await checkAgainstModel(ops, 10, b, s))), {
      numRuns: 15,
    });
  });
});
