// The relay reports what it does through RelayObserver (what /metrics counts), and a throwing
// observer cannot break message handling.
import { expect, it } from 'vitest';
import type { RelayObserver } from '../src/relay-observer.js';
import { keys, signed, startRelay } from './support/relay-harness.js';

function recorder() {
  const calls: [string, unknown[]][] = [];
  const names: (keyof RelayObserver)[] = [
    'clientMessage', 'relayMessage', 'eventStored', 'okResult', 'reqToEose', 'writeLatency',
    'verifyTime', 'connectionOpened', 'connectionClosed', 'subscriptionsChanged', 'slowReaderDisconnected',
  ];
  const observer = Object.fromEntries(names.map((n) => [n, (...args: unknown[]) => void calls.push([n, args])])) as unknown as RelayObserver;
  const of = (name: string) => calls.filter((c) => c[0] === name).map((c) => c[1]);
  return { observer, calls, of };
}

it('reports messages, outcomes, timings, connections and subscriptions', async () => {
  const rec = recorder();
  const h = await startRelay({ relayOptions: { observer: rec.observer } });
  try {
    const c = await h.connect();
    const k = keys();
    const ev = signed(k, { kind: 7 });
    await c.publish(ev);
    await c.publish(ev);
    await c.publish({ ...ev, id: signed(k).id });
    await c.req('s', { authors: [k.pk] });
    c.sendRaw('garbage');
    await c.next((f) => f[0] === 'NOTICE');
    c.close();
    await c.closed;
    for (let i = 0; i < 100 && rec.of('connectionClosed').length === 0; i++) await new Promise((r) => setTimeout(r, 10));

    expect(rec.of('connectionOpened')).toHaveLength(1);
    expect(rec.of('connectionClosed')).toHaveLength(1);
    expect(rec.of('clientMessage').map((a) => a[0])).toEqual(['EVENT', 'EVENT', 'EVENT', 'REQ', 'invalid']);
    expect(rec.of('okResult').map((a) => a[0])).toEqual(['accepted', 'duplicate', 'invalid']);
    expect(rec.of('eventStored')).toEqual([[7]]);
    expect(rec.of('relayMessage').map((a) => a[0])).toEqual(['AUTH', 'OK', 'OK', 'OK', 'EVENT', 'EOSE', 'NOTICE']);
    expect(rec.of('subscriptionsChanged')).toEqual([[1], [-1]]);
    for (const timing of ['reqToEose', 'writeLatency', 'verifyTime']) {
      expect(rec.of(timing)).toHaveLength(1);
      expect(rec.of(timing)[0][0]).toBeGreaterThanOrEqual(0);
    }
  } finally {
    await h.close();
  }
});

it('keeps serving when an observer callback throws', async () => {
  const rec = recorder();
  const throwing = { ...rec.observer, relayMessage: () => { throw new Error('metrics broke'); }, eventStored: () => { throw new Error('also broke'); } };
  const h = await startRelay({ relayOptions: { observer: throwing } });
  try {
    const sub = await h.connect();
    const pub = await h.connect();
    const k = keys();
    await sub.req('live', { authors: [k.pk] });
    const ev = signed(k);
    expect(await pub.publish(ev)).toEqual({ accepted: true, message: '' });
    expect((await sub.next((f) => f[0] === 'EVENT'))[2]).toEqual(ev);
  } finally {
    await h.close();
  }
});
