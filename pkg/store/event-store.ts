// The embedded event store: LMDB for records and indexes, a value log for large payloads,
// an event cache of ready-to-send JSON, one writer with group commit.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Filter, NostrEvent } from '../nostr/types.js';
import type { EventStoreApi, GcResult, PutResult, QueryOptions, StoreOptions, StoreStats } from './base/types.js';
import { openDatabases, type StoreDatabases } from './base/schema.js';
import { resolveStoreOptions } from './base/options.js';
import { ValueLog } from './vlog/value-log.js';
import { EventCache } from './cache/event-cache.js';
import { decodePayload } from './codec/codec.js';
import { COUNTERS_KEY, emptyCounters, serialsAfter, type CountersData } from './write/store-counters.js';
import { SizeHistogram } from './write/size-histogram.js';
import { WriterQueue } from './write/writer-queue.js';
import { BatchCommitter, type PendingPut } from './write/batch-committer.js';
import { readU64, serialKey } from './layout/keys.js';
import { QueryEngine } from './query/query-engine.js';
import { RecordView } from './layout/record.js';
import { StoreError } from './base/errors.js';
import { collectGarbage } from './maintenance/vlog-gc.js';
import { sweepExpired } from './maintenance/expiration-sweep.js';
import { buildStats } from './maintenance/store-stats.js';
import { DataDirLock } from './base/dir-lock.js';
import type { StoreKeys } from './codec/payload-cipher.js';
import { prepareEncryption, readEncryptionRecord, writeEncryptionRecord } from './codec/store-encryption.js';
import { MapCeiling } from './write/map-ceiling.js';
import type { StoreParts } from './maintenance/store-parts.js';

const KEY_CHECK_KEY = 'encryptionKeyCheck';

/** A stored event whose payload could not be read; reads skip it and tell the listeners. */
export interface UnreadableEvent {
  id: string;
  serial: number;
  error: StoreError;
}

/** Failures that mean "this one event's bytes are damaged or gone", not "the store is broken". */
const SKIPPABLE = new Set(['VLOG_CORRUPT', 'VLOG_MISSING', 'VLOG_IO', 'CORRUPT']);

/** How EventStore.open treats the data dir (not store settings, so kept out of StoreOptions). */
export interface OpenModes {
  /** Take the data-dir lock (default true): refuses with LOCKED while another process writes. */
  lock?: boolean;
  /** What the lock file says this process is doing (shown to whoever is refused). */
  lockPurpose?: string;
  /**
   * Open for reading only: no lock, LMDB read-only, the value log neither recovered nor written.
   * Safe next to a running relay (export, stats, verify, backup).
   */
  readOnly?: boolean;
}

export class EventStore implements EventStoreApi, StoreParts {
  readonly options: StoreOptions;
  /** @internal parts shared with GC, sweeping, stats and verification. */
  readonly db: StoreDatabases;
  readonly vlog: ValueLog;
  readonly cache: EventCache;
  counters: CountersData;
  readonly sizes: SizeHistogram;
  readonly writer: WriterQueue<PendingPut, PutResult>;
  /** Write-path figures: batches decided while the one before was still committing (pipelining at work). */
  get writeStats(): { batchesDecidedOverInFlight: number } {
    return this.committer.stats;
  }
  private readonly engine: QueryEngine;
  private readonly timers: NodeJS.Timeout[] = [];
  private closed = false;
  private gcRunning: Promise<GcResult> | undefined;
  private gcHolds = 0;
  private gcReleased: Array<() => void> = [];
  /** True when opened with readOnly: every write is refused with READ_ONLY. */
  readOnly = false;
  private dirLock: DataDirLock | undefined;
  /** @internal derived encryption keys; undefined for a plain store. */
  readonly keys: StoreKeys | undefined;
  /** Called for every stored event a read had to skip because its payload is unreadable. */
  readonly unreadableListeners: Array<(e: UnreadableEvent) => void> = [];
  private readonly ceiling: MapCeiling;
  private readonly committer: BatchCommitter;
  private constructor(options: StoreOptions, db: StoreDatabases, vlog: ValueLog, keys: StoreKeys | undefined) {
    this.options = options;
    this.db = db;
    this.vlog = vlog;
    this.keys = keys;
    this.ceiling = new MapCeiling(db.env, options.mapSize);
    this.cache = new EventCache(options.eventCacheSize);
    let lastSerial: number | undefined;
    for (const key of db.events.getKeys({ reverse: true, limit: 1 })) lastSerial = readU64(key, 0);
    this.counters = serialsAfter((db.meta.get(COUNTERS_KEY) as CountersData | undefined) ?? emptyCounters(), lastSerial);
    this.sizes = new SizeHistogram(this.counters.payloadSizes);
    this.engine = new QueryEngine(db);
    this.committer = new BatchCommitter(this, this.ceiling);
    this.writer = new WriterQueue({
      prepare: (batch) => this.committer.prepare(batch),
      commit: (prepared, batch) => this.committer.commit(prepared, batch),
    });
  }

  static async open(partial: Partial<StoreOptions> & { dataDir: string } & OpenModes): Promise<EventStore> {
    const { lock = true, lockPurpose = 'store', readOnly = false, ...rest } = partial;
    const options = resolveStoreOptions(rest);
    if (readOnly && !existsSync(join(options.dataDir, 'lmdb', 'data.mdb'))) {
      throw new StoreError('BAD_OPTIONS', `no store in ${options.dataDir} (no lmdb/data.mdb); check the data dir`);
    }
    if (!readOnly) mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    const dirLock = lock && !readOnly ? DataDirLock.acquire(options.dataDir, lockPurpose) : undefined;
    let db: StoreDatabases | undefined;
    let vlog: ValueLog;
    let keys: StoreKeys | undefined;
    try {
      keys = prepareEncryption(options.dataDir, options.encryptionKey, readOnly);
      try {
        db = openDatabases(options.dataDir, { mapSize: options.mapSize, syncWrites: options.syncWrites, readOnly, encryptionKey: keys?.lmdbKey });
      } catch (e) {
        if (!keys) throw e;
        throw new StoreError('BAD_KEY', `cannot open the encrypted store in ${options.dataDir} with this key: ${(e as Error).message}`, { cause: e });
      }
      if (keys) await checkKeyInside(db, keys, options.dataDir, readOnly);
      vlog = await ValueLog.open(join(options.dataDir, 'vlog'), { segmentSize: options.valueLogFileSize, sync: options.syncWrites, readOnly });
    } catch (e) {
      await db?.env.close();
      dirLock?.release();
      throw e;
    }
    const store = new EventStore(options, db, vlog, keys);
    store.readOnly = readOnly;
    store.dirLock = dirLock;
    if (!readOnly) store.startTimers();
    return store;
  }

  private startTimers(): void {
    const every = (seconds: number, fn: () => Promise<unknown>) => {
      if (seconds <= 0) return;
      const t = setInterval(() => void fn().catch(() => undefined), seconds * 1000);
      t.unref();
      this.timers.push(t);
    };
    every(this.options.gcInterval, () => this.gc());
    every(this.options.expirationSweepInterval, () => this.sweepExpired());
  }

  /** The inline threshold in force now (follows the size percentile when one is set). */
  effectiveInlineThreshold(): number {
    const p = this.options.inlinePercentile;
    if (p === undefined) return this.options.inlineThreshold;
    return this.sizes.percentile(p) ?? this.options.inlineThreshold;
  }

  // ---- writes ----

  put(event: NostrEvent, json?: string): Promise<PutResult> {
    const refused = this.refuseWrite();
    if (refused) return Promise.reject(refused);
    return this.writer.push({ event, json });
  }

  putMany(events: NostrEvent[]): Promise<PutResult[]> {
    const refused = this.refuseWrite();
    if (refused) return Promise.reject(refused);
    return this.writer.pushMany(events.map((event) => ({ event })));
  }

  private refuseWrite(): StoreError | undefined {
    if (this.closed) return new StoreError('CLOSED', 'the store is closed');
    if (this.readOnly) return new StoreError('READ_ONLY', 'the store was opened read-only; writes need the data-dir lock');
    return undefined;
  }

  // ---- reads ----

  has(id: string): boolean {
    if (id.length !== 64) return false;
    return this.db.ids.doesExist(Buffer.from(id, 'hex'));
  }

  async get(id: string): Promise<string | undefined> {
    if (!/^[0-9a-f]{64}$/.test(id)) return undefined;
    // getBinaryFast answers in a buffer LMDB reuses on the next read: the serial is decoded and
    // the payload copied out (by payload()) before any other read, so no per-lookup copy is needed.
    const sk = this.db.ids.getBinaryFast(Buffer.from(id, 'hex'));
    if (!sk) return undefined;
    const serial = readU64(sk, 0);
    const fast = this.db.events.getBinaryFast(serialKey(serial));
    if (!fast) return undefined;
    // The reused buffer's `length` is patched; a real view of exactly this record keeps subarray() honest.
    const record = new RecordView(fast.subarray(0, fast.length));
    const exp = record.expiration;
    if (exp !== undefined && exp <= Math.floor(Date.now() / 1000)) return undefined;
    return this.payload(serial, record); // loud: a caller asking for one event learns it is damaged
  }

  /** The encoded payload (codec flag + bytes) of a stored record: inline, or read (and opened) from the value log. */
  payloadBytes(serial: number, record: RecordView): Buffer {
    if (record.inline) return record.inlinePayload();
    const bytes = this.vlog.read(record.pointer(), serial);
    return this.keys ? this.keys.cipher.open(serial, bytes) : bytes;
  }

  /** Ready-to-send JSON of a stored record, through the event cache. */
  payload(serial: number, record: RecordView): string {
    const cached = this.cache.get(serial);
    if (cached !== undefined) return cached;
    const json = decodePayload(this.payloadBytes(serial, record));
    this.cache.set(serial, json);
    return json;
  }

  /** payload(), or undefined (listeners told) when this one event's bytes are damaged or gone. */
  private payloadOrSkip(serial: number, record: RecordView): string | undefined {
    try {
      return this.payload(serial, record);
    } catch (err) {
      if (!(err instanceof StoreError) || !SKIPPABLE.has(err.code)) throw err;
      const info: UnreadableEvent = { id: record.id, serial, error: err };
      for (const l of this.unreadableListeners) {
        try {
          l(info);
        } catch {
          // a listener's failure must not turn a skipped event into a failed read
        }
      }
      return undefined;
    }
  }

  async *query(filters: Filter[], options: QueryOptions = {}): AsyncGenerator<string> {
    const maxLimit = options.maxLimit ?? 5000;
    for await (const hit of this.engine.scan(this.engine.plans(filters, maxLimit), options)) {
      const json = this.payloadOrSkip(hit.serial, hit.record);
      if (json !== undefined) yield json;
    }
  }

  count(filters: Filter[], options: QueryOptions = {}): Promise<number> {
    return this.engine.count(filters, options);
  }

  /** The index each filter would use (for diagnostics and tests). */
  explain(filters: Filter[]): string[] {
    return this.engine.plans(filters, Number.MAX_SAFE_INTEGER).map((p) => p.index);
  }

  // ---- maintenance ----

  gc(): Promise<GcResult> {
    const refused = this.refuseWrite();
    if (refused) return Promise.reject(refused);
    // A backup is copying segments: GC waits, or it could delete one the backup's snapshot needs.
    if (this.gcHolds > 0) return new Promise<void>((r) => this.gcReleased.push(r)).then(() => this.gc());
    this.gcRunning ??= collectGarbage(this).finally(() => (this.gcRunning = undefined));
    return this.gcRunning;
  }

  /** Run `fn` with value-log GC held off (after any pass in progress has finished). */
  async holdingGc<T>(fn: () => Promise<T>): Promise<T> {
    this.gcHolds++;
    try {
      await this.gcRunning?.catch(() => undefined);
      return await fn();
    } finally {
      if (--this.gcHolds === 0) for (const r of this.gcReleased.splice(0)) r();
    }
  }

  sweepExpired(now = Math.floor(Date.now() / 1000)): Promise<number> {
    const refused = this.refuseWrite();
    if (refused) return Promise.reject(refused);
    return sweepExpired(this, now);
  }

  stats(): StoreStats {
    return buildStats(this);
  }

  lmdbFileBytes(): number {
    try {
      return statSync(join(this.options.dataDir, 'lmdb', 'data.mdb')).size;
    } catch {
      return 0;
    }
  }

  /** Persist counters in their own transaction (after maintenance outside a write batch). */
  saveCounters(): Promise<void> {
    return this.db.env.childTransaction(() => {
      this.db.meta.put(COUNTERS_KEY, this.counters);
    }) as Promise<void>;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    await this.writer.idle();
    await this.gcRunning?.catch(() => undefined);
    try {
      await this.vlog.close();
      await this.db.env.close();
    } finally {
      this.dirLock?.release();
    }
  }
}

/** The key check kept inside LMDB must match; a store without encryption.json gets it back. */
async function checkKeyInside(db: StoreDatabases, keys: StoreKeys, dataDir: string, readOnly: boolean): Promise<void> {
  let inside: unknown;
  try {
    inside = db.meta.get(KEY_CHECK_KEY);
  } catch (e) {
    throw new StoreError('BAD_KEY', `cannot read the encrypted store in ${dataDir} with this key: ${(e as Error).message}`, { cause: e });
  }
  if (inside !== undefined && inside !== keys.keyCheck) throw new StoreError('BAD_KEY', `wrong encryption key for the store in ${dataDir}`);
  if (readOnly) return;
  if (inside === undefined) await db.meta.put(KEY_CHECK_KEY, keys.keyCheck);
  if (!readEncryptionRecord(dataDir)) writeEncryptionRecord(dataDir, keys);
}
