// The report's data model: everything a run measured and the context needed to trust it.
import type { MachineInfo } from '../relay-info.js';
import type { Figure, StoreFigures } from '../metrics-scrape.js';
import type { WorkloadResult } from '../workloads/types.js';

export interface DatasetSummary {
  tier: string;
  key: string;
  events: number;
  freshEvents: number;
  authors: number;
  kinds: Record<string, number>;
  payloadBytes: { total: number; p50: number; p90: number; p99: number; max: number };
  fromCache: boolean;
  generationSeconds: number;
}

export interface RelaySummary {
  tier: string;
  name: string;
  url: string;
  spawned: boolean;
  software: string;
  version: string;
  supportedNips: number[];
  /** lode settings given to a spawned relay (flag names), or {} for external relays. */
  settings: Record<string, string>;
  /** Signature backend the relay reports (lode_verifier_info), or 'n/a'. */
  verifier: string;
  rssPeakBytes: Figure;
  cpuSeconds: Figure;
  diskBytes: Figure;
  store: StoreFigures;
}

export interface StudyRow {
  eventCacheSize: string;
  inline: string;
  compression: string;
  hitRatio: Figure;
  avgMs: number;
  p95Ms: number;
  queriesPerSecond: number;
  queries: number;
  diskBytes: number;
  inlineShare: Figure;
}

export interface TargetCheck {
  target: string;
  source: string;
  tier: string;
  relay: string;
  goal: string;
  measured: string;
  met: boolean | 'n/a';
  gap: string;
}

export interface BenchReport {
  schema: 'lode-bench/1';
  startedAt: string;
  finishedAt: string;
  command: string;
  profile: string;
  seed: string;
  machine: MachineInfo;
  versions: Record<string, string>;
  settings: Record<string, unknown>;
  datasets: DatasetSummary[];
  relays: RelaySummary[];
  results: WorkloadResult[];
  study?: { tier: string; queryWorkload: string; rows: StudyRow[] };
  targets: TargetCheck[];
}
