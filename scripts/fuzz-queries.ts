// Long query campaigns: random client-shaped filter groups answered by lode and by the reference
// model (test/support/reference-store.ts) over the 3,323 real fixture events plus synthetic ones;
// the first wrong answer is printed in full, then fast-check shrinks it to the smallest group.
//
//   npx tsx scripts/fuzz-queries.ts --queries 100000 --seed 1        # in-process store API and socket
//   npx tsx scripts/fuzz-queries.ts --queries 20000 --relay ws://127.0.0.1:7447
//
// Without --relay the corpus goes straight into a temp store and every group is asked twice: of
// the store API and of a relay on 127.0.0.1 over that store (REQ and COUNT). With --relay the
// corpus is published over the socket (synthetic events signed with derived keys) to a lode that
// must start empty, with rate limits off and old events allowed:
//   LODE_EVENT_RATE_PER_IP=0 LODE_EVENT_RATE_PER_PUBKEY=0 LODE_REQ_RATE_PER_IP=0 LODE_CREATED_AT_LOWER_LIMIT=0
// Options: --synthetic N (default 700), --seconds N (time bound, default 3600), --gated 4,1059
// (the relay's gatedKinds). Exit code 0 when every group agreed, 1 on a wrong answer, 2 on bad use.
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { finalizeEvent, generateSecretKey } from 'nostr-tools/pure';
import type { NostrEvent } from '../pkg/nostr/types.js';
import { filterGroupArb, valuePool } from '../test/support/client-filters.js';
import { derivedKeySigner, fixtureEvents, syntheticEvents } from '../test/support/query-corpus.js';
import { ModelSide, disagreement, relaySide, storeSide, type QuerySide } from '../test/support/query-differential.js';
import { ReferenceStore } from '../test/support/reference-store.js';
import { RawClient, startRelay } from '../test/support/relay-harness.js';

const { values } = parseArgs({
  options: {
    queries: { type: 'string', default: '10000' },
    seed: { type: 'string' },
    relay: { type: 'string' },
    synthetic: { type: 'string', default: '700' },
    seconds: { type: 'string', default: '3600' },
    gated: { type: 'string', default: '4,1059' },
  },
});

const queries = Number(values.queries);
const seed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
const seconds = Number(values.seconds);
const gatedKinds = values.gated.split(',').filter(Boolean).map(Number);
if (![queries, seed, seconds, Number(values.synthetic)].every(Number.isSafeInteger) || gatedKinds.some((k) => !Number.isInteger(k))) {
  console.error('usage: fuzz-queries.ts --queries N --seed S [--relay URL] [--synthetic N] [--seconds N] [--gated K,K]');
  process.exit(2);
}

const now = Math.floor(Date.now() / 1000);
const real = fixtureEvents();
const pool = valuePool(real);
const model = new ReferenceStore();
const sides: { side: QuerySide; model: ModelSide; gated?: number[] }[] = [];
let cleanup = async () => {};
/** The max_limit the generated limits are drawn around (some go above it). */
let generatedMaxLimit = 120;

if (values.relay === undefined) {
  const STORE_MAX_LIMIT = 200;
  const limits = { maxLimit: 120, defaultLimit: 80, gatedKinds };
  const corpus = [...real, ...syntheticEvents(pool, real, Number(values.synthetic), seed, now)];
  const expected = corpus.map((e) => model.put(e, now));
  const harness = await startRelay({ limits });
  const got = (await harness.store.putMany(corpus)).map((r) => r.status);
  const off = got.findIndex((s, i) => s !== expected[i]);
  if (off >= 0) {
    console.error(`store decided ${JSON.stringify(corpus[off])} as ${got[off]}, the model as ${expected[off]}`);
    process.exit(1);
  }
  const client = await harness.connect();
  await client.auth(generateSecretKey(), harness.url);
  sides.push({ side: storeSide(harness.store, STORE_MAX_LIMIT), model: new ModelSide(model, { maxLimit: STORE_MAX_LIMIT }, now) });
  const readable = (e: NostrEvent) => !gatedKinds.includes(e.kind);
  sides.push({ side: relaySide(client), model: new ModelSide(model, { ...limits, readable }, now), gated: gatedKinds });
  cleanup = () => harness.close();
  console.log(`in-process store and relay ${harness.url}: ${model.events.length} events stored of ${corpus.length}`);
} else {
  const url = values.relay;
  const info = (await (await fetch(url.replace(/^ws/, 'http'), { headers: { accept: 'application/nostr+json' } })).json()) as { limitation?: { max_limit?: number; default_limit?: number } };
  const maxLimit = info.limitation?.max_limit ?? 500;
  const defaultLimit = info.limitation?.default_limit ?? maxLimit;
  const client = await RawClient.open(url);
  await client.auth(generateSecretKey(), url);
  const before = await client.count('before', {});
  if ((before.count ?? 0) > 0) {
    console.error(`${url} already holds ${before.count} events: start it on an empty data directory, so the model knows every event`);
    process.exit(2);
  }
  const corpus = [...real, ...syntheticEvents(pool, real, Number(values.synthetic), seed, now, derivedKeySigner(finalizeEvent))];
  // The model takes what the relay took, and what it refused for a reason the model decides too;
  // policy refusals (age, size, rate) leave the event out of both.
  let skipped = 0;
  for (const ev of corpus) {
    const ok = await client.publish(ev);
    const modelDecides = ok.accepted || /^duplicate:|^blocked: .*deleted|^invalid: .*expired/.test(ok.message);
    if (!modelDecides) {
      skipped++;
      continue;
    }
    const status = model.put(ev, now);
    if (ok.accepted !== (status === 'stored' || status === 'duplicate')) {
      console.error(`relay answered ${JSON.stringify(ok)} to ${ev.id}; the model decided ${status}`);
      process.exit(1);
    }
  }
  const readable = (e: NostrEvent) => !gatedKinds.includes(e.kind);
  sides.push({ side: relaySide(client), model: new ModelSide(model, { maxLimit, defaultLimit, readable }, now), gated: gatedKinds });
  generatedMaxLimit = maxLimit;
  cleanup = async () => client.close();
  console.log(`${url}: published ${corpus.length}, ${skipped} refused by policy, ${model.events.length} stored; max_limit ${maxLimit}, default_limit ${defaultLimit}`);
}

console.log(`seed ${seed}: ${queries} filter groups, at most ${seconds} s`);
const started = Date.now();
let asked = 0;
let firstReport: string | undefined;
const property = fc.asyncProperty(filterGroupArb(pool, generatedMaxLimit), async (filters) => {
  for (const s of sides) {
    const report = await disagreement(s.side, s.model, filters, s.gated);
    if (report) {
      if (firstReport === undefined) {
        firstReport = report;
        console.log(`\nFIRST WRONG ANSWER (group ${asked + 1}):\n${report}\n\nshrinking…`);
      }
      throw new Error(report);
    }
  }
  if (++asked % 10_000 === 0) console.log(`${asked} groups agree (${((Date.now() - started) / 1000).toFixed(0)} s)`);
});
const result = await fc.check(property, { seed, numRuns: queries, interruptAfterTimeLimit: seconds * 1000, markInterruptAsFailure: false });
await cleanup();
const elapsed = ((Date.now() - started) / 1000).toFixed(1);
if (result.failed) {
  console.log(`\nSHRUNK COUNTEREXAMPLE after ${result.numShrinks} shrinks: ${JSON.stringify(result.counterexample?.[0])}`);
  console.log(String(result.errorInstance instanceof Error ? result.errorInstance.message : result.errorInstance));
  console.log(`replay: npx tsx scripts/fuzz-queries.ts --seed ${seed} --queries ${queries}${values.relay ? ` --relay ${values.relay}` : ''}`);
  process.exit(1);
}
console.log(`OK: ${asked} filter groups, 0 wrong answers (${sides.map((s) => s.side.name).join(' and ')}, REQ and COUNT), ${elapsed} s, seed ${seed}`);
process.exit(0);
