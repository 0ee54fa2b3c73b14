// Mixed read/write: concurrent clients that mostly query and sometimes publish a fresh event,
// as a live relay sees it; reports both latencies under the shared load.
import { performance } from 'node:perf_hooks';
import { lineId } from '../dataset.js';
import { LatencyHistogram } from '../histogram.js';
import { closeClients, countOk, newTally, openClients } from './publisher.js';
import { QueryPlanner, type QueryPlanOptions } from './query-plan.js';
import { emptyResult, latencyFigure, rate, type WorkloadContext, type WorkloadResult } from './types.js';

export interface MixedParams {
  concurrency: number;
  writeShare: number;
  seconds: number;
  maxOps: number;
  plan?: QueryPlanOptions;
}

export async function runMixed(ctx: WorkloadContext, fresh: string[], params: MixedParams): Promise<WorkloadResult> {
  const { concurrency, writeShare, seconds: bound, maxOps } = params;
  const result = emptyResult('mixed', ctx, { concurrency, writeShare, seconds: bound, maxOps, freshEvents: fresh.length });
  const planner = new QueryPlanner(ctx.dataset.facts, `${ctx.seed}/mixed`, params.plan);
  const clients = await openClients(ctx.target.url, params.concurrency);
  const writes = newTally();
  const eose = new LatencyHistogram();
  let queries = 0;
  let queryErrors = 0;
  let ops = 0;
  let cursor = 0;
  let decision = 0;
  const started = performance.now();
  const deadline = started + params.seconds * 1000;
  try {
    await Promise.all(
      clients.map(async (client) => {
        while (ops < params.maxOps && performance.now() < deadline && client.isOpen) {
          ops++;
          // A fixed interleave (not a coin per op) keeps the write share exact and repeatable.
          const write = (decision++ * params.writeShare) % 1 >= 1 - params.writeShare && cursor < fresh.length;
          if (write) {
            const line = fresh[cursor++];
            countOk(writes, await client.publish(line, lineId(line)));
          } else {
            const r = await client.query(planner.next().filters, { timeoutMs: 15_000 });
            if (r.closed || r.timedOut) queryErrors++;
            else {
              queries++;
              eose.record(r.eoseMs);
            }
          }
        }
      }),
    );
  } finally {
    await closeClients(clients);
  }
  const seconds = (performance.now() - started) / 1000;
  result.seconds = Math.round(seconds * 1000) / 1000;
  result.throughput = { opsPerSecond: rate(queries + writes.sent, seconds), queriesPerSecond: rate(queries, seconds), eventsPerSecond: rate(writes.accepted, seconds) };
  result.latency = { eose: latencyFigure(eose), ok: latencyFigure(writes.ok) };
  result.counts = { queries, queryErrors, sent: writes.sent, accepted: writes.accepted, duplicate: writes.duplicate, rejected: writes.rejected, errors: writes.errors };
  if (cursor >= fresh.length) result.notes.push(`fresh events ran out after ${cursor} writes; the rest of the run was read-only`);
  if (writes.sampleRefusals.length) result.notes.push(`sample refusals: ${writes.sampleRefusals.join(' | ')}`);
  return result;
}
