// Real clients: a nostr-tools SimplePool publishes and subscribes; a reader that stops reading is
// dropped with a reason while a fast reader on the same relay keeps getting every event.
import { SimplePool, useWebSocketImplementation } from 'nostr-tools/pool';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NostrEvent } from '../pkg/nostr/index.js';
import { silentObserver } from '../src/relay-observer.js';
import { keys, signed, startRelay, type RawClient, type RelayHarness } from './support/relay-harness.js';

useWebSocketImplementation(WebSocket);

describe('nostr-tools SimplePool', () => {
  let h: RelayHarness;
  let pool: SimplePool;
  beforeAll(async () => {
    h = await startRelay();
    pool = new SimplePool();
  });
  afterAll(async () => {
    pool?.destroy();
    await h?.close();
  });

  it('publishes, queries and receives live events', async () => {
    const k = keys();
    const first = signed(k, { content: 'from SimplePool' });
    await Promise.all(pool.publish([h.url], first));
    expect((await pool.querySync([h.url], { authors: [k.pk] })).map((e) => e.id)).toEqual([first.id]);

    const received: NostrEvent[] = [];
    let sawEose = false;
    const gotLive = new Promise<void>((resolve) => {
      const sub = pool.subscribeMany([h.url], { authors: [k.pk] }, {
        onevent(ev) {
          received.push(ev as NostrEvent);
          if (received.length === 2) {
            sub.close();
            resolve();
          }
        },
        oneose() {
          sawEose = true;
          void Promise.all(pool.publish([h.url], second));
        },
      });
    });
    const second = signed(k, { content: 'live via SimplePool' });
    await gotLive;
    expect(sawEose).toBe(true);
    expect(received.map((e) => e.content)).toEqual(['from SimplePool', 'live via SimplePool']);
  });
});

describe('outbound backpressure', () => {
  let h: RelayHarness;
  let slowDrops = 0;
  beforeAll(async () => {
    h = await startRelay({
      limits: { maxOutboundBufferBytes: 256 * 1024, maxMessageBytes: 200_000, maxContentLength: 100_000 },
      relayOptions: { observer: { ...silentObserver, slowReaderDisconnected: () => slowDrops++ } },
    });
  });
  afterAll(async () => h?.close());

  it('drops a reader that stops reading, with a NOTICE, without holding up a fast reader', async () => {
    const slow = await h.connect();
    const fast = await h.connect();
    const pub = await h.connect();
    await slow.req('flood', { '#t': ['flood'] });
    await fast.req('flood', { '#t': ['flood'] });
    const rawSocket = (slow.ws as unknown as { _socket: import('node:net').Socket })._socket;
    rawSocket.pause();

    const k = keys();
    const big = 'x'.repeat(60_000);
    let sent = 0;
    // Loopback kernel buffers absorb a few MB before the relay's own buffer grows; 600 × 60 KB is ample.
    for (; sent < 600 && slowDrops === 0; sent++) {
      const ev = signed(k, { tags: [['t', 'flood']], content: `${sent} ${big}` });
      expect((await pub.publish(ev)).accepted).toBe(true);
      const got = await fast.next((f) => f[0] === 'EVENT' && f[1] === 'flood');
      expect((got[2] as NostrEvent).id).toBe(ev.id);
    }
    expect(slowDrops).toBe(1);
    // The fast reader keeps receiving after the slow one is gone.
    const after = signed(k, { tags: [['t', 'flood']], content: 'after the drop' });
    await pub.publish(after);
    expect((await fast.next((f) => f[0] === 'EVENT'))[2]).toEqual(after);

    // Once the slow client reads again it finds the reason, then a 1008 close.
    rawSocket.resume();
    const notice = await waitNotice(slow);
    expect(notice).toMatch(/^error: you are not reading fast enough/);
    expect((await slow.closed).code).toBe(1008);
  });
});

async function waitNotice(c: RawClient): Promise<string> {
  return (await c.next((f) => f[0] === 'NOTICE', 10_000))[1] as string;
}
