import { describe, expect, it } from 'vitest';
import { ENTRY_OVERHEAD_BYTES, EventCache, cacheCost } from '../../../pkg/store/cache/event-cache.js';

const json = (n: number, chars = 100) => `{"n":${n},"p":"${'a'.repeat(chars - 12 - String(n).length)}"}`;

describe('EventCache', () => {
  it('charges 2 bytes per UTF-16 unit plus a fixed overhead, counting unicode by code units', () => {
    expect(cacheCost('abc')).toBe(6 + ENTRY_OVERHEAD_BYTES);
    expect(cacheCost('é🙂')).toBe(2 * 3 + ENTRY_OVERHEAD_BYTES);
    const cache = new EventCache(10_000);
    cache.set(1, 'é🙂');
    expect(cache.get(1)).toBe('é🙂');
    expect(cache.stats().bytes).toBe(cacheCost('é🙂'));
  });

  it('evicts the least recently used entry, where a get refreshes recency', () => {
    const cost = cacheCost(json(1));
    const cache = new EventCache(cost * 3);
    cache.set(1, json(1));
    cache.set(2, json(2));
    cache.set(3, json(3));
    expect(cache.get(1)).toBe(json(1)); // 2 is now the oldest
    cache.set(4, json(4));
    expect(cache.peek(2)).toBeUndefined();
    expect([1, 3, 4].map((k) => cache.peek(k))).toEqual([json(1), json(3), json(4)]);
    cache.set(5, json(5)); // evicts 3
    expect(cache.has(3)).toBe(false);
    expect(cache.stats()).toMatchObject({ evictions: 2, entries: 3, bytes: cost * 3 });
  });

  it('never holds more than maxBytes, evicting as many entries as a big one needs', () => {
    const small = cacheCost(json(1));
    const cache = new EventCache(small * 4);
    for (let i = 0; i < 4; i++) cache.set(i, json(i));
    const big = json(9, 250); // cost about 2.4 small entries
    cache.set(9, big);
    const s = cache.stats();
    expect(s.bytes).toBeLessThanOrEqual(s.maxBytes);
    expect(s.evictions).toBe(3);
    expect(cache.peek(3)).toBe(json(3));
    expect(cache.peek(9)).toBe(big);
    expect(s.bytes).toBe(small + cacheCost(big));
  });

  it('replacing a key updates its bytes, and delete/clear release them', () => {
    const cache = new EventCache(100_000);
    cache.set(1, json(1));
    cache.set(1, json(1, 300));
    expect(cache.stats()).toMatchObject({ entries: 1, bytes: cacheCost(json(1, 300)), evictions: 0 });
    expect(cache.delete(1)).toBe(true);
    expect(cache.delete(1)).toBe(false);
    expect(cache.stats().bytes).toBe(0);
    cache.set(2, json(2));
    cache.clear();
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0 });
    expect(cache.get(2)).toBeUndefined();
  });

  it('counts hits, misses and the hit ratio, and resets them', () => {
    const cache = new EventCache(100_000);
    expect(cache.stats().hitRatio).toBe(0);
    cache.set(1, json(1));
    cache.get(1);
    cache.get(1);
    cache.get(1);
    cache.get(2);
    expect(cache.stats()).toMatchObject({ hits: 3, misses: 1, hitRatio: 0.75 });
    cache.resetStats();
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 0, evictions: 0, hitRatio: 0, entries: 1 });
  });

  it('does not cache an entry larger than maxBytes, and drops the stale value it replaced', () => {
    const cache = new EventCache(cacheCost(json(1)) + 10);
    cache.set(1, json(1));
    cache.set(1, json(1, 500));
    expect(cache.get(1)).toBeUndefined();
    cache.set(2, json(2, 500));
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0, evictions: 0 });
  });

  it('with maxBytes 0 keeps nothing and counts every lookup as a miss', () => {
    const cache = new EventCache(0);
    cache.set(1, json(1));
    expect(cache.get(1)).toBeUndefined();
    expect(cache.get(1)).toBeUndefined();
    expect(cache.stats()).toEqual({ hits: 0, misses: 2, evictions: 0, hitRatio: 0, bytes: 0, maxBytes: 0, entries: 0 });
  });

  it('rejects a negative or non-numeric bound', () => {
    expect(() => new EventCache(-1)).toThrow(expect.objectContaining({ code: 'BAD_OPTIONS' }));
    expect(() => new EventCache(Number.NaN)).toThrow(expect.objectContaining({ code: 'BAD_OPTIONS' }));
  });
});
