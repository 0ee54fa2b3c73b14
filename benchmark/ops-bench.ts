// Operations benchmark: the figures BADGER_MIGRATION_GUIDE.md quotes, measured on this machine.
//
//   npx tsx benchmark/ops-bench.ts [--file EVENTS.jsonl] [--to "--inline-threshold 4096 --compression deflate"]
//
// 1. import the JSONL file (signed events, ids and signatures checked) into a store with the
//    default settings, durable writes: events/s.
// 2. sizes (LMDB file, value log, whole dir), then read figures: get-by-id with no event cache
//    (every read decodes the payload: inline or value log), and a Zipf-skewed read mix with a
//    cache of 1/4 of the data: hit ratio.
// 3. the operator commands on that store: export, digest, backup, verify (durations, sizes).
// 4. the full migration with scripts/migrate-store-config.sh to the --to settings (per-step
//    durations from its migration.log), then the same sizes and read figures again.
// Prints a Markdown section and the JSON of every figure.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { EventStore } from '../pkg/store/event-store.js';
import { backupStore } from '../pkg/store/maintenance/backup.js';
import { digestStore } from '../pkg/store/maintenance/store-digest.js';
import { exportLines } from '../pkg/store/maintenance/jsonl-export.js';
import { importLines } from '../pkg/store/maintenance/jsonl-import.js';
import { verifyStore } from '../pkg/store/maintenance/verify.js';

const argv = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : dflt;
};
const ROOT = join(import.meta.dirname, '..');
const FILE = arg('file', join(ROOT, 'benchmark/cache/lode-10000-5000-1793664000-v1.events.jsonl'));
const TO = arg('to', '--inline-threshold 4096 --compression deflate').split(' ').filter(Boolean);
if (!existsSync(FILE)) throw new Error(`no dataset ${FILE}; generate one with the relay benchmark (npm run bench) or pass --file`);

const work = mkdtempSync(join(tmpdir(), 'lode-ops-bench-'));
const dataDir = join(work, 'data');
const lines = readFileSync(FILE, 'utf8').split('\n').filter((l) => l.trim());
const ids = lines.map((l) => (JSON.parse(l) as { id: string }).id);
const du = (p: string) => Number(execFileSync('du', ['-sb', p]).toString().split('\t')[0]);
const secs = (t0: number) => (performance.now() - t0) / 1000;

function zipfIndex(n: number, s: number, rnd: () => number): number {
  // Inverse-CDF sampling over a precomputed table (built once per n).
  const table = (zipfIndex as unknown as { t?: Float64Array }).t ??= (() => {
    const t = new Float64Array(n);
    let sum = 0;
    for (let i = 0; i < n; i++) t[i] = sum += 1 / Math.pow(i + 1, s);
    for (let i = 0; i < n; i++) t[i] /= sum;
    return t;
  })();
  const u = rnd();
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (table[mid] < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

async function readFigures(label: string) {
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const stored = ids.filter(() => true);
  // Uncached gets: every read decodes the payload from LMDB or the value log.
  const cold = await EventStore.open({ dataDir, eventCacheSize: 0, readOnly: true });
  const sample = Array.from({ length: 20_000 }, () => stored[Math.floor(rnd() * stored.length)]);
  let t0 = performance.now();
  let found = 0;
  for (const id of sample) if (await cold.get(id)) found++;
  const uncachedPerSec = sample.length / secs(t0);
  const st = cold.stats();
  await cold.close();
  // Cached mix: Zipf(0.9) over the ids, cache = 1/4 of the JSON bytes.
  const cacheBytes = Math.floor(lines.reduce((a, l) => a + l.length, 0) / 4);
  const warm = await EventStore.open({ dataDir, eventCacheSize: cacheBytes, readOnly: true });
  t0 = performance.now();
  for (let i = 0; i < 50_000; i++) await warm.get(stored[zipfIndex(stored.length, 0.9, rnd)]);
  const cachedPerSec = 50_000 / secs(t0);
  const cache = warm.stats().cache;
  await warm.close();
  return {
    label,
    events: st.events,
    inlineEvents: st.inline.events,
    vlogEvents: st.valueLog.events,
    lmdbFileBytes: st.lmdbFileBytes,
    vlogFileBytes: st.valueLog.fileBytes,
    dirBytes: du(dataDir),
    found,
    uncachedGetsPerSec: Math.round(uncachedPerSec),
    cachedGetsPerSec: Math.round(cachedPerSec),
    cacheBytes,
    hitRatio: Number(cache.hitRatio.toFixed(3)),
  };
}

// 1. import
let store = await EventStore.open({ dataDir, gcInterval: 0, expirationSweepInterval: 0 });
let t0 = performance.now();
const summary = await importLines(store, lines);
const importSecs = secs(t0);
await store.close();
const before = await readFigures('before (defaults: inline 1 KiB, no compression)');

// 3. operator commands
store = await EventStore.open({ dataDir, readOnly: true });
t0 = performance.now();
let exported = 0;
for await (const _ of exportLines(store)) exported++;
const exportSecs = secs(t0);
t0 = performance.now();
const digest = await digestStore(store);
const digestSecs = secs(t0);
const bk = await backupStore(store, join(work, 'backup'));
t0 = performance.now();
const verify = await verifyStore(store);
const verifySecs = secs(t0);
await store.close();

// 4. migration through the script, with the CLI bundled once (as the tests do)
const cli = join(ROOT, 'node_modules/.cache/lode-test/lode-ops-bench.mjs');
await build({ entryPoints: [join(ROOT, 'cmd/lode.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: cli, logLevel: 'warning' });
t0 = performance.now();
execFileSync('bash', [join(ROOT, 'scripts/migrate-store-config.sh'), '--data-dir', dataDir, ...TO], {
  env: { ...process.env, LODE_BIN: `${process.execPath} ${cli}` },
  stdio: ['ignore', 'ignore', 'ignore'],
});
const migrateSecs = secs(t0);
const runDir = join(work, 'lode-migrations', readdirSync(join(work, 'lode-migrations')).find((n) => n.startsWith('data-'))!);
const log = readFileSync(join(runDir, 'migration.log'), 'utf8');
const stepSecs = (name: string) => Number(new RegExp(`${name}: .* in (\\d+) s`).exec(log)?.[1] ?? NaN);
const after = await readFigures(`after (${TO.join(' ')})`);
rmSync(cli, { force: true });

const figures = {
  machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg: loadavg().map((x) => Number(x.toFixed(1))), node: process.version },
  dataset: { file: FILE, lines: lines.length, bytes: statSync(FILE).size },
  import: { ...summary, rejects: summary.rejects.length, seconds: Number(importSecs.toFixed(2)), eventsPerSec: Math.round(summary.read / importSecs) },
  export: { events: exported, seconds: Number(exportSecs.toFixed(2)), eventsPerSec: Math.round(exported / exportSecs) },
  digest: { ...digest, seconds: Number(digestSecs.toFixed(2)) },
  backup: { bytes: bk.sizeBytes, seconds: Number((bk.durationMs / 1000).toFixed(2)) },
  verify: { ok: verify.ok, checked: verify.checked, seconds: Number(verifySecs.toFixed(2)) },
  migration: { to: TO.join(' '), seconds: Number(migrateSecs.toFixed(1)), exportS: stepSecs('export'), importS: stepSecs('import'), verifyS: stepSecs('verify') },
  before,
  after,
};
rmSync(work, { recursive: true, force: true });

const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
const row = (f: typeof before) =>
  `| ${f.label} | ${f.events} | ${f.inlineEvents} / ${f.vlogEvents} | ${kib(f.lmdbFileBytes)} | ${kib(f.vlogFileBytes)} | ${kib(f.dirBytes)} | ${f.uncachedGetsPerSec} | ${f.cachedGetsPerSec} | ${f.hitRatio} |`;
console.log(
  [
    `### ops-bench: ${lines.length} events (${kib(figures.dataset.bytes)} JSONL), ${figures.machine.cpus} cores (${figures.machine.model}), load ${figures.machine.loadavg.join(' ')}, Node ${process.version}`,
    '',
    '| store | events | inline / value log | LMDB file | value log | data dir | gets/s, no cache | gets/s, Zipf 0.9, cache 1/4 | hit ratio |',
    '|---|---|---|---|---|---|---|---|---|',
    row(before),
    row(after),
    '',
    `import (ids + signatures checked, durable writes): ${figures.import.eventsPerSec} events/s; export ${figures.export.eventsPerSec} events/s; digest ${figures.digest.seconds} s; ` +
      `backup ${kib(figures.backup.bytes)} in ${figures.backup.seconds} s; verify ${figures.verify.seconds} s (${verify.ok ? 'clean' : 'PROBLEMS'}).`,
    `migration (${figures.migration.to}): ${figures.migration.seconds} s in all; export step ${figures.migration.exportS} s, import step ${figures.migration.importS} s, verify step ${figures.migration.verifyS} s (whole seconds from migration.log).`,
    '',
    '```json',
    JSON.stringify(figures, null, 2),
    '```',
  ].join('\n'),
);
