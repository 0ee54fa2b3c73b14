// The query mix: N concurrent clients, one REQ in flight each, measuring REQ→EOSE and
// REQ→first event per query (overall and per query type) and queries per second.
import { performance } from 'node:perf_hooks';
import type { RelayClient } from '../client.js';
import { LatencyHistogram } from '../histogram.js';
import { closeClients, openClients } from './publisher.js';
import { QUERY_TYPES, QueryPlanner, type QueryPlanOptions, type QueryType } from './query-plan.js';
import { emptyResult, latencyFigure, rate, type WorkloadContext, type WorkloadResult } from './types.js';

export interface QueryMixParams {
  concurrency: number;
  seconds: number;
  maxQueries: number;
  plan?: QueryPlanOptions;
  /** Seed label of the query sequence (cold/warm passes reuse one to replay the same sequence). */
  sequence?: string;
  /** Name in the report (defaults to query-mix-c<concurrency>). */
  name?: string;
}

export interface QueryTally {
  queries: number;
  eventsReturned: number;
  errors: number;
  timeouts: number;
  eose: LatencyHistogram;
  firstEvent: LatencyHistogram;
  byType: Map<QueryType, LatencyHistogram>;
  seconds: number;
}

/** Runs planned queries over the clients until the count or time bound. */
export async function runQueries(clients: RelayClient[], planner: QueryPlanner, maxQueries: number, seconds: number): Promise<QueryTally> {
  const tally: QueryTally = {
    queries: 0,
    eventsReturned: 0,
    errors: 0,
    timeouts: 0,
    eose: new LatencyHistogram(),
    firstEvent: new LatencyHistogram(),
    byType: new Map(QUERY_TYPES.map((t) => [t, new LatencyHistogram()])),
    seconds: 0,
  };
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let issued = 0;
  await Promise.all(
    clients.map(async (client) => {
      while (issued < maxQueries && performance.now() < deadline && client.isOpen) {
        issued++;
        const query = planner.next();
        const r = await client.query(query.filters, { timeoutMs: 15_000 });
        if (r.closed) {
          tally.errors++;
          continue;
        }
        if (r.timedOut) tally.timeouts++;
        tally.queries++;
        tally.eventsReturned += r.events;
        tally.eose.record(r.eoseMs);
        tally.byType.get(query.type)!.record(r.eoseMs);
        if (r.firstEventMs !== null) tally.firstEvent.record(r.firstEventMs);
      }
    }),
  );
  tally.seconds = (performance.now() - started) / 1000;
  return tally;
}

export function queryResult(result: WorkloadResult, tally: QueryTally): WorkloadResult {
  result.seconds = Math.round(tally.seconds * 1000) / 1000;
  result.throughput.queriesPerSecond = rate(tally.queries, tally.seconds);
  result.latency.eose = latencyFigure(tally.eose);
  result.latency.firstEvent = latencyFigure(tally.firstEvent);
  for (const [type, h] of tally.byType) if (h.count > 0) result.latency[`eose:${type}`] = latencyFigure(h);
  result.counts = { queries: tally.queries, eventsReturned: tally.eventsReturned, errors: tally.errors, timeouts: tally.timeouts };
  if (tally.queries > 0 && tally.eventsReturned === 0) result.notes.push('no query returned an event: is the store loaded with this tier?');
  return result;
}

export async function runQueryMix(ctx: WorkloadContext, params: QueryMixParams): Promise<WorkloadResult> {
  const name = params.name ?? `query-mix-c${params.concurrency}`;
  const result = emptyResult(name, ctx, {
    concurrency: params.concurrency,
    seconds: params.seconds,
    maxQueries: params.maxQueries,
    timelineAuthors: params.plan?.timelineAuthors ?? 50,
  });
  const planner = new QueryPlanner(ctx.dataset.facts, `${ctx.seed}/${params.sequence ?? name}`, params.plan);
  const clients = await openClients(ctx.target.url, params.concurrency);
  try {
    return queryResult(result, await runQueries(clients, planner, params.maxQueries, params.seconds));
  } finally {
    await closeClients(clients);
  }
}
