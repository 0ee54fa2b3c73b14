// A forward cursor over one index range that reads keys in growing batches.
// Each batch is a fresh seek, so no LMDB read transaction is held across the event loop.
import type { Database } from 'lmdb';
import { successor } from '../layout/keys.js';

export class IndexCursor {
  private batch: Buffer[] = [];
  private pos = 0;
  private nextStart: Buffer;
  private exhausted = false;
  private batchSize: number;
  /** Current key, or undefined when the range is done. */
  key: Buffer | undefined;
  /** The ordering suffix of the current key (created_at, id prefix, serial); kept, as the merge compares it often. */
  suffix!: Buffer;

  constructor(
    private readonly db: Database<Buffer, Buffer>,
    start: Buffer,
    private readonly end: Buffer,
    readonly prefixLength: number,
    firstBatch = 16,
  ) {
    this.nextStart = start;
    this.batchSize = firstBatch;
    this.advance();
  }

  advance(): void {
    if (this.pos >= this.batch.length) this.fill();
    this.key = this.pos < this.batch.length ? this.batch[this.pos++] : undefined;
    if (this.key) this.suffix = this.key.subarray(this.prefixLength);
  }

  private fill(): void {
    this.batch = [];
    this.pos = 0;
    if (this.exhausted) return;
    for (const k of this.db.getKeys({ start: this.nextStart, end: this.end, limit: this.batchSize })) this.batch.push(k as Buffer);
    if (this.batch.length < this.batchSize) this.exhausted = true;
    else this.nextStart = successor(this.batch[this.batch.length - 1]);
    this.batchSize = Math.min(this.batchSize * 4, 1024);
  }
}

/**
 * Keys each of `cursors` merged cursors reads first when the merge wants `limit` results: its fair
 * share plus one (a lone covered cursor is done in one read), 4 to 1024. Later batches grow ×4,
 * so a cursor that turns out to supply most of the results catches up in a few reads, while the
 * other cursors of a wide merge (a 50-author timeline) do not each read a large batch for nothing.
 */
export function firstBatchSize(limit: number, cursors: number): number {
  return Math.max(4, Math.min(1024, Math.ceil((limit + 1) / Math.max(1, cursors)) + 1));
}

/** Newest-first merge of cursors that share the key suffix layout. */
export class CursorMerge {
  private readonly heap: IndexCursor[];

  constructor(cursors: IndexCursor[]) {
    this.heap = cursors.filter((c) => c.key !== undefined);
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  get done(): boolean {
    return this.heap.length === 0;
  }

  /** The smallest current suffix; call advance() to move past it. */
  peek(): Buffer | undefined {
    return this.heap.length ? this.heap[0].suffix : undefined;
  }

  advance(): void {
    const top = this.heap[0];
    top.advance();
    if (top.key === undefined) {
      const last = this.heap.pop()!;
      if (this.heap.length === 0) return;
      this.heap[0] = last;
    }
    this.down(0);
  }

  private down(i: number): void {
    const h = this.heap;
    const n = h.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && Buffer.compare(h[l].suffix, h[m].suffix) < 0) m = l;
      if (r < n && Buffer.compare(h[r].suffix, h[m].suffix) < 0) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
}
