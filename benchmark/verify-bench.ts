// Single-core throughput of the protocol hot path: BIP-340 signature checks
// per backend over the 3,323 real events of test/fixtures/events-all-valid.jsonl
// (native with and without its parsed-pubkey cache, wasm, noble: rounds
// interleaved, so that a noisy moment hits every backend alike), then event id
// hashing and the shape check over the sample in test/fixtures/events-sample.jsonl.
//
//   npx tsx benchmark/verify-bench.ts [--rounds N]
//
// Each figure is the median of N (default 3) timed rounds (~1 s each, whole
// passes over the events) after a warm-up, as operations per CPU second of this
// process and per wall second. Native rows are left out, with the reason, when
// libsecp256k1 does not load (apt-get install libsecp256k1-1).
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
  createNativeVerifier,
  loadLibsecp256k1,
  nobleVerifier,
  serializeForId,
  sha256Hex,
  wasmVerifier,
  type NostrEvent,
  type SignatureVerifier,
} from '../pkg/nostr/index.js';

const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = Math.min(21, Math.max(3, roundsArg > 0 ? Number(process.argv[roundsArg + 1]) || 3 : 3));
const ROUND_MS = 1000;

const signed = readFileSync(new URL('../test/fixtures/events-all-valid.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.length > 0)
  .map((l) => JSON.parse(l) as NostrEvent);
const authors = new Set(signed.map((ev) => ev.pubkey)).size;

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

/**
 * Like measure, for several ops at once: round k times every op in turn (the order rotating by
 * one each round), so that load from other work on the machine falls on all of them alike.
 */
function measureInterleaved(ops: { name: string; op: (i: number) => unknown }[], count: number): Result[] {
  for (const { op } of ops) for (let i = 0; i < count; i++) op(i);
  const timed = ops.map(() => [] as { wall: number; cpu: number }[]);
  for (let k = 0; k < ROUNDS; k++) {
    for (let j = 0; j < ops.length; j++) {
      const at = (j + k) % ops.length;
      timed[at].push(round(ops[at].op, count));
    }
  }
  return ops.map(({ name }, j) => {
    const rounds = timed[j].map((t) => t.cpu);
    return { name, perCpuSecond: median(rounds), perSecond: median(timed[j].map((t) => t.wall)), rounds };
  });
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

// The native backend twice: as the relay gets it (parsed-pubkey cache of PUBKEY_CACHE_SIZE, which holds
// every author of the fixture) and parsing the pubkey on every call.
const lib = loadLibsecp256k1();
const verifiers: { name: string; verifier: SignatureVerifier }[] = [
  ...(lib.ok
    ? [
        { name: 'sig verify, native (libsecp256k1, pubkey cache)', verifier: createNativeVerifier(lib.value) },
        { name: 'sig verify, native (no pubkey cache)', verifier: createNativeVerifier(lib.value, { pubkeyCacheSize: 0 }) },
      ]
    : []),
  { name: 'sig verify, wasm (tiny-secp256k1)', verifier: wasmVerifier },
  { name: 'sig verify, noble (@noble/curves)', verifier: nobleVerifier },
];
if (!lib.ok) console.log(`native backend not measured: ${lib.reason}`);

// Correctness first: a fast wrong answer is worthless.
for (const ev of signed) for (const { name, verifier } of verifiers) check(verifier.verify(ev.id, ev.pubkey, ev.sig), `${name} verifies ${ev.id}`);
for (const ev of events) check(computeId(ev) === ev.id, `id of ${ev.id}`);

const sigResults = measureInterleaved(
  verifiers.map(({ name, verifier }) => ({
    name,
    op: (i: number) => verifier.verify(signed[i].id, signed[i].pubkey, signed[i].sig),
  })),
  signed.length,
);
/**
 * CPU µs per op of `a` and `b` over `pairs` back-to-back passes each, alternating which goes first;
 * answers the median of the per-pair ratios b / a. Two ops that differ by ~10 % drown in the
 * noise of separate 1 s rounds on shared cores; adjacent passes see the same moment.
 */
function pairedRatio(a: (i: number) => unknown, b: (i: number) => unknown, count: number, pairs = 15): { ratio: number; a: number; b: number } {
  const pass = (op: (i: number) => unknown) => {
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < count; i++) op(i);
    const cpu = process.cpuUsage(cpu0);
    return (cpu.user + cpu.system) / count;
  };
  const as: number[] = [];
  const bs: number[] = [];
  const ratios: number[] = [];
  for (let k = 0; k < pairs; k++) {
    let x: number;
    let y: number;
    if (k % 2 === 0) {
      x = pass(a);
      y = pass(b);
    } else {
      y = pass(b);
      x = pass(a);
    }
    as.push(x);
    bs.push(y);
    ratios.push(y / x);
  }
  return { ratio: median(ratios), a: median(as), b: median(bs) };
}

const sigOp = (verifier: SignatureVerifier) => (i: number) => verifier.verify(signed[i].id, signed[i].pubkey, signed[i].sig);
const cacheAb =
  verifiers.length === 4 ? pairedRatio(sigOp(verifiers[0].verifier), sigOp(verifiers[1].verifier), signed.length) : undefined;

const results: Result[] = [
  ...sigResults,
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

console.log(`signatures: ${signed.length} events by ${authors} authors, rounds interleaved; others: ${events.length} sample events (${(bytes / 1024).toFixed(0)} KiB; ${short.length} serialize under 1 KiB); median of ${ROUNDS} rounds of ${ROUND_MS} ms, one core`);
for (const r of results) {
  console.log(
    `${r.name.padEnd(44)} ${fmt(r.perCpuSecond).padStart(10)} /CPU-s ${fmt(r.perSecond).padStart(10)} /wall-s   CPU rounds: ${r.rounds.map(fmt).join(', ')}`,
  );
}
const perCpu = (prefix: string) => sigResults.find((r) => r.name.startsWith(prefix))?.perCpuSecond;
const wasm = perCpu('sig verify, wasm')!;
const noble = perCpu('sig verify, noble')!;
const nativeCached = perCpu('sig verify, native (libsecp256k1');
const nativeUncached = perCpu('sig verify, native (no');
const ratios = [
  `wasm / noble: ${(wasm / noble).toFixed(1)}x`,
  ...(nativeCached && nativeUncached
    ? [
        `native / wasm: ${(nativeCached / wasm).toFixed(1)}x`,
        `native cache on / off: ${(nativeCached / nativeUncached).toFixed(3)}x`,
      ]
    : []),
  ...(cacheAb
    ? [
        `native cache on / off in 15 paired passes: ${cacheAb.ratio.toFixed(3)}x ` +
          `(${cacheAb.a.toFixed(1)} vs ${cacheAb.b.toFixed(1)} CPU µs per check)`,
      ]
    : []),
];
console.log(`${ratios.join('; ')}; load average ${load}`);

console.log('\n--- Markdown for benchmark/RESULTS.md ---\n');
console.log(`## pkg/nostr: signature verification and id hashing (${new Date().toISOString().slice(0, 10)})

Command: \`npx tsx benchmark/verify-bench.ts --rounds ${ROUNDS}\` — signatures: the ${signed.length} real events of
\`test/fixtures/events-all-valid.jsonl\` (${authors} authors), backends' rounds interleaved; the other rows:
${events.length} real events from \`test/fixtures/events-sample.jsonl\` (${(bytes / 1024).toFixed(0)} KiB), one core,
median of ${ROUNDS} rounds of ~${ROUND_MS / 1000} s after a warm-up pass; the sha256 rows hash only the
${short.length} events whose canonical serialization is under 1 KiB.
Machine: ${nproc} cores (nproc), ${cpuModel}, Node ${process.version}; load average at the end ${load}.
"Per CPU second" divides by the user + system time of the process, the fairer figure when the cores are shared;
"per wall second" is what this run got.

| operation | per CPU second | per wall second |
|---|---:|---:|
${results.map((r) => `| ${r.name} | ${fmt(r.perCpuSecond)} | ${fmt(r.perSecond)} |`).join('\n')}

${ratios.join('; ')}.`);
