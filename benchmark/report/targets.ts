// The goals set by the store, relay and benchmark issues, checked against a run's figures:
// met or not, and by how much.
import type { WorkloadResult } from '../workloads/types.js';
import type { BenchReport, TargetCheck } from './model.js';

interface Goal {
  target: string;
  source: string;
  workload: string;
  read: (r: WorkloadResult) => number | undefined;
  /** 'min': measured must be ≥ goal; 'max': ≤ goal. */
  kind: 'min' | 'max';
  goal: number;
  unit: string;
}

const GOALS: Goal[] = [
  { target: 'ingest events/s (8 conn × 16 in flight, verified, durable)', source: 'issues 3, 4', workload: 'ingest', read: (r) => r.throughput.eventsPerSecond, kind: 'min', goal: 3000, unit: 'events/s' },
  { target: 'typical queries/s at concurrency 16', source: 'issue 3', workload: 'typical-c16', read: (r) => r.throughput.queriesPerSecond, kind: 'min', goal: 3500, unit: 'q/s' },
  { target: 'typical REQ→EOSE P95 at concurrency 16', source: 'issue 3', workload: 'typical-c16', read: (r) => r.latency.eose?.p95, kind: 'max', goal: 8, unit: 'ms' },
  { target: 'typical REQ→EOSE P95 at concurrency 1', source: 'issue 3', workload: 'typical-c1', read: (r) => r.latency.eose?.p95, kind: 'max', goal: 1, unit: 'ms' },
  { target: 'Zipf query mix queries/s at concurrency 16', source: 'issue 4', workload: 'query-mix-c16', read: (r) => r.throughput.queriesPerSecond, kind: 'min', goal: 3500, unit: 'q/s' },
  { target: 'Zipf query mix REQ→EOSE P95 at concurrency 16', source: 'issue 4', workload: 'query-mix-c16', read: (r) => r.latency.eose?.p95, kind: 'max', goal: 8, unit: 'ms' },
  { target: 'Zipf query mix REQ→EOSE P95 at concurrency 1', source: 'issue 4', workload: 'query-mix-c1', read: (r) => r.latency.eose?.p95, kind: 'max', goal: 1, unit: 'ms' },
  {
    target: 'event cache hit ratio on the Zipf query mix (c16)',
    source: 'issue 4',
    workload: 'query-mix-c16',
    read: (r) => (typeof r.figures.cacheHitRatio === 'number' ? r.figures.cacheHitRatio * 100 : undefined),
    kind: 'min',
    goal: 95,
    unit: '%',
  },
];

function format(value: number, unit: string): string {
  const digits = unit === 'ms' ? 2 : unit === '%' ? 1 : 0;
  return `${value.toFixed(digits)} ${unit}`;
}

/** Checks lode's results (the goals are lode's); other relays appear in the tables for comparison. */
export function checkTargets(report: BenchReport): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const goal of GOALS) {
    for (const r of report.results) {
      if (r.relay !== 'lode' || r.workload !== goal.workload) continue;
      const value = goal.read(r);
      const goalText = `${goal.kind === 'min' ? '≥' : '≤'} ${format(goal.goal, goal.unit)}`;
      if (value === undefined || Number.isNaN(value)) {
        checks.push({ target: goal.target, source: goal.source, tier: r.tier, relay: r.relay, goal: goalText, measured: 'n/a', met: 'n/a', gap: 'not measured' });
        continue;
      }
      const met = goal.kind === 'min' ? value >= goal.goal : value <= goal.goal;
      const diff = goal.kind === 'min' ? goal.goal - value : value - goal.goal;
      const gap = met
        ? `met with ${format(Math.abs(diff), goal.unit)} to spare`
        : `${format(diff, goal.unit)} ${goal.kind === 'min' ? 'short' : 'over'} (${Math.round((value / goal.goal) * 100)}% of goal)`;
      checks.push({ target: goal.target, source: goal.source, tier: r.tier, relay: r.relay, goal: goalText, measured: format(value, goal.unit), met, gap });
    }
  }
  return checks;
}
