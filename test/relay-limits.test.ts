// Each configurable limit is enforced with its standard prefix.
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys, now, signed, startRelay, type RelayHarness } from './support/relay-harness.js';

describe('event limits', () => {
  let h: RelayHarness;
  beforeAll(async () => {
    h = await startRelay({
      limits: { maxEventTags: 3, maxContentLength: 10, createdAtLowerLimit: 3600, createdAtUpperLimit: 60 },
    });
  });
  afterAll(async () => h?.close());

  it('refuses too many tags', async () => {
    const c = await h.connect();
    const k = keys();
    expect((await c.publish(signed(k, { tags: [['t', 'a'], ['t', 'b'], ['t', 'c']] }))).accepted).toBe(true);
    const res = await c.publish(signed(k, { tags: [['t', 'a'], ['t', 'b'], ['t', 'c'], ['t', 'd']] }));
    expect(res).toMatchObject({ accepted: false });
    expect(res.message).toMatch(/^invalid: too many tags \(4, max 3\)/);
  });

  it('refuses content that is too long', async () => {
    const c = await h.connect();
    expect((await c.publish(signed(keys(), { content: '0123456789' }))).accepted).toBe(true);
    const res = await c.publish(signed(keys(), { content: '0123456789x' }));
    expect(res.accepted).toBe(false);
    expect(res.message).toMatch(/^invalid: content too long/);
  });

  it('refuses created_at outside the window', async () => {
    const c = await h.connect();
    const k = keys();
    const old = await c.publish(signed(k, { created_at: now() - 7200 }));
    expect(old.accepted).toBe(false);
    expect(old.message).toMatch(/^invalid: created_at is too far in the past/);
    const future = await c.publish(signed(k, { created_at: now() + 600 }));
    expect(future.accepted).toBe(false);
    expect(future.message).toMatch(/^invalid: created_at is too far in the future/);
    expect((await c.publish(signed(k, { created_at: now() - 1800 }))).accepted).toBe(true);
  });

  it('advertises the limits in force', () => {
    expect(h.relay.limits).toMatchObject({ maxEventTags: 3, maxContentLength: 10, maxFilters: 10 });
  });
});

describe('proof of work (NIP-13)', () => {
  let h: RelayHarness;
  beforeAll(async () => {
    h = await startRelay({ limits: { minPowDifficulty: 8 } });
  });
  afterAll(async () => h?.close());

  it('refuses ids with too few leading zero bits and accepts mined ones', async () => {
    const c = await h.connect();
    const k = keys();
    let weak = signed(k, { content: 'weak' });
    for (let n = 0; weak.id.startsWith('00'); n++) weak = signed(k, { content: `weak ${n}` });
    const res = await c.publish(weak);
    expect(res.accepted).toBe(false);
    expect(res.message).toMatch(/^pow: difficulty \d+ is less than 8/);

    let mined = signed(k, { tags: [['nonce', '0', '8']] });
    for (let n = 1; !mined.id.startsWith('00') && n < 20_000; n++) mined = signed(k, { tags: [['nonce', String(n), '8']] });
    expect(mined.id.startsWith('00')).toBe(true);
    expect((await c.publish(mined)).accepted).toBe(true);
  });
});

describe('REQ limits', () => {
  let h: RelayHarness;
  beforeAll(async () => {
    h = await startRelay({ limits: { maxSubscriptions: 2, maxFilters: 2, maxFilterValues: 7, maxLimit: 5, defaultLimit: 3, maxSubIdLength: 8 } });
    const c = await h.connect();
    const k = keys();
    for (let i = 0; i < 8; i++) await c.publish(signed(k, { created_at: now() - i, content: `limit-fixture ${i}`, tags: [['t', 'limits']] }));
  });
  afterAll(async () => h?.close());

  it('clamps limit to maxLimit and applies defaultLimit when none is given', async () => {
    const c = await h.connect();
    expect((await c.req('big', { '#t': ['limits'], limit: 100 })).events).toHaveLength(5);
    expect((await c.req('none', { '#t': ['limits'] })).events).toHaveLength(3);
    // Same ids again: a REQ with an open id replaces it rather than counting against maxSubscriptions.
    expect((await c.req('big', { '#t': ['limits'], limit: 2 })).events).toHaveLength(2);
  });

  it('refuses too many filters', async () => {
    const c = await h.connect();
    const r = await c.req('f', { kinds: [1] }, { kinds: [2] }, { kinds: [3] });
    expect(r.closed).toMatch(/^invalid: too many filters \(3, max 2\)/);
  });

  it('refuses a filter listing more values than maxFilterValues, counting every list', async () => {
    const c = await h.connect();
    const tags = Array.from({ length: 6 }, (_, i) => `t${i}`);
    const r = await c.req('v', { kinds: [1, 2], '#t': tags });
    expect(r.closed).toMatch(/^invalid: a filter lists too many values \(8, max 7\)/);
    const ok = await c.req('v2', { kinds: [1], '#t': tags });
    expect(ok.closed).toBeUndefined();
  });

  it('refuses a REQ with no filters', async () => {
    const c = await h.connect();
    expect((await c.req('empty')).closed).toMatch(/^invalid: at least one filter/);
  });

  it('refuses a subscription id that is too long or empty', async () => {
    const c = await h.connect();
    expect((await c.req('123456789', { kinds: [1] })).closed).toMatch(/^invalid: subscription id too long/);
    expect((await c.req('', { kinds: [1] })).closed).toMatch(/^invalid: subscription id must not be empty/);
    expect((await c.req('12345678', { kinds: [1], limit: 0 })).closed).toBeUndefined();
  });

  it('refuses a subscription past maxSubscriptions, but allows replacing an open one', async () => {
    const c = await h.connect();
    await c.req('a', { kinds: [1], limit: 0 });
    await c.req('b', { kinds: [1], limit: 0 });
    expect((await c.req('c', { kinds: [1], limit: 0 })).closed).toMatch(/^blocked: too many open subscriptions \(max 2\)/);
    expect((await c.req('b', { kinds: [7], limit: 0 })).closed).toBeUndefined();
    c.send(['CLOSE', 'a']);
    expect((await c.req('c', { kinds: [1], limit: 0 })).closed).toBeUndefined();
  });
});

describe('rate limits and connections per IP', () => {
  let h: RelayHarness;
  beforeAll(async () => {
    h = await startRelay({
      limits: {
        maxConnectionsPerIp: 3,
        eventRatePerIp: 0.001, // effectively no refill during the test: the burst is the budget
        eventBurstPerIp: 5,
        eventRatePerPubkey: 0.001,
        eventBurstPerPubkey: 2,
        reqRatePerIp: 0.001,
        reqBurstPerIp: 4,
      },
    });
  });
  afterAll(async () => h?.close());

  it('limits events per pubkey and per IP with "rate-limited:"', async () => {
    const c = await h.connect();
    const k = keys();
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await c.publish(signed(k, { content: `p${i}` })));
    expect(results.map((r) => r.accepted)).toEqual([true, true, false]);
    expect(results[2].message).toMatch(/^rate-limited: .*author/);
    // IP budget: 5 events in all, 3 used above.
    const more = [];
    for (let i = 0; i < 3; i++) more.push(await c.publish(signed(keys(), { content: `ip${i}` })));
    expect(more.map((r) => r.accepted)).toEqual([true, true, false]);
    expect(more[2].message).toMatch(/^rate-limited: .*address/);
  });

  it('limits REQ and COUNT per IP with CLOSED "rate-limited:"', async () => {
    const c = await h.connect();
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await c.req(`r${i}`, { kinds: [1], limit: 0 }));
    answers.push(await c.count('c0', { kinds: [1] }));
    expect(answers.every((a) => a.closed === undefined)).toBe(true);
    expect((await c.req('r9', { kinds: [1] })).closed).toMatch(/^rate-limited:/);
    expect((await c.count('c9', { kinds: [1] })).closed).toMatch(/^rate-limited:/);
  });

  it('refuses connections past maxConnectionsPerIp with HTTP 429, and admits again after one closes', async () => {
    // Two harness connections are already open from this IP (the tests above).
    const third = await h.connect();
    const refused = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(h.url);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => reject(new Error('fourth connection was admitted')));
      ws.on('error', () => undefined);
    });
    expect(refused).toBe(429);
    third.close();
    await third.closed;
    let admitted = false;
    for (let i = 0; i < 50 && !admitted; i++) {
      try {
        (await h.connect()).close();
        admitted = true;
      } catch {
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    expect(admitted).toBe(true);
  });
});

describe('authRequired', () => {
  let h: RelayHarness;
  beforeAll(async () => {
    h = await startRelay({ limits: { authRequired: true } });
  });
  afterAll(async () => h?.close());

  it('asks for AUTH before EVENT, REQ and COUNT, then serves', async () => {
    const c = await h.connect();
    const k = keys();
    const ev = signed(k);
    const before = await c.publish(ev);
    expect(before.accepted).toBe(false);
    expect(before.message).toMatch(/^auth-required:/);
    expect((await c.req('r', { kinds: [1] })).closed).toMatch(/^auth-required:/);
    expect((await c.count('c', { kinds: [1] })).closed).toMatch(/^auth-required:/);
    expect((await c.auth(k.sk, h.url)).accepted).toBe(true);
    expect((await c.publish(ev)).accepted).toBe(true);
    expect((await c.req('r', { ids: [ev.id] })).events).toEqual([ev]);
  });
});
