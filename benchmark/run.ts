// `npm run bench` — drives lode (spawned on a fresh data dir) and any other relay given with
// --relay over real WebSockets, and writes JSON, Markdown and chart reports.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { prepareDataset } from './dataset.js';
import { machineInfo } from './relay-info.js';
import { BENCH_SPAWN_DEFAULTS, PROFILES, type ProfileName } from './profiles.js';
import type { BenchReport } from './report/model.js';
import { terminalSummary } from './report/terminal.js';
import { writeReport } from './report/write.js';
import { runSession, type ExternalRelay } from './session.js';
import { repoRoot, type LodeCommand } from './spawn-relay.js';
import { runCacheStudy, STUDY_GRID } from './study-cache.js';

const USAGE = `usage: npm run bench -- [options]
  --profile quick|full|tiny     workload sizes (default quick: ~1 minute, 10k events)
  --relay NAME=ws://HOST:PORT   also measure this running relay (repeatable)
  --no-spawn                    do not start lode; measure only --relay relays
  --spawn-opt KEY=VALUE         a lode setting for the spawned relay, by flag name (repeatable),
                                e.g. --spawn-opt event-cache-size=64MB
  --lode-cmd dist|source        run dist/cmd/lode.js or cmd/lode.ts via tsx (default: dist if built and fresh)
  --tiers 10k,100k,1m           data tiers (default from the profile)
  --only NAME,NAME              run only these workloads (ingest always runs to load the store)
  --prepare                     only generate (sign and cache) the data tiers, then exit
  --study cache                 the cache tuning grid instead of the workloads
  --study-queries N             queries per study cell, after as many to warm up (default by profile)
  --study-seconds N             time cap per study pass (default 120)
  --out DIR                     report directory (default benchmark/reports/<timestamp>/)
  --cache-dir DIR               data set cache (default benchmark/cache/)
  --seed TEXT                   data set seed (default lode)`;

export class BenchArgumentError extends Error {
  readonly code = 'bad-argument';
}

export interface BenchArgs {
  profile: ProfileName;
  relays: ExternalRelay[];
  spawn: boolean;
  spawnSettings: Record<string, string>;
  lodeCommand?: LodeCommand;
  tiers?: string[];
  only?: string[];
  study?: 'cache';
  studySeconds?: number;
  studyQueries?: number;
  prepare: boolean;
  outDir: string;
  cacheDir: string;
  seed: string;
}

function pair(text: string, flag: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new BenchArgumentError(`${flag} expects NAME=VALUE, got "${text}"`);
  return [text.slice(0, eq), text.slice(eq + 1)];
}

export function parseBenchArgs(argv: string[], root = repoRoot()): BenchArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      profile: { type: 'string', default: 'quick' },
      relay: { type: 'string', multiple: true, default: [] },
      'no-spawn': { type: 'boolean', default: false },
      'spawn-opt': { type: 'string', multiple: true, default: [] },
      'lode-cmd': { type: 'string' },
      tiers: { type: 'string' },
      only: { type: 'string' },
      study: { type: 'string' },
      prepare: { type: 'boolean', default: false },
      'study-seconds': { type: 'string' },
      'study-queries': { type: 'string' },
      out: { type: 'string' },
      'cache-dir': { type: 'string' },
      seed: { type: 'string', default: 'lode' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) throw new BenchArgumentError(USAGE);
  const profile = values.profile as ProfileName;
  if (!(profile in PROFILES)) throw new BenchArgumentError(`--profile must be one of ${Object.keys(PROFILES).join(', ')}, got "${profile}"`);
  const relays = values.relay.map((r) => {
    const [name, url] = pair(r, '--relay');
    if (!/^wss?:\/\//.test(url)) throw new BenchArgumentError(`--relay ${name}: the address must start with ws:// or wss://, got "${url}"`);
    if (name === 'lode' && !values['no-spawn']) throw new BenchArgumentError('--relay lode=… clashes with the spawned lode; name it differently or add --no-spawn');
    return { name, url };
  });
  const spawnSettings: Record<string, string> = { ...BENCH_SPAWN_DEFAULTS };
  for (const opt of values['spawn-opt']) {
    const [key, value] = pair(opt, '--spawn-opt');
    spawnSettings[key.replace(/^--/, '')] = value;
  }
  const lodeCommand = values['lode-cmd'] as LodeCommand | undefined;
  if (lodeCommand && lodeCommand !== 'dist' && lodeCommand !== 'source') throw new BenchArgumentError(`--lode-cmd must be dist or source, got "${lodeCommand}"`);
  if (values['no-spawn'] && relays.length === 0) throw new BenchArgumentError('--no-spawn needs at least one --relay NAME=ws://HOST:PORT');
  if (values.study && values.study !== 'cache') throw new BenchArgumentError(`--study supports only "cache", got "${values.study}"`);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return {
    profile,
    relays,
    spawn: !values['no-spawn'],
    spawnSettings,
    lodeCommand,
    tiers: values.tiers?.split(',').map((t) => t.trim().toLowerCase()),
    only: values.only?.split(',').map((t) => t.trim()),
    study: values.study as 'cache' | undefined,
    prepare: values.prepare,
    studySeconds: values['study-seconds'] ? Number(values['study-seconds']) : undefined,
    studyQueries: values['study-queries'] ? Number(values['study-queries']) : undefined,
    outDir: path.resolve(values.out ?? path.join(root, 'benchmark/reports', stamp)),
    cacheDir: path.resolve(values['cache-dir'] ?? path.join(root, 'benchmark/cache')),
    seed: values.seed,
  };
}

export function replayFiles(root = repoRoot()): string[] {
  return [path.join(root, 'test/fixtures/events-sample.jsonl'), path.join(root, '../shared/vectors/events/all-valid.jsonl')];
}

async function studyReport(args: BenchArgs, command: string, log: (l: string) => void): Promise<BenchReport> {
  const profile = PROFILES[args.profile];
  const tier = args.tiers?.[0] ?? (args.profile === 'full' ? '1m' : profile.tiers[0]);
  const seconds = args.studySeconds ?? (args.profile === 'tiny' ? 5 : 120);
  const queries = args.studyQueries ?? (args.profile === 'tiny' ? 40 : args.profile === 'quick' ? 1000 : 3000);
  const startedAt = new Date().toISOString();
  const dataset = await prepareDataset({ tier, seed: args.seed, cacheDir: args.cacheDir, log });
  const tiny = args.profile === 'tiny';
  const rows = await runCacheStudy({
    dataset,
    seed: args.seed,
    baseSettings: args.spawnSettings,
    lodeCommand: args.lodeCommand,
    outDir: args.outDir,
    concurrency: 16,
    queries,
    seconds,
    // The tiny profile only proves the study runs end to end.
    cacheSizes: tiny ? ['0', '16MB'] : STUDY_GRID.cacheSizes,
    inline: tiny ? STUDY_GRID.inline.slice(0, 1) : STUDY_GRID.inline,
    compression: tiny ? ['none'] : STUDY_GRID.compression,
    log,
  });
  return {
    schema: 'lode-bench/1',
    startedAt,
    finishedAt: new Date().toISOString(),
    command,
    profile: args.profile,
    seed: args.seed,
    machine: machineInfo(),
    versions: { node: process.version, lode: (JSON.parse(readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as { version: string }).version },
    settings: { study: 'cache', tier, queriesPerCell: queries, warmupQueriesPerCell: queries, secondsCapPerPass: seconds, concurrency: 16, baseSettings: args.spawnSettings, grid: STUDY_GRID },
    datasets: [],
    relays: [],
    results: [],
    study: { tier, queryWorkload: 'Zipf query mix, concurrency 16', rows },
    targets: [],
  };
}

export async function main(argv: string[], io: { log: (line: string) => void } = { log: (line) => console.log(line) }): Promise<number> {
  let args: BenchArgs;
  try {
    args = parseBenchArgs(argv);
  } catch (err) {
    console.error((err as Error).message);
    return (err as Error).message === USAGE ? 0 : 2;
  }
  const root = repoRoot();
  const command = `npm run bench -- ${argv.join(' ')}`.trim();
  const log = io.log;
  if (args.prepare) {
    for (const tier of args.tiers ?? PROFILES[args.profile].tiers) {
      const d = await prepareDataset({ tier, seed: args.seed, cacheDir: args.cacheDir, log });
      log(`${tier}: ${d.eventsFile}${d.fromCache ? ' (already cached)' : ''}`);
    }
    return 0;
  }
  mkdirSync(args.outDir, { recursive: true });
  let report: BenchReport;
  if (args.study) {
    report = await studyReport(args, command, log);
  } else {
    const profile = PROFILES[args.profile];
    const files = replayFiles(root);
    report = await runSession({
      profile,
      tiers: args.tiers ?? profile.tiers,
      relays: args.relays,
      spawnLode: args.spawn,
      spawnSettings: args.spawnSettings,
      lodeCommand: args.lodeCommand,
      outDir: args.outDir,
      cacheDir: args.cacheDir,
      seed: args.seed,
      replayFiles: files.filter((f) => existsSync(f)),
      command,
      only: args.only,
      log,
    });
  }
  await writeReport(report, args.outDir);
  log('');
  log(terminalSummary(report, args.outDir));
  return 0;
}

const invokedDirectly = process.argv[1] && path.resolve(process.argv[1]).replace(/\.[jt]s$/, '') === path.resolve(new URL(import.meta.url).pathname).replace(/\.[jt]s$/, '');
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`benchmark failed: ${(err as Error).stack ?? String(err)}`);
      process.exit(1);
    },
  );
}
