// Does the worker hop still pay when a check is cheap? VerifyPool (src/verify-pool.ts) with the
// native backend against calling the native verifier directly on the main thread, over the 3,323
// real events of test/fixtures/events-all-valid.jsonl:
//   - saturated: every event submitted at once (what a busy relay's ingest looks like), for several
//     maxBatch sizes and 1 or 2 worker threads, and the wasm backend for comparison;
//   - bursts of k: k checks submitted, awaited, then the next k (a quiet relay: the hop's latency).
// Per configuration: checks per wall second, and CPU µs per check of the main thread and of the
// whole process (main + workers), the main thread being what the relay runs short of.
//
//   npx tsx benchmark/verify-pool-bench.ts [--rounds N]
//
// Configurations run interleaved, round after round; each figure is the median of N (default 3)
// rounds of whole passes over the events for ≥ ~1 s. Linux only (main-thread CPU from /proc).

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { loadNativeVerifier, type NostrEvent, type VerifierName } from '../pkg/nostr/index.js';
import { VerifyPool } from '../src/verify-pool.js';
import { mainThreadCpuMs } from './thread-cpu.js';

const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = Math.min(21, Math.max(3, roundsArg > 0 ? Number(process.argv[roundsArg + 1]) || 3 : 3));
const ROUND_MS = 1000;
const MAX_PASSES = 40;

const events = readFileSync(new URL('../test/fixtures/events-all-valid.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.length > 0)
  .map((l) => JSON.parse(l) as NostrEvent);
const n = events.length;

const native = loadNativeVerifier();
if (!native.ok) {
  console.error(`the native backend does not load: ${native.reason}`);
  process.exit(1);
}
const direct = native.verifier;

interface Config {
  name: string;
  /** One pass over the events; answers how many verified. */
  pass: () => Promise<number> | number;
}

async function poolPass(pool: VerifyPool, burst: number): Promise<number> {
  let ok = 0;
  for (let start = 0; start < n; start += burst) {
    const checks: Promise<boolean>[] = [];
    for (let i = start; i < Math.min(n, start + burst); i++) checks.push(pool.verify(events[i].id, events[i].pubkey, events[i].sig));
    for (const good of await Promise.all(checks)) if (good) ok++;
  }
  return ok;
}

const pools: VerifyPool[] = [];
function pool(verifier: VerifierName, threads: number, maxBatch: number): VerifyPool {
  const p = new VerifyPool({ verifier, threads, maxBatch });
  pools.push(p);
  return p;
}

const configs: Config[] = [
  {
    name: 'direct: native on the main thread',
    pass: () => {
      let ok = 0;
      for (const ev of events) if (direct.verify(ev.id, ev.pubkey, ev.sig)) ok++;
      return ok;
    },
  },
];
for (const maxBatch of [16, 64, 256, 1024]) {
  const p = pool('native', 2, maxBatch);
  configs.push({ name: `pool native, 2 threads, saturated, maxBatch ${maxBatch}`, pass: () => poolPass(p, n) });
}
const one = pool('native', 1, 256);
configs.push({ name: 'pool native, 1 thread, saturated, maxBatch 256', pass: () => poolPass(one, n) });
const two = pool('native', 2, 256);
for (const burst of [1, 8, 64]) {
  configs.push({ name: `pool native, 2 threads, bursts of ${burst}`, pass: () => poolPass(two, burst) });
}
const wasmPool = pool('wasm', 2, 256);
configs.push({ name: 'pool wasm, 2 threads, saturated, maxBatch 256', pass: () => poolPass(wasmPool, n) });

interface Sample {
  perWallSecond: number;
  mainUs: number;
  processUs: number;
}

async function round(config: Config): Promise<Sample> {
  const main0 = mainThreadCpuMs() ?? NaN;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  let checks = 0;
  let passes = 0;
  do {
    const ok = await config.pass();
    if (ok !== n) throw new Error(`${config.name}: ${ok} of ${n} events verified`);
    checks += n;
    passes++;
  } while (performance.now() - start < ROUND_MS && passes < MAX_PASSES);
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  const mainMs = (mainThreadCpuMs() ?? NaN) - main0;
  return { perWallSecond: (checks / wallMs) * 1000, mainUs: (mainMs * 1000) / checks, processUs: (cpu.user + cpu.system) / checks };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const c of configs) await c.pass(); // warm-up: workers started and JIT-compiled
const samples = configs.map(() => [] as Sample[]);
for (let k = 0; k < ROUNDS; k++) {
  for (let j = 0; j < configs.length; j++) {
    const at = (j + k) % configs.length;
    samples[at].push(await round(configs[at]));
  }
}
await Promise.all(pools.map((p) => p.close()));

const rows = configs.map((c, j) => ({
  name: c.name,
  perWallSecond: median(samples[j].map((s) => s.perWallSecond)),
  mainUs: median(samples[j].map((s) => s.mainUs)),
  processUs: median(samples[j].map((s) => s.processUs)),
  walls: samples[j].map((s) => s.perWallSecond),
}));

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
const us = (x: number) => x.toFixed(1);
const load = loadavg().map((x) => x.toFixed(1)).join(' ');
const nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
console.log(`${n} events, native from ${native.path}; median of ${ROUNDS} interleaved rounds of ≥ ${ROUND_MS} ms`);
for (const r of rows) {
  console.log(
    `${r.name.padEnd(52)} ${fmt(r.perWallSecond).padStart(8)} /wall-s  main ${us(r.mainUs).padStart(6)} µs  process ${us(r.processUs).padStart(6)} µs   wall rounds: ${r.walls.map(fmt).join(', ')}`,
  );
}
console.log(`load average ${load}`);

console.log('\n--- Markdown for benchmark/RESULTS.md ---\n');
console.log(`Command: \`npx tsx benchmark/verify-pool-bench.ts --rounds ${ROUNDS}\` — ${n} events, median of ${ROUNDS} interleaved rounds.
Machine: ${nproc} cores (nproc), ${cpus()[0]?.model ?? 'unknown'}, Node ${process.version}; load average at the end ${load}.

| configuration | checks per wall second | main-thread CPU µs / check | process CPU µs / check |
|---|---:|---:|---:|
${rows.map((r) => `| ${r.name} | ${fmt(r.perWallSecond)} | ${us(r.mainUs)} | ${us(r.processUs)} |`).join('\n')}`);
