// The live fan-out index: which subscriptions an event reaches, and that filters are only tested
// when the event shares an indexed value with them.
import { describe, expect, it, vi } from 'vitest';
import { matchFilter, type Filter, type NostrEvent } from '../pkg/nostr/index.js';
import { LiveSubscription, SubscriptionIndex, type Subscriber } from '../src/subscriptions.js';

// Wrap the real matchFilter so the test can count how many filters the index actually tests.
vi.mock('../pkg/nostr/index.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../pkg/nostr/index.js')>();
  return { ...real, matchFilter: vi.fn(real.matchFilter) };
});
const matchSpy = vi.mocked(matchFilter);

const hex = (c: string) => c.repeat(64);
const ev = (fields: Partial<NostrEvent>): NostrEvent => ({
  id: hex('e'),
  pubkey: hex('a'),
  created_at: 1000,
  kind: 1,
  tags: [],
  content: '',
  sig: hex('5').repeat(2),
  ...fields,
});

function subscriber(): Subscriber & { got: [string, string][] } {
  const got: [string, string][] = [];
  return { got, deliver: (sub, _ev, json) => got.push([sub.id, sub.frame(json)]) };
}

function subscribe(index: SubscriptionIndex, id: string, ...filters: Filter[]) {
  const owner = subscriber();
  const sub = new LiveSubscription(id, filters, owner);
  index.add(sub);
  return { sub, owner };
}

describe('SubscriptionIndex', () => {
  it('routes by id, author, tag, kind and catch-all, each match once', () => {
    const index = new SubscriptionIndex();
    const byId = subscribe(index, 'id', { ids: [hex('e')] });
    const byAuthor = subscribe(index, 'author', { authors: [hex('a')] });
    const byTag = subscribe(index, 'tag', { '#t': ['nostr'] });
    const byKind = subscribe(index, 'kind', { kinds: [1] });
    const all = subscribe(index, 'all', {});
    const twoFilters = subscribe(index, 'two', { kinds: [1] }, { authors: [hex('a')] });
    const miss = subscribe(index, 'miss', { authors: [hex('b')] }, { kinds: [7] }, { '#t': ['other'] });

    const event = ev({ tags: [['t', 'nostr']] });
    const matched = index.matching(event);
    expect([...matched].map((s) => s.id).sort()).toEqual(['all', 'author', 'id', 'kind', 'tag', 'two']);
    expect(index.broadcast(event, '{"x":1}')).toBe(6);
    for (const s of [byId, byAuthor, byTag, byKind, all, twoFilters]) {
      expect(s.owner.got).toEqual([[s.sub.id, `["EVENT",${JSON.stringify(s.sub.id)},{"x":1}]`]]);
    }
    expect(miss.owner.got).toEqual([]);
  });

  it('checks the non-indexed conditions (since/until, other tags) before delivering', () => {
    const index = new SubscriptionIndex();
    subscribe(index, 'window', { authors: [hex('a')], since: 2000 });
    subscribe(index, 'both-tags', { '#t': ['nostr'], '#p': [hex('c')] });
    expect(index.matching(ev({ tags: [['t', 'nostr']] })).size).toBe(0);
    expect([...index.matching(ev({ created_at: 2000, tags: [['t', 'nostr'], ['p', hex('c')]] }))].map((s) => s.id).sort()).toEqual([
      'both-tags',
      'window',
    ]);
  });

  it('forgets removed subscriptions', () => {
    const index = new SubscriptionIndex();
    const { sub } = subscribe(index, 'gone', { kinds: [1] }, {});
    expect(index.size).toBe(1);
    index.remove(sub);
    expect(index.size).toBe(0);
    expect(index.matching(ev({})).size).toBe(0);
  });

  it('escapes subscription ids in the frame', () => {
    const sub = new LiveSubscription('we"ird\\id', [{}], subscriber());
    expect(JSON.parse(sub.frame('{"a":1}'))).toEqual(['EVENT', 'we"ird\\id', { a: 1 }]);
  });

  it('tests only filters that share an indexed value with the event', () => {
    const index = new SubscriptionIndex();
    const author = (i: number) => i.toString(16).padStart(4, '0') + '0'.repeat(60);
    for (let i = 0; i < 500; i++) subscribe(index, `a${i}`, { authors: [author(i)] });
    for (let i = 0; i < 500; i++) subscribe(index, `t${i}`, { '#t': [`topic${i}`] });
    for (let i = 0; i < 500; i++) subscribe(index, `k${i}`, { kinds: [10_000 + i] });
    matchSpy.mockClear();
    const probe = ev({ pubkey: author(7), tags: [['t', 'topic9']] });
    expect([...index.matching(probe)].map((s) => s.id).sort()).toEqual(['a7', 't9']);
    expect(matchSpy).toHaveBeenCalledTimes(2);
  });
});
