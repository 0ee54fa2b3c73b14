// The value log: an append-only home for payloads too large to sit inline in LMDB
// (WiscKey/Badger key-value separation). Files are `<dir>/NNNNNN.vlog`, numbered from 000001;
// the entry format is documented in vlog-entry.ts.
//
// A VlogPointer's `offset` is the offset of the entry's HEADER in its segment, and `length` the
// payload length; a read fetches header + payload in one pread and checks magic, length, CRC and
// (when the caller passes it) the serial.
//
// Durability contract with the store: appends are buffered in memory and written by flush(),
// which the store awaits BEFORE the LMDB commit that stores the pointers. A crash can therefore
// leave only unreferenced bytes at the tail of the newest segment; open() cuts them off. Rolling
// to a new segment happens only after the previous one is written and fsynced, so only the last
// segment can have a torn tail.
//
// A failed write or fsync makes the log refuse all further writes (VLOG_IO): after a failed fsync
// the kernel may have dropped the dirty pages, so no later fsync can vouch for them. Reopening the
// store re-reads the files and cuts the unreferenced tail.
//
// The one exception is a full disk (ENOSPC, EDQUOT): the failure is DISK_FULL and recover() may
// clear it in place. The failed batch was never committed (the store commits only after flush
// resolves), so recover() cuts every segment back to its last fsynced length and writing resumes
// from there; everything committed before the failure was already fsynced and is untouched.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StoreError } from '../base/errors.js';
import { ENTRY_HEADER_BYTES, MAX_PAYLOAD_BYTES, encodeEntry } from './vlog-entry.js';
import { cutBackAll, recoverTail, type TailRecovery } from './vlog-segment-repair.js';
import { fsyncPath } from '../base/fsync-path.js';
import { rewriteSegment, type VlogMove } from './vlog-rewrite.js';
export type { VlogMove } from './vlog-rewrite.js';
import { flushFailure, groupBySegment, PendingAppends, writeGroup, writeGroupNow, type PendingEntry, type SegmentWrite, type ValueLogFaults } from './vlog-flush.js';
import {
  SegmentReader,
  assertPointer,
  checkEntry,
  missing,
  listSegments,
  segmentEntries,
  segmentFileName,
  type VlogEntry,
  type VlogPointer,
} from './vlog-reader.js';

export { segmentFileName, type VlogEntry, type VlogPointer } from './vlog-reader.js';
export type { ValueLogFaults } from './vlog-flush.js';

export interface ValueLogOptions {
  /** Roll to a new segment when the current one would pass this many bytes. */
  segmentSize: number;
  /** fsync on flush (and fsync the directory when files come and go). */
  sync: boolean;
  /**
   * Read only (another process may be writing): no tail recovery or truncation, every write
   * refused with READ_ONLY, and segments created after open are still readable.
   */
  readOnly?: boolean;
}

export interface VlogRecovery extends TailRecovery {
  /** The segment scanned on open (the newest one). */
  segment: number;
}

export class ValueLog {
  /** What open() found and cut at the tail of the newest segment. */
  readonly recovered: VlogRecovery;

  /** Flushed (on-file) bytes per existing segment, including the head segment. */
  private readonly fileBytes = new Map<number, number>();
  private head: number;
  /** Size of the head segment counting buffered appends. */
  private headBytes: number;
  /** Appends not yet written to their segment (reads see them too). */
  private readonly pending = new PendingAppends();
  private flushTail: Promise<void> = Promise.resolve();
  /** Flushes queued or running (flushNow() only runs with none). */
  private flushing = 0;
  private writer: { segment: number; handle: fs.promises.FileHandle } | undefined;
  private readonly reader: SegmentReader;
  private readonly rewriting = new Set<number>();
  private failure: StoreError | undefined;
  private closed = false;
  /** Test-only fault seam (see ValueLogFaults); undefined in normal operation. */
  faults: ValueLogFaults | undefined;

  private constructor(
    readonly dir: string,
    private readonly opts: ValueLogOptions,
    segments: Map<number, number>,
    recovered: VlogRecovery,
  ) {
    for (const [seg, bytes] of segments) this.fileBytes.set(seg, bytes);
    this.head = recovered.segment;
    this.headBytes = segments.get(this.head) ?? 0;
    this.fileBytes.set(this.head, this.headBytes);
    this.recovered = recovered;
    this.reader = new SegmentReader(dir);
  }

  static async open(dir: string, opts: ValueLogOptions): Promise<ValueLog> {
    if (!Number.isSafeInteger(opts.segmentSize) || opts.segmentSize < ENTRY_HEADER_BYTES + 1) {
      throw new StoreError('BAD_OPTIONS', `value-log segment size must be an integer of at least ${ENTRY_HEADER_BYTES + 1} bytes, got ${opts.segmentSize}`);
    }
    try {
      if (!opts.readOnly) await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
      const segments = opts.readOnly && !fs.existsSync(dir) ? new Map<number, number>() : await listSegments(dir);
      const numbers = [...segments.keys()].sort((a, b) => a - b);
      const last = numbers.length ? numbers[numbers.length - 1] : 1;
      const recovered: VlogRecovery = { segment: last, truncatedBytes: 0, corruptRegions: [] };
      if (numbers.length && !opts.readOnly) {
        const size = recoverTail(path.join(dir, segmentFileName(last)), recovered, opts.sync);
        segments.set(last, size);
      }
      return new ValueLog(dir, opts, new Map(numbers.map((n) => [n, segments.get(n)!])), recovered);
    } catch (err) {
      if (err instanceof StoreError) throw err;
      throw new StoreError('VLOG_IO', `cannot open value log in ${dir}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** The segment appends currently go to. Never a GC candidate. */
  get activeSegment(): number {
    return this.head;
  }

  /**
   * Buffer one payload; returns where it will live. The bytes are readable at once through
   * read(), and durable only after flush() resolves.
   */
  append(serial: number, payload: Uint8Array): VlogPointer {
    this.assertWritable();
    if (!Number.isSafeInteger(serial) || serial < 0) {
      throw new StoreError('BAD_OPTIONS', `value-log serial must be a non-negative safe integer, got ${serial}`);
    }
    if (payload.length > MAX_PAYLOAD_BYTES) {
      throw new StoreError('BAD_OPTIONS', `value-log payload of ${payload.length} bytes exceeds the 4 GiB entry limit`);
    }
    const size = ENTRY_HEADER_BYTES + payload.length;
    if (this.headBytes > 0 && this.headBytes + size > this.opts.segmentSize) {
      this.head += 1;
      this.headBytes = 0;
      this.fileBytes.set(this.head, 0);
    }
    const offset = this.headBytes;
    this.headBytes += size;
    const bytes = encodeEntry(serial, payload);
    this.pending.add(this.head, offset, bytes);
    return { segment: this.head, offset, length: payload.length };
  }

  /**
   * Write every buffered append (and fsync when `sync`). Calls queue behind each other, so a
   * flush that resolves covers every append made before it was called.
   */
  flush(): Promise<void> {
    if (this.closed) return Promise.reject(new StoreError('CLOSED', 'value log is closed'));
    return this.queueFlush();
  }

  private queueFlush(): Promise<void> {
    this.flushing++;
    const run = this.flushTail.then(() => this.writePending()).finally(() => this.flushing--);
    this.flushTail = run.catch(() => undefined);
    return run;
  }

  private async writePending(): Promise<void> {
    const batch = this.takePending();
    try {
      for (const group of groupBySegment(batch)) {
        await writeGroup(await this.writerFor(group.segment), group, this.opts.sync, this.faults);
        this.markWritten(group);
      }
    } catch (err) {
      throw this.failWith(err);
    }
  }

  /**
   * flush(), done synchronously when it can be: no flush in progress, and every buffered append in
   * the segment already open for writing (the common case). Returns false, having done nothing,
   * when it cannot; the caller then awaits flush(). Blocks this thread for the fsync: worth it for a
   * large write batch, whose hand-over to LMDB then need not wait for event-loop turns.
   */
  flushNow(): boolean {
    if (this.closed || this.flushing > 0) return false;
    if (this.failure) return false; // flush() reports it
    const w = this.writer;
    if (!w || !this.pending.allIn(w.segment)) return false;
    const batch = this.takePending();
    try {
      for (const group of groupBySegment(batch)) {
        writeGroupNow(w.handle.fd, group, this.opts.sync, this.faults);
        this.markWritten(group);
      }
    } catch (err) {
      throw this.failWith(err);
    }
    return true;
  }

  private takePending(): PendingEntry[] {
    if (this.failure) {
      // Every buffered append is doomed: its own flush is queued behind this one and fails too,
      // so no pointer to it is ever committed. Dropping them keeps recover() able to rebase.
      this.pending.clear();
      throw this.failure;
    }
    return this.pending.take();
  }

  private markWritten(group: SegmentWrite): void {
    this.fileBytes.set(group.segment, group.at + group.data.length);
    this.pending.written(group);
  }

  /** Record a failed write or fsync: writes stop until recover() (DISK_FULL) or a reopen. */
  private failWith(err: unknown): StoreError {
    this.pending.clear();
    this.failure = flushFailure(err);
    return this.failure;
  }

  /** The failure that stops writes, if any (DISK_FULL can be cleared by recover()). */
  get writeFailure(): StoreError | undefined {
    return this.failure;
  }

  /**
   * After a DISK_FULL failure: cut every segment back to its last fsynced length and allow writes
   * again. Runs behind any flush in progress. Throws the failure when it cannot be cleared: a
   * VLOG_IO failure (needs a reopen), appends made since (their flush is still queued and will
   * fail), or the disk refusing the truncation.
   */
  recover(): Promise<void> {
    const run = this.flushTail.then(() => this.recoverNow());
    this.flushTail = run.catch(() => undefined);
    return run;
  }

  private async recoverNow(): Promise<void> {
    const failure = this.failure;
    if (!failure) return;
    if (failure.code !== 'DISK_FULL') throw failure;
    if (this.pending.count > 0) {
      this.pending.clear();
      throw failure;
    }
    if (this.writer) {
      await this.writer.handle.close().catch(() => undefined);
      this.writer = undefined;
    }
    try {
      cutBackAll(this.fileBytes, (segment) => this.segmentPath(segment), this.opts.sync);
    } catch (err) {
      throw new StoreError('DISK_FULL', `${failure.message}; cutting the unwritten tail failed too: ${(err as Error).message}`, { cause: err });
    }
    this.head = Math.max(...this.fileBytes.keys());
    this.headBytes = this.fileBytes.get(this.head) ?? 0;
    this.failure = undefined;
  }

  private async writerFor(segment: number): Promise<fs.promises.FileHandle> {
    if (this.writer?.segment === segment) return this.writer.handle;
    if (this.writer) {
      await this.writer.handle.close();
      this.writer = undefined;
    }
    const file = this.segmentPath(segment);
    const handle = await fs.promises.open(file, fs.constants.O_WRONLY | fs.constants.O_CREAT, 0o600);
    this.writer = { segment, handle };
    // A new file's directory entry must be durable before pointers into it are committed.
    if (this.opts.sync && (this.fileBytes.get(segment) ?? 0) === 0) await fsyncPath(this.dir);
    return handle;
  }

  /**
   * The payload at `ptr`, checked against its CRC (and `expectedSerial` when given: it catches
   * a pointer whose bytes were cut on recovery and later reused). Serves buffered appends too.
   */
  read(ptr: VlogPointer, expectedSerial?: number): Buffer {
    this.assertOpen();
    assertPointer(ptr);
    const buffered = this.pending.get(ptr.segment, ptr.offset);
    if (buffered) return Buffer.from(checkEntry(buffered, ptr, expectedSerial));
    // Read-only next to a live writer: a segment rolled after open is still worth trying.
    if (!this.fileBytes.has(ptr.segment) && !this.opts.readOnly) throw missing(ptr.segment);
    return this.reader.read(ptr, expectedSerial);
  }

  /**
   * Every entry in the flushed part of `segment`, in file order. A damaged stretch is one item
   * with ok=false (serial -1 when the header itself is unreadable; payload empty).
   */
  *entries(segment: number): Generator<VlogEntry> {
    this.assertOpen();
    const size = this.fileBytes.get(segment);
    if (size === undefined) throw missing(segment);
    yield* segmentEntries(this.segmentPath(segment), segment, size);
  }

  /**
   * Segments with their flushed file bytes, oldest first. The head segment is listed from the
   * moment appends roll into it, with 0 bytes until its first flush creates the file.
   */
  segments(): { segment: number; bytes: number }[] {
    return [...this.fileBytes].sort((a, b) => a[0] - b[0]).map(([segment, bytes]) => ({ segment, bytes }));
  }

  segmentBytes(segment: number): number {
    return this.fileBytes.get(segment) ?? 0;
  }

  /** Flushed bytes across all segments. */
  totalBytes(): number {
    let sum = 0;
    for (const bytes of this.fileBytes.values()) sum += bytes;
    return sum;
  }

  /** GC one sealed segment; see rewriteSegment (vlog-rewrite.ts) for the crash reasoning. */
  rewrite(
    segment: number,
    isLive: (serial: number, ptr: VlogPointer) => boolean,
    relocate: (moves: VlogMove[]) => Promise<void>,
  ): Promise<{ bytesReclaimed: number; entriesMoved: number }> {
    return rewriteSegment(this, segment, isLive, relocate);
  }

  /**
   * @internal For rewriteSegment: claim a sealed segment for rewriting and return its file bytes.
   * Refuses the head, one with unflushed appends, a missing one, and one already claimed.
   */
  claimForRewrite(segment: number): number {
    this.assertWritable();
    if (segment === this.head || this.pending.has(segment)) {
      throw new StoreError('BAD_OPTIONS', `value-log segment ${segment} is still being written and cannot be rewritten`);
    }
    const bytes = this.fileBytes.get(segment);
    if (bytes === undefined) throw missing(segment);
    if (this.rewriting.has(segment)) {
      throw new StoreError('BAD_OPTIONS', `value-log segment ${segment} is already being rewritten`);
    }
    this.rewriting.add(segment);
    return bytes;
  }

  /** @internal Release a claim taken by claimForRewrite. */
  releaseRewrite(segment: number): void {
    this.rewriting.delete(segment);
  }

  /** @internal Delete a segment nothing points at any more (after GC repointed its entries). */
  async removeSegment(segment: number): Promise<void> {
    this.reader.drop(segment);
    await fs.promises.unlink(this.segmentPath(segment));
    this.fileBytes.delete(segment);
    if (this.opts.sync) await fsyncPath(this.dir);
  }

  /** Flush what is buffered, then release every file. Later calls are no-ops. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      // A flush that fails here loses nothing acknowledged: the store commits only after a flush resolves.
      await this.queueFlush().catch((err: unknown) => {
        if (!this.failure) throw err;
      });
    } finally {
      await this.flushTail;
      if (this.writer) await this.writer.handle.close().catch(() => undefined);
      this.writer = undefined;
      this.reader.closeAll();
    }
  }

  private segmentPath(segment: number): string {
    return this.reader.segmentPath(segment);
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError('CLOSED', 'value log is closed');
  }

  private assertWritable(): void {
    this.assertOpen();
    if (this.opts.readOnly) throw new StoreError('READ_ONLY', `value log ${this.dir} was opened read-only`);
    if (this.failure) throw this.failure;
  }
}
