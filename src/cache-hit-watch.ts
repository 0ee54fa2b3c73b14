// Watches the event cache: when its hit ratio over a window stays below the configured threshold,
// logs a warning naming the setting to raise. Counts are cumulative in the store, so each window
// is judged on the difference since the previous check, not on the ratio since start.
import type { Logger } from 'pino';
import type { CacheStats } from '../pkg/store/index.js';

export interface CacheHitWatchOptions {
  read: () => CacheStats;
  /** Warn below this ratio (0–1); 0 disables the watch. */
  threshold: number;
  windowSeconds: number;
  logger: Logger;
  /** Windows with fewer lookups than this say nothing (an idle relay has no meaningful ratio). */
  minLookups?: number;
}

export interface CacheWindow {
  lookups: number;
  hitRatio: number;
  /** True when a warning was logged for this window. */
  warned: boolean;
}

function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${Number.isInteger(n) ? n : n.toFixed(1)} ${units[i]}`;
}

export class CacheHitWatch {
  private timer: NodeJS.Timeout | undefined;
  private prev: { hits: number; misses: number };
  private readonly minLookups: number;

  constructor(private readonly options: CacheHitWatchOptions) {
    const s = options.read();
    this.prev = { hits: s.hits, misses: s.misses };
    this.minLookups = options.minLookups ?? 1000;
  }

  start(): void {
    if (this.options.threshold <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      try {
        this.check();
      } catch (err) {
        this.options.logger.debug({ err }, 'cache hit-ratio check failed');
      }
    }, this.options.windowSeconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Judge the window since the previous check (called by the timer; public for tests). */
  check(): CacheWindow {
    const s = this.options.read();
    const hits = s.hits - this.prev.hits;
    const misses = s.misses - this.prev.misses;
    this.prev = { hits: s.hits, misses: s.misses };
    const lookups = hits + misses;
    const hitRatio = lookups > 0 ? hits / lookups : 0;
    const { threshold, windowSeconds } = this.options;
    const warned = threshold > 0 && s.maxBytes > 0 && lookups >= this.minLookups && hitRatio < threshold;
    if (warned) {
      const full = s.bytes >= s.maxBytes * 0.9 ? ' and the cache is full' : '';
      this.options.logger.warn(
        { hitRatio: Number(hitRatio.toFixed(4)), lookups, windowSeconds, threshold, eventCacheSize: s.maxBytes, cacheBytes: s.bytes },
        `Event cache hit ratio was ${(hitRatio * 100).toFixed(1)}% over the last ${windowSeconds} s ` +
          `(below cacheHitRatioWarn ${threshold})${full}. If memory allows, raise eventCacheSize ` +
          `(now ${formatBytes(s.maxBytes)}; LODE_EVENT_CACHE_SIZE or --event-cache-size).`,
      );
    }
    return { lookups, hitRatio, warned };
  }
}
