// Live fan-out: S subscribers hold a live REQ; a publisher sends events that match all of them
// at a steady rate; each delivery's latency is receive time minus send time (one clock).
import { performance } from 'node:perf_hooks';
import { eventOfFrame, RelayClient } from '../client.js';
import { eventId } from '../dataset-generate.js';
import { EventSigner, authorPublicKey, authorSecretKey } from '../dataset-signer.js';
import { LatencyHistogram } from '../histogram.js';
import { closeClients, countOk, newTally, openClients } from './publisher.js';
import { emptyResult, latencyFigure, rate, sleep, type WorkloadContext, type WorkloadResult } from './types.js';

export interface FanoutParams {
  subscribers: number;
  events: number;
  perSecond: number;
}

/** Fresh signed events tagged with a run-unique hashtag, created now (inside any created_at window). */
export function fanoutEvents(seed: string, count: number, tag: string): { id: string; line: string }[] {
  const keySeed = `${seed}/fanout`;
  const pubkey = authorPublicKey(authorSecretKey(keySeed, 0));
  const signer = new EventSigner(keySeed);
  const now = Math.floor(Date.now() / 1000);
  const drafts = Array.from({ length: count }, (_, i) => {
    const e = { pubkey, created_at: now, kind: 1, tags: [['t', tag]], content: `fan-out probe ${i} ${tag}` };
    return { ...e, id: eventId(e) };
  });
  const { sigs } = signer.sign({ chunk: 0, ids: drafts.map((d) => d.id), authors: drafts.map(() => 0) });
  return drafts.map((d, i) => ({ id: d.id, line: JSON.stringify({ ...d, sig: sigs[i] }) }));
}

export async function runFanout(ctx: WorkloadContext, params: FanoutParams): Promise<WorkloadResult> {
  const result = emptyResult('fanout', ctx, { ...params });
  const tag = `fanout${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const events = fanoutEvents(ctx.seed, params.events, tag);
  const sentAt = new Map<string, number>();
  const delivery = new LatencyHistogram();
  let delivered = 0;
  const subscribers = await openClients(ctx.target.url, params.subscribers);
  const publisher = await RelayClient.connect(ctx.target.url);
  const writes = newTally();
  try {
    const subs = subscribers.map((client) =>
      client.subscribe([{ '#t': [tag], kinds: [1] }], (frame, at) => {
        const sent = sentAt.get(eventOfFrame(frame).id);
        if (sent === undefined) return;
        delivered++;
        delivery.record(at - sent);
      }),
    );
    await Promise.all(subs.map((s) => s.eose));
    const started = performance.now();
    const oks: Promise<void>[] = [];
    for (let i = 0; i < events.length; i++) {
      // Paced against the schedule, so a slow OK never bunches the next sends together.
      const due = started + (i * 1000) / params.perSecond;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      sentAt.set(events[i].id, performance.now());
      oks.push(publisher.publish(events[i].line, events[i].id).then((r) => countOk(writes, r)));
    }
    await Promise.all(oks);
    const expected = params.subscribers * events.length;
    const waitUntil = performance.now() + 5000;
    while (delivered < expected && performance.now() < waitUntil) await sleep(20);
    const seconds = (performance.now() - started) / 1000;
    for (const s of subs) s.close();
    result.seconds = Math.round(seconds * 1000) / 1000;
    result.latency = { fanout: latencyFigure(delivery), ok: latencyFigure(writes.ok) };
    result.throughput = { deliveriesPerSecond: rate(delivered, seconds), eventsPerSecond: rate(writes.accepted, seconds) };
    result.counts = { expectedDeliveries: expected, delivered, missing: expected - delivered, accepted: writes.accepted, rejected: writes.rejected, errors: writes.errors };
    if (delivered < expected) result.notes.push(`${expected - delivered} deliveries missing after a 5 s grace period`);
    result.notes.push('delivery latency includes this load generator receiving on all subscriber sockets in one process');
    return result;
  } finally {
    await closeClients([...subscribers, publisher]);
  }
}
