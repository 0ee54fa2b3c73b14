import { describe, expect, it } from 'vitest';
import { addressOf, dTagOf, isAddressable, isEphemeral, isReplaceable, kindClass } from '../pkg/nostr/index.js';

const pk = 'a'.repeat(64);

describe('kindClass', () => {
  it.each([
    [0, 'replaceable'],
    [1, 'regular'],
    [2, 'regular'],
    [3, 'replaceable'],
    [4, 'regular'],
    [5, 'regular'],
    [9999, 'regular'],
    [10000, 'replaceable'],
    [10002, 'replaceable'],
    [19999, 'replaceable'],
    [20000, 'ephemeral'],
    [29999, 'ephemeral'],
    [30000, 'addressable'],
    [30023, 'addressable'],
    [39999, 'addressable'],
    [40000, 'regular'],
    [65535, 'regular'],
  ] as const)('kind %i is %s', (kind, cls) => {
    expect(kindClass(kind)).toBe(cls);
    expect(isReplaceable(kind)).toBe(cls === 'replaceable');
    expect(isEphemeral(kind)).toBe(cls === 'ephemeral');
    expect(isAddressable(kind)).toBe(cls === 'addressable');
  });
});

describe('dTagOf', () => {
  it('takes the value of the first d tag', () => {
    expect(dTagOf({ tags: [['t', 'x'], ['d', 'first'], ['d', 'second']] })).toBe('first');
  });
  it("counts a missing d tag, or one without a value, as ''", () => {
    expect(dTagOf({ tags: [] })).toBe('');
    expect(dTagOf({ tags: [['t', 'x']] })).toBe('');
    expect(dTagOf({ tags: [['d'], ['d', 'later']] })).toBe('');
  });
  it('does not take a tag whose value merely starts with d', () => {
    expect(dTagOf({ tags: [['dd', 'no'], ['D', 'no']] })).toBe('');
  });
});

describe('addressOf', () => {
  it('is kind:pubkey:d for addressable events', () => {
    expect(addressOf({ kind: 30023, pubkey: pk, tags: [['d', 'my-article']] })).toBe(`30023:${pk}:my-article`);
    expect(addressOf({ kind: 30000, pubkey: pk, tags: [] })).toBe(`30000:${pk}:`);
    expect(addressOf({ kind: 30000, pubkey: pk, tags: [['d', 'a:b']] })).toBe(`30000:${pk}:a:b`);
  });
  it('is kind:pubkey: for replaceable events, ignoring any d tag', () => {
    expect(addressOf({ kind: 0, pubkey: pk, tags: [] })).toBe(`0:${pk}:`);
    expect(addressOf({ kind: 10002, pubkey: pk, tags: [['d', 'x']] })).toBe(`10002:${pk}:`);
  });
  it('is undefined for regular and ephemeral events', () => {
    expect(addressOf({ kind: 1, pubkey: pk, tags: [['d', 'x']] })).toBeUndefined();
    expect(addressOf({ kind: 20001, pubkey: pk, tags: [] })).toBeUndefined();
  });
});
