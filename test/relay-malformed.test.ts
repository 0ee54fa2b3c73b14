// Bad frames get an answer a person can act on, and the same socket keeps working afterwards.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { keys, signed, startRelay, type RawClient, type RelayHarness } from './support/relay-harness.js';

let h: RelayHarness;
beforeAll(async () => {
  h = await startRelay({ limits: { maxMessageBytes: 4096 } });
});
afterAll(async () => h?.close());

/** The socket still publishes and queries normally. */
async function stillWorks(c: RawClient): Promise<void> {
  const k = keys();
  const ev = signed(k);
  expect(await c.publish(ev)).toEqual({ accepted: true, message: '' });
  expect((await c.req(`check-${ev.id.slice(0, 8)}`, { authors: [k.pk] })).events).toEqual([ev]);
}

const notice = (c: RawClient) => c.next((f) => f[0] === 'NOTICE');

it.each([
  ['not JSON', 'this is not json', /^invalid: .*JSON/],
  ['truncated JSON', '["REQ", "x", {', /^invalid: .*JSON/],
  ['an object, not an array', '{"EVENT": 1}', /^invalid: .*array/],
  ['an empty array', '[]', /^invalid: .*array/],
  ['a number verb', '[1, 2]', /^invalid: .*array/],
  ['an unknown verb', '["HELLO", 1]', /^invalid: unknown message type "HELLO"/],
  ['EVENT with a string', '["EVENT", "nope"]', /^invalid: EVENT takes/],
  ['EVENT with no id', '["EVENT", {"kind": 1}]', /^invalid: id/],
  ['REQ with a numeric id', '["REQ", 5, {}]', /^invalid: REQ needs a subscription id/],
  ['CLOSE with no id', '["CLOSE"]', /^invalid: CLOSE takes/],
  ['COUNT with no id', '["COUNT"]', /^invalid: COUNT needs a subscription id/],
  ['AUTH with a string', '["AUTH", "abc"]', /^invalid: AUTH takes/],
])('answers %s with NOTICE and keeps the socket', async (_name, frame, reason) => {
  const c = await h.connect();
  c.sendRaw(frame);
  expect((await notice(c))[1]).toMatch(reason);
  await stillWorks(c);
});

it('answers a bad filter with CLOSED naming the filter, and keeps the socket', async () => {
  const c = await h.connect();
  const r = await c.req('bad', { kinds: 'one' });
  expect(r.closed).toMatch(/^invalid: filter 0: kinds/);
  const prefix = await c.req('prefix', { authors: ['abcd'] });
  expect(prefix.closed).toMatch(/^invalid: filter 0: authors/);
  await stillWorks(c);
});

it('answers an oversized EVENT with OK false naming its id', async () => {
  const c = await h.connect();
  const ev = signed(keys(), { content: 'x'.repeat(5000) });
  const res = await c.publish(ev);
  expect(res.accepted).toBe(false);
  expect(res.message).toMatch(/^invalid: message too large/);
  await stillWorks(c);
});

it('answers an oversized REQ with CLOSED and other oversized frames with NOTICE', async () => {
  const c = await h.connect();
  const r = await c.req('big', { '#t': ['y'.repeat(5000)] });
  expect(r.closed).toMatch(/^invalid: message too large/);
  c.sendRaw(JSON.stringify(['NOPE', 'z'.repeat(5000)]));
  expect((await notice(c))[1]).toMatch(/^invalid: message too large/);
  await stillWorks(c);
});

it('answers a binary frame with NOTICE', async () => {
  const c = await h.connect();
  c.sendRaw(Buffer.from([1, 2, 3]));
  expect((await notice(c))[1]).toMatch(/^invalid: binary/);
  await stillWorks(c);
});

it('survives a burst of mixed garbage on one socket', async () => {
  const c = await h.connect();
  const garbage = ['', 'null', '[null]', '["EVENT"]', '["EVENT", {}, {}]', '["REQ"]', '["REQ", "s", 1]', '["CLOSE", {}]', '["COUNT", "c", []]', '"str"', '[[]]', '["AUTH", {"kind": 22242}]'];
  for (const g of garbage) c.sendRaw(g);
  await stillWorks(c);
  const answered = c.pending().filter((f) => f[0] === 'NOTICE' || f[0] === 'CLOSED' || f[0] === 'OK');
  expect(answered.length).toBe(garbage.length);
});

it('survives random JSON frames with real verbs (fuzz), answering each and still working', async () => {
  const fc = await import('fast-check');
  const c = await h.connect();
  const verb = fc.constantFrom('EVENT', 'REQ', 'CLOSE', 'COUNT', 'AUTH');
  const frame = fc.tuple(verb, fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 4 })).map(([v, rest]) => [v, ...rest]);
  const frames = fc.sample(frame, { numRuns: 300, seed: 20240501 });
  for (const f of frames) c.sendRaw(JSON.stringify(f));
  await stillWorks(c);
  // Exactly one answer for every frame that deserves one: EVENT, AUTH, REQ and COUNT always get one
  // (OK, NOTICE, CLOSED, EOSE or COUNT); CLOSE only when malformed.
  const answers = c.pending().filter((f) => ['OK', 'NOTICE', 'CLOSED', 'EOSE', 'COUNT'].includes(f[0] as string));
  const needAnswer = frames.filter((f) => f[0] !== 'CLOSE' || f.length !== 2 || typeof f[1] !== 'string').length;
  expect(answers.length).toBe(needAnswer);
});
