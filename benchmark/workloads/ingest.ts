// Peak ingest: the whole preload tier published as fast as the relay accepts it, over C
// connections with W events in flight each. Also loads the store for the read workloads.
// And the replay of real events, which exercises real-world shapes (big follow lists, long-form).
import { performance } from 'node:perf_hooks';
import { readLines } from '../dataset.js';
import { closeClients, openClients, publishPipelined, type PublishTally } from './publisher.js';
import { emptyResult, latencyFigure, rate, type WorkloadContext, type WorkloadResult } from './types.js';

export interface IngestParams {
  connections: number;
  window: number;
  maxSeconds: number;
}

export function tallyResult(result: WorkloadResult, tally: PublishTally): WorkloadResult {
  result.seconds = Math.round(tally.seconds * 1000) / 1000;
  result.throughput.eventsPerSecond = rate(tally.accepted, tally.seconds);
  result.throughput.okPerSecond = rate(tally.sent, tally.seconds);
  result.latency.ok = latencyFigure(tally.ok);
  result.counts = { sent: tally.sent, accepted: tally.accepted, duplicate: tally.duplicate, rejected: tally.rejected, errors: tally.errors };
  if (tally.sampleRefusals.length) result.notes.push(`sample refusals: ${tally.sampleRefusals.join(' | ')}`);
  if (tally.duplicate > 0) {
    result.notes.push(`${tally.duplicate} duplicates: events the relay already held (a reused store, or the few byte-identical events a large generated tier contains, e.g. the same reaction by the same author in the same second)`);
  }
  return result;
}

export async function runIngest(ctx: WorkloadContext, params: IngestParams): Promise<WorkloadResult> {
  const result = emptyResult('ingest', ctx, { ...params, events: ctx.dataset.plan.size });
  const clients = await openClients(ctx.target.url, params.connections);
  try {
    const deadline = performance.now() + params.maxSeconds * 1000;
    const tally = await publishPipelined(clients, readLines(ctx.dataset.eventsFile), params.window, deadline);
    if (tally.sent < ctx.dataset.plan.size) result.notes.push(`stopped at the ${params.maxSeconds} s bound after ${tally.sent} of ${ctx.dataset.plan.size} events`);
    return tallyResult(result, tally);
  } finally {
    await closeClients(clients);
  }
}

export interface ReplayParams {
  connections: number;
  window: number;
}

export async function runReplay(ctx: WorkloadContext, lines: string[], sources: string[], params: ReplayParams): Promise<WorkloadResult> {
  const result = emptyResult('replay', ctx, { ...params, events: lines.length, sources: sources.join(', ') || 'none' });
  if (lines.length === 0) {
    result.notes.push('no replay files found');
    return result;
  }
  const clients = await openClients(ctx.target.url, params.connections);
  try {
    const tally = await publishPipelined(clients, lines, params.window);
    tallyResult(result, tally);
    result.notes.push('real events: old created_at values may be refused by a relay created_at window; refusals are counted, not errors');
    return result;
  } finally {
    await closeClients(clients);
  }
}
