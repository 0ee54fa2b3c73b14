// Run profiles: how big and how long each workload runs. Every loop in a workload is bounded
// by both a count and a time from here, so a slow or stuck relay still ends the run.
import type { BurstParams } from './workloads/burst.js';
import type { ColdWarmParams } from './workloads/cold-warm.js';
import type { FanoutParams } from './workloads/fanout.js';
import type { IngestParams } from './workloads/ingest.js';
import type { MixedParams } from './workloads/mixed.js';
import type { PaginationParams } from './workloads/pagination.js';

export type ProfileName = 'tiny' | 'quick' | 'full';

export interface Profile {
  name: ProfileName;
  tiers: string[];
  ingest: IngestParams;
  replay: { connections: number; window: number; max: number };
  queries: { concurrencies: number[]; seconds: number; maxQueries: number };
  pagination: PaginationParams;
  fanout: FanoutParams;
  mixed: MixedParams;
  burst: BurstParams;
  coldWarm: ColdWarmParams;
}

export const PROFILES: Record<ProfileName, Profile> = {
  tiny: {
    name: 'tiny',
    tiers: ['tiny'],
    ingest: { connections: 4, window: 8, maxSeconds: 30 },
    replay: { connections: 2, window: 8, max: 50 },
    queries: { concurrencies: [1, 4], seconds: 1, maxQueries: 60 },
    pagination: { pageSize: 20, maxPages: 5, seconds: 5 },
    fanout: { subscribers: 4, events: 5, perSecond: 50 },
    mixed: { concurrency: 4, writeShare: 0.2, seconds: 1, maxOps: 150 },
    burst: { cycles: 2, idleMs: 100, eventsPerBurst: 40, connections: 2, window: 8 },
    coldWarm: { concurrency: 2, queries: 40, seconds: 3 },
  },
  quick: {
    name: 'quick',
    tiers: ['10k'],
    ingest: { connections: 8, window: 16, maxSeconds: 60 },
    replay: { connections: 4, window: 16, max: 5000 },
    queries: { concurrencies: [1, 16], seconds: 5, maxQueries: 100_000 },
    pagination: { pageSize: 100, maxPages: 100, seconds: 5 },
    fanout: { subscribers: 50, events: 100, perSecond: 50 },
    mixed: { concurrency: 16, writeShare: 0.1, seconds: 5, maxOps: 100_000 },
    burst: { cycles: 3, idleMs: 1000, eventsPerBurst: 800, connections: 8, window: 16 },
    coldWarm: { concurrency: 4, queries: 2000, seconds: 5 },
  },
  full: {
    name: 'full',
    tiers: ['10k', '1m'],
    ingest: { connections: 8, window: 16, maxSeconds: 900 },
    replay: { connections: 4, window: 16, max: 5000 },
    queries: { concurrencies: [1, 16], seconds: 20, maxQueries: 1_000_000 },
    pagination: { pageSize: 100, maxPages: 500, seconds: 30 },
    fanout: { subscribers: 200, events: 200, perSecond: 50 },
    mixed: { concurrency: 16, writeShare: 0.1, seconds: 20, maxOps: 1_000_000 },
    burst: { cycles: 5, idleMs: 2000, eventsPerBurst: 2000, connections: 8, window: 16 },
    coldWarm: { concurrency: 4, queries: 5000, seconds: 15 },
  },
};

/**
 * Settings a spawned lode gets unless --spawn-opt overrides them: the per-IP and per-author
 * rate and connection limits are for a public relay facing strangers; a load generator on
 * 127.0.0.1 is exactly what they exist to stop, so they are off for measurement.
 */
export const BENCH_SPAWN_DEFAULTS: Record<string, string> = {
  'max-connections-per-ip': '0',
  'event-rate-per-ip': '0',
  'event-rate-per-pubkey': '0',
  'req-rate-per-ip': '0',
  'log-level': 'warn',
};
