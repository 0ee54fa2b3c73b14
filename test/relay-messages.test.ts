// Every NIP-01/45 message type over a real socket against the real store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys, now, signed, startRelay, type RelayHarness } from './support/relay-harness.js';

let h: RelayHarness;
beforeAll(async () => {
  h = await startRelay();
});
afterAll(async () => h?.close());

describe('EVENT', () => {
  it('answers OK true for a new event and serves it back', async () => {
    const c = await h.connect();
    const k = keys();
    const ev = signed(k, { content: 'first' });
    expect(await c.publish(ev)).toEqual({ accepted: true, message: '' });
    const { events } = await c.req('s', { authors: [k.pk] });
    expect(events).toEqual([ev]);
  });

  it('answers a known id with OK true "duplicate:" even when the signature is now garbage', async () => {
    const c = await h.connect();
    const ev = signed(keys());
    await c.publish(ev);
    // Same id, corrupted sig: the duplicate short-cut answers without checking the signature.
    const again = await c.publish({ ...ev, sig: 'f'.repeat(128) });
    expect(again.accepted).toBe(true);
    expect(again.message).toMatch(/^duplicate:/);
  });

  it('refuses a wrong id and a bad signature with OK false "invalid:"', async () => {
    const c = await h.connect();
    const ev = signed(keys());
    const wrongId = await c.publish({ ...ev, content: 'changed after signing' });
    expect(wrongId).toMatchObject({ accepted: false });
    expect(wrongId.message).toMatch(/^invalid: id/);
    const other = signed(keys());
    const badSig = await c.publish({ ...ev, sig: other.sig });
    expect(badSig.accepted).toBe(false);
    expect(badSig.message).toMatch(/^invalid: signature/);
    expect((await c.req('x', { ids: [ev.id] })).events).toEqual([]);
  });

  it('refuses an event with a bad shape but a readable id with OK false', async () => {
    const c = await h.connect();
    const ev = signed(keys());
    const res = await c.publish({ ...ev, kind: -1 } as never);
    expect(res.accepted).toBe(false);
    expect(res.message).toMatch(/^invalid: kind/);
  });

  it('refuses kind 22242 sent as EVENT', async () => {
    const c = await h.connect();
    const res = await c.publish(signed(keys(), { kind: 22242 }));
    expect(res.accepted).toBe(false);
    expect(res.message).toMatch(/^invalid:.*AUTH/);
  });

  it('gives exactly one OK per EVENT when many are sent at once', async () => {
    const c = await h.connect();
    const k = keys();
    const evs = Array.from({ length: 40 }, (_, i) => signed(k, { content: `burst ${i}` }));
    for (const ev of evs) c.send(['EVENT', ev]);
    for (const ev of evs) {
      const ok = await c.next((f) => f[0] === 'OK' && f[1] === ev.id);
      expect(ok[2]).toBe(true);
    }
    // Nothing extra arrives: a REQ round trip flushes the socket and no second OK is waiting.
    await c.sync();
    expect(c.pending().filter((f) => f[0] === 'OK')).toEqual([]);
    expect(await h.store.count([{ authors: [k.pk] }])).toBe(40);
  });
});

describe('REQ, EOSE, live, CLOSE', () => {
  it('sends stored matches newest first, EOSE, then live matches only', async () => {
    const c = await h.connect();
    const pub = await h.connect();
    const k = keys();
    const old = signed(k, { created_at: now() - 100, content: 'old' });
    const newer = signed(k, { created_at: now() - 50, content: 'newer' });
    await pub.publish(old);
    await pub.publish(newer);
    const { events } = await c.req('feed', { authors: [k.pk], kinds: [1] });
    expect(events.map((e) => e.content)).toEqual(['newer', 'old']);

    const wrongKind = signed(k, { kind: 7, content: '+' });
    const live = signed(k, { content: 'live' });
    await pub.publish(wrongKind);
    await pub.publish(live);
    const got = await c.next((f) => f[0] === 'EVENT' && f[1] === 'feed');
    expect(got[2]).toEqual(live);
    expect(c.pending().filter((f) => f[0] === 'EVENT')).toEqual([]);
  });

  it('fans out only to the subscriptions whose filters match', async () => {
    const [a, b, x] = [keys(), keys(), keys()];
    const byAuthor = await h.connect();
    const byTag = await h.connect();
    const byKind = await h.connect();
    const pub = await h.connect();
    await byAuthor.req('A', { authors: [a.pk] });
    await byTag.req('T', { '#t': ['lode-test'] });
    await byKind.req('K', { kinds: [30023] });

    const fromA = signed(a, { content: 'from a' });
    const tagged = signed(b, { tags: [['t', 'lode-test']] });
    const unrelated = signed(x, { tags: [['t', 'other']] });
    for (const ev of [fromA, tagged, unrelated]) expect((await pub.publish(ev)).accepted).toBe(true);

    expect((await byAuthor.next((f) => f[0] === 'EVENT'))[2]).toEqual(fromA);
    expect((await byTag.next((f) => f[0] === 'EVENT'))[2]).toEqual(tagged);
    // Round trips so anything wrongly fanned out would have arrived by now.
    for (const c of [byAuthor, byTag, byKind]) await c.sync();
    for (const c of [byAuthor, byTag, byKind]) expect(c.pending().filter((f) => f[0] === 'EVENT')).toEqual([]);
  });

  it('stops live delivery after CLOSE', async () => {
    const c = await h.connect();
    const pub = await h.connect();
    const k = keys();
    await c.req('gone', { authors: [k.pk] });
    c.send(['CLOSE', 'gone']);
    await c.sync(); // the CLOSE is handled before this REQ's EOSE
    await pub.publish(signed(k));
    await c.sync();
    expect(c.pending().filter((f) => f[0] === 'EVENT')).toEqual([]);
  });

  it('replaces a subscription when a REQ reuses its id', async () => {
    const c = await h.connect();
    const pub = await h.connect();
    const [a, b] = [keys(), keys()];
    await c.req('same', { authors: [a.pk] });
    await c.req('same', { authors: [b.pk] });
    await pub.publish(signed(a));
    const fromB = signed(b);
    await pub.publish(fromB);
    const got = await c.next((f) => f[0] === 'EVENT' && f[1] === 'same');
    expect(got[2]).toEqual(fromB);
    expect(h.relay.stats().subscriptions).toBeGreaterThan(0);
  });

  it('counts subscriptions and drops them when a socket closes', async () => {
    const c = await h.connect();
    const before = h.relay.stats();
    await c.req('one', { kinds: [1], limit: 0 });
    await c.req('two', { kinds: [1], limit: 0 });
    expect(h.relay.stats().subscriptions).toBe(before.subscriptions + 2);
    c.close();
    await c.closed;
    for (let i = 0; i < 100 && h.relay.stats().subscriptions !== before.subscriptions; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(h.relay.stats().subscriptions).toBe(before.subscriptions);
  });
});

describe('COUNT', () => {
  it('counts stored matches (NIP-45)', async () => {
    const c = await h.connect();
    const k = keys();
    for (let i = 0; i < 3; i++) await c.publish(signed(k, { content: `n${i}` }));
    await c.publish(signed(k, { kind: 7 }));
    expect(await c.count('c1', { authors: [k.pk], kinds: [1] })).toEqual({ count: 3 });
    expect(await c.count('c2', { authors: [k.pk] })).toEqual({ count: 4 });
    expect(await c.count('c3', { authors: [keys().pk] })).toEqual({ count: 0 });
  });
});

describe('ephemeral events', () => {
  it('fans out kinds 20000–29999 with OK true and never stores them', async () => {
    const sub = await h.connect();
    const pub = await h.connect();
    const k = keys();
    await sub.req('eph', { authors: [k.pk] });
    const ev = signed(k, { kind: 20001, content: 'typing…' });
    expect(await pub.publish(ev)).toEqual({ accepted: true, message: '' });
    expect((await sub.next((f) => f[0] === 'EVENT' && f[1] === 'eph'))[2]).toEqual(ev);
    expect((await pub.req('later', { ids: [ev.id] })).events).toEqual([]);
  });
});
