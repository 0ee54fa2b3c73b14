import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CacheStats } from '../pkg/store/base/types.js';
import { CacheHitWatch } from '../src/cache-hit-watch.js';
import { createLogger } from '../src/logger.js';

/** A JSON logger whose lines land in an array. */
function capture(): { lines: Record<string, unknown>[]; logger: ReturnType<typeof createLogger> } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info', pretty: false, destination }) };
}

function cache(hits: number, misses: number, maxBytes = 256 * 1024 * 1024): CacheStats {
  const lookups = hits + misses;
  return { hits, misses, evictions: 0, hitRatio: lookups ? hits / lookups : 0, bytes: maxBytes, maxBytes, entries: 1 };
}

describe('event cache hit-ratio warning', () => {
  it('warns when a window’s ratio is below the threshold, naming the setting to raise', () => {
    const { lines, logger } = capture();
    let now = cache(0, 0);
    const watch = new CacheHitWatch({ read: () => now, threshold: 0.8, windowSeconds: 60, logger, minLookups: 100 });
    now = cache(300, 700);
    const w = watch.check();
    expect(w).toEqual({ lookups: 1000, hitRatio: 0.3, warned: true });
    expect(lines).toHaveLength(1);
    expect(lines[0].level).toBe(40);
    expect(lines[0].msg).toContain('eventCacheSize');
    expect(lines[0].msg).toContain('LODE_EVENT_CACHE_SIZE');
    expect(lines[0].msg).toContain('256 MiB');
  });

  it('judges each window on its own lookups, not on the ratio since start', () => {
    const { lines, logger } = capture();
    let now = cache(0, 1000); // a cold start: all misses
    const watch = new CacheHitWatch({ read: () => now, threshold: 0.8, windowSeconds: 60, logger, minLookups: 100 });
    now = cache(950, 1050); // this window: 950 hits of 1000 lookups
    expect(watch.check().hitRatio).toBeCloseTo(0.95);
    expect(lines).toHaveLength(0);
  });

  it('stays quiet on an idle relay, with the cache disabled, or with the check disabled', () => {
    const { lines, logger } = capture();
    let now = cache(0, 0);
    const idle = new CacheHitWatch({ read: () => now, threshold: 0.8, windowSeconds: 60, logger, minLookups: 100 });
    now = cache(1, 9);
    expect(idle.check().warned).toBe(false);

    let off = cache(0, 0, 0);
    const noCache = new CacheHitWatch({ read: () => off, threshold: 0.8, windowSeconds: 60, logger, minLookups: 1 });
    off = cache(0, 500, 0);
    expect(noCache.check().warned).toBe(false);

    let n = cache(0, 0);
    const disabled = new CacheHitWatch({ read: () => n, threshold: 0, windowSeconds: 60, logger, minLookups: 1 });
    n = cache(0, 500);
    expect(disabled.check().warned).toBe(false);
    expect(lines).toHaveLength(0);
  });
});

describe('logger', () => {
  it('writes JSON lines at or above its level only', () => {
    const { lines, logger } = capture();
    logger.debug('hidden');
    logger.info({ port: 7447 }, 'shown');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'shown', port: 7447, level: 30 });
  });
});
