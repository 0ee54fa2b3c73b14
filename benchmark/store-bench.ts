// IN-PROCESS benchmark of the event store alone (no sockets, no relay, no signature checks):
//
//   npm run bench:store -- [--events 1000000] [--put-events 100000] [--only puts,gets,queries] [--out FILE.json]
//
// 1. durable puts/s (syncWrites on): putMany in batches of 1000 from one caller and from 4, and 1000
//    concurrent put() callers (group commit), each on a fresh store; median of 3; with the CPU per
//    event split between the main thread and the others (thread-cpu.ts).
// 2. get-by-id/s over a 50k-id sample: warm event cache, and eventCacheSize 0; median of 3.
// 3. {authors:[a],kinds:[1],limit:100} latency on the big store, popular and unpopular authors.
// 4. deep pagination of the most prolific author: the page at `until` depth 0 … 200,000.
// 5. other query shapes, for information.
// The big store is built once into benchmark/cache/ (gitignored) and reused. A Markdown section for
// benchmark/RESULTS.md is printed at the end; --out writes every figure as JSON.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventStore } from '../pkg/store/event-store.js';
import type { StoreOptions } from '../pkg/store/base/types.js';
import type { Filter, NostrEvent } from '../pkg/nostr/types.js';
import { DATASET_VERSION, Prng, Zipf, generateEvents, type DatasetFacts } from './store-bench-dataset.js';
import { machine, markdown, type Latency } from './store-bench-report.js';
import { mainThreadCpuMs } from './thread-cpu.js';
import { ensureRuntimeFlags } from './runtime-flags.js';

ensureRuntimeFlags(); // the store under the relay's V8 settings

// ---- arguments ----
const argv = process.argv.slice(2);
const arg = (name: string, dflt: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : dflt;
};
const EVENTS = Number(arg('events', '1000000'));
const PUT_EVENTS = Number(arg('put-events', '100000'));
const ONLY = new Set(arg('only', 'puts,gets,queries').split(','));
const OUT = arg('out', '');
const REPS = 3;
const SEED = 20251122;

const HERE = fileURLToPath(new URL('.', import.meta.url));
const CACHE = join(HERE, 'cache', `store-bench-${EVENTS}-v${DATASET_VERSION}`);
const BIG_DIR = join(CACHE, 'data');
const FACTS = join(CACHE, 'facts.json');
const PUT_DIR = join(HERE, 'cache', 'store-bench-puts');
// Timers off: a GC pass or expiration sweep landing inside a timed section would be noise.
const BASE: Partial<StoreOptions> = { gcInterval: 0, expirationSweepInterval: 0 };

// ---- small statistics ----
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function latency(ms: number[]): Latency {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  return { n: s.length, avg: r3(s.reduce((a, b) => a + b, 0) / s.length), p50: r3(at(50)), p95: r3(at(95)), p99: r3(at(99)), max: r3(s[s.length - 1]) };
}
const medianLatency = (reps: Latency[]): Latency => ({
  n: reps[0].n,
  avg: median(reps.map((r) => r.avg)),
  p50: median(reps.map((r) => r.p50)),
  p95: median(reps.map((r) => r.p95)),
  p99: median(reps.map((r) => r.p99)),
  max: median(reps.map((r) => r.max)),
});
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const rss = () => mb(process.memoryUsage().rss);
const log = (msg: string) => console.log(`[store-bench ${(performance.now() / 1000).toFixed(1)}s] ${msg}`);

const results: Record<string, unknown> = {};

// ---- the big store ----
async function buildBigStore(): Promise<DatasetFacts> {
  if (existsSync(FACTS)) {
    log(`reusing ${CACHE}`);
    return JSON.parse(readFileSync(FACTS, 'utf8')) as DatasetFacts;
  }
  rmSync(CACHE, { recursive: true, force: true });
  mkdirSync(CACHE, { recursive: true });
  log(`building a ${EVENTS.toLocaleString()}-event store in ${CACHE} (once; reused by later runs)`);
  const store = await EventStore.open({ dataDir: BIG_DIR, ...BASE });
  const facts = {} as DatasetFacts;
  const t0 = performance.now();
  let batch: NostrEvent[] = [];
  let done = 0;
  const inFlight = new Set<Promise<unknown>>();
  for (const ev of generateEvents(EVENTS, SEED, facts)) {
    batch.push(ev);
    if (batch.length < 1000) continue;
    const p = store.putMany(batch).then(() => {
      inFlight.delete(p);
      done += 1000;
      if (done % 100_000 === 0) log(`  ${done.toLocaleString()} stored, ${Math.round(done / ((performance.now() - t0) / 1000))} events/s, rss ${rss()} MB`);
    });
    inFlight.add(p);
    batch = [];
    if (inFlight.size >= 4) await Promise.race(inFlight);
  }
  if (batch.length) await store.putMany(batch);
  await Promise.all(inFlight);
  const secs = (performance.now() - t0) / 1000;
  const st = store.stats();
  results.build = { events: st.events, seconds: Math.round(secs), eventsPerSec: Math.round(EVENTS / secs), stats: st };
  log(`built: ${st.events} events in ${secs.toFixed(0)} s (${Math.round(EVENTS / secs)} events/s incl. generation); lmdb ${mb(st.lmdbFileBytes)} MB, value log ${st.valueLog.events} events ${mb(st.valueLog.fileBytes)} MB`);
  await store.close();
  writeFileSync(FACTS, JSON.stringify(facts));
  return facts;
}

// ---- 1. durable puts ----
async function putsFigure(): Promise<void> {
  const modes: Record<string, (store: EventStore, evs: NostrEvent[]) => Promise<void>> = {
    'putMany, batches of 1000, one caller': async (store, evs) => {
      for (let i = 0; i < evs.length; i += 1000) await store.putMany(evs.slice(i, i + 1000));
    },
    'putMany, batches of 1000, 4 concurrent callers': async (store, evs) => {
      let next = 0;
      const caller = async () => {
        while (next < evs.length) {
          const i = next;
          next += 1000;
          await store.putMany(evs.slice(i, i + 1000));
        }
      };
      await Promise.all(Array.from({ length: 4 }, caller));
    },
    'put(), 1000 concurrent callers': async (store, evs) => {
      let next = 0;
      const caller = async () => {
        while (next < evs.length) await store.put(evs[next++]);
      };
      await Promise.all(Array.from({ length: 1000 }, caller));
    },
  };
  const out: Record<string, { eventsPerSec: number; reps: number[]; perCpuSecond: number; avgBatch: number; mainThreadUs?: number; otherThreadsUs?: number }> = {};
  for (const [name, run] of Object.entries(modes)) {
    const reps: number[] = [];
    const cpuReps: number[] = [];
    const mainUs: number[] = [];
    const otherUs: number[] = [];
    let avgBatch = 0;
    for (let rep = 0; rep < REPS; rep++) {
      const evs = [...generateEvents(PUT_EVENTS, SEED + 1 + rep, undefined, false)];
      rmSync(PUT_DIR, { recursive: true, force: true });
      const store = await EventStore.open({ dataDir: PUT_DIR, ...BASE, syncWrites: true });
      const t = performance.now();
      const cpu0 = process.cpuUsage();
      const main0 = mainThreadCpuMs();
      await run(store, evs);
      const secs = (performance.now() - t) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const main1 = mainThreadCpuMs();
      reps.push(Math.round(evs.length / secs));
      cpuReps.push(Math.round(evs.length / ((cpu.user + cpu.system) / 1e6)));
      let split = '';
      if (main0 !== undefined && main1 !== undefined) {
        const total = (cpu.user + cpu.system) / evs.length;
        const onMain = ((main1 - main0) * 1000) / evs.length;
        mainUs.push(onMain);
        otherUs.push(total - onMain);
        split = `; CPU per event ${total.toFixed(1)} µs: main thread ${onMain.toFixed(1)}, other threads ${(total - onMain).toFixed(1)}`;
      }
      avgBatch = Math.round(store.writer.itemsWritten / store.writer.batches);
      if (store.stats().events !== evs.length) throw new Error(`put benchmark stored ${store.stats().events} of ${evs.length}`);
      await store.close();
      log(`  puts [${name}] rep ${rep + 1}: ${reps[rep]} events/s, ${cpuReps[rep]} per CPU-second (avg batch ${avgBatch})${split}`);
    }
    const us = (a: number[]) => (a.length ? Math.round(median(a) * 10) / 10 : undefined);
    out[name] = { eventsPerSec: median(reps), reps, perCpuSecond: median(cpuReps), avgBatch, mainThreadUs: us(mainUs), otherThreadsUs: us(otherUs) };
  }
  rmSync(PUT_DIR, { recursive: true, force: true });
  results.puts = out;
}

// ---- 2. get by id ----
async function getsFigure(facts: DatasetFacts): Promise<void> {
  const ids = facts.sampleIds;
  const out: Record<string, { getsPerSec: number; reps: number[]; perCpuSecond: number; hitRatio: number }> = {};
  for (const [name, cacheSize] of [
    ['warm event cache', undefined],
    ['eventCacheSize 0', 0],
  ] as const) {
    const store = await EventStore.open({ dataDir: BIG_DIR, ...BASE, eventCacheSize: cacheSize });
    const st = store.stats();
    results.bigStore = { events: st.events, inline: st.inline.events, valueLog: st.valueLog.events, lmdbMB: mb(st.lmdbFileBytes), valueLogMB: mb(st.valueLog.fileBytes) };
    let missing = 0;
    for (const id of ids) if ((await store.get(id)) === undefined) missing++; // warm-up (cache and page cache)
    if (missing) throw new Error(`${missing} sample ids not found`);
    store.cache.resetStats();
    const reps: number[] = [];
    const cpuReps: number[] = [];
    for (let rep = 0; rep < REPS; rep++) {
      const c = process.cpuUsage();
      const t = performance.now();
      for (const id of ids) await store.get(id);
      reps.push(Math.round(ids.length / ((performance.now() - t) / 1000)));
      const cpu = process.cpuUsage(c);
      cpuReps.push(Math.round(ids.length / ((cpu.user + cpu.system) / 1e6)));
    }
    out[name] = { getsPerSec: median(reps), reps, perCpuSecond: median(cpuReps), hitRatio: Math.round(store.cache.stats().hitRatio * 1000) / 1000 };
    log(`  get [${name}]: ${reps.join(', ')} gets/s; ${cpuReps.join(', ')} per CPU-second`);
    await store.close();
  }
  results.gets = out;
}

// ---- 3–5. queries ----
/** Wall time, this process's CPU time (both ms) and result count of one query, drained to the end. */
async function timeQuery(store: EventStore, filters: Filter[]): Promise<[number, number, number]> {
  const c = process.cpuUsage();
  const t = performance.now();
  let n = 0;
  for await (const _ of store.query(filters)) n++;
  const wall = performance.now() - t;
  const cpu = process.cpuUsage(c);
  return [wall, (cpu.user + cpu.system) / 1000, n];
}

async function queriesFigure(facts: DatasetFacts): Promise<void> {
  const store = await EventStore.open({ dataDir: BIG_DIR, ...BASE });
  const rng = new Prng(SEED + 100);
  const A = facts.authors;
  const plan = store.explain([{ authors: [A[0]], kinds: [1], limit: 100 }]);
  // 3. author feed: half popular (ranks 0–99), half from the long tail (ranks 100+).
  const picks = Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? rng.int(100) : 100 + rng.int(A.length - 100)));
  const repsAll: Latency[] = [];
  const repsPop: Latency[] = [];
  const repsTail: Latency[] = [];
  const repsCpu: Latency[] = [];
  let returned = 0;
  for (let rep = 0; rep < REPS; rep++) {
    const pop: number[] = [];
    const tail: number[] = [];
    const cpu: number[] = [];
    returned = 0;
    for (const rank of picks) {
      const [ms, cpuMs, n] = await timeQuery(store, [{ authors: [A[rank]], kinds: [1], limit: 100 }]);
      (rank < 100 ? pop : tail).push(ms);
      cpu.push(cpuMs);
      returned += n;
    }
    repsCpu.push(latency(cpu));
    repsAll.push(latency([...pop, ...tail]));
    repsPop.push(latency(pop));
    repsTail.push(latency(tail));
    log(`  author feed rep ${rep + 1}: wall ${JSON.stringify(repsAll[rep])}, cpu ${JSON.stringify(repsCpu[rep])}`);
  }
  results.authorFeed = {
    index: plan[0],
    all: medianLatency(repsAll),
    popular: medianLatency(repsPop),
    longTail: medianLatency(repsTail),
    cpu: medianLatency(repsCpu),
    reps: repsAll,
    avgResults: returned / picks.length,
    rssMB: rss(),
  };

  // 4. deep pagination of the prolific author.
  const a = A[0];
  const depths = facts.prolificUntil;
  const times = depths.map(() => [] as number[]);
  const cpuTimes = depths.map(() => [] as number[]);
  const counts = depths.map(() => 0);
  for (let round = 0; round < 200; round++) {
    for (let d = 0; d < depths.length; d++) {
      const f: Filter = { authors: [a], kinds: [1], limit: 100 };
      if (depths[d].depth > 0) f.until = depths[d].until;
      const [ms, cpuMs, n] = await timeQuery(store, [f]);
      times[d].push(ms);
      cpuTimes[d].push(cpuMs);
      counts[d] = n;
    }
  }
  const pages = [];
  for (let d = 0; d < depths.length; d++) {
    const newer = depths[d].depth === 0 ? 0 : await store.count([{ authors: [a], kinds: [1], since: depths[d].until + 1 }]);
    pages.push({ depth: depths[d].depth, eventsNewer: newer, until: depths[d].until, results: counts[d], ...latency(times[d]), cpuP50: latency(cpuTimes[d]).p50 });
  }
  results.deepPagination = { author: a, kind1Events: facts.kind1PerAuthor[0], pages };
  log(`  deep pagination: ${pages.map((p) => `depth ${p.eventsNewer}: p50 ${p.p50} ms`).join('; ')}`);

  // 5. other shapes, for information.
  const tagZipf = new Zipf(facts.hashtags.length);
  const rootZipf = new Zipf(facts.threadRoots.length);
  const authorZipf = new Zipf(A.length);
  const span = { from: depths.length ? Math.min(...depths.map((d) => d.until)) : 1_730_000_000, to: 1_760_000_000 };
  const shapes: Record<string, () => Filter> = {
    '#t hashtag, limit 100': () => ({ '#t': [facts.hashtags[tagZipf.sample(rng)]], limit: 100 }),
    '#e thread, limit 500': () => ({ '#e': [facts.threadRoots[rootZipf.sample(rng)]], limit: 500 }),
    'kinds:[1] global feed, limit 100': () => ({ kinds: [1], limit: 100 }),
    'kinds:[1] global feed at a random until, limit 100': () => ({ kinds: [1], until: span.from + rng.int(span.to - span.from), limit: 100 }),
    '50-author timeline, kinds [1,6], limit 100': () => {
      const follows = new Set<string>();
      while (follows.size < 50) follows.add(A[authorZipf.sample(rng)]);
      return { authors: [...follows], kinds: [1, 6], limit: 100 };
    },
    'ids: 20 random ids': () => ({ ids: Array.from({ length: 20 }, () => facts.sampleIds[rng.int(facts.sampleIds.length)]) }),
  };
  const other: Record<string, unknown> = {};
  for (const [name, make] of Object.entries(shapes)) {
    const ms: number[] = [];
    const cpu: number[] = [];
    let n = 0;
    for (let i = 0; i < 300; i++) {
      const f = make();
      const [t, cpuMs, got] = await timeQuery(store, [f]);
      ms.push(t);
      cpu.push(cpuMs);
      n += got;
    }
    other[name] = { index: store.explain([make()])[0], avgResults: Math.round(n / 300), ...latency(ms), cpuP50: latency(cpu).p50, cpuP95: latency(cpu).p95 };
    log(`  ${name}: ${JSON.stringify(other[name])}`);
  }
  results.otherShapes = other;
  results.cacheAfterQueries = store.cache.stats();
  await store.close();
}

async function main(): Promise<void> {
  results.machine = machine();
  log(`machine ${JSON.stringify(results.machine)}`);
  if (ONLY.has('puts')) {
    log(`1. durable puts (${PUT_EVENTS} events per rep, fresh store)`);
    await putsFigure();
  }
  if (ONLY.has('gets') || ONLY.has('queries') || ONLY.has('build')) {
    const facts = await buildBigStore();
    if (ONLY.has('gets')) {
      log('2. get by id');
      await getsFigure(facts);
    }
    if (ONLY.has('queries')) {
      log('3–5. queries');
      await queriesFigure(facts);
    }
  }
  const mu = process.memoryUsage();
  // RSS includes the LMDB file pages this process touched through its memory map (page cache).
  results.memory = { rssMB: mb(mu.rss), maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024), heapUsedMB: mb(mu.heapUsed), externalMB: mb(mu.external) };
  if (OUT) writeFileSync(OUT, JSON.stringify(results, null, 2));
  console.log('\n' + markdown(results, { events: EVENTS, putEvents: PUT_EVENTS }));
}

await main();
