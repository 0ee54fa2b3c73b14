import { describe, expect, it } from 'vitest';
import { KeyedTokenBuckets, TokenBucket } from '../src/token-bucket.js';

describe('TokenBucket', () => {
  it('allows a burst, then refills at the rate', () => {
    const b = new TokenBucket(2, 3, 0);
    expect([b.take(1, 0), b.take(1, 0), b.take(1, 0), b.take(1, 0)]).toEqual([true, true, true, false]);
    expect(b.take(1, 499)).toBe(false); // 0.998 tokens
    expect(b.take(1, 500)).toBe(true); // one token after 0.5 s at 2/s
    expect(b.take(1, 10_000)).toBe(true); // refilled to the burst of 3, now 2 left
    expect(b.isFull(10_200)).toBe(false); // 2.4 tokens
    expect(b.isFull(10_500)).toBe(true); // capped at 3
  });
});

describe('KeyedTokenBuckets', () => {
  it('keeps one budget per key and rate 0 means unlimited', () => {
    const k = new KeyedTokenBuckets(1, 1);
    expect(k.take('a', 1, 0)).toBe(true);
    expect(k.take('a', 1, 0)).toBe(false);
    expect(k.take('b', 1, 0)).toBe(true);
    const off = new KeyedTokenBuckets(0, 0);
    for (let i = 0; i < 1000; i++) expect(off.take('x')).toBe(true);
    expect(off.size).toBe(0);
  });

  it('forgets keys whose bucket has refilled', () => {
    const k = new KeyedTokenBuckets(10, 10);
    for (let i = 0; i < 100; i++) k.take(`ip${i}`, 1, 0);
    expect(k.size).toBe(100);
    k.sweep(5_000);
    expect(k.size).toBe(0);
  });
});
