// Latency recording with an HDR histogram (hdr-histogram-js): constant memory, exact enough
// percentiles (3 significant digits) at any count, mergeable across connections.
import * as hdr from 'hdr-histogram-js';

export interface LatencySummary {
  count: number;
  avg: number; // milliseconds
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

export const PERCENTILES = [50, 90, 95, 99] as const;
/** The percentile curve drawn in the charts. */
export const CURVE_PERCENTILES = [0, 50, 75, 90, 95, 99, 99.9, 100] as const;

/** Records latencies in milliseconds (stored as microseconds, 1 µs to 10 min). */
export class LatencyHistogram {
  private readonly histogram = hdr.build({
    bitBucketSize: 64,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600_000_000,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
    useWebAssembly: false,
  });

  record(ms: number): void {
    this.histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  merge(other: LatencyHistogram): void {
    this.histogram.add(other.histogram);
  }

  percentile(p: number): number {
    if (this.count === 0) return 0;
    return this.histogram.getValueAtPercentile(p) / 1000;
  }

  summary(): LatencySummary {
    const h = this.histogram;
    if (h.totalCount === 0) return { count: 0, avg: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 };
    return {
      count: h.totalCount,
      avg: round(h.mean / 1000),
      p50: round(h.getValueAtPercentile(50) / 1000),
      p90: round(h.getValueAtPercentile(90) / 1000),
      p95: round(h.getValueAtPercentile(95) / 1000),
      p99: round(h.getValueAtPercentile(99) / 1000),
      max: round(h.maxValue / 1000),
    };
  }

  /** Points for a percentile curve chart. */
  curve(): { percentile: number; ms: number }[] {
    if (this.count === 0) return [];
    return CURVE_PERCENTILES.map((p) => ({
      percentile: p,
      ms: round((p === 100 ? this.histogram.maxValue : this.histogram.getValueAtPercentile(p)) / 1000),
    }));
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
