import { describe, expect, it } from 'vitest';
import { checkFilterShape, filterTagKeys, matchFilter, matchFilters, type Filter, type NostrEvent } from '../pkg/nostr/index.js';
import { loadSampleEvents } from './nostr-fixtures.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);

const ev: NostrEvent = {
  id: A,
  pubkey: B,
  created_at: 1000,
  kind: 1,
  tags: [
    ['e', C, 'wss://relay.example', 'reply'],
    ['p', A],
    ['t', 'nostr'],
    ['t', 'relay'],
    ['expiration'],
    ['title', 'Hello'],
  ],
  content: 'hi',
  sig: 'f'.repeat(128),
};

describe('matchFilter', () => {
  it('an empty filter matches everything', () => {
    expect(matchFilter({}, ev)).toBe(true);
  });

  it.each<[string, Filter, boolean]>([
    ['ids hit', { ids: [C, A] }, true],
    ['ids miss', { ids: [B] }, false],
    ['authors hit', { authors: [B] }, true],
    ['authors miss', { authors: [A] }, false],
    ['kinds hit', { kinds: [0, 1] }, true],
    ['kinds miss', { kinds: [7] }, false],
    ['since equal is inclusive', { since: 1000 }, true],
    ['since after', { since: 1001 }, false],
    ['until equal is inclusive', { until: 1000 }, true],
    ['until before', { until: 999 }, false],
    ['since = until = created_at', { since: 1000, until: 1000 }, true],
    ['since > until matches nothing', { since: 1001, until: 999 }, false],
    ['limit is ignored', { limit: 0 }, true],
    ['#e on the first value', { '#e': [C] }, true],
    ['#e does not look at later values', { '#e': ['wss://relay.example'] }, false],
    ['#e does not look at the marker', { '#e': ['reply'] }, false],
    ['#t any of several tags', { '#t': ['relay'] }, true],
    ['#t any of several values', { '#t': ['x', 'nostr'] }, true],
    ['#p miss', { '#p': [B] }, false],
    ['tag letter is case-sensitive', { '#T': ['nostr'] }, false],
    ['absent tag', { '#d': [''] }, false],
    ['all conditions must hold (one fails)', { kinds: [1], authors: [B], '#t': ['nope'] }, false],
    ['all conditions must hold (all pass)', { kinds: [1], authors: [B], '#t': ['nostr'], '#p': [A], since: 1, until: 2000 }, true],
  ])('%s', (_what, f, expected) => {
    expect(matchFilter(f, ev)).toBe(expected);
  });

  it.each<[string, Filter]>([
    ['ids', { ids: [] }],
    ['authors', { authors: [] }],
    ['kinds', { kinds: [] }],
    ['#t', { '#t': [] }],
  ])('an empty %s array matches nothing', (_k, f) => {
    expect(matchFilter(f, ev)).toBe(false);
  });

  it('a tag with only a name never matches a tag filter', () => {
    expect(matchFilter({ '#x': [''] }, { ...ev, tags: [['x']] })).toBe(false);
    expect(matchFilter({ '#x': [''] }, { ...ev, tags: [['x', '']] })).toBe(true);
  });

  it('matches long lists (follow-list sized) the same as short ones', () => {
    const hex = (i: number) => i.toString(16).padStart(64, '0');
    const many = Array.from({ length: 500 }, (_, i) => hex(i + 1000));
    const kinds = Array.from({ length: 100 }, (_, i) => i + 2);
    for (let round = 0; round < 2; round++) {
      // twice: the second pass answers from the cached per-array Set
      expect(matchFilter({ authors: [...many.slice(0, 250), B, ...many.slice(250)] }, ev)).toBe(true);
      expect(matchFilter({ authors: many }, ev)).toBe(false);
      expect(matchFilter({ ids: many }, ev)).toBe(false);
      expect(matchFilter({ kinds }, ev)).toBe(false);
      expect(matchFilter({ kinds: [...kinds, 1] }, ev)).toBe(true);
      expect(matchFilter({ '#p': [...many, A] }, ev)).toBe(true);
      expect(matchFilter({ '#e': many.concat('wss://relay.example', 'reply') }, ev)).toBe(false);
    }
  });

  it('agrees with a direct count over the real sample', () => {
    const sample = loadSampleEvents();
    const kind7 = sample.filter((e) => matchFilter({ kinds: [7] }, e));
    expect(kind7.length).toBe(sample.filter((e) => e.kind === 7).length);
    expect(kind7.length).toBeGreaterThan(0);
    const target = sample.find((e) => e.kind === 30023)!;
    const d = target.tags.find((t) => t[0] === 'd')![1];
    const byAddress = sample.filter((e) => matchFilter({ kinds: [30023], authors: [target.pubkey], '#d': [d] }, e));
    expect(byAddress.map((e) => e.id)).toContain(target.id);
  });
});

describe('matchFilters', () => {
  it('ORs the filters of a REQ', () => {
    expect(matchFilters([{ kinds: [7] }, { authors: [B] }], ev)).toBe(true);
    expect(matchFilters([{ kinds: [7] }, { authors: [A] }], ev)).toBe(false);
    expect(matchFilters([], ev)).toBe(false);
  });
});

describe('filterTagKeys', () => {
  it('lists the tag conditions as [letter, values]', () => {
    expect(filterTagKeys({ kinds: [1], '#e': [A], '#T': ['x', 'y'] })).toEqual([
      ['e', [A]],
      ['T', ['x', 'y']],
    ]);
    expect(filterTagKeys({ authors: [A] })).toEqual([]);
  });
});

describe('checkFilterShape', () => {
  it('accepts a full filter and returns a copy with only known fields', () => {
    const input = { ids: [A], authors: [B, C], kinds: [0, 65535], since: 0, until: 2000, limit: 10, '#e': [A], '#Z': [] };
    const checked = checkFilterShape(input);
    expect(checked).toEqual({ ok: true, value: input });
    if (!checked.ok) return;
    expect(checked.value).not.toBe(input);
    input.kinds.push(7); // later changes to the input do not leak into the checked filter
    expect(checked.value.kinds).toEqual([0, 65535]);
  });

  it('accepts an empty filter', () => {
    expect(checkFilterShape({})).toEqual({ ok: true, value: {} });
  });

  it.each<[unknown, string]>([
    [null, 'filter: must be a JSON object'],
    [[], 'filter: must be a JSON object'],
    ['x', 'filter: must be a JSON object'],
    [{ ids: A }, 'ids: must be an array of 64-character lowercase hex strings'],
    [{ ids: ['abcd'] }, 'ids[0]: must be 64 lowercase hex characters (prefixes are not supported)'],
    [{ authors: [B, B.toUpperCase()] }, 'authors[1]: must be 64 lowercase hex characters (prefixes are not supported)'],
    [{ authors: [1] }, 'authors[0]: must be 64 lowercase hex characters (prefixes are not supported)'],
    [{ kinds: 1 }, 'kinds: must be an array of integers from 0 to 65535'],
    [{ kinds: [1, '7'] }, 'kinds[1]: must be an integer from 0 to 65535'],
    [{ kinds: [65536] }, 'kinds[0]: must be an integer from 0 to 65535'],
    [{ kinds: [-1] }, 'kinds[0]: must be an integer from 0 to 65535'],
    [{ since: -1 }, 'since: must be a non-negative integer (unix seconds)'],
    [{ until: 1.5 }, 'until: must be a non-negative integer (unix seconds)'],
    [{ until: '5' }, 'until: must be a non-negative integer (unix seconds)'],
    [{ limit: -1 }, 'limit: must be a non-negative integer'],
    [{ limit: null }, 'limit: must be a non-negative integer'],
    [{ search: 'nostr' }, 'search: NIP-50 is not supported'],
    [{ kind: 1 }, 'kind: unknown filter field'],
    [{ '#ee': ['x'] }, '#ee: tag filters must be "#" and one letter a-z or A-Z'],
    [{ '#1': ['x'] }, '#1: tag filters must be "#" and one letter a-z or A-Z'],
    [{ '#': ['x'] }, '#: tag filters must be "#" and one letter a-z or A-Z'],
    [{ '#e': 'x' }, '#e: must be an array of strings'],
    [{ '#e': ['x', 2] }, '#e[1]: must be a string'],
    [JSON.parse('{"__proto__": {"kinds": [1]}}'), '__proto__: unknown filter field'],
  ])('refuses %j: %s', (input, reason) => {
    expect(checkFilterShape(input)).toEqual({ ok: false, reason });
  });
});
