// Seeded randomness for the benchmark: the same seed gives the same data set and the same
// query sequence on every machine, so two runs (or two relays) see identical work.
import { createHash } from 'node:crypto';

/** A small, fast 32-bit PRNG (mulberry32); quality is ample for load shaping, not for keys. */
export class SeededRandom {
  private state: number;

  constructor(seed: string | number) {
    this.state = typeof seed === 'number' ? seed >>> 0 : hashSeed(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Log-normal draw: exp(N(mu, sigma)), via Box–Muller. Gives the long tail of content sizes. */
  logNormal(mu: number, sigma: number): number {
    const u1 = Math.max(this.next(), 1e-12);
    const u2 = this.next();
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    return Math.exp(mu + sigma * z);
  }

  /** A fresh generator derived from this one's seed and a label (independent streams). */
  fork(label: string): SeededRandom {
    return new SeededRandom(hashSeed(`${this.state}:${label}`));
  }
}

export function hashSeed(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32LE(0);
}

/**
 * Zipf-distributed ranks in [0, n): rank r is drawn with weight 1/(r+1)^s. A few popular
 * authors, threads and hashtags get most of the traffic, as on real relays.
 */
export class ZipfSampler {
  private readonly cdf: Float64Array;

  constructor(
    readonly n: number,
    readonly exponent = 1.0,
  ) {
    if (n < 1) throw new Error(`ZipfSampler needs n >= 1, got ${n}`);
    this.cdf = new Float64Array(n);
    let sum = 0;
    for (let r = 0; r < n; r++) {
      sum += 1 / Math.pow(r + 1, exponent);
      this.cdf[r] = sum;
    }
    for (let r = 0; r < n; r++) this.cdf[r] /= sum;
  }

  sample(rng: SeededRandom): number {
    const u = rng.next();
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
