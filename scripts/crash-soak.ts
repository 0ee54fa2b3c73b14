// Crash soak: the crash-safety cycles of test/crash-safety.test.ts, for as long as you like.
//
//   npx tsx scripts/crash-soak.ts --cycles 200 [--publishers 3] [--pool 400] [--data-dir DIR] [--keep]
//
// Each cycle: start `lode serve` (child process) on the same data dir, check that every event
// acknowledged in earlier cycles is served, publish from several connections (recording every
// `OK true`), SIGKILL at a random moment (GC runs every second, so some kills land mid-GC), then
// open the store as the next start would and verify it. Stops at the first lost event or
// verify problem, printing it; exit 0 when every cycle passed. Prints the figures for the
// Guarantees table at the end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EventStore } from '../pkg/store/event-store.js';
import { verifyStore } from '../pkg/store/maintenance/verify.js';
import { AckLedger, crashEnv, eventPool, killMoment, missingViaRelay, publishAll, sigkill, signer, startRelayChild } from '../test/support/crash-harness.js';

const { values } = parseArgs({
  options: {
    cycles: { type: 'string', default: '20' },
    publishers: { type: 'string', default: '3' },
    pool: { type: 'string', default: '400' },
    'data-dir': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const cycles = Number(values.cycles);
const publishers = Number(values.publishers);
const poolSize = Number(values.pool);
if (![cycles, publishers, poolSize].every((n) => Number.isSafeInteger(n) && n > 0)) {
  console.error('usage: crash-soak.ts --cycles N [--publishers N] [--pool N] [--data-dir DIR] [--keep]');
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'lode-soak-'));
const dataDir = values['data-dir'] ? resolve(values['data-dir']) : join(work, 'data');
const ledger = new AckLedger();
const signers = Array.from({ length: publishers }, () => signer());
const started = Date.now();
let sent = 0;

async function verifyOnDisk(): Promise<string | undefined> {
  const store = await EventStore.open({ dataDir, gcInterval: 0, expirationSweepInterval: 0, inlineThreshold: 512, valueLogFileSize: 1 << 20 });
  try {
    const r = await verifyStore(store);
    return r.ok ? undefined : JSON.stringify({ problems: r.problems, details: r.details.slice(0, 5) });
  } finally {
    await store.close();
  }
}

let failure: string | undefined;
let done = 0;
for (let cycle = 1; cycle <= cycles && !failure; cycle++) {
  const relay = await startRelayChild(crashEnv(dataDir), work);
  try {
    const lost = await missingViaRelay(relay.url, ledger);
    if (lost.length) {
      const kinds = lost.map((id) => (ledger.regular.has(id) ? 'regular' : 'addressable'));
      failure = `cycle ${cycle}: ${lost.length} acknowledged event(s) not served after restart (${kinds.join(', ')}), e.g. ${lost.slice(0, 3).join(', ')}`;
      break;
    }
    const from = ledger.acked;
    const run = await publishAll(relay.url, signers.map((s) => eventPool(s, poolSize)), ledger);
    await killMoment(ledger, from, 1 + Math.floor(Math.random() * 50), 2000);
    await sigkill(relay);
    await run.done;
    sent += run.sent();
    if (run.refused.length) failure = `cycle ${cycle}: refused ${run.refused.length} event(s): ${run.refused[0]}`;
  } finally {
    await sigkill(relay);
  }
  failure ??= await verifyOnDisk().then((p) => (p ? `cycle ${cycle}: verify found problems: ${p}` : undefined));
  done = cycle;
  process.stdout.write(`cycle ${cycle}/${cycles}: ${ledger.acked} acknowledged so far, store verifies clean\n`);
}

// A last start proves the final kill lost nothing either.
if (!failure) {
  const relay = await startRelayChild(crashEnv(dataDir, { LODE_GC_INTERVAL: '0' }), work);
  try {
    const lost = await missingViaRelay(relay.url, ledger);
    if (lost.length) failure = `after the last cycle: ${lost.length} acknowledged event(s) not served`;
  } finally {
    await sigkill(relay);
  }
}

const minutes = ((Date.now() - started) / 60_000).toFixed(1);
console.log(
  JSON.stringify({ cycles: done, acknowledged: ledger.acked, sent, lost: failure ? 'see failure' : 0, minutes, failure: failure ?? null }),
);
// A failed run keeps its data dir for a post-mortem (lode verify, lode export).
if (!values.keep && !failure) rmSync(work, { recursive: true, force: true });
else console.log(`data kept in ${dataDir}`);
process.exit(failure ? 1 : 0);
