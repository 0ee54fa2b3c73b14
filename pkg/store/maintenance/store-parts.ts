// What maintenance passes (GC, sweeps, stats, verify, backup, repair) take of an open store: its
// parts, each pass picking only the ones it uses. They never import EventStore, so the facade can
// call them without an import cycle; EventStore implements StoreParts.
import type { StoreDatabases } from '../base/schema.js';
import type { PutResult, StoreOptions, StoreStats } from '../base/types.js';
import type { StoreKeys } from '../codec/payload-cipher.js';
import type { EventCache } from '../cache/event-cache.js';
import type { RecordView } from '../layout/record.js';
import type { ValueLog } from '../vlog/value-log.js';
import type { PendingPut } from '../write/batch-committer.js';
import type { CountersData } from '../write/store-counters.js';
import type { SizeHistogram } from '../write/size-histogram.js';
import type { WriterQueue } from '../write/writer-queue.js';

export interface StoreParts {
  readonly options: StoreOptions;
  readonly db: StoreDatabases;
  readonly vlog: ValueLog;
  readonly cache: EventCache;
  counters: CountersData;
  readonly sizes: SizeHistogram;
  /** The one writer: maintenance that changes records queues its work here, between write batches. */
  readonly writer: WriterQueue<PendingPut, PutResult>;
  readonly keys: StoreKeys | undefined;
  readonly readOnly: boolean;
  effectiveInlineThreshold(): number;
  /** The encoded payload of a stored record: inline, or read (and opened) from the value log. */
  payloadBytes(serial: number, record: RecordView): Buffer;
  /** Run `fn` with value-log GC held off. */
  holdingGc<T>(fn: () => Promise<T>): Promise<T>;
  saveCounters(): Promise<void>;
  lmdbFileBytes(): number;
  stats(): StoreStats;
  close(): Promise<void>;
}
