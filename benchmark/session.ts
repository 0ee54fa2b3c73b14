// One benchmark run: for each tier, prepare the data, start lode (when asked) and attach the
// other relays, then run every workload on every relay before moving to the next workload,
// rotating the order, so machine drift falls on all relays alike.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { loadReplaySet, prepareDataset, readAllLines, type Dataset } from './dataset.js';
import { scrapeMetrics, storeFigures, verifierBackend, windowHitRatio } from './metrics-scrape.js';
import type { Profile } from './profiles.js';
import { fetchRelayDocument, machineInfo } from './relay-info.js';
import type { BenchReport, DatasetSummary, RelaySummary } from './report/model.js';
import { checkTargets } from './report/targets.js';
import { SpawnedRelay, repoRoot, type LodeCommand } from './spawn-relay.js';
import { runBurst } from './workloads/burst.js';
import { runColdWarm } from './workloads/cold-warm.js';
import { runFanout } from './workloads/fanout.js';
import { runIngest, runReplay } from './workloads/ingest.js';
import { runMixed } from './workloads/mixed.js';
import { runPagination } from './workloads/pagination.js';
import { runQueryMix } from './workloads/query-mix.js';
import { TYPICAL_PLAN } from './workloads/query-plan.js';
import type { RelayTarget, WorkloadContext, WorkloadResult } from './workloads/types.js';

export interface ExternalRelay {
  name: string;
  url: string;
}

export interface SessionOptions {
  profile: Profile;
  tiers: string[];
  relays: ExternalRelay[];
  spawnLode: boolean;
  spawnSettings: Record<string, string>;
  lodeCommand?: LodeCommand;
  outDir: string;
  cacheDir: string;
  seed: string;
  replayFiles: string[];
  command: string;
  /** Workload names to run (default all). */
  only?: string[];
  log: (line: string) => void;
}

type Step = { name: string; run: (ctx: WorkloadContext) => Promise<WorkloadResult> };

function steps(profile: Profile, fresh: string[], replay: { lines: string[]; sources: string[] }): Step[] {
  // Fresh events are split so the write workloads never publish the same event twice.
  const forMixed = fresh.slice(0, Math.floor(fresh.length / 2));
  const forBurst = fresh.slice(forMixed.length);
  const list: Step[] = [
    { name: 'ingest', run: (ctx) => runIngest(ctx, profile.ingest) },
    { name: 'replay', run: (ctx) => runReplay(ctx, replay.lines, replay.sources, profile.replay) },
    { name: 'cold-warm', run: (ctx) => runColdWarm(ctx, profile.coldWarm) },
  ];
  for (const c of profile.queries.concurrencies) {
    const q = profile.queries;
    list.push({ name: `query-mix-c${c}`, run: (ctx) => runQueryMix(ctx, { concurrency: c, seconds: q.seconds, maxQueries: q.maxQueries }) });
  }
  for (const c of profile.queries.concurrencies) {
    const q = profile.queries;
    list.push({
      name: `typical-c${c}`,
      run: (ctx) => runQueryMix(ctx, { concurrency: c, seconds: q.seconds, maxQueries: q.maxQueries, plan: TYPICAL_PLAN, name: `typical-c${c}` }),
    });
  }
  list.push(
    { name: 'pagination', run: (ctx) => runPagination(ctx, profile.pagination) },
    { name: 'fanout', run: (ctx) => runFanout(ctx, profile.fanout) },
    { name: 'mixed', run: (ctx) => runMixed(ctx, forMixed, profile.mixed) },
    { name: 'burst', run: (ctx) => runBurst(ctx, forBurst, profile.burst) },
  );
  return list;
}

/** Runs one workload on one relay with before/after figures the workload itself cannot see. */
async function measured(step: Step, ctx: WorkloadContext): Promise<WorkloadResult> {
  const spawned = ctx.target.spawned;
  const cpuBefore = spawned?.resources().cpuSeconds;
  const before = await scrapeMetrics(ctx.target.httpUrl);
  const clientCpu = process.cpuUsage();
  const result = await step.run(ctx);
  const clientUsed = process.cpuUsage(clientCpu);
  // The load generator's own CPU: when it nears the wall time, the client, not the relay, is the limit.
  result.figures.clientCpuSeconds = Math.round((clientUsed.user + clientUsed.system) / 10_000) / 100;
  const after = await scrapeMetrics(ctx.target.httpUrl);
  // cold-warm restarts the relay and sets its own per-pass ratios; the counters reset there.
  if (!('coldHitRatio' in result.figures)) result.figures.cacheHitRatio = windowHitRatio(before, after);
  const resources = spawned?.resources();
  result.figures.relayCpuSeconds = resources && cpuBefore !== undefined ? Math.max(0, Math.round((resources.cpuSeconds - cpuBefore) * 100) / 100) : 'n/a';
  result.figures.relayRssPeakBytes = resources ? resources.rssPeakBytes : 'n/a';
  // On a shared machine wall-clock rates swing with other load; work per relay CPU second
  // and the load average at the end let a reader judge that.
  const done = result.counts.accepted ?? result.counts.queries ?? result.counts.delivered ?? result.counts.pages;
  const cpu = result.figures.relayCpuSeconds;
  result.figures.perRelayCpuSecond = typeof cpu === 'number' && cpu > 0 && done !== undefined ? Math.round(done / cpu) : 'n/a';
  result.figures.loadAverage1m = Math.round(loadavg()[0] * 100) / 100;
  return result;
}

function datasetSummary(d: Dataset): DatasetSummary {
  return {
    tier: d.tier,
    key: d.key,
    events: d.plan.size,
    freshEvents: d.plan.fresh,
    authors: d.plan.authors,
    kinds: d.facts.kinds,
    payloadBytes: d.facts.payloadBytes,
    fromCache: d.fromCache,
    generationSeconds: d.generationSeconds,
  };
}

export async function runSession(options: SessionOptions): Promise<BenchReport> {
  const { profile, log } = options;
  const startedAt = new Date().toISOString();
  const root = repoRoot();
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  const report: BenchReport = {
    schema: 'lode-bench/1',
    startedAt,
    finishedAt: '',
    command: options.command,
    profile: profile.name,
    seed: options.seed,
    machine: machineInfo(),
    versions: { node: process.version, lode: pkg.version, ws: dependencyVersion(root, 'ws'), 'hdr-histogram-js': dependencyVersion(root, 'hdr-histogram-js') },
    settings: {
      profile,
      tiers: options.tiers,
      spawnLode: options.spawnLode,
      spawnSettings: options.spawnSettings,
      lodeCommand: options.lodeCommand ?? 'auto',
      client: { perMessageDeflate: false, process: 'one Node.js process, same machine as the relays' },
      relays: options.relays,
    },
    datasets: [],
    relays: [],
    results: [],
    targets: [],
  };
  const replay = await loadReplaySet(options.replayFiles, profile.replay.max);
  for (const tier of options.tiers) {
    const dataset = await prepareDataset({ tier, seed: options.seed, cacheDir: options.cacheDir, log });
    report.datasets.push(datasetSummary(dataset));
    const fresh = await readAllLines(dataset.freshFile);
    const targets: RelayTarget[] = [];
    try {
      if (options.spawnLode) {
        const spawned = await SpawnedRelay.start({
          command: options.lodeCommand,
          settings: options.spawnSettings,
          logFile: path.join(options.outDir, `lode-${tier}.log`),
        });
        report.settings.lodeCommand = spawned.command;
        targets.push({ name: 'lode', url: spawned.url, httpUrl: spawned.httpUrl, spawned });
        log(`[${tier}] lode (${spawned.command}) on ${spawned.url}, data in ${spawned.dataDir}`);
      }
      for (const r of options.relays) targets.push({ name: r.name, url: r.url, httpUrl: r.url.replace(/^ws/, 'http') });
      const docs = new Map(await Promise.all(targets.map(async (t) => [t.name, await fetchRelayDocument(t.url)] as const)));
      const list = steps(profile, fresh, replay).filter((s) => !options.only || options.only.includes(s.name) || s.name === 'ingest');
      for (const [i, step] of list.entries()) {
        // Rotate which relay goes first, so none always runs on a warmer or cooler machine.
        const order = targets.map((_, k) => targets[(k + i) % targets.length]);
        for (const target of order) {
          log(`[${tier}] ${step.name} on ${target.name}…`);
          const result = await measured(step, { target, dataset, seed: options.seed, log });
          report.results.push(result);
          log(`[${tier}]   ${oneLine(result)}`);
        }
      }
      for (const target of targets) {
        const doc = docs.get(target.name)!;
        const resources = target.spawned?.resources();
        const samples = await scrapeMetrics(target.httpUrl);
        const summary: RelaySummary = {
          tier,
          name: target.name,
          url: target.url,
          spawned: Boolean(target.spawned),
          software: doc.software,
          version: doc.version,
          supportedNips: doc.supportedNips,
          settings: target.spawned?.settings ?? {},
          rssPeakBytes: resources?.rssPeakBytes ?? 'n/a',
          cpuSeconds: resources?.cpuSeconds ?? 'n/a',
          diskBytes: target.spawned?.diskBytes() ?? 'n/a',
          store: storeFigures(samples),
          verifier: verifierBackend(samples),
        };
        report.relays.push(summary);
        if (target.name === 'lode') report.versions.lode = doc.version !== 'unknown' ? doc.version : pkg.version;
      }
    } finally {
      for (const t of targets) await t.spawned?.cleanup();
    }
  }
  report.targets = checkTargets(report);
  report.finishedAt = new Date().toISOString();
  return report;
}

function dependencyVersion(root: string, name: string): string {
  try {
    return (JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function oneLine(r: WorkloadResult): string {
  const rates = Object.entries(r.throughput).map(([k, v]) => `${k}=${v}`);
  const lat = Object.entries(r.latency)
    .filter(([k]) => !k.includes(':'))
    .map(([k, v]) => `${k} p50=${v.p50}ms p95=${v.p95}ms`);
  return [...rates, ...lat, r.figures.cacheHitRatio !== undefined ? `hit=${r.figures.cacheHitRatio}` : ''].filter(Boolean).join('  ');
}
