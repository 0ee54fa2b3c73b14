// Runs filter plans: per filter a newest-first cursor merge with post-filtering and its own limit,
// then a union across filters with dedupe. Work is sliced so long scans yield to the event loop.
import type { Filter } from '../../nostr/types.js';
import type { QueryOptions } from '../base/types.js';
import type { StoreDatabases } from '../base/schema.js';
import { StoreError } from '../base/errors.js';
import { CursorMerge, IndexCursor, firstBatchSize } from './index-cursor.js';
import { planFilter, type FilterPlan } from './query-plan.js';
import { RecordView } from '../layout/record.js';
import { IndexPrefix, SUFFIX_BYTES, readU64, serialKey, writeSuffix } from '../layout/keys.js';

export interface Hit {
  suffix: Buffer;
  serial: number;
  record: RecordView;
}

/** Index keys examined between two yields to the event loop. */
const SLICE = 512;

/** Index cursors opened between two yields (opening one costs a seek). */
const OPEN_SLICE = 64;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

async function yieldOrAbort(signal: AbortSignal | undefined): Promise<void> {
  await yieldToLoop();
  if (signal?.aborted) throw new StoreError('ABORTED', 'query aborted');
}

/**
 * The record at `serial`, copied out of LMDB's reused read buffer into pooled memory: about 1 µs
 * cheaper per record than get(), whose copy allocates a fresh ArrayBuffer each time. A copy is
 * needed because a hit stays parked while other cursors (and other queries) read.
 */
function readRecordCopy(db: StoreDatabases, serial: number): Buffer | undefined {
  const fast = db.events.getBinaryFast(serialKey(serial));
  if (!fast) return undefined;
  const n = fast.length; // the reused buffer's length is patched to this record's size
  const copy = Buffer.allocUnsafe(n);
  copy.set(fast.subarray(0, n));
  return copy;
}

class FilterStream {
  head: Hit | undefined;
  done = false;
  private emitted = 0;
  /** The serial the merge gave last: an event reached through two of this filter's ranges comes twice. */
  private lastSerial = -1;
  private merge?: CursorMerge;
  private direct?: Hit[];

  constructor(
    private readonly db: StoreDatabases,
    private readonly plan: FilterPlan,
    private readonly accept: QueryOptions['accept'],
    private readonly now: number,
  ) {
    if (plan.ids) this.direct = this.loadIds(plan.ids);
    if (plan.limit <= 0) this.done = true;
  }

  /**
   * Opens one index cursor per range (each reads its first batch: ~0.1 ms apiece), yielding to
   * the event loop every OPEN_SLICE cursors: a filter with thousands of tag values or authors
   * must not stall every other client while its cursors open.
   */
  async open(signal: AbortSignal | undefined): Promise<void> {
    if (this.direct || this.done) return;
    const cursors: IndexCursor[] = [];
    const firstBatch = firstBatchSize(this.plan.limit, this.plan.ranges.length);
    for (const r of this.plan.ranges) {
      cursors.push(new IndexCursor(this.db.index, r.start, r.end, r.prefixLength, firstBatch));
      if (cursors.length % OPEN_SLICE === 0) await yieldOrAbort(signal);
    }
    this.merge = new CursorMerge(cursors);
  }

  private loadIds(ids: Buffer[]): Hit[] {
    const hits: Hit[] = [];
    for (const id of ids) {
      const sk = this.db.ids.get(id);
      if (!sk) continue;
      const serial = readU64(sk, 0);
      const record = this.loadRecord(serial);
      if (!record) continue;
      const suffix = Buffer.allocUnsafe(SUFFIX_BYTES);
      writeSuffix(suffix, 0, record.createdAt, record.idBytes, serial);
      hits.push({ suffix, serial, record });
    }
    return hits.sort((a, b) => Buffer.compare(a.suffix, b.suffix));
  }

  private loadRecord(serial: number): RecordView | undefined {
    const buf = readRecordCopy(this.db, serial);
    if (!buf) return undefined; // removed since the index was read
    const record = new RecordView(buf);
    const exp = record.expiration;
    if (exp !== undefined && exp <= this.now) return undefined;
    if (!this.plan.matches(record)) return undefined;
    if (this.accept && !this.accept(record.meta())) return undefined;
    return record;
  }

  /** Examine one candidate; sets `head` when it matches. */
  step(): void {
    if (this.direct) {
      const hit = this.direct.shift();
      if (hit) this.setHead(hit);
      else this.done = true;
      return;
    }
    const merge = this.merge!;
    if (merge.done) {
      this.done = true;
      return;
    }
    const suffix = merge.peek()!;
    merge.advance();
    const serial = readU64(suffix, 16);
    // Copies of one index suffix are adjacent in the merge (the suffix ends in the serial). An event
    // holding two of the filter's tag values (`t`=nostr and `t`=Nostr, or one value twice) is met
    // once per range; counting each copy toward the limit would cut the answer short.
    if (serial === this.lastSerial) return;
    this.lastSerial = serial;
    const record = this.loadRecord(serial);
    if (record) this.setHead({ suffix, serial, record });
  }

  private setHead(hit: Hit): void {
    this.head = hit;
    if (++this.emitted >= this.plan.limit) this.done = true;
  }
}

export class QueryEngine {
  constructor(private readonly db: StoreDatabases) {}

  plans(filters: Filter[], maxLimit: number): FilterPlan[] {
    return filters.map((f) => planFilter(f, maxLimit));
  }

  /** Matching records newest first (ties: lowest id), deduplicated across filters. */
  async *scan(plans: FilterPlan[], options: QueryOptions = {}): AsyncGenerator<Hit> {
    const { signal, accept } = options;
    const now = Math.floor(Date.now() / 1000);
    const streams = plans.map((p) => new FilterStream(this.db, p, accept, now));
    let work = 0;
    const fill = async (s: FilterStream) => {
      while (!s.head && !s.done) {
        s.step();
        if (++work >= SLICE) {
          work = 0;
          await yieldToLoop();
          if (signal?.aborted) throw new StoreError('ABORTED', 'query aborted');
        }
      }
    };
    if (signal?.aborted) throw new StoreError('ABORTED', 'query aborted');
    for (const s of streams) await s.open(signal);
    for (const s of streams) await fill(s);
    let lastSerial = -1;
    for (;;) {
      let best: FilterStream | undefined;
      for (const s of streams) if (s.head && (!best || Buffer.compare(s.head.suffix, best.head!.suffix) < 0)) best = s;
      if (!best) return;
      const hit = best.head!;
      best.head = undefined;
      if (hit.serial !== lastSerial) {
        lastSerial = hit.serial;
        yield hit;
        if (signal?.aborted) throw new StoreError('ABORTED', 'query aborted');
      }
      await fill(best);
    }
  }

  /** Exact count of distinct matches (limits ignored). */
  async count(filters: Filter[], options: QueryOptions = {}): Promise<number> {
    const plans = filters.map((f) => ({ ...planFilter({ ...f, limit: undefined }, Number.MAX_SAFE_INTEGER) }));
    // Fast path: one fully covered filter counts index keys natively, unless unswept expired events could be among them.
    if (plans.length === 1 && plans[0].covered && !options.accept && !this.hasExpiredUnswept()) {
      let n = 0;
      let i = 0;
      for (const r of plans[0].ranges) {
        n += this.db.index.getKeysCount({ start: r.start, end: r.end });
        if (++i % OPEN_SLICE === 0) await yieldOrAbort(options.signal);
      }
      return n;
    }
    let n = 0;
    for await (const _ of this.scan(plans, options)) n++;
    return n;
  }

  private hasExpiredUnswept(): boolean {
    const now = Math.floor(Date.now() / 1000);
    for (const key of this.db.index.getKeys({ start: Buffer.of(IndexPrefix.expiration), end: Buffer.of(IndexPrefix.expiration + 1), limit: 1 })) {
      return readU64(key as Buffer, 1) <= now;
    }
    return false;
  }
}
