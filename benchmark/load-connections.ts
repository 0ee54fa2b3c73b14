// Fan-out latency with and without 1,000 connections held open (issue: "the others' latency stays
// within 2× of an unloaded run"). lode runs as a child process; this process holds the clients.
//
//   npx tsx benchmark/load-connections.ts [--connections 1000] [--subs 3] [--events 100]
//
// Phases, each publishing `events` small events one at a time (the next after the previous one
// reached every subscriber):
//   unloaded                 one probe subscriber;
//   1,000 held, idle         plus `connections` connections × `subs` subscriptions matching nothing;
//   1,000 all matching       the same subscriptions replaced by ones that all match each event;
//   … + slow reader          as above, while a paused reader is flooded with 60 KB events until
//                            lode cuts it off.
// Figures: the probe's publish→receive latency (P50/P95/max), and for loaded phases the time until
// the last of all subscribers received the event ("fan-out complete").
import { cpus, loadavg } from 'node:os';
import type { Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure';
import WebSocket from 'ws';
import { LatencyHistogram, type LatencySummary } from './histogram.js';
import { SpawnedRelay } from './spawn-relay.js';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '1000' },
    subs: { type: 'string', default: '3' },
    events: { type: 'string', default: '100' },
    json: { type: 'boolean', default: false },
  },
});
const CONNECTIONS = Number(values.connections);
const SUBS = Number(values.subs);
const EVENTS = Number(values.events);

/** A bare client: counts the EVENT frames it gets and reports each arrival by event id. */
class Subscriber {
  onEvent: (id: string) => void = () => {};
  private eoses = 0;
  private eoseWaiter?: () => void;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      if (text.startsWith('["EVENT"')) {
        const id = /"id":"([0-9a-f]{64})"/.exec(text)?.[1];
        if (id) this.onEvent(id);
      } else if (text.startsWith('["EOSE"') && ++this.eoses && this.eoseWaiter) this.eoseWaiter();
      else if (text.startsWith('["OK"')) this.okWaiter?.(text);
    });
  }
  okWaiter?: (frame: string) => void;

  static open(url: string): Promise<Subscriber> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      const s = new Subscriber(ws);
      ws.once('open', () => resolve(s));
      ws.once('error', reject);
    });
  }

  /** Send REQs and resolve when each has its EOSE. */
  subscribe(filters: object[]): Promise<void> {
    const want = this.eoses + filters.length;
    const done = new Promise<void>((resolve) => {
      this.eoseWaiter = () => {
        if (this.eoses >= want) resolve();
      };
    });
    // Fixed ids: subscribing again replaces the previous filters (NIP-01).
    filters.forEach((f, i) => this.ws.send(JSON.stringify(['REQ', `s${i}`, f])));
    return done;
  }

  publish(ev: object & { id: string }): Promise<void> {
    return new Promise((resolve, reject) => {
      this.okWaiter = (frame) => {
        if (!frame.includes(ev.id)) return;
        this.okWaiter = undefined;
        if (frame.includes(`"${ev.id}",true`)) resolve();
        else reject(new Error(`publish refused: ${frame}`));
      };
      this.ws.send(JSON.stringify(['EVENT', ev]));
    });
  }
}

const sk = generateSecretKey();
const pk = getPublicKey(sk);
let seq = 0;
const smallEvent = () => finalizeEvent({ kind: 1, created_at: Math.floor(Date.now() / 1000), tags: [['t', 'load']], content: `load ${seq++}` }, sk);

/**
 * Publish `EVENTS` events one at a time; per event record the probe's latency and the time until
 * `expected` deliveries (across all subscribers) have arrived.
 */
async function measure(pub: Subscriber, probe: Subscriber, all: Subscriber[], expected: number, during?: () => Promise<void>, events = EVENTS) {
  const probeLatency = new LatencyHistogram();
  const complete = new LatencyHistogram();
  for (let i = 0; i < events; i++) {
    const ev = smallEvent();
    let got = 0;
    let t0 = 0;
    const finished = new Promise<void>((resolve) => {
      const onEvent = (id: string) => {
        if (id !== ev.id) return;
        if (++got === expected) {
          complete.record(performance.now() - t0);
          resolve();
        }
      };
      for (const s of all) s.onEvent = onEvent;
      probe.onEvent = (id) => {
        if (id === ev.id) probeLatency.record(performance.now() - t0);
        onEvent(id);
      };
    });
    t0 = performance.now();
    await pub.publish(ev);
    await finished;
    if (during) await during();
  }
  return { probe: probeLatency.summary(), complete: complete.summary() };
}

async function main(): Promise<void> {
  const relay = await SpawnedRelay.start({
    settings: { 'max-connections-per-ip': '0', 'event-rate-per-ip': '0', 'event-rate-per-pubkey': '0', 'req-rate-per-ip': '0', 'max-message-bytes': '200000', 'max-content-length': '100000' },
  });
  const results: Record<string, { probe: LatencySummary; complete: LatencySummary }> = {};
  let slowNote = '';
  try {
    const pub = await Subscriber.open(relay.url);
    const probe = await Subscriber.open(relay.url);
    await probe.subscribe([{ '#t': ['load'], limit: 0 }]);
    await measure(pub, probe, [], 1, undefined, 20); // warm-up (JIT, first store pages)
    results.unloaded = await measure(pub, probe, [], 1);

    const crowd: Subscriber[] = [];
    for (let wave = 0; wave < CONNECTIONS; wave += 100) {
      crowd.push(...(await Promise.all(Array.from({ length: Math.min(100, CONNECTIONS - wave) }, () => Subscriber.open(relay.url)))));
    }
    // Held but quiet: subscriptions that never match the probe's events.
    const otherPk = getPublicKey(generateSecretKey());
    const idle = [{ '#t': ['elsewhere'], limit: 0 }, { authors: [otherPk], limit: 0 }, { kinds: [30_000], limit: 0 }, { '#e': ['0'.repeat(64)], limit: 0 }].slice(0, SUBS);
    await Promise.all(crowd.map((c) => c.subscribe(idle)));
    results['1,000 held, idle'] = await measure(pub, probe, [], 1);
    // Every subscription of every connection matches: each event goes out connections × subs times.
    const filters = [{ '#t': ['load'], limit: 0 }, { authors: [pk], limit: 0 }, { kinds: [1], limit: 0 }, { '#t': ['load', 'x'], limit: 0 }].slice(0, SUBS);
    await Promise.all(crowd.map((c) => c.subscribe(filters)));
    results['1,000 all matching'] = await measure(pub, probe, crowd, crowd.length * filters.length + 1);

    // A paused reader flooded with big events (another author, another kind: the crowd wants none)
    // until lode drops it.
    const slow = await Subscriber.open(relay.url);
    await slow.subscribe([{ '#t': ['flood'], limit: 0 }]);
    (slow.ws as unknown as { _socket: Socket })._socket.pause();
    const slowClosed = new Promise<number>((r) => slow.ws.once('close', (code) => r(code)));
    // A paused socket does not see its own close, so ask lode (its counter of slow-reader cut-offs).
    let dropped = false;
    let floodsAtDrop = 0;
    const slowDrops = async () => {
      const text = await (await fetch(`${relay.httpUrl}/metrics`)).text();
      return Number(/^lode_slow_reader_disconnects_total (\d+)/m.exec(text)?.[1] ?? 0);
    };
    const floodSk = generateSecretKey();
    const big = 'x'.repeat(60_000);
    let floods = 0;
    const flood = async () => {
      if (!dropped && (await slowDrops()) > 0) {
        dropped = true;
        floodsAtDrop = floods;
      }
      for (let k = 0; k < 3 && !dropped; k++) {
        await pub.publish(finalizeEvent({ kind: 7, created_at: Math.floor(Date.now() / 1000), tags: [['t', 'flood']], content: `${floods++} ${big}` }, floodSk));
      }
    };
    const relayRssBefore = relay.resources().rssBytes;
    results['1,000 all matching + slow reader'] = await measure(pub, probe, crowd, crowd.length * filters.length + 1, flood);
    (slow.ws as unknown as { _socket: Socket })._socket.resume();
    const code = await Promise.race([slowClosed, new Promise<number>((r) => setTimeout(() => r(0), 10_000))]);
    slowNote = `slow reader ${dropped ? `cut off after ≤ ${floodsAtDrop} flood events of 60 KB (its client saw close ${code})` : `not cut off within ${floods} flood events`}; relay RSS ${(relayRssBefore / 1048576).toFixed(0)} → ${(relay.resources().rssBytes / 1048576).toFixed(0)} MiB, peak ${(relay.resources().rssPeakBytes / 1048576).toFixed(0)} MiB`;
    for (const c of [...crowd, probe, pub, slow]) c.ws.terminate();
  } finally {
    await relay.cleanup();
  }

  const machine = `${cpus().length} cores, ${cpus()[0]?.model ?? '?'}, Node ${process.version}, load average ${loadavg()[0].toFixed(1)} at the end`;
  if (values.json) {
    console.log(JSON.stringify({ connections: CONNECTIONS, subs: SUBS, events: EVENTS, machine, slow: slowNote, results }, null, 2));
    return;
  }
  console.log(`connections ${CONNECTIONS} × ${SUBS} subscriptions, ${EVENTS} events per phase; ${machine}`);
  console.log('| phase | probe P50 ms | probe P95 ms | probe max ms | fan-out complete P50 ms | P95 ms | max ms |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const [name, r] of Object.entries(results)) {
    const c = r.complete.count > 0 && name.includes('matching') ? r.complete : { p50: '–', p95: '–', max: '–' };
    console.log(`| ${name} | ${r.probe.p50} | ${r.probe.p95} | ${r.probe.max} | ${c.p50} | ${c.p95} | ${c.max} |`);
  }
  console.log(slowNote);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
