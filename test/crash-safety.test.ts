// Crash safety: `lode serve` as a child process, publishers recording every id acknowledged
// `OK true`, SIGKILL at a random moment (also in the middle of a value-log GC pass and of a
// `lode import`), restart, and check that every acknowledged event is served and verify is clean.
// scripts/crash-soak.ts runs the same cycles for longer.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStore } from '../pkg/store/event-store.js';
import { verifyStore } from '../pkg/store/maintenance/verify.js';
import {
  AckLedger,
  crashEnv,
  eventPool,
  killMoment,
  missingViaRelay,
  publishAll,
  sigkill,
  signer,
  sleep,
  spawnLode,
  startRelayChild,
  type Signer,
} from './support/crash-harness.js';
import { realEvent } from './support/store-faults.js';

let work: string;
let dataDir: string;
const ledger = new AckLedger();
const signers: Signer[] = [signer(), signer(), signer()];
const figures = { cycles: 0, acked: 0, killedDuringGc: 0, importKilled: false };

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'lode-crash-'));
  dataDir = join(work, 'data');
});
afterAll(() => {
  // The figures the Guarantees section quotes (docs/GUARANTEES-store.md).
  console.log(`crash-safety: ${figures.cycles} SIGKILL cycles, ${figures.acked} acknowledged events all served, ${figures.killedDuringGc} kill(s) mid-GC, import killed: ${figures.importKilled}`);
  rmSync(work, { recursive: true, force: true });
});

/** Open the store the way the next start does (stale lock taken over, torn tail cut) and verify it. */
async function verifyClean(): Promise<void> {
  const store = await EventStore.open({ dataDir, gcInterval: 0, expirationSweepInterval: 0, inlineThreshold: 512, valueLogFileSize: 1 << 20 });
  try {
    const report = await verifyStore(store);
    expect(report.problems, JSON.stringify(report.details.slice(0, 5))).toEqual({});
  } finally {
    await store.close();
  }
}

async function expectAllServed(url: string): Promise<void> {
  const lost = await missingViaRelay(url, ledger);
  expect(lost, `acknowledged but not served: ${lost.slice(0, 5).join(', ')}`).toEqual([]);
}

describe('SIGKILL while clients publish', () => {
  it('every event acknowledged OK true survives each kill, and the store verifies clean', { timeout: 120_000 }, async () => {
    for (let cycle = 0; cycle < 3; cycle++) {
      const relay = await startRelayChild(crashEnv(dataDir), work);
      try {
        await expectAllServed(relay.url);
        const pools = signers.map((s) => eventPool(s, 250));
        const from = ledger.acked;
        const run = await publishAll(relay.url, pools, ledger);
        await killMoment(ledger, from, 20, 1000);
        await sigkill(relay);
        await run.done;
        expect(run.refused).toEqual([]);
        expect(run.sent()).toBeGreaterThan(0);
      } finally {
        await sigkill(relay);
      }
      figures.cycles++;
      await verifyClean();
    }
    figures.acked = ledger.acked;
  });

  it('a kill in the middle of a value-log GC pass loses nothing', { timeout: 120_000 }, async () => {
    // Ballast: 12 one-MiB segments of addressable versions, four of five stale, for GC to rewrite.
    const store = await EventStore.open({ dataDir, gcInterval: 0, expirationSweepInterval: 0, inlineThreshold: 512, valueLogFileSize: 1 << 20, syncWrites: false });
    const ballast = Array.from({ length: 4000 }, (_, i) =>
      realEvent({ kind: 30023, created_at: 1_600_000_000 + i, tags: [['d', `ballast-${i % 800}`]], content: `b${i} ` + 'g'.repeat(3000) }),
    );
    for (let i = 0; i < ballast.length; i += 500) await store.putMany(ballast.slice(i, i + 500));
    await store.close();
    const vlog = join(dataDir, 'vlog');
    const before = new Set(readdirSync(vlog));
    expect(before.size).toBeGreaterThan(10);

    const relay = await startRelayChild(crashEnv(dataDir, { LODE_GC_INTERVAL: '1' }), work);
    let midGc = false;
    try {
      await expectAllServed(relay.url);
      const run = await publishAll(relay.url, signers.map((s) => eventPool(s, 150)), ledger);
      // GC deletes a segment only after repointing its live entries; kill at the first deletion,
      // while later segments of the same pass are still to be copied.
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        const now = new Set(readdirSync(vlog));
        if ([...before].some((n) => !now.has(n))) break;
        await sleep(2);
      }
      await sigkill(relay);
      await run.done;
      const left = [...before].filter((n) => existsSync(join(vlog, n)));
      midGc = left.length > 0 && left.length < before.size;
      expect(midGc, 'the kill landed after GC had removed some segments and before it removed all').toBe(true);
      expect(run.refused).toEqual([]);
    } finally {
      await sigkill(relay);
    }
    figures.cycles++;
    figures.killedDuringGc += midGc ? 1 : 0;
    await verifyClean();
    const again = await startRelayChild(crashEnv(dataDir, { LODE_GC_INTERVAL: '0' }), work);
    try {
      await expectAllServed(again.url);
    } finally {
      await sigkill(again);
    }
    figures.acked = ledger.acked;
  });

  it('a kill during `lode import` leaves a store that opens, verifies clean and keeps every acknowledged event', { timeout: 120_000 }, async () => {
    const file = join(work, 'import.jsonl');
    const lines = Array.from({ length: 6000 }, (_, i) => JSON.stringify(realEvent({ created_at: 1_650_000_000 + i, content: `imp${i} ` + 'i'.repeat(i % 2 ? 1500 : 100) })));
    writeFileSync(file, `${lines.join('\n')}\n`);
    const vlog = join(dataDir, 'vlog');
    const vlogBytes = () => (existsSync(vlog) ? readdirSync(vlog).reduce((a, n) => a + statSync(join(vlog, n)).size, 0) : 0);
    const start = vlogBytes();
    const env = crashEnv(dataDir, { LODE_SYNC_WRITES: 'true' });
    const run = spawnLode(['import', file, '--no-verify', '--allow-rejects', '--quiet', '--batch', '200'], env, work);
    try {
      // Value-log bytes are flushed before each batch commits: once ~4 batches' worth are there,
      // the first batches are committed and the import is mid-way through the rest.
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && run.child.exitCode === null && vlogBytes() < start + 600_000) await sleep(5);
      await sleep(Math.random() * 200);
      expect(run.child.exitCode, `import finished before the kill: ${run.stderr()}`).toBeNull();
      await sigkill(run);
      figures.importKilled = true;
    } finally {
      await sigkill(run);
    }
    await verifyClean();
    const store = await EventStore.open({ dataDir, gcInterval: 0, expirationSweepInterval: 0, readOnly: true });
    const imported = await store.count([{ kinds: [1], since: 1_650_000_000, until: 1_650_000_000 + 5999 }]);
    await store.close();
    expect(imported).toBeGreaterThan(0);
    expect(imported).toBeLessThan(6000);

    const relay = await startRelayChild(crashEnv(dataDir, { LODE_GC_INTERVAL: '0' }), work);
    try {
      await expectAllServed(relay.url);
    } finally {
      relay.child.kill('SIGTERM');
      expect((await relay.exited).code).toBe(0);
    }
    // And the operator's own check agrees.
    const verify = spawnLode(['verify', '--json'], crashEnv(dataDir), work);
    const { code } = await verify.exited;
    expect(code, verify.stderr()).toBe(0);
    expect(JSON.parse(verify.stdout()).ok).toBe(true);
  });
});
