// Burst: idle, then a burst of fresh events as fast as the window allows, repeated. Shows
// whether a relay recovers between peaks (batching, GC, caches) and what a burst costs.
import { performance } from 'node:perf_hooks';
import { LatencyHistogram } from '../histogram.js';
import { addTally, closeClients, newTally, openClients, publishPipelined } from './publisher.js';
import { tallyResult } from './ingest.js';
import { emptyResult, rate, sleep, type WorkloadContext, type WorkloadResult } from './types.js';

export interface BurstParams {
  cycles: number;
  idleMs: number;
  eventsPerBurst: number;
  connections: number;
  window: number;
}

/** `fresh` lines are consumed from the front; the caller passes the ones not yet published. */
export async function runBurst(ctx: WorkloadContext, fresh: string[], params: BurstParams): Promise<WorkloadResult> {
  const result = emptyResult('burst', ctx, { ...params });
  const clients = await openClients(ctx.target.url, params.connections);
  const total = newTally();
  const burstRates = new LatencyHistogram(); // per-burst events/s (recorded as a distribution)
  let cursor = 0;
  try {
    for (let cycle = 0; cycle < params.cycles && cursor < fresh.length; cycle++) {
      await sleep(params.idleMs);
      const batch = fresh.slice(cursor, cursor + params.eventsPerBurst);
      cursor += batch.length;
      const tally = await publishPipelined(clients, batch, params.window, performance.now() + 60_000);
      burstRates.record(rate(tally.accepted, tally.seconds));
      addTally(total, tally);
    }
  } finally {
    await closeClients(clients);
  }
  tallyResult(result, total);
  result.seconds = Math.round((total.seconds + (params.cycles * params.idleMs) / 1000) * 1000) / 1000;
  // Throughput counts burst time only: idle time is the point of the pattern, not a cost.
  result.throughput.eventsPerSecond = rate(total.accepted, total.seconds);
  const s = burstRates.summary();
  result.figures.slowestBurstEventsPerSecond = s.count ? Math.round(burstRates.percentile(0)) : 0;
  result.figures.fastestBurstEventsPerSecond = Math.round(s.max);
  return result;
}
