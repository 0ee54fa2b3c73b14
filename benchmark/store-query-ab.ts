// IN-PROCESS A/B of the store's query path: this checkout's EventStore against another checkout's
// (e.g. a `git worktree` of the commit before a change), same data, same filter groups, rounds
// alternated so machine drift hits both. Reports CPU µs per filter group (process.cpuUsage, all
// threads) per round and the median.
//
//   git worktree add /tmp/before HEAD~1 && ln -s "$PWD/node_modules" /tmp/before/node_modules
//   npx tsx benchmark/store-query-ab.ts --other /tmp/before [--groups 3000] [--rounds 7]
//
// Data: the 3,323 real events of test/fixtures/events-all-valid.jsonl; filter groups: the query
// differential test's client-shaped generator (fixed seed), plus the benchmark's typical shapes.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import type { Filter } from '../pkg/nostr/types.js';
import { filterGroupArb, valuePool } from '../test/support/client-filters.js';
import { fixtureEvents } from '../test/support/query-corpus.js';

const { values } = parseArgs({ options: { other: { type: 'string' }, groups: { type: 'string', default: '3000' }, rounds: { type: 'string', default: '7' } } });
if (!values.other) {
  console.error('usage: store-query-ab.ts --other /path/to/other/checkout [--groups N] [--rounds N]');
  process.exit(2);
}

interface QueryingStore {
  putMany(events: unknown[]): Promise<unknown>;
  query(filters: Filter[], options: { maxLimit: number }): AsyncIterable<string>;
  close(): Promise<void>;
}
type Opener = { open(o: Record<string, unknown>): Promise<QueryingStore> };

const here = (await import('../pkg/store/event-store.js')).EventStore as unknown as Opener;
const other = (await import(resolve(values.other, 'pkg/store/event-store.ts'))).EventStore as Opener;

const events = fixtureEvents();
const pool = valuePool(events);
const groups: Filter[][] = fc.sample(filterGroupArb(pool, 500), { numRuns: Number(values.groups), seed: 42 });
const tags = pool.tags.t.slice(0, 50);
for (let i = 0; i < groups.length / 3; i++) {
  groups.push([{ kinds: [1], authors: pool.authors.slice(i % 100, (i % 100) + 20), limit: 50 }]);
  groups.push([{ '#t': [tags[i % tags.length]], limit: 50 }]);
}

const root = mkdtempSync(join(tmpdir(), 'lode-query-ab-'));
const settings = { syncWrites: false, gcInterval: 0, expirationSweepInterval: 0 };
const seedStore = await here.open({ dataDir: join(root, 'seed'), ...settings });
await seedStore.putMany(events);
await seedStore.close();
cpSync(join(root, 'seed'), join(root, 'a'), { recursive: true });
cpSync(join(root, 'seed'), join(root, 'b'), { recursive: true });
const stores = { this: await here.open({ dataDir: join(root, 'a'), ...settings }), other: await other.open({ dataDir: join(root, 'b'), ...settings }) };

async function round(store: QueryingStore): Promise<{ us: number; events: number }> {
  const before = process.cpuUsage();
  let n = 0;
  for (const g of groups) for await (const _ of store.query(g, { maxLimit: 500 })) n++;
  const used = process.cpuUsage(before);
  return { us: (used.user + used.system) / groups.length, events: n };
}

const figures: Record<'this' | 'other', number[]> = { this: [], other: [] };
for (const side of ['this', 'other'] as const) await round(stores[side]); // warm-up: JIT, page cache, event cache
for (let r = 0; r < Number(values.rounds); r++) {
  const order = r % 2 === 0 ? (['this', 'other'] as const) : (['other', 'this'] as const);
  for (const side of order) {
    const { us, events: n } = await round(stores[side]);
    figures[side].push(us);
    console.log(`round ${r + 1} ${side.padEnd(5)} ${us.toFixed(1)} µs CPU per group, ${n} events`);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`median: this ${median(figures.this).toFixed(1)} µs, other ${median(figures.other).toFixed(1)} µs per group (${groups.length} groups, ${events.length} events); this/other = ${(median(figures.this) / median(figures.other)).toFixed(3)}`);
await stores.this.close();
await stores.other.close();
rmSync(root, { recursive: true, force: true });
