// Turning write batches into pipelined lmdb-js batches: stage 1 (prepare: pure work on the events)
// and stage 2 (commit: decide with WriteTxn against the committed state plus the batches still
// committing, hand every write and the counters over as one async batch, conditional on the write
// sequence number of the batch it was decided after, and wait until it is flushed). Failures restore
// the counters once, at the first failed batch; batches decided on top of it fail with WRITE_ABORTED.
import type { NostrEvent } from '../../nostr/types.js';
import { kindClass } from '../../nostr/kinds.js';
import type { PutResult } from '../base/types.js';
import type { MapCeiling } from './map-ceiling.js';
import { WRITE_SEQ_KEY } from '../base/schema.js';
import { writeSettingsKey, writeSettingsOf } from '../base/options.js';
import { WriteTxn } from './write-txn.js';
import { PreparedEvent } from './prepared-event.js';
import { prepareEvent, type PrepareContext } from './write-prepare.js';
import { StoreError, wrapLmdbError } from '../base/errors.js';
import { COUNTERS_KEY, copyCounters, type CountersData } from './store-counters.js';
import type { StoreDatabases } from '../base/schema.js';
import type { StoreOptions } from '../base/types.js';
import type { ValueLog } from '../vlog/value-log.js';
import type { EventCache } from '../cache/event-cache.js';
import type { SizeHistogram } from './size-histogram.js';
import type { StoreKeys } from '../codec/payload-cipher.js';

/** What the committer needs of the store it writes for (EventStore is one). */
export interface CommitTarget {
  readonly db: StoreDatabases;
  readonly vlog: ValueLog;
  readonly cache: EventCache;
  readonly options: StoreOptions;
  readonly sizes: SizeHistogram;
  readonly keys: StoreKeys | undefined;
  counters: CountersData;
  effectiveInlineThreshold(): number;
  has(id: string): boolean;
}

/** One queued write: the event, and its canonical JSON when the caller already built it. */
export interface PendingPut {
  event: NostrEvent;
  json?: string;
}

/** A batch after stage 1: prepared events, or the result already known (in-batch duplicate, ephemeral). */
export interface PreparedBatch {
  work: Array<PreparedEvent | PutResult>;
  /** Some payload went to the value log: it must be flushed before the commit that points at it. */
  toValueLog: boolean;
  /** That flush, when already started. */
  valueLogFlushed: Promise<void> | undefined;
}

/** Batches of at least this many events flush the value log synchronously (see prepare). */
const SYNC_FLUSH_BATCH = 256;

export class BatchCommitter {
  /** Batches decided while the one before was still committing (pipelining at work). */
  readonly stats = { batchesDecidedOverInFlight: 0 };
  /** The batch decided last, whose decisions the next one reads while it is still committing. */
  private lastTxn: WriteTxn | undefined;
  // Write sequence numbers: of the last committed batch, of the last decided one, the last handed out.
  private committedSeq: number | null;
  private decidedSeq: number | null;
  private seqCounter: number;
  /** Set while a decided batch waits to be handed to lmdb-js (for a value-log flush or the one before it). */
  private handingOver: Promise<void> | undefined;
  /** Resolves once the last decided batch's outcome has been handled. */
  private outcomesHandled: Promise<void> = Promise.resolve();
  private writeFailures = 0;

  constructor(
    private readonly store: CommitTarget,
    private readonly ceiling: MapCeiling,
  ) {
    const seq = store.db.writeSeq?.getEntry(WRITE_SEQ_KEY)?.version ?? null;
    this.committedSeq = this.decidedSeq = seq;
    this.seqCounter = seq ?? 0;
  }

  /**
   * Stage 1 of a write batch, pure work on the events (no LMDB reads of this batch's outcome): payloads
   * encoded and placed, records and keys built. The writer runs it for batch N+1 while batch N commits.
   * Undefined while the value log is recovering from a failed write: the commit stage prepares then.
   */
  prepare(batch: PendingPut[]): PreparedBatch | undefined {
    if (this.store.vlog.writeFailure) return undefined;
    const threshold = this.store.effectiveInlineThreshold();
    this.ceiling.check(
      batch.map((b) => b.event),
      threshold,
    );
    const seen = new Set<string>();
    const ctx: PrepareContext = {
      compression: this.store.options.compression,
      threshold,
      counters: this.store.counters,
      sizes: this.store.sizes,
      vlog: this.store.vlog,
      keys: this.store.keys,
      has: (id) => this.store.has(id),
    };
    let toValueLog = false;
    const work = batch.map(({ event: ev, json }): PreparedEvent | PutResult => {
      if (seen.has(ev.id)) return { status: 'duplicate', message: 'already have this event' };
      if (kindClass(ev.kind) === 'ephemeral') return { status: 'ephemeral', message: 'ephemeral events are not stored' };
      seen.add(ev.id);
      const p = prepareEvent(ctx, ev, json);
      if (p instanceof PreparedEvent && p.pointer) toValueLog = true;
      return p;
    });
    // A small batch starts its value-log fsync now, to run while the batch is decided; a large one
    // flushes synchronously once decided (commit), so its hand-over to lmdb-js never waits for
    // event-loop turns taken by preparing the next batch.
    const valueLogFlushed = toValueLog && batch.length < SYNC_FLUSH_BATCH ? this.store.vlog.flush() : undefined;
    valueLogFlushed?.catch(() => undefined); // the commit stage awaits it and reports the failure
    return { work, toValueLog, valueLogFlushed };
  }

  /**
   * Stage 2: decide every event against the committed state plus the batch still committing before
   * it (WriteTxn), then hand all writes and the counters to lmdb-js as one async batch: atomic,
   * executed on lmdb-js's write thread, and with syncWrites resolved only once flushed to disk. The
   * batch is conditional on the write sequence number it was decided after (schema.ts writeSeq).
   */
  async commit(prepared: PreparedBatch | undefined, batch: PendingPut[]): Promise<PutResult[]> {
    if (!prepared) {
      // After ENOSPC the value log refuses writes; each new batch retries, so writes resume by
      // themselves once space is freed (recover() throws while it cannot).
      if (this.store.vlog.writeFailure) await this.store.vlog.recover();
      prepared = this.prepare(batch)!;
    }
    const now = Math.floor(Date.now() / 1000);
    const failuresBefore = this.writeFailures;
    const before = copyCounters(this.store.counters);
    const restore = () => {
      // Only the first failure restores: later batches in flight were decided on top of it.
      if (failuresBefore !== this.writeFailures) return;
      this.writeFailures++;
      this.store.counters = { ...before, nextSerial: this.store.counters.nextSerial, payloadSizes: this.store.sizes.counts };
      this.lastTxn = undefined;
      this.decidedSeq = this.committedSeq;
    };
    const txn = new WriteTxn(this.store.db, this.store.counters, now, this.lastTxn);
    if (this.lastTxn?.committing) this.stats.batchesDecidedOverInFlight++;
    let results: PutResult[];
    let committed: Promise<boolean>;
    let seq = 0;
    try {
      results = prepared.work.map((w) => (w instanceof PreparedEvent ? txn.apply(w) : w));
      const stored = txn.effects.storedSerials.length;
      if (stored) {
        const settingsKey = writeSettingsKey(writeSettingsOf(this.store.options));
        const rec = (this.store.counters.settings[settingsKey] ??= {
          settings: writeSettingsOf(this.store.options),
          firstWriteAt: now,
          eventsWritten: 0,
        });
        rec.eventsWritten += stored;
      }
      this.store.counters.payloadSizes = this.store.sizes.counts;
      if (txn.queuedWrites === 0) {
        txn.settled();
        return results;
      }
      const after = this.decidedSeq;
      seq = ++this.seqCounter; // never reused, so a batch decided after a failed one cannot pass later
      this.decidedSeq = seq;
      this.lastTxn = txn;
      const counters = copyCounters(this.store.counters); // as of this batch: the next one changes them before this one is written
      const issue = (): Promise<boolean> =>
        // null = "not written yet" (lmdb-js ifNoExists), which its typings leave out.
        this.store.db.writeSeq!.ifVersion(WRITE_SEQ_KEY, after as number, () => {
          txn.writeOut();
          this.store.db.meta.put(COUNTERS_KEY, counters);
          this.store.db.writeSeq!.put(WRITE_SEQ_KEY, '', seq);
        });
      // Batches reach lmdb-js in the order they were decided, each after the value-log entries it
      // points at are flushed. With nothing ahead of it and nothing to flush, hand over right now.
      let flushed = prepared.valueLogFlushed;
      if (prepared.toValueLog && !flushed && (this.handingOver || !this.store.vlog.flushNow())) flushed = this.store.vlog.flush();
      if (!this.handingOver && !flushed) committed = issue();
      else {
        const ahead = this.handingOver;
        const handing = (async () => {
          await ahead;
          await flushed; // the value-log entries are durable before the commit that points at them
        })();
        const handed = handing.then(() => undefined, () => undefined);
        this.handingOver = handed;
        void handed.then(() => {
          if (this.handingOver === handed) this.handingOver = undefined;
        });
        committed = handing.then(issue);
      }
    } catch (e) {
      txn.settled();
      restore();
      throw wrapLmdbError(e);
    }
    // Outcomes are handled in decision order, so the first failure is the one that restores.
    const earlier = this.outcomesHandled;
    let handled!: () => void;
    this.outcomesHandled = new Promise<void>((r) => (handled = r));
    let outcome: boolean | Error;
    try {
      outcome = await committed;
    } catch (e) {
      outcome = e instanceof Error ? e : new Error(String(e));
    }
    await earlier;
    try {
      txn.settled();
      if (outcome !== true) {
        restore();
        if (outcome instanceof Error) throw wrapLmdbError(outcome);
        throw new StoreError('WRITE_ABORTED', 'an earlier write batch failed, so this one was not written; nothing of it is stored, retry');
      }
      this.committedSeq = seq;
      for (const s of txn.effects.removedSerials) this.store.cache.delete(s);
      return results;
    } finally {
      handled();
    }
  }
}
