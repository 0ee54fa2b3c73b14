// What every workload gets and gives back: a relay to drive, the data set, its own bounds,
// and a result made only of measured figures.
import type { Dataset } from '../dataset.js';
import { LatencyHistogram, type LatencySummary } from '../histogram.js';
import type { Figure } from '../metrics-scrape.js';
import type { SpawnedRelay } from '../spawn-relay.js';

export interface RelayTarget {
  name: string;
  url: string;
  httpUrl: string;
  /** Present when this run started the relay itself (lode): RSS, CPU, disk and restarts. */
  spawned?: SpawnedRelay;
}

export interface WorkloadContext {
  target: RelayTarget;
  dataset: Dataset;
  seed: string;
  log: (line: string) => void;
}

export interface LatencyFigure extends LatencySummary {
  curve: { percentile: number; ms: number }[];
}

export interface WorkloadResult {
  workload: string;
  relay: string;
  tier: string;
  seconds: number;
  /** Rates: eventsPerSecond, queriesPerSecond, opsPerSecond… */
  throughput: Record<string, number>;
  /** Latency kinds: ok, eose, firstEvent, fanout, page… (milliseconds). */
  latency: Record<string, LatencyFigure>;
  /** Counters: accepted, duplicate, rejected, errors, eventsReturned… */
  counts: Record<string, number>;
  /** Other figures: cache hit ratio in this window, relay CPU seconds used… */
  figures: Record<string, Figure | string>;
  /** Workload parameters actually used (connections, window, concurrency…). */
  params: Record<string, number | string | boolean>;
  notes: string[];
}

export function latencyFigure(histogram: LatencyHistogram): LatencyFigure {
  return { ...histogram.summary(), curve: histogram.curve() };
}

export function emptyResult(workload: string, ctx: WorkloadContext, params: WorkloadResult['params']): WorkloadResult {
  return { workload, relay: ctx.target.name, tier: ctx.dataset.tier, seconds: 0, throughput: {}, latency: {}, counts: {}, figures: {}, params, notes: [] };
}

export function rate(count: number, seconds: number): number {
  return seconds > 0 ? Math.round((count / seconds) * 10) / 10 : 0;
}

/** Resolves after `ms`, for pacing and idle phases. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
