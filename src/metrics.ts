// Prometheus figures for one relay: counts what the relay observes, reads the store's stats on scrape.
// Each server gets its own Registry so several can live in one process (tests, benchmarks).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { StoreStats } from '../pkg/store/index.js';
import type { ClientVerb, RelayObserver, RelayVerb } from './relay-observer.js';

export interface MetricsOptions {
  /** Store figures read at each scrape. */
  storeStats?: () => StoreStats;
  /** Group-commit figures of the store's writer (cumulative batches and events written). */
  writerStats?: () => { batches: number; itemsWritten: number };
  /** The signature backend in use (lode_verifier_info{backend}). */
  verifierBackend?: string;
  /** Add process figures (CPU, memory, event loop lag, GC). Default true. */
  processMetrics?: boolean;
}

// Sub-millisecond to seconds: query and write paths both span that range.
const latencyBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** A counter whose value is a running total kept elsewhere, copied in at scrape time. */
function mirroredCounter(registry: Registry, name: string, help: string, read: () => number | undefined): Counter {
  return new Counter({
    name,
    help,
    registers: [registry],
    collect(this: Counter) {
      const v = read();
      this.reset();
      if (v !== undefined && v > 0) this.inc(v);
    },
  });
}

export class RelayMetrics implements RelayObserver {
  readonly registry = new Registry();
  private readonly clientMessages: Counter<'verb'>;
  private readonly relayMessages: Counter<'verb'>;
  private readonly events: Counter<'kind'>;
  private readonly okResults: Counter<'outcome'>;
  private readonly reqEose: Histogram;
  private readonly write: Histogram;
  private readonly verify: Histogram;
  private readonly writerBatch: Histogram;
  private readonly connections: Gauge;
  private readonly subscriptions: Gauge;
  private readonly slowReaders: Counter;
  private lastStats: StoreStats | undefined;
  private lastStatsAt = 0;

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    this.clientMessages = new Counter({
      name: 'nostr_client_messages_total',
      help: 'Messages received from clients, by verb (invalid = unparseable or unknown verb).',
      labelNames: ['verb'],
      registers,
    });
    this.relayMessages = new Counter({
      name: 'nostr_relay_messages_total',
      help: 'Messages sent to clients, by verb (fan-out counts once per receiver).',
      labelNames: ['verb'],
      registers,
    });
    this.events = new Counter({
      name: 'nostr_events_total',
      help: 'Events newly stored (or fanned out, for ephemeral kinds), by kind.',
      labelNames: ['kind'],
      registers,
    });
    this.okResults = new Counter({
      name: 'lode_ok_total',
      help: 'OK answers sent, by outcome: accepted, or the refusal prefix (duplicate, invalid, rate-limited…).',
      labelNames: ['outcome'],
      registers,
    });
    this.reqEose = new Histogram({
      name: 'lode_req_eose_seconds',
      help: 'Time from a REQ arriving to its EOSE being sent.',
      buckets: latencyBuckets,
      registers,
    });
    this.write = new Histogram({
      name: 'lode_write_seconds',
      help: 'Time from handing an event to the store to its durable commit.',
      buckets: latencyBuckets,
      registers,
    });
    this.verify = new Histogram({
      name: 'lode_verify_seconds',
      help: 'Time of one signature check, including waiting for a verify worker.',
      buckets: latencyBuckets,
      registers,
    });
    this.writerBatch = new Histogram({
      name: 'lode_writer_batch_size',
      help: 'Events per write batch (group commit; a batch lands whole or not at all).',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048],
      registers,
    });
    this.connections = new Gauge({ name: 'lode_connections', help: 'Open WebSocket connections.', registers });
    this.subscriptions = new Gauge({ name: 'lode_subscriptions', help: 'Live subscriptions across all connections.', registers });
    this.slowReaders = new Counter({
      name: 'lode_slow_reader_disconnects_total',
      help: 'Connections closed because their unsent outbound data passed maxOutboundBufferBytes.',
      registers,
    });

    if (options.storeStats) this.registerStoreMetrics(options.storeStats);
    if (options.writerStats) {
      const w = options.writerStats;
      mirroredCounter(this.registry, 'lode_writer_batches_total', 'Group commits (one LMDB transaction each).', () => w().batches);
      mirroredCounter(this.registry, 'lode_writer_batched_events_total', 'Events written through group commits.', () => w().itemsWritten);
    }
    if (options.verifierBackend) {
      new Gauge({
        name: 'lode_verifier_info',
        help: 'The signature backend checking EVENTs (native = system libsecp256k1, wasm, noble); always 1.',
        labelNames: ['backend'],
        registers,
      }).set({ backend: options.verifierBackend }, 1);
    }
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Store figures: one stats() call per scrape, shared by every metric below. */
  private registerStoreMetrics(read: () => StoreStats): void {
    const stats = (): StoreStats => {
      const now = Date.now();
      if (!this.lastStats || now - this.lastStatsAt > 100) {
        this.lastStats = read();
        this.lastStatsAt = now;
      }
      return this.lastStats;
    };
    const registers = [this.registry];
    const gauge = (name: string, help: string, value: (s: StoreStats) => number): Gauge =>
      new Gauge({
        name,
        help,
        registers,
        collect(this: Gauge) {
          this.set(value(stats()));
        },
      });
    mirroredCounter(this.registry, 'lode_event_cache_hits_total', 'Event cache lookups served from memory.', () => stats().cache.hits);
    mirroredCounter(this.registry, 'lode_event_cache_misses_total', 'Event cache lookups that went to the store.', () => stats().cache.misses);
    mirroredCounter(this.registry, 'lode_event_cache_evictions_total', 'Events evicted from the cache to stay in its byte bound.', () => stats().cache.evictions);
    gauge('lode_event_cache_hit_ratio', 'Event cache hits / lookups since start (0 before any lookup).', (s) => s.cache.hitRatio);
    gauge('lode_event_cache_bytes', 'Bytes of JSON held by the event cache.', (s) => s.cache.bytes);
    gauge('lode_store_events', 'Events in the store.', (s) => s.events);
    gauge('lode_store_inline_events', 'Events whose payload is inline in LMDB.', (s) => s.inline.events);
    gauge('lode_store_vlog_events', 'Events whose payload is in the value log.', (s) => s.valueLog.events);
    gauge('lode_store_vlog_live_bytes', 'Value-log bytes still referenced (the rest is reclaimable by GC).', (s) => s.valueLog.liveBytes);
    new Gauge({
      name: 'lode_store_bytes',
      help: 'Store size by part: lmdb (LMDB file), vlog (value-log segment files), inline (payload bytes inside LMDB).',
      labelNames: ['type'],
      registers,
      collect(this: Gauge<'type'>) {
        const s = stats();
        this.set({ type: 'lmdb' }, s.lmdbFileBytes);
        this.set({ type: 'vlog' }, s.valueLog.fileBytes);
        this.set({ type: 'inline' }, s.inline.bytes);
      },
    });
    mirroredCounter(this.registry, 'lode_gc_runs_total', 'Value-log GC passes.', () => stats().gc.runs);
    mirroredCounter(this.registry, 'lode_gc_bytes_reclaimed_total', 'Bytes reclaimed by value-log GC.', () => stats().gc.bytesReclaimed);
  }

  /** The Prometheus text exposition. */
  async render(): Promise<string> {
    this.lastStats = undefined;
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  // RelayObserver: cheap increments only.
  clientMessage(verb: ClientVerb): void {
    this.clientMessages.inc({ verb });
  }
  relayMessage(verb: RelayVerb): void {
    this.relayMessages.inc({ verb });
  }
  eventStored(kind: number): void {
    this.events.inc({ kind: String(kind) });
  }
  okResult(outcome: string): void {
    this.okResults.inc({ outcome });
  }
  reqToEose(seconds: number): void {
    this.reqEose.observe(seconds);
  }
  /** One committed writer batch (wired to the store writer's batch listeners). */
  writerBatchCommitted(size: number): void {
    this.writerBatch.observe(size);
  }
  writeLatency(seconds: number): void {
    this.write.observe(seconds);
  }
  verifyTime(seconds: number): void {
    this.verify.observe(seconds);
  }
  connectionOpened(): void {
    this.connections.inc();
  }
  connectionClosed(): void {
    this.connections.dec();
  }
  subscriptionsChanged(delta: number): void {
    this.subscriptions.inc(delta);
  }
  slowReaderDisconnected(): void {
    this.slowReaders.inc();
  }
}
