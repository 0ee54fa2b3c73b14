// Signature verification off the main thread. Checks queue up and go to workers in batches, one
// postMessage per batch (a message costs about as much as a few native checks, so batching is what
// makes the threads pay). With the native backend each worker holds at most 2 batches (one being
// checked, one waiting), so while workers are busy the queue grows and the next batches are bigger. Workers are picked by fewest outstanding
// checks. threads = 0 verifies inline on the calling thread.
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { verifierByName, type SignatureVerifier, type VerifierName } from '../pkg/nostr/index.js';

export interface VerifyPoolOptions {
  /** Worker threads; default min(2, available cores). 0 = verify on the calling thread. */
  threads?: number;
  verifier?: VerifierName;
  /** Most checks sent in one message. */
  maxBatch?: number;
  /**
   * Batches a worker holds at once. Default: 2 for native, whose checks are cheap enough that
   * holding the rest back to make bigger batches pays; unbounded for wasm and noble, whose workers
   * are the bottleneck and should never wait for the next batch.
   */
  batchesInFlight?: number;
}

const MAX_START_FAILURES = 3;

export class VerifyPoolError extends Error {
  readonly code = 'verify-pool-unavailable';
}

interface Pending {
  resolve: (ok: boolean) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  dead: boolean;
  /** Has answered a batch: a worker that dies before that may be failing to start at all. */
  answered: boolean;
  outstanding: number;
  batches: Map<number, Pending[]>;
}

// Compiled, the worker is a plain .js file beside this one in dist/. Under vitest/tsx this module
// is TypeScript source: Node 20 does not apply `--import tsx` hooks to a worker's entry file, so a
// tiny eval'd bootstrap loads the .ts worker through tsx's tsImport instead.
const runningFromSource = import.meta.url.endsWith('.ts');
const workerUrl = new URL(runningFromSource ? './verify-worker.ts' : './verify-worker.js', import.meta.url);
const TS_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import(workerData.tsxApi).then((api) => api.tsImport(workerData.entry, workerData.entry)).catch((err) => {
  console.error(err);
  process.exit(1);
});`;

function startWorker(data: Record<string, unknown>): Worker {
  if (!runningFromSource) return new Worker(workerUrl, { workerData: data });
  // tsx's ESM API (its CJS build cannot load itself from an eval'd worker).
  const tsxRoot = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsxApi = pathToFileURL(join(tsxRoot, 'dist/esm/api/index.mjs')).href;
  return new Worker(TS_BOOTSTRAP, { eval: true, workerData: { ...data, tsxApi, entry: workerUrl.href } });
}

export class VerifyPool {
  readonly threads: number;
  private readonly verifierName: VerifierName;
  private readonly maxBatch: number;
  private readonly batchesInFlight: number;
  private readonly inline?: SignatureVerifier;
  private readonly slots: Slot[] = [];
  private queueItems: string[] = [];
  private queueWaiters: Pending[] = [];
  private flushScheduled = false;
  private seq = 0;
  private closed = false;
  /** Workers in a row that died before answering anything; past MAX_START_FAILURES the pool gives up. */
  private startFailures = 0;
  private broken?: VerifyPoolError;

  constructor(options: VerifyPoolOptions = {}) {
    this.threads = Math.max(0, Math.floor(options.threads ?? Math.min(2, availableParallelism())));
    this.verifierName = options.verifier ?? 'wasm';
    this.maxBatch = Math.max(1, options.maxBatch ?? 256);
    this.batchesInFlight = Math.max(1, options.batchesInFlight ?? (this.verifierName === 'native' ? 2 : Infinity));
    if (this.threads === 0) this.inline = verifierByName(this.verifierName);
    for (let i = 0; i < this.threads; i++) this.slots.push(this.spawn());
  }

  /** True when `sigHex` is `pubkeyHex`'s BIP-340 signature over `idHex`. */
  verify(idHex: string, pubkeyHex: string, sigHex: string): Promise<boolean> {
    if (this.closed) return Promise.reject(new VerifyPoolError('verify pool is closed'));
    if (this.broken) return Promise.reject(this.broken);
    if (this.inline) return Promise.resolve(this.inline.verify(idHex, pubkeyHex, sigHex));
    return new Promise<boolean>((resolve, reject) => {
      this.queueItems.push(idHex, pubkeyHex, sigHex);
      this.queueWaiters.push({ resolve, reject });
      if (this.queueWaiters.length >= this.maxBatch) this.flush();
      else if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    // Let queued checks go out and every batch sent come back before stopping the threads.
    while (this.queueWaiters.length > 0 || this.slots.some((s) => s.outstanding > 0)) await new Promise((r) => setTimeout(r, 5));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private rejectQueued(err: Error): void {
    const waiters = this.queueWaiters;
    this.queueItems = [];
    this.queueWaiters = [];
    for (const w of waiters) w.reject(err);
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.queueWaiters.length === 0) return;
    if (this.broken) return this.rejectQueued(this.broken);
    // Only workers with room take a batch; the rest of the queue waits for the next answer. Under load
    // checks pile up while both batches of every worker are in flight, so batches grow with the load and
    // the per-message cost is spread over many checks; when quiet, a check leaves at once.
    let open = this.slots.filter((s) => !s.dead && s.batches.size < this.batchesInFlight);
    while (this.queueWaiters.length > 0 && open.length > 0) {
      const slot = open.reduce((a, b) => (b.outstanding < a.outstanding ? b : a));
      // A burst is split over the workers with room, but never into messages of fewer than 8 checks.
      const parts = Math.min(open.length, Math.ceil(this.queueWaiters.length / 8));
      const take = Math.min(this.maxBatch, Math.ceil(this.queueWaiters.length / parts));
      const seq = ++this.seq;
      const batch = this.queueWaiters.splice(0, take);
      const items = this.queueItems.splice(0, 3 * take);
      slot.batches.set(seq, batch);
      slot.outstanding += batch.length;
      slot.worker.postMessage({ seq, items });
      if (slot.batches.size >= this.batchesInFlight) open = open.filter((s) => s !== slot);
    }
  }

  private spawn(): Slot {
    const worker = startWorker({ verifier: this.verifierName });
    worker.unref();
    const slot: Slot = { worker, dead: false, answered: false, outstanding: 0, batches: new Map() };
    worker.on('message', (msg: { seq: number; results: Uint8Array }) => {
      if (!slot.answered) {
        slot.answered = true;
        this.startFailures = 0;
      }
      const batch = slot.batches.get(msg.seq);
      if (!batch) return;
      slot.batches.delete(msg.seq);
      slot.outstanding -= batch.length;
      for (let i = 0; i < batch.length; i++) batch[i].resolve(msg.results[i] === 1);
      if (this.queueWaiters.length > 0) this.flush();
    });
    const fail = (err: Error) => {
      if (slot.dead) return;
      slot.dead = true;
      for (const batch of slot.batches.values()) for (const p of batch) p.reject(err);
      slot.batches.clear();
      slot.outstanding = 0;
      if (this.closed) return;
      // A worker that cannot even start (its backend does not load there) would be replaced forever.
      if (!slot.answered && ++this.startFailures >= MAX_START_FAILURES) {
        this.broken ??= new VerifyPoolError(`verify workers keep failing to start (${err.message}); signatures cannot be checked`);
        this.rejectQueued(this.broken);
        return;
      }
      // Replace the dead worker so the pool keeps its size.
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots[index] = this.spawn();
      if (this.queueWaiters.length > 0) this.flush();
    };
    worker.on('error', (err) => fail(new VerifyPoolError(`verify worker failed: ${err.message}`)));
    worker.on('exit', (code) => {
      if (!this.closed) fail(new VerifyPoolError(`verify worker exited with code ${code}`));
    });
    return slot;
  }
}
