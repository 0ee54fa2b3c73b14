import { describe, expect, it } from 'vitest';
import { committedPowTarget, expirationOf, isExpired, isProtected, powDifficulty } from '../pkg/nostr/index.js';
import { loadSampleEvents } from './nostr-fixtures.js';

describe('expirationOf (NIP-40)', () => {
  it('reads integer seconds from the expiration tag', () => {
    expect(expirationOf({ tags: [['p', 'x'], ['expiration', '1700000000']] })).toBe(1700000000);
    expect(expirationOf({ tags: [['expiration', '0']] })).toBe(0);
  });
  it('is undefined without an expiration tag', () => {
    expect(expirationOf({ tags: [] })).toBeUndefined();
    expect(expirationOf({ tags: [['expiration']] })).toBeUndefined();
  });
  it.each(['', 'soon', '1e9', '-5', '1.5', ' 17', '17 ', '0x10', '+5', '017', '99999999999999999999'])(
    'ignores the malformed value %j',
    (value) => {
      expect(expirationOf({ tags: [['expiration', value]] })).toBeUndefined();
    },
  );
  it('skips a malformed expiration tag and uses a later well-formed one', () => {
    expect(expirationOf({ tags: [['expiration', 'soon'], ['expiration', '42']] })).toBe(42);
  });
  it('finds expirations in the real sample', () => {
    const withTag = loadSampleEvents().filter((ev) => ev.tags.some((t) => t[0] === 'expiration'));
    expect(withTag.length).toBeGreaterThan(0);
    for (const ev of withTag) expect(expirationOf(ev)).toBeGreaterThan(1_600_000_000);
  });
  it('isExpired is true from the expiration second on', () => {
    const ev = { tags: [['expiration', '100']] };
    expect(isExpired(ev, 99)).toBe(false);
    expect(isExpired(ev, 100)).toBe(true);
    expect(isExpired({ tags: [] }, 1e12)).toBe(false);
  });
});

describe('isProtected (NIP-70)', () => {
  it('is true for a ["-"] tag anywhere', () => {
    expect(isProtected({ tags: [['p', 'x'], ['-']] })).toBe(true);
  });
  it('is false otherwise, including a "-" that is a value and not a tag name', () => {
    expect(isProtected({ tags: [] })).toBe(false);
    expect(isProtected({ tags: [['t', '-'], ['--'], ['']] })).toBe(false);
  });
});

describe('powDifficulty (NIP-13)', () => {
  it.each([
    ['f'.repeat(64), 0],
    ['7' + 'f'.repeat(63), 1],
    ['1' + 'f'.repeat(63), 3],
    ['0' + 'f'.repeat(63), 4],
    ['00' + '8'.repeat(62), 8],
    ['000000000e9d97a1ab09fc381030b346cdd7a142ad57e6df0b46dc9bef6c7e2d', 36],
    ['0'.repeat(64), 256],
  ])('%s has %i leading zero bits', (id, bits) => {
    expect(powDifficulty(id)).toBe(bits);
  });
});

describe('committedPowTarget (NIP-13)', () => {
  it('reads the third element of the nonce tag', () => {
    expect(committedPowTarget({ tags: [['nonce', '776797', '20']] })).toBe(20);
  });
  it('is undefined without a nonce tag, without a target, or with a malformed target', () => {
    expect(committedPowTarget({ tags: [] })).toBeUndefined();
    expect(committedPowTarget({ tags: [['nonce', '5']] })).toBeUndefined();
    expect(committedPowTarget({ tags: [['nonce', '5', 'high']] })).toBeUndefined();
  });
  it('matches the work actually done by real mined events in the sample', () => {
    const mined = loadSampleEvents().filter((ev) => committedPowTarget(ev) !== undefined);
    expect(mined.length).toBeGreaterThan(0);
    for (const ev of mined) expect(powDifficulty(ev.id)).toBeGreaterThanOrEqual(committedPowTarget(ev) ?? Infinity);
  });
});
