// Rows shared by the terminal summary and the Markdown report, so both say the same thing.
import type { Figure } from '../metrics-scrape.js';
import type { WorkloadResult } from '../workloads/types.js';
import { mainRate } from './charts.js';
import type { BenchReport } from './model.js';

export function fmtFigure(v: Figure | string | undefined, kind: 'ratio' | 'bytes' | 'number' | 'seconds' = 'number'): string {
  if (v === undefined || v === 'n/a') return 'n/a';
  if (typeof v === 'string') return v;
  if (kind === 'ratio') return `${(v * 100).toFixed(1)} %`;
  if (kind === 'bytes') return fmtBytes(v);
  if (kind === 'seconds') return `${v.toFixed(2)} s`;
  return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(2);
}

export function fmtBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}

export const THROUGHPUT_HEADER = ['tier', 'workload', 'relay', 'rate', 'per second', 'per relay CPU s', 'seconds', 'counts', 'cache hit', 'relay CPU s', 'client CPU s', 'load avg'];

export function throughputRows(report: BenchReport): string[][] {
  return report.results.map((r) => {
    const key = mainRate(r.workload) ?? Object.keys(r.throughput)[0] ?? '';
    const counts = Object.entries(r.counts)
      .filter(([, v]) => v !== 0)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    const hit = r.figures.cacheHitRatio ?? (r.figures.coldHitRatio !== undefined ? `${fmtFigure(r.figures.coldHitRatio, 'ratio')} → ${fmtFigure(r.figures.warmHitRatio, 'ratio')}` : undefined);
    return [
      r.tier,
      r.workload,
      r.relay,
      key,
      key && r.throughput[key] !== undefined ? fmtFigure(r.throughput[key]) : 'n/a',
      fmtFigure(r.figures.perRelayCpuSecond),
      r.seconds.toFixed(2),
      counts || '-',
      typeof hit === 'string' ? hit : fmtFigure(hit, 'ratio'),
      fmtFigure(r.figures.relayCpuSeconds),
      fmtFigure(r.figures.clientCpuSeconds),
      fmtFigure(r.figures.loadAverage1m),
    ];
  });
}

export const LATENCY_HEADER = ['tier', 'workload', 'relay', 'latency', 'count', 'avg ms', 'P50', 'P90', 'P95', 'P99', 'max'];

/** Every latency series of every result (per-type breakdowns included when `detail`). */
export function latencyRows(results: WorkloadResult[], detail: boolean): string[][] {
  const rows: string[][] = [];
  for (const r of results) {
    for (const [kind, l] of Object.entries(r.latency)) {
      if (!detail && kind.includes(':')) continue;
      if (l.count === 0) continue;
      rows.push([r.tier, r.workload, r.relay, kind, String(l.count), ...[l.avg, l.p50, l.p90, l.p95, l.p99, l.max].map((v) => v.toFixed(3))]);
    }
  }
  return rows;
}

export const RELAY_HEADER = ['tier', 'relay', 'software', 'version', 'signatures', 'RSS peak', 'CPU s', 'disk', 'cache hit ratio', 'inline share', 'vlog share', 'lmdb bytes', 'vlog bytes'];

export function relayRows(report: BenchReport): string[][] {
  return report.relays.map((r) => [
    r.tier,
    r.name,
    r.software,
    r.version,
    r.verifier ?? 'n/a',
    fmtFigure(r.rssPeakBytes, 'bytes'),
    fmtFigure(r.cpuSeconds, 'seconds'),
    fmtFigure(r.diskBytes, 'bytes'),
    fmtFigure(r.store.cacheHitRatio, 'ratio'),
    fmtFigure(r.store.inlineShare, 'ratio'),
    fmtFigure(r.store.vlogShare, 'ratio'),
    fmtFigure(r.store.lmdbBytes, 'bytes'),
    fmtFigure(r.store.vlogBytes, 'bytes'),
  ]);
}

export const TARGET_HEADER = ['target', 'from', 'tier', 'goal', 'measured', 'met', 'gap'];

export function targetRows(report: BenchReport): string[][] {
  return report.targets.map((t) => [t.target, t.source, t.tier, t.goal, t.measured, t.met === 'n/a' ? 'n/a' : t.met ? 'met' : 'NOT met', t.gap]);
}

export const STUDY_HEADER = ['eventCacheSize', 'inline threshold', 'compression', 'hit ratio', 'avg ms', 'P95 ms', 'q/s', 'queries', 'disk', 'inline share'];

export function studyRows(report: BenchReport): string[][] {
  return (report.study?.rows ?? []).map((r) => [
    r.eventCacheSize,
    r.inline,
    r.compression,
    fmtFigure(r.hitRatio, 'ratio'),
    r.avgMs.toFixed(3),
    r.p95Ms.toFixed(3),
    fmtFigure(r.queriesPerSecond),
    String(r.queries),
    fmtBytes(r.diskBytes),
    fmtFigure(r.inlineShare, 'ratio'),
  ]);
}

export function machineLine(report: BenchReport): string {
  const m = report.machine;
  return `${m.cores} cores (${m.cpuModel}), ${fmtBytes(m.memoryBytes)} RAM, ${m.os}, Node ${m.node}, load average at start ${m.loadAverageAtStart.join(' ')}`;
}
