// Probe behind the write-path notes in RESULTS.md: main-thread cost of stage 1 of a write batch
// (BatchCommitter.prepare: canonical JSON, payload placement, record and index keys), in place in
// a real store, with three batches kept alive as while commits are pipelined (so GC pays as it does
// in the store). No LMDB writes.
//
//   npx tsx benchmark/store-prepare-probe.ts [--events 40000] [--batch 2000] [--rounds 5]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStore } from '../pkg/store/event-store.js';
import { generateEvents } from './store-bench-dataset.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('events', 40_000);
const BATCH = arg('batch', 2000);
const ROUNDS = arg('rounds', 5);

const dir = mkdtempSync(join(tmpdir(), 'lode-prepare-probe-'));
const events = [...generateEvents(N, 99, undefined, false)];
const store = await EventStore.open({ dataDir: dir, gcInterval: 0, expirationSweepInterval: 0 });
// The committer is private: the probe reaches it on purpose, to time stage 1 alone.
const committer = (store as unknown as { committer: { prepare(b: { event: unknown }[]): unknown } }).committer;
const prepare = committer.prepare.bind(committer);
const kept: unknown[] = [];
const perEvent: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const t = performance.now();
  for (let i = 0; i < N; i += BATCH) {
    kept.push(prepare(events.slice(i, i + BATCH).map((event) => ({ event }))));
    if (kept.length > 3) kept.shift();
  }
  perEvent.push(((performance.now() - t) * 1000) / N);
}
const sorted = [...perEvent].sort((a, b) => a - b);
console.log(`prepare: ${perEvent.map((x) => x.toFixed(1)).join(', ')} µs/event over ${ROUNDS} rounds; median ${sorted[Math.floor(ROUNDS / 2)].toFixed(1)} µs/event`);
await store.close();
rmSync(dir, { recursive: true, force: true });
