// Single-core throughput of the protocol hot path: BIP-340 signature checks
// per backend, event id hashing, and the shape check, over the real-event
// sample in test/fixtures/events-sample.jsonl.
//
//   npx tsx benchmark/verify-bench.ts
//
// Each figure is the median of 3 timed rounds (~1 s each) after a warm-up,
// as operations per CPU second of this process and per wall second.
// Prints a table and a Markdown section for benchmark/RESULTS.md.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import {
  checkEventShape,
  computeId,
  nobleVerifier,
  serializeForId,
  sha256Hex,
  wasmVerifier,
  type NostrEvent,
} from '../pkg/nostr/index.js';

const ROUNDS = 3;
const ROUND_MS = 1000;

const lines = readFileSync(new URL('../test/fixtures/events-sample.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.length > 0);
const events = lines.map((l) => JSON.parse(l) as NostrEvent);
const parsed = lines.map((l) => JSON.parse(l) as unknown);
const serialized = events.map((ev) => serializeForId(ev));
// Most traffic is small (reactions, notes): hash backends are compared on those.
const short = serialized.filter((text) => Buffer.byteLength(text) < 1024);

/**
 * Runs `op` over indexes 0..count-1 repeatedly for ROUND_MS of wall time;
 * answers ops per wall second and per CPU second (user + system of this
 * process). On shared, loaded cores the CPU figure is the one to compare.
 */
function round(op: (i: number) => unknown, count: number): { wall: number; cpu: number } {
  let n = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  let elapsed = 0;
  do {
    for (let i = 0; i < count; i++) op(i);
    n += count;
    elapsed = performance.now() - start;
  } while (elapsed < ROUND_MS);
  const cpu = process.cpuUsage(cpu0);
  return { wall: (n / elapsed) * 1000, cpu: n / ((cpu.user + cpu.system) / 1e6) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

interface Result {
  name: string;
  /** Median ops per CPU second. */
  perCpuSecond: number;
  /** Median ops per wall second. */
  perSecond: number;
  rounds: number[];
}

function measure(name: string, op: (i: number) => unknown, count = events.length): Result {
  for (let i = 0; i < count; i++) op(i); // warm-up: JIT, noble's precomputed tables
  const timed = Array.from({ length: ROUNDS }, () => round(op, count));
  const rounds = timed.map((t) => t.cpu);
  return { name, perCpuSecond: median(rounds), perSecond: median(timed.map((t) => t.wall)), rounds };
}

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`benchmark sanity check failed: ${what}`);
}

// Correctness first: a fast wrong answer is worthless.
for (const ev of events) {
  check(wasmVerifier.verify(ev.id, ev.pubkey, ev.sig), `wasm verifies ${ev.id}`);
  check(nobleVerifier.verify(ev.id, ev.pubkey, ev.sig), `noble verifies ${ev.id}`);
  check(computeId(ev) === ev.id, `id of ${ev.id}`);
}

const results: Result[] = [
  measure('sig verify, wasm (tiny-secp256k1)', (i) => wasmVerifier.verify(events[i].id, events[i].pubkey, events[i].sig)),
  measure('sig verify, noble (@noble/curves)', (i) => nobleVerifier.verify(events[i].id, events[i].pubkey, events[i].sig)),
  measure('computeId (serialize + sha256)', (i) => computeId(events[i])),
  measure('sha256 <1 KiB, sha256Hex (node:crypto hash)', (i) => sha256Hex(short[i]), short.length),
  measure('sha256 <1 KiB, node:crypto createHash', (i) => createHash('sha256').update(short[i], 'utf8').digest('hex'), short.length),
  measure('sha256 <1 KiB, @noble/hashes', (i) => bytesToHex(sha256(utf8ToBytes(short[i]))), short.length),
  measure('checkEventShape', (i) => checkEventShape(parsed[i])),
];

const bytes = lines.reduce((sum, l) => sum + Buffer.byteLength(l), 0);
const cpuModel = cpus()[0]?.model ?? 'unknown';
const nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
const load = loadavg().map((x) => x.toFixed(1)).join(' ');
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

console.log(`${events.length} sample events (${(bytes / 1024).toFixed(0)} KiB; ${short.length} serialize under 1 KiB), median of ${ROUNDS} rounds of ${ROUND_MS} ms, one core`);
for (const r of results) {
  console.log(
    `${r.name.padEnd(44)} ${fmt(r.perCpuSecond).padStart(10)} /CPU-s ${fmt(r.perSecond).padStart(10)} /wall-s   CPU rounds: ${r.rounds.map(fmt).join(', ')}`,
  );
}
const wasm = results[0].perCpuSecond;
const noble = results[1].perCpuSecond;
console.log(`wasm / noble: ${(wasm / noble).toFixed(1)}x; load average ${load}`);

console.log('\n--- Markdown for benchmark/RESULTS.md ---\n');
console.log(`## pkg/nostr: signature verification and id hashing (${new Date().toISOString().slice(0, 10)})

Command: \`npx tsx benchmark/verify-bench.ts\` — ${events.length} real events from
\`test/fixtures/events-sample.jsonl\` (${(bytes / 1024).toFixed(0)} KiB, all kinds of the sample), one core,
median of ${ROUNDS} rounds of ~${ROUND_MS / 1000} s after a warm-up pass; the sha256 rows hash only the
${short.length} events whose canonical serialization is under 1 KiB.
Machine: ${nproc} cores (nproc), ${cpuModel}, Node ${process.version}; load average at the end ${load}.
"Per CPU second" divides by the user + system time of the process, the fairer figure when the cores are shared;
"per wall second" is what this run got.

| operation | per CPU second | per wall second |
|---|---:|---:|
${results.map((r) => `| ${r.name} | ${fmt(r.perCpuSecond)} | ${fmt(r.perSecond)} |`).join('\n')}

wasm verifies ${(wasm / noble).toFixed(1)}× as many signatures as noble, so it is \`defaultVerifier\`.`);
