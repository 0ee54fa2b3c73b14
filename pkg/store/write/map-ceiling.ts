// mapSize as a real upper bound of the LMDB file. lmdb-js grows the map by itself when a write
// needs more room (its own change to LMDB's page allocator), so MDB_MAP_FULL never reaches us and
// the file would grow until the disk is full. Before each write batch we compare the file's
// high-water mark plus a generous estimate of the batch against mapSize and refuse with MAP_FULL.
//
// The high-water mark counts pages freed by deletions too (LMDB reuses them, but they stay inside
// the file), so the bound is conservative: once reached, raise mapSize and restart.
import type { RootDatabase } from 'lmdb';
import type { NostrEvent } from '../../nostr/types.js';
import { StoreError } from '../base/errors.js';

/** Pages a transaction may copy on write beyond the data it adds (B-tree paths of every database). */
const TXN_SLACK_BYTES = 512 * 1024;
/** Per event: the record, id entry and index keys (each a few dozen bytes), with B-tree slack. */
const EVENT_OVERHEAD_BYTES = 1024;
const TAG_INDEX_BYTES = 160;

interface EnvStats {
  pageSize: number;
  lastPageNumber: number;
}

/** Re-measure at least this often, so growth from GC and sweeps (not estimated) is seen too. */
const MEASURE_EVERY_BATCHES = 1000;

export class MapCeiling {
  /** The last measured high-water mark, and the estimates of the batches checked since. */
  private measured = -1;
  private sinceMeasured = 0;
  private batchesSinceMeasured = 0;

  constructor(
    private readonly env: RootDatabase,
    readonly limitBytes: number,
  ) {}

  /** Bytes of the LMDB file in use up to its high-water mark. */
  usedBytes(): number {
    const s = this.env.getStats() as EnvStats;
    return (s.lastPageNumber + 1) * s.pageSize;
  }

  /** Upper estimate of what storing `events` adds to the LMDB file (value-log payloads excluded). */
  static estimate(events: NostrEvent[], inlineThreshold: number): number {
    let bytes = TXN_SLACK_BYTES;
    for (const ev of events) {
      // Canonical JSON is the content plus ~450 bytes of fixed fields plus the tags; twice that
      // covers JSON escaping and half-full pages.
      let tagBytes = 0;
      for (const t of ev.tags) for (const v of t) tagBytes += v.length + 3;
      const json = ev.content.length * 2 + 450 + tagBytes;
      const inline = json <= inlineThreshold ? json : 16;
      bytes += 2 * inline + EVENT_OVERHEAD_BYTES + TAG_INDEX_BYTES * ev.tags.length;
    }
    return bytes;
  }

  /**
   * Throws MAP_FULL when the batch could push the file past the limit. Measuring costs ~50–80 µs
   * (env stats), so far from the limit the last measurement plus the estimates since stand in.
   */
  check(events: NostrEvent[], inlineThreshold: number): void {
    const need = MapCeiling.estimate(events, inlineThreshold);
    const bound = this.measured + this.sinceMeasured + need;
    if (this.measured >= 0 && bound <= this.limitBytes * 0.9 && this.batchesSinceMeasured < MEASURE_EVERY_BATCHES) {
      this.sinceMeasured += need;
      this.batchesSinceMeasured++;
      return;
    }
    const used = this.usedBytes();
    this.measured = used;
    this.sinceMeasured = need;
    this.batchesSinceMeasured = 0;
    if (used + need > this.limitBytes) {
      const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;
      throw new StoreError(
        'MAP_FULL',
        `the LMDB map is full: ${mib(used)} of mapSize ${mib(this.limitBytes)} in use; raise mapSize (LODE_MAP_SIZE) and restart`,
      );
    }
  }
}
