// Observed payload sizes, for the percentile form of the inline threshold (Badger's VLogPercentile).
// Fixed 64-byte buckets up to 64 KiB plus one overflow bucket: small, mergeable, and persisted as-is.

const BUCKET = 64;
const BUCKETS = 1024; // 64 KiB / 64

export class SizeHistogram {
  readonly counts: number[];
  total = 0;

  constructor(counts?: number[]) {
    this.counts = counts && counts.length === BUCKETS + 1 ? counts.slice() : new Array(BUCKETS + 1).fill(0);
    for (const c of this.counts) this.total += c;
  }

  add(bytes: number): void {
    this.counts[Math.min(Math.floor(bytes / BUCKET), BUCKETS)]++;
    this.total++;
  }

  /** The upper bound of the bucket holding the p-th fraction of sizes, or undefined with too few samples. */
  percentile(p: number, minSamples = 100): number | undefined {
    if (this.total < minSamples) return undefined;
    const target = Math.ceil(p * this.total);
    let seen = 0;
    for (let i = 0; i <= BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= target) return i === BUCKETS ? Number.MAX_SAFE_INTEGER : (i + 1) * BUCKET - 1;
    }
    return Number.MAX_SAFE_INTEGER;
  }
}
