// Token buckets for rate limits: `rate` tokens per second refill a bucket of `burst` tokens;
// each action takes one. Keyed buckets (per IP, per pubkey) forget keys whose bucket has refilled.

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    now = Date.now(),
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Take `n` tokens if available; false means the caller is over its rate. */
  take(n = 1, now = Date.now()): boolean {
    this.refill(now);
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }

  /** True when the bucket is full again (its key can be forgotten without changing behaviour). */
  isFull(now = Date.now()): boolean {
    this.refill(now);
    return this.tokens >= this.burst;
  }

  private refill(now: number): void {
    const elapsed = (now - this.last) / 1000;
    if (elapsed > 0) {
      this.tokens = Math.min(this.burst, this.tokens + elapsed * this.rate);
      this.last = now;
    }
  }
}

/** One bucket per key. A rate of 0 (or less) means unlimited: take() always succeeds. */
export class KeyedTokenBuckets {
  private readonly buckets = new Map<string, TokenBucket>();
  private takesSinceSweep = 0;

  constructor(
    readonly rate: number,
    readonly burst: number,
  ) {}

  get enabled(): boolean {
    return this.rate > 0;
  }

  get size(): number {
    return this.buckets.size;
  }

  take(key: string, n = 1, now = Date.now()): boolean {
    if (!this.enabled) return true;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.rate, Math.max(this.burst, 1), now);
      this.buckets.set(key, bucket);
    }
    // Memory stays bounded by the keys active in the last burst/rate seconds.
    if (++this.takesSinceSweep >= 1024) this.sweep(now);
    return bucket.take(n, now);
  }

  sweep(now = Date.now()): void {
    this.takesSinceSweep = 0;
    for (const [key, bucket] of this.buckets) if (bucket.isFull(now)) this.buckets.delete(key);
  }
}
