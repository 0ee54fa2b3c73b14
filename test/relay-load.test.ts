// Load: 1,000 concurrent connections on loopback, three subscriptions each. Every subscription gets
// its EOSE and every connection gets every live event; a reader that stops reading is cut off at
// the outbound bound while the 1,000 keep receiving. Behaviour only: the latency figures live in
// benchmark/load-connections.ts (see benchmark/RESULTS.md, "Load (1,000 connections)").
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { NostrEvent } from '../pkg/nostr/index.js';
import { silentObserver } from '../src/relay-observer.js';
import { keys, signed, startRelay, RawClient, type Frame, type RelayHarness } from './support/relay-harness.js';

const CONNECTIONS = 1_000;
const OUTBOUND_BOUND = 256 * 1024;

/** The soft open-files limit (each connection costs two descriptors here: client and server side). */
function openFilesLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const soft = line?.split(/\s{2,}/)[1];
  return soft === undefined || soft === 'unlimited' ? Infinity : Number(soft);
}

let h: RelayHarness;
let slowDrops = 0;
const clients: RawClient[] = [];
const publisher = keys();

beforeAll(async () => {
  const needed = 2 * CONNECTIONS + 200;
  if (openFilesLimit() < needed) throw new Error(`this test needs ${needed} open files; raise the limit (ulimit -n ${needed})`);
  h = await startRelay({
    limits: {
      maxConnectionsPerIp: 0, // all 1,000 come from 127.0.0.1
      maxOutboundBufferBytes: OUTBOUND_BOUND,
      maxMessageBytes: 200_000,
      maxContentLength: 100_000,
    },
    relayOptions: { observer: { ...silentObserver, slowReaderDisconnected: () => slowDrops++ } },
  });
  // Something for the stored part of each REQ to find.
  const seed = await h.connect();
  for (let i = 0; i < 5; i++) expect((await seed.publish(signed(publisher, { tags: [['t', 'load']], content: `stored ${i}` }))).accepted).toBe(true);
  seed.close();
}, 60_000);
afterAll(async () => {
  for (const c of clients) c.ws.terminate();
  await h?.close();
});

/** Resolves when every client has received a frame matching `match` (consumed). */
function everyClientGets(match: (f: Frame) => boolean, timeoutMs = 20_000): Promise<Frame[]> {
  return Promise.all(clients.map((c) => c.next(match, timeoutMs)));
}

const eventFrame = (subId: string, id: string) => (f: Frame) => f[0] === 'EVENT' && f[1] === subId && (f[2] as NostrEvent).id === id;

it('holds 1,000 connections with 3 subscriptions each: every REQ gets its stored events and EOSE', async () => {
  // Open in waves so the listen backlog is never the limit being tested.
  for (let wave = 0; wave < CONNECTIONS / 100; wave++) {
    clients.push(...(await Promise.all(Array.from({ length: 100 }, () => h.connect()))));
  }
  expect(h.relay.stats().connections).toBe(CONNECTIONS);

  for (const [i, c] of clients.entries()) {
    c.send(['REQ', 'stored', { kinds: [1], '#t': ['load'], limit: 3 }]);
    c.send(['REQ', 'author', { authors: [publisher.pk], limit: 0 }]);
    c.send(['REQ', 'group', { '#t': [`group-${i % 10}`, 'load'], since: Math.floor(Date.now() / 1000) }]);
  }
  for (const sub of ['stored', 'author', 'group']) {
    const eoses = await everyClientGets((f) => f[0] === 'EOSE' && f[1] === sub);
    expect(eoses).toHaveLength(CONNECTIONS);
  }
  expect(h.relay.stats().subscriptions).toBe(3 * CONNECTIONS);
  // The stored query returned the 3 newest of the 5 seeded events, on every connection.
  for (const c of clients) {
    const stored = c.pending().filter((f) => f[0] === 'EVENT' && f[1] === 'stored');
    expect(stored).toHaveLength(3);
    for (const f of stored) c.next((x) => x === f).catch(() => {}); // consume
  }
}, 60_000);

it('fans every live event out to all 1,000 connections, on each matching subscription', async () => {
  const pub = await RawClient.open(h.url);
  for (let i = 0; i < 3; i++) {
    const ev = signed(publisher, { tags: [['t', 'load']], content: `live ${i}` });
    const onStored = everyClientGets(eventFrame('stored', ev.id));
    const onAuthor = everyClientGets(eventFrame('author', ev.id));
    const onGroup = everyClientGets(eventFrame('group', ev.id));
    expect((await pub.publish(ev)).accepted).toBe(true);
    for (const got of await Promise.all([onStored, onAuthor, onGroup])) {
      expect(got).toHaveLength(CONNECTIONS);
      expect(got.every((f) => (f[2] as NostrEvent).id === ev.id)).toBe(true);
    }
  }
  // A group-only event reaches exactly the 100 connections of that group.
  const only = signed(publisher, { kind: 7, tags: [['t', 'group-3']], content: '+' });
  const members = clients.filter((_, i) => i % 10 === 3);
  const delivered = Promise.all(members.map((c) => c.next(eventFrame('group', only.id))));
  expect((await pub.publish(only)).accepted).toBe(true);
  expect(await delivered).toHaveLength(100);
  // (and on 'author', to everyone: the publisher's events match that subscription)
  await everyClientGets(eventFrame('author', only.id));
  const outsider = clients[0];
  await outsider.sync();
  expect(outsider.pending().filter((f) => f[1] === 'group' && (f[2] as NostrEvent).id === only.id)).toEqual([]);
  pub.close();
}, 60_000);

it('cuts off a reader that stops reading at the outbound bound while the 1,000 keep receiving', async () => {
  const slow = await RawClient.open(h.url);
  await slow.req('flood', { '#t': ['flood'], limit: 0 });
  const rawSocket = (slow.ws as unknown as { _socket: Socket })._socket;
  rawSocket.pause();

  const pub = await RawClient.open(h.url);
  const flooder = keys(); // not the publisher the 1,000 follow: only the slow reader wants these
  const big = 'x'.repeat(60_000);
  let floods = 0;
  // Loopback kernel buffers soak up a few MB before the relay's own buffer grows; 600 × 60 KB is ample.
  while (slowDrops === 0 && floods < 600) {
    expect((await pub.publish(signed(flooder, { kind: 1, tags: [['t', 'flood']], content: `${floods} ${big}` }))).accepted).toBe(true);
    floods++;
    if (floods % 25 === 0) {
      // The others are not held up by the slow one: a small live event still reaches all 1,000.
      const ev = signed(publisher, { tags: [['t', 'load']], content: `during flood ${floods}` });
      const all = everyClientGets(eventFrame('stored', ev.id));
      await pub.publish(ev);
      expect(await all).toHaveLength(CONNECTIONS);
    }
  }
  expect(slowDrops).toBe(1);

  const after = signed(publisher, { tags: [['t', 'load']], content: 'after the cut-off' });
  const all = everyClientGets(eventFrame('stored', after.id));
  await pub.publish(after);
  expect(await all).toHaveLength(CONNECTIONS);
  expect(h.relay.stats().connections).toBe(CONNECTIONS + 1); // the 1,000 and the publisher

  // Once the slow client reads again it finds the reason, then the 1008 close.
  rawSocket.resume();
  const notice = await slow.next((f) => f[0] === 'NOTICE', 15_000);
  expect(notice[1]).toMatch(/^error: you are not reading fast enough/);
  expect((await slow.closed).code).toBe(1008);
  pub.close();
}, 90_000);
