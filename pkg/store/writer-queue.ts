// One writer: puts that arrive while a batch commits wait and then commit together (group commit).
// Exclusive jobs (GC relocation, expiration sweeps) run between batches, in arrival order.

interface Waiting<T, R> {
  item: T;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

export class WriterQueue<T, R> {
  private pending: Waiting<T, R>[] = [];
  private jobs: Array<() => Promise<void>> = [];
  private running = false;
  private idleWaiters: Array<() => void> = [];
  /** Sizes of the most recent batches (for stats / metrics). */
  readonly batchSizes: number[] = [];
  batches = 0;
  itemsWritten = 0;
  /** Called after every committed batch with its size and commit time (metrics hook here). */
  readonly batchListeners: Array<(size: number, seconds: number) => void> = [];

  constructor(
    private readonly commit: (items: T[]) => Promise<R[]>,
    private readonly maxBatch = 2000,
  ) {}

  push(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.kick();
    });
  }

  pushMany(items: T[]): Promise<R[]> {
    return Promise.all(items.map((i) => this.push(i)));
  }

  /** Run `fn` alone, between write batches. */
  exclusive<X>(fn: () => Promise<X>): Promise<X> {
    return new Promise<X>((resolve, reject) => {
      this.jobs.push(() => fn().then(resolve, reject));
      this.kick();
    });
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (!this.running && this.pending.length === 0 && this.jobs.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  get depth(): number {
    return this.pending.length;
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    // Let the current tick's puts join the first batch.
    queueMicrotask(() => void this.loop());
  }

  private async loop(): Promise<void> {
    try {
      for (;;) {
        const job = this.jobs.shift();
        if (job) {
          await job();
          continue;
        }
        if (this.pending.length === 0) break;
        const batch = this.pending.splice(0, this.maxBatch);
        const started = performance.now();
        try {
          const results = await this.commit(batch.map((w) => w.item));
          batch.forEach((w, i) => w.resolve(results[i]));
          this.batches++;
          this.itemsWritten += batch.length;
          this.batchSizes.push(batch.length);
          if (this.batchSizes.length > 256) this.batchSizes.shift();
          const seconds = (performance.now() - started) / 1000;
          for (const l of this.batchListeners) l(batch.length, seconds);
        } catch (e) {
          for (const w of batch) w.reject(e);
        }
      }
    } finally {
      this.running = false;
      const waiters = this.idleWaiters.splice(0);
      for (const w of waiters) w();
      if (this.pending.length || this.jobs.length) this.kick();
    }
  }
}
