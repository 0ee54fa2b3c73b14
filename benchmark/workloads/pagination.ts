// Deep pagination: walk one prolific author's notes newest to oldest with `until`, one page at
// a time, to show whether a page deep in history costs more than the first one.
import { performance } from 'node:perf_hooks';
import { eventOfFrame, RelayClient } from '../client.js';
import { LatencyHistogram } from '../histogram.js';
import { emptyResult, latencyFigure, rate, type WorkloadContext, type WorkloadResult } from './types.js';

export interface PaginationParams {
  pageSize: number;
  maxPages: number;
  seconds: number;
}

export async function runPagination(ctx: WorkloadContext, params: PaginationParams): Promise<WorkloadResult> {
  const author = ctx.dataset.facts.deepAuthor;
  const result = emptyResult('pagination', ctx, { ...params, authorNotes: author.notes });
  const client = await RelayClient.connect(ctx.target.url);
  const pages = new LatencyHistogram();
  const perPage: number[] = [];
  let until: number | undefined;
  let walked = 0;
  const started = performance.now();
  try {
    while (perPage.length < params.maxPages && performance.now() - started < params.seconds * 1000) {
      const filter = { authors: [author.pubkey], kinds: [1], limit: params.pageSize, ...(until !== undefined ? { until } : {}) };
      const r = await client.query([filter], { collect: true, timeoutMs: 15_000 });
      if (r.closed || r.timedOut) {
        result.notes.push(`page ${perPage.length + 1} failed: ${r.closed ?? 'timeout'}`);
        break;
      }
      pages.record(r.eoseMs);
      perPage.push(r.eoseMs);
      walked += r.events;
      if (!r.frames?.length) break;
      // Next page: strictly older than the oldest seen (events sharing that second may be skipped).
      until = Math.min(...r.frames.map((f) => eventOfFrame(f).created_at)) - 1;
      if (r.events < params.pageSize) break;
    }
  } finally {
    await client.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const tenth = Math.max(1, Math.floor(perPage.length / 10));
  const mean = (xs: number[]) => (xs.length ? Math.round((xs.reduce((s, v) => s + v, 0) / xs.length) * 1000) / 1000 : 0);
  result.seconds = Math.round(seconds * 1000) / 1000;
  result.latency.page = latencyFigure(pages);
  result.throughput.pagesPerSecond = rate(perPage.length, seconds);
  result.counts = { pages: perPage.length, eventsWalked: walked };
  result.figures.firstPagesMs = mean(perPage.slice(0, tenth));
  result.figures.deepestPagesMs = mean(perPage.slice(-tenth));
  return result;
}
