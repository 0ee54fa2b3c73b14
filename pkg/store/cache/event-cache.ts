// LRU cache of ready-to-send event JSON, keyed by serial and bounded in bytes.
//
// Cost of an entry = 2 bytes per UTF-16 code unit of the string + ENTRY_OVERHEAD_BYTES.
// V8 stores pure-Latin-1 strings at 1 byte per char and others at 2, and telling which costs a
// scan; charging 2 keeps the bound an upper bound on string memory (it over-counts ASCII JSON by
// up to 2x) while staying O(1). The overhead stands for the string header and the Map entry.
//
// Recency uses the Map's insertion order: a hit deletes and re-inserts the key, so the first key
// is always the least recently used and every operation is O(1).
import { StoreError } from '../base/errors.js';
import type { CacheStats } from '../base/types.js';

export const ENTRY_OVERHEAD_BYTES = 64;

/** The bytes an entry of this JSON is charged. */
export function cacheCost(json: string): number {
  return json.length * 2 + ENTRY_OVERHEAD_BYTES;
}

export class EventCache {
  private readonly map = new Map<number, string>();
  private bytes = 0;
  private hits = 0;
  private misses = 0;
  private evictions = 0;

  /** maxBytes 0 disables the cache: every get misses and nothing is kept. */
  constructor(readonly maxBytes: number) {
    if (!Number.isFinite(maxBytes) || maxBytes < 0) {
      throw new StoreError('BAD_OPTIONS', `event cache size must be a non-negative number of bytes, got ${maxBytes}`);
    }
  }

  get(serial: number): string | undefined {
    const json = this.map.get(serial);
    if (json === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.map.delete(serial);
    this.map.set(serial, json);
    return json;
  }

  /** Read without counting a lookup or refreshing recency (for tools and tests). */
  peek(serial: number): string | undefined {
    return this.map.get(serial);
  }

  has(serial: number): boolean {
    return this.map.has(serial);
  }

  /** Insert or replace; an entry that alone exceeds maxBytes is not cached (and drops any old value). */
  set(serial: number, json: string): void {
    this.delete(serial);
    const cost = cacheCost(json);
    if (cost > this.maxBytes) return;
    this.map.set(serial, json);
    this.bytes += cost;
    while (this.bytes > this.maxBytes) {
      const oldest = this.map.keys().next().value as number;
      this.delete(oldest);
      this.evictions++;
    }
  }

  delete(serial: number): boolean {
    const json = this.map.get(serial);
    if (json === undefined) return false;
    this.map.delete(serial);
    this.bytes -= cacheCost(json);
    return true;
  }

  /** Drop every entry; the counters are kept (see resetStats). */
  clear(): void {
    this.map.clear();
    this.bytes = 0;
  }

  get size(): number {
    return this.map.size;
  }

  stats(): CacheStats {
    const lookups = this.hits + this.misses;
    return {
      hits: this.hits,
      misses: this.misses,
      evictions: this.evictions,
      hitRatio: lookups === 0 ? 0 : this.hits / lookups,
      bytes: this.bytes,
      maxBytes: this.maxBytes,
      entries: this.map.size,
    };
  }

  resetStats(): void {
    this.hits = 0;
    this.misses = 0;
    this.evictions = 0;
  }
}
