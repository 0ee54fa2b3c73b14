// The Markdown section store-bench.ts prints for benchmark/RESULTS.md, and the machine it records.
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { lodeRuntimeFlags } from './runtime-flags.js';

export interface Latency {
  n: number;
  avg: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function machine() {
  return {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    ramGB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    loadAvgAtStart: loadavg().map((x) => Math.round(x * 10) / 10),
  };
}

export function markdown(results: Record<string, unknown>, run: { events: number; putEvents: number }): string {
  const EVENTS = run.events;
  const PUT_EVENTS = run.putEvents;
  const m = results.machine as ReturnType<typeof machine>;
  const lines = [
    '## Store (in-process)',
    '',
    'Measures the event store alone, in one Node process: no sockets, no relay, no signature checks (the',
    'store trusts its caller). Timers (GC, expiration sweep) off. Events are generated: random ids and',
    `pubkeys, ~5,000 authors with Zipf popularity plus one bot holding 24 % of events, kinds mostly 1 with`,
    'some 0/3/6/7/30023, log-normal content sizes with a long tail (a few % go to the value log), e/p/t tags.',
    'Throughputs are the median of 3 repetitions; latencies the median over 3 passes of each percentile.',
    '"CPU" columns divide by this process\'s CPU time (all its threads) instead of wall time. For reads that is',
    'what the figure would be with a core to itself; puts run on several threads (this one; lmdb-js\'s write',
    'work on the libuv pool; V8\'s GC helpers), so for them it is events per CPU-second of work, split into',
    'main-thread and other-thread µs per event (Linux /proc; the machine was shared: see the load average).',
    `The command runs Node with ${lodeRuntimeFlags().join(' ')}, as npm start does (README, "Run it").`,
    '',
    `Command: \`npm run bench:store -- --events ${EVENTS}\` (the ${EVENTS.toLocaleString()}-event store is built once into benchmark/cache/).`,
    `Machine: ${m.nproc} cores (${m.cpu}), ${m.ramGB} GB RAM, Node ${m.node}; load average at start ${m.loadAvgAtStart.join(' / ')}, at end ${loadavg().map((x) => x.toFixed(1)).join(' / ')}.`,
    '',
    '| figure | wall clock | CPU time | target | met (wall) |',
    '|---|---|---|---|---|',
  ];
  const row = (fig: string, res: string, cpu: string, target: string, met?: boolean) =>
    lines.push(`| ${fig} | ${res} | ${cpu} | ${target} | ${met === undefined ? '' : met ? 'yes' : 'NO'} |`);
  const puts = results.puts as
    | Record<string, { eventsPerSec: number; perCpuSecond: number; avgBatch: number; mainThreadUs?: number; otherThreadsUs?: number }>
    | undefined;
  if (puts)
    for (const [k, v] of Object.entries(puts)) {
      const split = v.mainThreadUs === undefined ? '' : ` (µs per event: main thread ${v.mainThreadUs}, other threads ${v.otherThreadsUs})`;
      row(`durable puts/s, ${k} (fresh store, ${PUT_EVENTS.toLocaleString()} events, avg commit ${v.avgBatch})`, v.eventsPerSec.toLocaleString(), `${v.perCpuSecond.toLocaleString()} per CPU-s${split}`, '≥ 30,000', v.eventsPerSec >= 30_000);
    }
  const gets = results.gets as Record<string, { getsPerSec: number; perCpuSecond: number; hitRatio: number }> | undefined;
  if (gets)
    for (const [k, v] of Object.entries(gets))
      row(`get-by-id/s, ${k} (hit ratio ${v.hitRatio})`, v.getsPerSec.toLocaleString(), `${v.perCpuSecond.toLocaleString()} per CPU-s`, '≥ 100,000', v.getsPerSec >= 100_000);
  const feed = results.authorFeed as { all: Latency; popular: Latency; longTail: Latency; cpu: Latency; index: string; avgResults: number } | undefined;
  if (feed) {
    const f = (l: Latency) => `avg ${l.avg} / P50 ${l.p50} / P95 ${l.p95} / P99 ${l.p99} ms`;
    row(`{authors:[a],kinds:[1],limit:100}, 1000 queries (index ${feed.index}, ~${Math.round(feed.avgResults)} results)`, f(feed.all), f(feed.cpu), 'P95 ≤ 2 ms', feed.all.p95 <= 2);
    row('… popular authors (ranks 0–99)', f(feed.popular), '', '');
    row('… long-tail authors (ranks 100+)', f(feed.longTail), '', '');
  }
  const deep = results.deepPagination as { kind1Events: number; pages: Array<{ eventsNewer: number; p50: number; p95: number; cpuP50: number }> } | undefined;
  if (deep && deep.pages.length) {
    const first = deep.pages[0];
    for (const p of deep.pages) {
      const same = p.p50 <= first.p50 * 1.5 + 0.1;
      row(
        `page of 100 of the top author (${deep.kind1Events.toLocaleString()} kind-1 events) with ${p.eventsNewer.toLocaleString()} newer`,
        `P50 ${p.p50} / P95 ${p.p95} ms`,
        `P50 ${p.cpuP50} ms`,
        'same as depth 0',
        p === first ? undefined : same,
      );
    }
  }
  const other = results.otherShapes as Record<string, Latency & { index: string; avgResults: number; cpuP50: number; cpuP95: number }> | undefined;
  if (other)
    for (const [k, v] of Object.entries(other))
      row(`${k} (index ${v.index}, ~${v.avgResults} results)`, `avg ${v.avg} / P50 ${v.p50} / P95 ${v.p95} / P99 ${v.p99} ms`, `P50 ${v.cpuP50} / P95 ${v.cpuP95} ms`, 'information');
  const big = results.bigStore as { events: number; inline: number; valueLog: number; lmdbMB: number; valueLogMB: number } | undefined;
  if (big)
    row('the big store', `${big.events.toLocaleString()} events (${big.valueLog.toLocaleString()} in the value log); LMDB ${big.lmdbMB} MB, value log ${big.valueLogMB} MB`, '', 'information');
  const mem = results.memory as { rssMB: number; maxRssMB: number; heapUsedMB: number };
  row('memory at end: RSS (incl. mapped LMDB pages) / peak RSS / JS heap', `${mem.rssMB} / ${mem.maxRssMB} / ${mem.heapUsedMB} MB`, '', 'information');
  const build = results.build as { eventsPerSec: number; seconds: number } | undefined;
  if (build) row('building the big store (putMany 1000 × 4 in flight, incl. generation)', `${build.eventsPerSec.toLocaleString()} events/s, ${build.seconds} s`, '', 'information');
  return lines.join('\n');
}
