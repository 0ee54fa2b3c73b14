// Security of the relay protocol, beyond relay-auth.test.ts: NIP-42 challenges are unique and
// unguessable per connection; AUTH events (kind 22242) are never stored or fanned out, whether
// sent as AUTH or smuggled in as EVENT; DMs (kind 4) and gift wraps (kind 1059) never reach an
// unauthenticated reader or an AUTHed third party through any filter shape — stored, COUNT or
// live — while their recipient gets them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NostrEvent } from '../pkg/nostr/index.js';
import { keys, now, signed, startRelay, type Keys, type RawClient, type RelayHarness } from './support/relay-harness.js';

let h: RelayHarness;
beforeAll(async () => {
  h = await startRelay({ limits: { maxConnectionsPerIp: 0 } });
});
afterAll(async () => h?.close());

const eventsOn = (c: RawClient, subId: string) => c.pending().filter((f) => f[0] === 'EVENT' && f[1] === subId).map((f) => f[2] as NostrEvent);

/** A correct NIP-42 AUTH event for `c` (right challenge, right relay, now). */
function authEvent(k: Keys, c: RawClient): NostrEvent {
  return signed(k, { kind: 22242, tags: [['relay', h.url], ['challenge', c.challenge]], content: '' });
}

describe('AUTH challenges', () => {
  it('gives 50 connections 50 distinct challenges of at least 128 random bits', async () => {
    const clients = await Promise.all(Array.from({ length: 50 }, () => h.connect()));
    const challenges = clients.map((c) => c.challenge);
    expect(new Set(challenges).size).toBe(50);
    for (const ch of challenges) expect(ch).toMatch(/^[0-9a-f]{32,}$/);
    // Not a counter or a timestamp: every hex position varies across connections, and no two
    // challenges share a long prefix.
    for (let i = 0; i < 32; i++) expect(new Set(challenges.map((ch) => ch[i])).size, `position ${i}`).toBeGreaterThan(4);
    const prefixes = new Set(challenges.map((ch) => ch.slice(0, 8)));
    expect(prefixes.size).toBe(50);
    for (const c of clients) c.close();
  });

  it('gives a reconnecting client a new challenge, and the old one no longer authenticates', async () => {
    const first = await h.connect();
    const old = first.challenge;
    first.close();
    const second = await h.connect();
    expect(second.challenge).not.toBe(old);
    const res = await second.auth(keys().sk, h.url, { challenge: old });
    expect(res.accepted).toBe(false);
    expect(res.message).toMatch(/^invalid: challenge/);
  });
});

describe('AUTH events are never stored or broadcast', () => {
  it('refuses a valid AUTH event sent as EVENT: not stored, not fanned out, and it does not authenticate', async () => {
    const bob = keys();
    const dm = signed(keys(), { kind: 4, tags: [['p', bob.pk]], content: 'for bob only' });
    const pub = await h.connect();
    expect((await pub.publish(dm)).accepted).toBe(true);

    const watcher = await h.connect();
    await watcher.req('auth-kind', { kinds: [22242] });
    await watcher.req('everything', { limit: 0 });

    const c = await h.connect();
    const ev = authEvent(bob, c);
    const res = await c.publish(ev);
    expect(res.accepted).toBe(false);
    expect(res.message).toMatch(/^invalid: .*AUTH/);
    expect(h.store.has(ev.id)).toBe(false);
    expect((await c.req('look', { ids: [ev.id] })).events).toEqual([]);
    expect(await c.count('n', { kinds: [22242] })).toEqual({ count: 0 });
    // Sending it as EVENT did not make this connection Bob.
    expect((await c.req('inbox', { kinds: [4], '#p': [bob.pk] })).closed).toMatch(/^auth-required:/);
    await watcher.sync();
    expect(eventsOn(watcher, 'auth-kind')).toEqual([]);
    expect(eventsOn(watcher, 'everything')).toEqual([]);
  });

  it('never stores or fans out the event of an accepted AUTH message', async () => {
    const watcher = await h.connect();
    await watcher.req('auth-kind', { kinds: [22242] });
    await watcher.req('everything', { limit: 0 });
    const k = keys();
    await watcher.req('by-author', { authors: [k.pk] });

    const c = await h.connect();
    const ev = authEvent(k, c);
    c.send(['AUTH', ev]);
    const ok = await c.next((f) => f[0] === 'OK' && f[1] === ev.id);
    expect(ok.slice(2)).toEqual([true, '']);

    expect(h.store.has(ev.id)).toBe(false);
    const other = await h.connect();
    expect((await other.req('stored', { kinds: [22242] })).events).toEqual([]);
    expect((await other.req('by-id', { ids: [ev.id] })).events).toEqual([]);
    expect(await other.count('n', { authors: [k.pk] })).toEqual({ count: 0 });
    // Its own author, now AUTHed, does not get it back either.
    expect((await c.req('mine', { authors: [k.pk] })).events).toEqual([]);
    await watcher.sync();
    expect(watcher.pending().filter((f) => f[0] === 'EVENT')).toEqual([]);
  });
});

describe('DMs and gift wraps never leak', () => {
  const alice = keys();
  const bob = keys();
  const eve = keys();
  let dm: NostrEvent;
  let wrap: NostrEvent;
  let note: NostrEvent;

  // Filter shapes that do not name a gated kind, so they are run (not refused) and must hide them.
  const kindlessFilters = (): Record<string, unknown>[] => [
    {},
    { '#p': [bob.pk] },
    { authors: [alice.pk] },
    { ids: [dm.id, wrap.id] },
    { since: now() - 3_600 },
    { kinds: [1], authors: [alice.pk] },
  ];

  beforeAll(async () => {
    const c = await h.connect();
    dm = signed(alice, { kind: 4, tags: [['p', bob.pk]], content: 'stored secret' });
    wrap = signed(keys(), { kind: 1059, tags: [['p', bob.pk]], content: 'stored wrap' });
    note = signed(alice, { kind: 1, tags: [['p', bob.pk]], content: 'public note to bob' });
    for (const ev of [dm, wrap, note]) expect((await c.publish(ev)).accepted).toBe(true);
  });

  for (const who of ['unauthenticated', 'an AUTHed third party'] as const) {
    it(`hides stored ones from ${who}: REQ and COUNT with and without naming the kinds`, async () => {
      const c = await h.connect();
      if (who !== 'unauthenticated') expect((await c.auth(eve.sk, h.url)).accepted).toBe(true);
      const gated = (events: NostrEvent[]) => events.filter((e) => e.kind === 4 || e.kind === 1059);
      for (const [i, f] of kindlessFilters().entries()) {
        const { events, closed } = await c.req(`f${i}`, f);
        expect(closed, JSON.stringify(f)).toBeUndefined();
        expect(gated(events), JSON.stringify(f)).toEqual([]);
        // COUNT agrees with what REQ showed: hidden events are not counted either.
        expect((await c.count(`n${i}`, f)).count, JSON.stringify(f)).toBe(events.length);
      }
      // Naming the kinds: refused without AUTH; for a third party, answered without anything gated.
      for (const f of [{ kinds: [4] }, { kinds: [1059] }, { kinds: [4, 1059], '#p': [bob.pk] }, { kinds: [1, 4], authors: [alice.pk] }]) {
        const { events, closed } = await c.req('named', f);
        const n = await c.count('named-n', f);
        if (who === 'unauthenticated') {
          expect(closed, JSON.stringify(f)).toMatch(/^auth-required:/);
          expect(n.closed, JSON.stringify(f)).toMatch(/^auth-required:/);
          continue;
        }
        if (closed !== undefined) expect(closed).toMatch(/^restricted:/);
        expect(gated(events), JSON.stringify(f)).toEqual([]);
        if (n.closed !== undefined) expect(n.closed).toMatch(/^restricted:/);
        else expect(n.count, JSON.stringify(f)).toBe(events.length);
      }
    });
  }

  it('never delivers a new DM or gift wrap live to an unauthenticated or third-party subscription, only to its recipient', async () => {
    const anon = await h.connect();
    const asEve = await h.connect();
    await asEve.auth(eve.sk, h.url);
    const asBob = await h.connect();
    await asBob.auth(bob.sk, h.url);
    // Subscribed before the events exist; every index path of the live fan-out (catch-all, tag,
    // author, kind, id) is represented.
    const fresh = {
      dm: signed(alice, { kind: 4, tags: [['p', bob.pk]], content: 'live secret' }),
      wrap: signed(keys(), { kind: 1059, tags: [['p', bob.pk]], content: 'live wrap' }),
    };
    const live = [
      {},
      { '#p': [bob.pk] },
      { authors: [alice.pk] },
      { ids: [fresh.dm.id, fresh.wrap.id] },
      { kinds: [1, 7] },
    ];
    for (const [i, f] of live.entries()) {
      for (const c of [anon, asEve, asBob]) await c.req(`live${i}`, { ...f, limit: 0 });
    }
    await asEve.req('eve-kinds', { kinds: [4, 1059], limit: 0 });
    await asBob.req('bob-kinds', { kinds: [4, 1059], '#p': [bob.pk], limit: 0 });

    const pub = await h.connect();
    for (const ev of [fresh.dm, fresh.wrap]) expect((await pub.publish(ev)).accepted).toBe(true);
    const publicNote = signed(alice, { tags: [['p', bob.pk]], content: 'public, after the secrets' });
    expect((await pub.publish(publicNote)).accepted).toBe(true);

    // The recipient gets both on the kinds subscription and on every kindless one that matches.
    for (const ev of [fresh.dm, fresh.wrap]) {
      await asBob.next((f) => f[0] === 'EVENT' && f[1] === 'bob-kinds' && (f[2] as NostrEvent).id === ev.id);
      await asBob.next((f) => f[0] === 'EVENT' && f[1] === 'live0' && (f[2] as NostrEvent).id === ev.id);
      await asBob.next((f) => f[0] === 'EVENT' && f[1] === 'live1' && (f[2] as NostrEvent).id === ev.id);
      await asBob.next((f) => f[0] === 'EVENT' && f[1] === 'live3' && (f[2] as NostrEvent).id === ev.id);
    }
    // The others see the public note (so their subscriptions were live) and nothing gated.
    for (const c of [anon, asEve]) {
      await c.next((f) => f[0] === 'EVENT' && f[1] === 'live0' && (f[2] as NostrEvent).id === publicNote.id);
      await c.sync();
      const got = c.pending().filter((f) => f[0] === 'EVENT').map((f) => (f[2] as NostrEvent).kind);
      expect(got.filter((k) => k === 4 || k === 1059)).toEqual([]);
    }
  });

  it('starts serving DMs to a subscription once its connection AUTHs as the recipient, not before', async () => {
    const c = await h.connect();
    await c.req('early', { '#p': [bob.pk], limit: 0 });
    const before = signed(alice, { kind: 4, tags: [['p', bob.pk]], content: 'before auth' });
    const pub = await h.connect();
    await pub.publish(before);
    await c.sync();
    expect(eventsOn(c, 'early').map((e) => e.id)).not.toContain(before.id);

    await c.auth(bob.sk, h.url);
    const after = signed(alice, { kind: 4, tags: [['p', bob.pk]], content: 'after auth' });
    await pub.publish(after);
    const got = await c.next((f) => f[0] === 'EVENT' && f[1] === 'early' && (f[2] as NostrEvent).kind === 4);
    expect((got[2] as NostrEvent).id).toBe(after.id);
  });
});
