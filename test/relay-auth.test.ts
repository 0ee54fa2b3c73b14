// NIP-42 AUTH, NIP-70 protected events, and read gating of DMs / gift wraps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys, now, signed, startRelay, type RelayHarness } from './support/relay-harness.js';

let h: RelayHarness;
beforeAll(async () => {
  h = await startRelay();
});
afterAll(async () => h?.close());

describe('AUTH (NIP-42)', () => {
  it('sends a challenge on connect and accepts a correct AUTH', async () => {
    const c = await h.connect();
    expect(c.challenge).toMatch(/^[0-9a-f]{32}$/);
    expect(await c.auth(keys().sk, h.url)).toEqual({ accepted: true, message: '' });
  });

  it('compares the relay URL leniently (trailing slash, scheme case)', async () => {
    const c = await h.connect();
    expect((await c.auth(keys().sk, `${h.url}/`)).accepted).toBe(true);
    expect((await c.auth(keys().sk, h.url.replace('ws://', 'WS://'))).accepted).toBe(true);
  });

  it.each([
    ['a wrong challenge', { challenge: 'f'.repeat(32) }, /^invalid: challenge/],
    ['another relay', { relay: 'wss://relay.example.com' }, /^invalid: relay tag/],
    ['created_at 11 minutes ago', { created_at: now() - 660 }, /^invalid: AUTH event created_at/],
    ['created_at 11 minutes ahead', { created_at: now() + 660 }, /^invalid: AUTH event created_at/],
  ])('refuses an AUTH with %s', async (_name, overrides, reason) => {
    const c = await h.connect();
    const res = await c.auth(keys().sk, h.url, overrides);
    expect(res.accepted).toBe(false);
    expect(res.message).toMatch(reason);
  });

  it('refuses an AUTH of the wrong kind or with a bad signature', async () => {
    const c = await h.connect();
    const k = keys();
    const wrongKind = signed(k, { kind: 1, tags: [['relay', h.url], ['challenge', c.challenge]] });
    c.send(['AUTH', wrongKind]);
    expect((await c.next((f) => f[0] === 'OK' && f[1] === wrongKind.id))[3]).toMatch(/^invalid: AUTH event must be kind 22242/);
    const good = signed(k, { kind: 22242, tags: [['relay', h.url], ['challenge', c.challenge]] });
    const forged = { ...good, sig: signed(keys(), { kind: 22242 }).sig };
    c.send(['AUTH', forged]);
    const ok = await c.next((f) => f[0] === 'OK' && f[1] === forged.id);
    expect(ok[2]).toBe(false);
    expect(ok[3]).toMatch(/^invalid: signature/);
  });

  it('does not accept a challenge from another connection', async () => {
    const a = await h.connect();
    const b = await h.connect();
    const res = await b.auth(keys().sk, h.url, { challenge: a.challenge });
    expect(res.accepted).toBe(false);
  });
});

describe('protected events (NIP-70)', () => {
  it('asks for auth, refuses another pubkey, and accepts the AUTHed author', async () => {
    const author = keys();
    const ev = signed(author, { tags: [['-']], content: 'members only' });
    const c = await h.connect();
    const anon = await c.publish(ev);
    expect(anon.accepted).toBe(false);
    expect(anon.message).toMatch(/^auth-required:/);

    await c.auth(keys().sk, h.url);
    const other = await c.publish(ev);
    expect(other.accepted).toBe(false);
    expect(other.message).toMatch(/^restricted:/);

    await c.auth(author.sk, h.url);
    expect(await c.publish(ev)).toEqual({ accepted: true, message: '' });
    expect((await c.req('p', { ids: [ev.id] })).events).toEqual([ev]);
  });
});

describe('read gating of kinds 4 and 1059', () => {
  const alice = keys();
  const bob = keys();
  const eve = keys();
  let dm: ReturnType<typeof signed>;
  let wrap: ReturnType<typeof signed>;
  let note: ReturnType<typeof signed>;

  beforeAll(async () => {
    const c = await h.connect();
    dm = signed(alice, { kind: 4, tags: [['p', bob.pk]], content: 'ciphertext?iv=x' });
    wrap = signed(keys(), { kind: 1059, tags: [['p', bob.pk]], content: 'sealed' });
    note = signed(alice, { kind: 1, content: 'public' });
    for (const ev of [dm, wrap, note]) expect((await c.publish(ev)).accepted).toBe(true);
  });

  it('refuses a REQ or COUNT naming gated kinds without AUTH with "auth-required:"', async () => {
    const c = await h.connect();
    expect((await c.req('dms', { kinds: [4], '#p': [bob.pk] })).closed).toMatch(/^auth-required:/);
    expect((await c.req('mixed', { kinds: [1, 1059] })).closed).toMatch(/^auth-required:/);
    expect((await c.count('n', { kinds: [4] })).closed).toMatch(/^auth-required:/);
  });

  it('hides gated events silently from filters that do not name kinds', async () => {
    const c = await h.connect();
    const { events, closed } = await c.req('all-alice', { authors: [alice.pk] });
    expect(closed).toBeUndefined();
    expect(events).toEqual([note]);
    expect((await c.req('ids', { ids: [dm.id, wrap.id] })).events).toEqual([]);
    expect(await c.count('n', { authors: [alice.pk] })).toEqual({ count: 1 });
  });

  it('serves DMs to the AUTHed recipient and author, stored and in COUNT', async () => {
    const asBob = await h.connect();
    await asBob.auth(bob.sk, h.url);
    const { events } = await asBob.req('inbox', { kinds: [4, 1059], '#p': [bob.pk] });
    expect(events.map((e) => e.id).sort()).toEqual([dm.id, wrap.id].sort());
    expect(await asBob.count('n', { kinds: [4, 1059], '#p': [bob.pk] })).toEqual({ count: 2 });

    const asAlice = await h.connect();
    await asAlice.auth(alice.sk, h.url);
    expect((await asAlice.req('sent', { kinds: [4], authors: [alice.pk] })).events).toEqual([dm]);
  });

  it('hides DMs from a third party even when AUTHed, and refuses filters that can only match hidden events', async () => {
    const asEve = await h.connect();
    await asEve.auth(eve.sk, h.url);
    // Allowed (could match DMs to Eve) but Bob's DMs stay hidden.
    expect((await asEve.req('snoop', { kinds: [4, 1059] })).events).toEqual([]);
    expect(await asEve.count('n', { kinds: [4] })).toEqual({ count: 0 });
    const r = await asEve.req('bobs', { kinds: [4], authors: [alice.pk], '#p': [bob.pk] });
    expect(r.closed).toMatch(/^restricted:/);
  });

  it('delivers live DMs only to the AUTHed recipient', async () => {
    const asBob = await h.connect();
    await asBob.auth(bob.sk, h.url);
    const asEve = await h.connect();
    await asEve.auth(eve.sk, h.url);
    const anon = await h.connect();
    await asBob.req('live', { kinds: [4] });
    await asEve.req('live', { kinds: [4] });
    await anon.req('live', { authors: [alice.pk], limit: 0 });

    const fresh = signed(alice, { kind: 4, tags: [['p', bob.pk]], content: 'new secret' });
    const pub = await h.connect();
    await pub.publish(fresh);
    const got = await asBob.next((f) => f[0] === 'EVENT' && f[1] === 'live' && (f[2] as { id: string }).id === fresh.id);
    expect(got[2]).toEqual(fresh);
    await asEve.sync();
    await anon.sync();
    expect(asEve.pending().filter((f) => f[0] === 'EVENT')).toEqual([]);
    expect(anon.pending().filter((f) => f[0] === 'EVENT')).toEqual([]);
  });
});
