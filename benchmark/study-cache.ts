// The cache tuning study (issue 4): the Zipf query mix over a grid of eventCacheSize ×
// inline threshold × compression. Placement settings only affect new writes, so each
// (inline, compression) pair gets its own store, loaded once; cache sizes are then tried by
// restarting lode on that store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Dataset } from './dataset.js';
import { scrapeMetrics, storeFigures, windowHitRatio } from './metrics-scrape.js';
import type { StudyRow } from './report/model.js';
import { SpawnedRelay, type LodeCommand } from './spawn-relay.js';
import { runIngest } from './workloads/ingest.js';
import { closeClients, openClients } from './workloads/publisher.js';
import { runQueries } from './workloads/query-mix.js';
import { QueryPlanner } from './workloads/query-plan.js';
import type { RelayTarget, WorkloadContext } from './workloads/types.js';

export interface StudyOptions {
  dataset: Dataset;
  seed: string;
  baseSettings: Record<string, string>;
  lodeCommand?: LodeCommand;
  outDir: string;
  concurrency: number;
  /** Queries per cell, both for the warm-up and for the measured pass (the hit ratio depends on it). */
  queries: number;
  /** Time cap per pass, so a slow cell still ends. */
  seconds: number;
  cacheSizes: string[];
  inline: { label: string; settings: Record<string, string> }[];
  compression: string[];
  log: (line: string) => void;
}

export const STUDY_GRID: { cacheSizes: string[]; inline: { label: string; settings: Record<string, string> }[]; compression: string[] } = {
  cacheSizes: ['0', '16MB', '64MB', '256MB'],
  inline: [
    { label: '256 B', settings: { 'inline-threshold': '256' } },
    { label: '1 KiB', settings: { 'inline-threshold': '1024' } },
    { label: '4 KiB', settings: { 'inline-threshold': '4096' } },
    { label: 'P0.99', settings: { 'inline-percentile': '0.99' } },
  ],
  compression: ['none', 'deflate'],
};

export async function runCacheStudy(options: StudyOptions): Promise<StudyRow[]> {
  const rows: StudyRow[] = [];
  for (const compression of options.compression) {
    for (const inline of options.inline) {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'lode-study-'));
      const placement = { ...options.baseSettings, ...inline.settings, compression };
      try {
        // Load the store once for this placement.
        const loader = await SpawnedRelay.start({ command: options.lodeCommand, dataDir, settings: placement, logFile: path.join(options.outDir, 'lode-study.log') });
        const target: RelayTarget = { name: 'lode', url: loader.url, httpUrl: loader.httpUrl, spawned: loader };
        const ctx: WorkloadContext = { target, dataset: options.dataset, seed: options.seed, log: options.log };
        const ingest = await runIngest(ctx, { connections: 8, window: 16, maxSeconds: 1800 });
        options.log(`study: loaded ${ingest.counts.accepted} events (inline ${inline.label}, compression ${compression}) at ${ingest.throughput.eventsPerSecond} events/s`);
        const inlineShare = storeFigures(await scrapeMetrics(loader.httpUrl)).inlineShare;
        await loader.stop();
        for (const cache of options.cacheSizes) {
          const relay = await SpawnedRelay.start({
            command: options.lodeCommand,
            dataDir,
            settings: { ...placement, 'event-cache-size': cache },
            logFile: path.join(options.outDir, 'lode-study.log'),
          });
          try {
            const planner = new QueryPlanner(options.dataset.facts, `${options.seed}/study`);
            const clients = await openClients(relay.url, options.concurrency);
            // A warm-up of as many queries as the measured pass: cells compare steady states after
            // the same amount of traffic, not how far each got in a fixed time on a busy machine.
            await runQueries(clients, planner, options.queries, options.seconds);
            const before = await scrapeMetrics(relay.httpUrl);
            const tally = await runQueries(clients, planner, options.queries, options.seconds);
            const after = await scrapeMetrics(relay.httpUrl);
            await closeClients(clients);
            const summary = tally.eose.summary();
            const row: StudyRow = {
              eventCacheSize: cache,
              inline: inline.label,
              compression,
              hitRatio: windowHitRatio(before, after),
              avgMs: summary.avg,
              p95Ms: summary.p95,
              queriesPerSecond: Math.round(tally.queries / tally.seconds),
              queries: tally.queries,
              diskBytes: relay.diskBytes(),
              inlineShare,
            };
            rows.push(row);
            if (tally.queries < options.queries) options.log(`study: only ${tally.queries} of ${options.queries} queries within ${options.seconds} s`);
            options.log(`study: cache ${cache}, inline ${inline.label}, ${compression}: hit ${row.hitRatio}, avg ${row.avgMs} ms, P95 ${row.p95Ms} ms, ${row.queriesPerSecond} q/s`);
          } finally {
            await relay.stop();
          }
        }
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  }
  return rows;
}
