// Replace (NIP-01 replaceable/addressable), delete (NIP-09) and expire (NIP-40) end to end over
// the socket: the OK each publish gets, and what a REQ sees afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys, now, signed, startRelay, type RelayHarness } from './support/relay-harness.js';

let h: RelayHarness;
beforeAll(async () => {
  h = await startRelay();
});
afterAll(async () => h?.close());

describe('replaceable and addressable', () => {
  it('keeps the newest kind 0, refuses an older one with OK false "duplicate:"', async () => {
    const c = await h.connect();
    const k = keys();
    const v1 = signed(k, { kind: 0, created_at: now() - 20, content: '{"name":"one"}' });
    const v2 = signed(k, { kind: 0, created_at: now() - 10, content: '{"name":"two"}' });
    expect((await c.publish(v1)).accepted).toBe(true);
    expect((await c.publish(v2)).accepted).toBe(true);
    const older = await c.publish(signed(k, { kind: 0, created_at: now() - 30, content: '{"name":"zero"}' }));
    expect(older.accepted).toBe(false);
    expect(older.message).toMatch(/^duplicate:/);
    expect((await c.req('p', { kinds: [0], authors: [k.pk] })).events).toEqual([v2]);
  });

  it('replaces addressable events per d tag', async () => {
    const c = await h.connect();
    const k = keys();
    const a1 = signed(k, { kind: 30023, created_at: now() - 10, tags: [['d', 'post']], content: 'draft' });
    const a2 = signed(k, { kind: 30023, created_at: now() - 5, tags: [['d', 'post']], content: 'final' });
    const other = signed(k, { kind: 30023, created_at: now() - 10, tags: [['d', 'other']], content: 'kept' });
    for (const ev of [a1, a2, other]) expect((await c.publish(ev)).accepted).toBe(true);
    const { events } = await c.req('a', { kinds: [30023], authors: [k.pk] });
    expect(events.map((e) => e.content).sort()).toEqual(['final', 'kept']);
  });

  it('tells a live subscriber about the new version', async () => {
    const sub = await h.connect();
    const pub = await h.connect();
    const k = keys();
    await pub.publish(signed(k, { kind: 3, created_at: now() - 10 }));
    await sub.req('contacts', { kinds: [3], authors: [k.pk] });
    const next = signed(k, { kind: 3, created_at: now(), tags: [['p', keys().pk]] });
    await pub.publish(next);
    expect((await sub.next((f) => f[0] === 'EVENT' && f[1] === 'contacts'))[2]).toEqual(next);
  });
});

describe('deletion (NIP-09)', () => {
  it('removes the target, keeps serving the kind 5, and blocks re-publishing the deleted id', async () => {
    const c = await h.connect();
    const k = keys();
    const note = signed(k, { content: 'regret' });
    expect((await c.publish(note)).accepted).toBe(true);
    const del = signed(k, { kind: 5, tags: [['e', note.id]] });
    expect((await c.publish(del)).accepted).toBe(true);
    const { events } = await c.req('after', { authors: [k.pk] });
    expect(events).toEqual([del]);
    const again = await c.publish(note);
    expect(again.accepted).toBe(false);
    expect(again.message).toMatch(/^blocked:/);
  });

  it('does not let someone else delete an event', async () => {
    const c = await h.connect();
    const note = signed(keys());
    await c.publish(note);
    await c.publish(signed(keys(), { kind: 5, tags: [['e', note.id]] }));
    expect((await c.req('still', { ids: [note.id] })).events).toEqual([note]);
  });
});

describe('expiration (NIP-40)', () => {
  it('refuses an already expired event with OK false "invalid:"', async () => {
    const c = await h.connect();
    const res = await c.publish(signed(keys(), { tags: [['expiration', String(now() - 10)]] }));
    expect(res.accepted).toBe(false);
    expect(res.message).toMatch(/^invalid:.*expired/);
  });

  it('serves an event until it expires, then hides it', async () => {
    const c = await h.connect();
    const k = keys();
    const soon = signed(k, { tags: [['expiration', String(now() + 2)]] });
    expect((await c.publish(soon)).accepted).toBe(true);
    expect((await c.req('before', { ids: [soon.id] })).events).toEqual([soon]);
    await new Promise((r) => setTimeout(r, 3100));
    expect((await c.req('after', { ids: [soon.id] })).events).toEqual([]);
  });

  it('refuses an expired ephemeral event', async () => {
    const c = await h.connect();
    const res = await c.publish(signed(keys(), { kind: 20000, tags: [['expiration', String(now() - 1)]] }));
    expect(res.accepted).toBe(false);
    expect(res.message).toMatch(/^invalid:.*expired/);
  });
});
