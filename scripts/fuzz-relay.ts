// Long fuzzing runs against a relay: hostile frames in property-based batches (each followed by
// a check that the same socket and a new one are still served), then the many-socket scenarios.
//
//   npx tsx scripts/fuzz-relay.ts --frames 200000 --seconds 600            # spawns its own lode
//   npx tsx scripts/fuzz-relay.ts --url ws://127.0.0.1:7447 --frames 50000 # an already running relay
//
// Options: --seed N (replay a failure: the report names the seed), --batch N (frames per socket,
// default 100), --no-scenarios, --shrink (on failure, shrink to a small counterexample).
// Without --url the relay runs as a child process with rate limits and the per-IP connection cap
// off, and its RSS is read from /proc; with --url, memory comes from its /metrics when reachable.
// Exit code 0 when every check held, 1 otherwise.
import { parseArgs } from 'node:util';
import { SpawnedRelay } from '../benchmark/spawn-relay.js';
import { relayMaxMessageBytes, runPropertyPhase, runScenarios } from './fuzz/fuzz-campaign.js';
import { newTally, ProbeClient } from './fuzz/relay-probe-client.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    frames: { type: 'string', default: '20000' },
    seconds: { type: 'string', default: '120' },
    seed: { type: 'string' },
    batch: { type: 'string', default: '100' },
    'no-scenarios': { type: 'boolean', default: false },
    shrink: { type: 'boolean', default: false },
  },
});

const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;

/** process_resident_memory_bytes and nodejs_heap_size_used_bytes from a relay's /metrics. */
async function scrapeMemory(url: string): Promise<{ rss?: number; heap?: number }> {
  try {
    const text = await (await fetch(`${url.replace(/^ws/, 'http')}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
    const read = (name: string) => {
      const m = new RegExp(`^${name} ([0-9.e+]+)`, 'm').exec(text);
      return m ? Number(m[1]) : undefined;
    };
    return { rss: read('process_resident_memory_bytes'), heap: read('nodejs_heap_size_used_bytes') };
  } catch {
    return {};
  }
}

async function main(): Promise<number> {
  const frames = Number(values.frames);
  const seconds = Number(values.seconds);
  const seed = values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31;
  if (!Number.isFinite(frames) || frames < 1 || !Number.isFinite(seconds) || seconds <= 0 || !Number.isFinite(seed)) {
    console.error('usage: npx tsx scripts/fuzz-relay.ts [--url ws://…] [--frames N] [--seconds S] [--seed N] [--batch N] [--no-scenarios] [--shrink]');
    return 2;
  }
  const spawned = values.url
    ? undefined
    : await SpawnedRelay.start({
        settings: { 'event-rate-per-ip': '0', 'event-rate-per-pubkey': '0', 'req-rate-per-ip': '0', 'max-connections-per-ip': '0', 'max-filter-values': '0' },
      });
  const url = values.url ?? spawned!.url;
  const memory = async () => (spawned ? { rss: spawned.resources().rssBytes } : await scrapeMemory(url));
  try {
    const warm = await ProbeClient.open(url, newTally());
    await warm.checkServes();
    warm.close();
    const before = await memory();
    console.log(`fuzzing ${url}: ${frames} frames, ${seconds} s, seed ${seed}`);

    const report = await runPropertyPhase({
      url,
      seed,
      frames,
      seconds,
      batch: Number(values.batch),
      endOnFailure: !values.shrink,
      log: (line) => console.log(line),
    });
    console.log(`frames by category: ${JSON.stringify(report.byLabel)}`);
    console.log(`answers by verb: ${JSON.stringify(report.tally.received)}`);
    let ok = !report.failure && report.tally.problemCount === 0;
    if (report.failure) console.error(report.failure);
    for (const p of report.tally.problems) console.error(`rule broken: ${p}`);

    if (!values['no-scenarios'] && ok) {
      const tally = newTally();
      const maxMessageBytes = (await relayMaxMessageBytes(url)) ?? 131_072;
      for (const s of await runScenarios(url, tally, { maxMessageBytes })) console.log(`scenario ${s.name}: ${s.detail}`);
      for (const p of tally.problems) console.error(`rule broken: ${p}`);
      ok &&= tally.problemCount === 0;
    }

    const after = await memory();
    const final = await ProbeClient.open(url, newTally());
    await final.checkServes();
    final.close();
    console.log(
      `result: ${ok ? 'PASS' : 'FAIL'}; ${report.framesSent} hostile frames in ${(report.elapsedMs / 1000).toFixed(1)} s; relay still serving; ` +
        `memory before ${before.rss ? `rss ${mib(before.rss)}` : '?'}${before.heap ? ` heap ${mib(before.heap)}` : ''}, ` +
        `after ${after.rss ? `rss ${mib(after.rss)}` : '?'}${after.heap ? ` heap ${mib(after.heap)}` : ''}` +
        `${spawned ? `, peak rss ${mib(spawned.resources().rssPeakBytes)}` : ''}`,
    );
    return ok ? 0 : 1;
  } finally {
    await spawned?.cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
