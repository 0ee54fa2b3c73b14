// The contract between the event store and everything above it.
import type { Filter, NostrEvent } from '../../nostr/types.js';

export type CompressionCodec = 'none' | 'deflate' | 'brotli';

export interface StoreOptions {
  /** Directory holding `lmdb/` and `vlog/`. Created (mode 0700) if missing. */
  dataDir: string;
  /** Payloads up to this many bytes stay inline in LMDB; larger go to the value log. */
  inlineThreshold: number;
  /** When set (0–1), the threshold follows this percentile of observed payload sizes. */
  inlinePercentile?: number;
  /** Value-log segment size in bytes before rolling to a new segment. */
  valueLogFileSize: number;
  /** Event cache bound in bytes of ready-to-send JSON; 0 disables the cache. */
  eventCacheSize: number;
  compression: CompressionCodec;
  /** Seconds between value-log GC passes; 0 disables the timer. */
  gcInterval: number;
  /** A segment is rewritten when its stale share reaches this ratio. */
  gcDiscardRatio: number;
  /** Seconds between NIP-40 expiration sweeps; 0 disables the timer. */
  expirationSweepInterval: number;
  /** When true, a put resolves only once its commit is on disk. */
  syncWrites: boolean;
  /** LMDB map size in bytes (upper bound of the LMDB file). */
  mapSize: number;
  /**
   * 32-byte key for encryption at rest (LMDB pages and value-log payloads). A store created with
   * a key can only be opened with the same key; a store created without one cannot take a key.
   */
  encryptionKey?: Buffer;
}

/** Outcome of one put. Everything except `stored` and `replaced` left the store unchanged. */
export type PutStatus =
  | 'stored' // new event written
  | 'duplicate' // same id already stored
  | 'replaced-older' // refused: a newer (or equal-time lower-id) replaceable/addressable version exists
  | 'deleted' // refused: the id (or address, up to created_at) was deleted by its author (NIP-09)
  | 'expired' // refused: NIP-40 expiration already passed
  | 'ephemeral' // not stored: kinds 20000–29999 are never stored
  | 'invalid'; // refused: failed shape or id check (import path)

export interface PutResult {
  status: PutStatus;
  /** Human-readable detail for refusals, suitable after an OK prefix. */
  message?: string;
  /** Ids this put removed from the store (older replaceable versions, NIP-09 targets). */
  removed?: string[];
}

/** The compact per-event record used to post-filter without decoding JSON. */
export interface EventMeta {
  id: string;
  pubkey: string;
  created_at: number;
  kind: number;
  /** Single-letter tags as [letter, firstValue] pairs. */
  tags: [string, string][];
}

export interface QueryOptions {
  signal?: AbortSignal;
  /** Upper bound applied to every filter's limit (and used when a filter has none). */
  maxLimit?: number;
  /** Extra gate on each candidate (e.g. read gating of DMs); false hides the event. */
  accept?: (meta: EventMeta) => boolean;
}

export interface CacheStats {
  hits: number;
  misses: number;
  evictions: number;
  hitRatio: number; // hits / (hits + misses), 0 when no lookups yet
  bytes: number;
  maxBytes: number;
  entries: number;
}

export interface GcResult {
  segmentsRewritten: number;
  bytesReclaimed: number;
  entriesMoved: number;
  durationMs: number;
}

export interface ImportSummary {
  read: number;
  stored: number;
  duplicate: number;
  invalid: number;
  /** Other refusals by status (replaced-older, deleted, expired, ephemeral). */
  refused: number;
  /** Line numbers (1-based) and reasons of every line not stored as new (except duplicates). */
  rejects: { line: number; status: PutStatus | 'parse-error'; reason: string }[];
}

export interface StoreStats {
  events: number;
  eventsByKind: Record<string, number>;
  inline: { events: number; bytes: number };
  valueLog: { events: number; bytes: number; liveBytes: number; segments: number; fileBytes: number };
  lmdbFileBytes: number;
  cache: CacheStats;
  settings: {
    inForce: Pick<StoreOptions, 'inlineThreshold' | 'inlinePercentile' | 'compression' | 'valueLogFileSize'> & {
      effectiveInlineThreshold: number;
    };
    /** Every distinct write-affecting settings record found in the store's metadata. */
    recorded: Array<Pick<StoreOptions, 'inlineThreshold' | 'inlinePercentile' | 'compression' | 'valueLogFileSize'>>;
    /** True when some existing data was written under settings other than those in force. */
    mixed: boolean;
  };
  gc: { runs: number; bytesReclaimed: number; lastRunAt?: number };
}

/** The store as the relay and tools see it. */
export interface EventStoreApi {
  /**
   * Store one event (already shape-, id- and signature-checked by the caller). `json`, when given,
   * must be canonicalEventJson(event): callers that already built it save the store a second copy.
   */
  put(event: NostrEvent, json?: string): Promise<PutResult>;
  /** Store many; one status per event, in order. */
  putMany(events: NostrEvent[]): Promise<PutResult[]>;
  /** Fast synchronous duplicate check (id is stored). */
  has(id: string): boolean;
  /** Ready-to-send JSON of one event, or undefined. */
  get(id: string): Promise<string | undefined>;
  /** Stream matching events' JSON, newest first (ties: lowest id), OR across filters, deduped. */
  query(filters: Filter[], options?: QueryOptions): AsyncIterable<string>;
  count(filters: Filter[], options?: QueryOptions): Promise<number>;
  stats(): StoreStats;
  gc(): Promise<GcResult>;
  /** Remove expired events now; returns how many. */
  sweepExpired(now?: number): Promise<number>;
  close(): Promise<void>;
}
