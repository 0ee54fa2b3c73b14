// One writer: puts that arrive while batches commit wait and then commit together (group commit).
// Exclusive jobs (GC relocation, expiration sweeps) run between batches, in arrival order.
//
// A batch goes through two stages: prepare (pure work on the items) and commit (decide, hand the
// writes over, wait until durable). Up to DEPTH batches commit at once: while batch N's writes and
// fsync run on lmdb-js's write thread, batch N+1 is prepared and decided (the committer lets N+1 see
// N's decisions, and N's predecessors' while they are still committing) and the next one is prepared. Batches settle in order. After a failed batch the
// queue lets every batch in flight settle before it starts another (those decided on top of the
// failed one fail with it), and an exclusive job only runs with nothing in flight.
//
// The queue is driven by events, not a loop awaiting one batch at a time: puts that arrive while
// a batch commits start the next commit at once (when there is room), so a closed-loop caller that
// re-submits on each answer keeps both stages busy.

interface Waiting<T, R> {
  item: T;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

export interface WriterStages<T, R, P> {
  /** Synchronous work that needs nothing from earlier batches' outcome; may throw (the batch fails). */
  prepare(items: T[]): P;
  commit(prepared: P, items: T[]): Promise<R[]>;
}

interface TakenBatch<T, R, P> {
  waiting: Waiting<T, R>[];
  prepared?: P;
  error?: unknown;
}

interface CommittingBatch<T, R> {
  waiting: Waiting<T, R>[];
  committed: Promise<R[]>;
  started: number;
}

/** Commits in flight at once. 3 (with batches of at most 1,000) measured ~10 % faster than 2 × 2,000 (benchmark/RESULTS.md). */
const DEPTH = 3;

export class WriterQueue<T, R, P = unknown> {
  private pending: Waiting<T, R>[] = [];
  private jobs: Array<() => Promise<void>> = [];
  private inFlight: CommittingBatch<T, R>[] = [];
  /** The next batch, prepared while the ones in flight commit. */
  private ahead: TakenBatch<T, R, P> | undefined;
  private settling: Promise<void> = Promise.resolve();
  private jobRunning = false;
  /** After a failure: start nothing until every batch in flight has settled. */
  private draining = false;
  private scheduled = false;
  private aheadScheduled = false;
  private idleWaiters: Array<() => void> = [];
  /** Sizes of the most recent batches (for stats / metrics). */
  readonly batchSizes: number[] = [];
  batches = 0;
  itemsWritten = 0;
  /** Called after every committed batch with its size and commit time (metrics hook here). */
  readonly batchListeners: Array<(size: number, seconds: number) => void> = [];

  constructor(
    private readonly stages: WriterStages<T, R, P>,
    private readonly maxBatch = 1000,
  ) {}

  push(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.schedule();
    });
  }

  pushMany(items: T[]): Promise<R[]> {
    return Promise.all(items.map((i) => this.push(i)));
  }

  /** Run `fn` alone, between write batches. */
  exclusive<X>(fn: () => Promise<X>): Promise<X> {
    return new Promise<X>((resolve, reject) => {
      this.jobs.push(() => fn().then(resolve, reject));
      this.schedule();
    });
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  get depth(): number {
    return this.pending.length;
  }

  private isIdle(): boolean {
    return !this.jobRunning && !this.scheduled && !this.aheadScheduled && this.inFlight.length === 0 && !this.ahead && this.pending.length === 0 && this.jobs.length === 0;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // Let the current tick's puts join the batch.
    queueMicrotask(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  /** Start whatever can start now: commits while there is room, else a job once nothing is in flight. */
  private pump(): void {
    if (this.jobRunning) return;
    // A batch prepared ahead commits before any exclusive job: its payloads are already placed.
    if (this.ahead && !this.draining && this.inFlight.length < DEPTH) {
      this.startCommit(this.ahead);
      this.ahead = undefined;
    }
    // At most one batch is prepared per turn, and only with nothing exclusive waiting. The next one
    // is prepared in a later turn, so the batches just started get to hand their writes to lmdb-js
    // first (their value-log fsync completing, say) and its write thread is not idle meanwhile.
    const canTake = !this.draining && this.jobs.length === 0 && this.pending.length > 0;
    if (canTake && !this.ahead && this.inFlight.length < DEPTH && this.inFlight.length === 0) {
      this.startCommit(this.take());
    }
    if (canTake && !this.ahead && !this.aheadScheduled && this.pending.length > 0) {
      this.aheadScheduled = true;
      setImmediate(() => {
        this.aheadScheduled = false;
        if (!this.ahead && !this.draining && this.jobs.length === 0 && this.pending.length > 0) this.ahead = this.take();
        this.pump();
      });
    }
    if (this.inFlight.length === 0 && !this.ahead && this.jobs.length > 0) {
      const job = this.jobs.shift()!;
      this.jobRunning = true;
      void job().finally(() => {
        this.jobRunning = false;
        this.pump();
      });
      return;
    }
    if (this.isIdle()) for (const w of this.idleWaiters.splice(0)) w();
  }

  private take(): TakenBatch<T, R, P> {
    const waiting = this.pending.splice(0, this.maxBatch);
    try {
      return { waiting, prepared: this.stages.prepare(waiting.map((w) => w.item)) };
    } catch (error) {
      return { waiting, error };
    }
  }

  private startCommit(batch: TakenBatch<T, R, P>): void {
    const items = batch.waiting.map((w) => w.item);
    let committed: Promise<R[]>;
    try {
      committed = batch.error !== undefined ? Promise.reject(batch.error) : this.stages.commit(batch.prepared as P, items);
    } catch (e) {
      committed = Promise.reject(e);
    }
    committed.catch(() => undefined); // answered in order by settle()
    const c: CommittingBatch<T, R> = { waiting: batch.waiting, committed, started: performance.now() };
    this.inFlight.push(c);
    this.settling = this.settling.then(() => this.settle(c));
  }

  /** Wait for the oldest batch in flight, answer its callers, and start what can start. */
  private async settle(c: CommittingBatch<T, R>): Promise<void> {
    try {
      const results = await c.committed;
      c.waiting.forEach((w, i) => w.resolve(results[i]));
      this.batches++;
      this.itemsWritten += c.waiting.length;
      this.batchSizes.push(c.waiting.length);
      if (this.batchSizes.length > 256) this.batchSizes.shift();
      const seconds = (performance.now() - c.started) / 1000;
      for (const l of this.batchListeners) {
        try {
          l(c.waiting.length, seconds);
        } catch {
          // a metrics hook must not stop the writer
        }
      }
    } catch (e) {
      for (const w of c.waiting) w.reject(e);
      this.draining = true;
    }
    this.inFlight.shift();
    if (this.inFlight.length === 0) this.draining = false;
    this.pump();
  }
}
