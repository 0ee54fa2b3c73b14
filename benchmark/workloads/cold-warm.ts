// Cold cache vs warm: the same query sequence right after a relay restart (empty process
// caches) and again straight after. A spawned lode is restarted; a relay we did not start
// cannot be, so its "cold" pass is only a first pass and the report says so.
import { scrapeMetrics, windowHitRatio } from '../metrics-scrape.js';
import { closeClients, openClients } from './publisher.js';
import { runQueries } from './query-mix.js';
import { QueryPlanner, type QueryPlanOptions } from './query-plan.js';
import { emptyResult, latencyFigure, rate, type WorkloadContext, type WorkloadResult } from './types.js';

export interface ColdWarmParams {
  concurrency: number;
  queries: number;
  seconds: number;
  plan?: QueryPlanOptions;
}

export async function runColdWarm(ctx: WorkloadContext, params: ColdWarmParams): Promise<WorkloadResult> {
  const result = emptyResult('cold-warm', ctx, { concurrency: params.concurrency, queries: params.queries, seconds: params.seconds });
  const restarted = Boolean(ctx.target.spawned);
  if (ctx.target.spawned) await ctx.target.spawned.restart();
  result.params.restarted = restarted;
  if (!restarted) result.notes.push('relay not spawned by this run: the cold pass is a first pass, not a restart');
  result.notes.push('the OS page cache is not dropped; "cold" means the relay process caches are empty');
  let coldCount = params.queries;
  for (const pass of ['cold', 'warm'] as const) {
    // Same sequence label for both passes: the warm pass repeats the cold pass's queries.
    const planner = new QueryPlanner(ctx.dataset.facts, `${ctx.seed}/cold-warm`, params.plan);
    const clients = await openClients(ctx.target.url, params.concurrency);
    const before = await scrapeMetrics(ctx.target.httpUrl);
    try {
      // The warm pass replays exactly the queries the cold pass got through, no more.
      const tally = await runQueries(clients, planner, pass === 'cold' ? params.queries : coldCount, params.seconds);
      if (pass === 'cold') coldCount = tally.queries + tally.errors;
      result.latency[pass] = latencyFigure(tally.eose);
      result.throughput[`${pass}QueriesPerSecond`] = rate(tally.queries, tally.seconds);
      result.counts[`${pass}Queries`] = tally.queries;
      result.seconds += Math.round(tally.seconds * 1000) / 1000;
    } finally {
      await closeClients(clients);
    }
    result.figures[`${pass}HitRatio`] = windowHitRatio(before, await scrapeMetrics(ctx.target.httpUrl));
  }
  return result;
}
