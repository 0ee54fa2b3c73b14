// The `verifier` setting as an operator meets it: which backend a relay (and `lode import`) checks
// signatures with, where that is shown (/health, lode_verifier_info, `lode stats`, the start log),
// and that `verifier=native` on a machine without libsecp256k1 refuses to start (exit 2, naming the
// package) instead of quietly running slower. Library-dependent cases fail under CI=true without it.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finalizeEvent, generateSecretKey } from 'nostr-tools/pure';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadNativeVerifier, type NostrEvent, type VerifierChoice } from '../pkg/nostr/index.js';
import { VerifyPool } from '../src/verify-pool.js';
import { crashEnv, sigkill, startRelayChild } from './support/crash-harness.js';
import { runLode } from './support/lode-cli.js';
import { startLodeServer } from './support/lode-server.js';
import { RawClient } from './support/relay-harness.js';

const native = loadNativeVerifier();
const skip = !native.ok && process.env.CI !== 'true';
const needsLib = skip ? ' (skipped: no libsecp256k1; apt-get install libsecp256k1-1 to run)' : '';
const MISSING_LIB = { LODE_LIBSECP256K1: '/nonexistent/libsecp256k1.so.1' };

const sk = generateSecretKey();
const note = (content: string) =>
  finalizeEvent({ kind: 1, created_at: Math.floor(Date.now() / 1000), tags: [], content }, sk) as NostrEvent;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lode-verifier-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function relayWith(choice: VerifierChoice, expected: string): Promise<void> {
  const h = await startLodeServer((c) => {
    c.verifier = choice;
  });
  const client = await RawClient.open(h.server.url);
  try {
    const good = note(`checked by ${choice}`);
    expect((await client.publish(good)).accepted).toBe(true);
    const forged = { ...note('forged'), sig: good.sig };
    const refused = await client.publish(forged);
    expect(refused.accepted).toBe(false);
    expect(refused.message).toMatch(/^invalid: /);

    const health = (await (await h.http('/health')).json()) as { verifier: { backend: string; setting: string } };
    expect(health.verifier).toMatchObject({ backend: expected, setting: choice });
    const metrics = await (await h.http('/metrics')).text();
    expect(metrics).toContain(`lode_verifier_info{backend="${expected}"} 1`);
    expect(h.server.relay.signatureBackend.name).toBe(expected);
  } finally {
    client.close();
    await client.closed;
    await h.dispose();
  }
}

describe('a relay checks EVENTs with the configured backend and says which', () => {
  it.each([['wasm'], ['noble']] as const)('verifier=%s', (choice) => relayWith(choice, choice));
  it.skipIf(skip)(`verifier=native${needsLib}`, () => relayWith('native', 'native'));
  it.skipIf(skip)(`verifier=auto picks native where libsecp256k1 loads${needsLib}`, () => relayWith('auto', 'native'));
});

describe('without libsecp256k1', () => {
  it('`lode serve --verifier native` exits 2 naming libsecp256k1-1, before touching the data dir', async () => {
    const dataDir = join(dir, 'store');
    const r = await runLode(['serve', '--verifier', 'native', '--port', '0', '--data-dir', dataDir], { env: MISSING_LIB });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('verifier=native');
    expect(r.stderr).toContain('apt-get install libsecp256k1-1');
    expect(existsSync(dataDir)).toBe(false);
  }, 60_000);

  it('auto runs on wasm and says why: the start log, /health and /metrics', async () => {
    const run = await startRelayChild(crashEnv(join(dir, 'store'), { ...MISSING_LIB, LODE_VERIFIER: 'auto' }), dir);
    try {
      expect(run.stdout()).toMatch(/listening on ws:\/\/[^"]*\(signatures: wasm\)/);
      expect(run.stdout()).toContain('native backend unavailable');
      const http = run.url.replace('ws://', 'http://');
      const health = (await (await fetch(`${http}/health`)).json()) as { verifier: Record<string, string> };
      expect(health.verifier).toMatchObject({ backend: 'wasm', setting: 'auto' });
      expect(health.verifier.fallback_reason).toContain('apt-get install libsecp256k1-1');
      expect(await (await fetch(`${http}/metrics`)).text()).toContain('lode_verifier_info{backend="wasm"} 1');
    } finally {
      await sigkill(run);
    }
  }, 90_000);

  it('`lode import` checks with wasm under auto, and `lode stats` shows the backend and the reason', async () => {
    const dataDir = join(dir, 'store');
    const imported = await runLode(['import', '-', '--json', '--data-dir', dataDir], {
      env: MISSING_LIB,
      input: `${JSON.stringify(note('via import'))}\n${JSON.stringify({ ...note('forged'), sig: note('other').sig })}\n`,
    });
    expect(JSON.parse(imported.stdout.trim())).toMatchObject({ stored: 1, invalid: 1, verifier: 'wasm' });
    const stats = await runLode(['stats', '--json', '--data-dir', dataDir], { env: MISSING_LIB });
    expect(stats.code).toBe(0);
    const v = (JSON.parse(stats.stdout.trim()) as { verifier: { backend: string; setting: string; fallbackReason: string } }).verifier;
    expect(v).toMatchObject({ setting: 'auto', backend: 'wasm' });
    expect(v.fallbackReason).toContain('apt-get install libsecp256k1-1');
    const text = await runLode(['stats', '--data-dir', dataDir], { env: MISSING_LIB });
    expect(text.stdout).toMatch(/signature checks +wasm \(verifier=auto: native unavailable/);
  }, 60_000);

  it('`lode import --verifier native` exits 2 and imports nothing', async () => {
    const file = join(dir, 'one.jsonl');
    writeFileSync(file, `${JSON.stringify(note('not imported'))}\n`);
    const r = await runLode(['import', file, '--verifier', 'native', '--data-dir', join(dir, 'store')], { env: MISSING_LIB });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('apt-get install libsecp256k1-1');
    expect(existsSync(join(dir, 'store'))).toBe(false);
  }, 60_000);

  it('a verify pool whose workers cannot load their backend gives up with an error instead of respawning forever', async () => {
    const saved = process.env.LODE_LIBSECP256K1;
    // Worker threads copy process.env when they start: these ones cannot find the library.
    process.env.LODE_LIBSECP256K1 = MISSING_LIB.LODE_LIBSECP256K1;
    const pool = new VerifyPool({ threads: 1, verifier: 'native' });
    try {
      const ev = note('never checked');
      const deadline = Date.now() + 20_000;
      let last: unknown;
      // Each check that reaches a dying worker is rejected; after a few failed starts every check is.
      while (Date.now() < deadline) {
        last = await pool.verify(ev.id, ev.pubkey, ev.sig).then(
          (ok) => ok,
          (err: unknown) => err,
        );
        if (last instanceof Error && /keep failing to start/.test(last.message)) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(last).toBeInstanceOf(Error);
      expect((last as Error).message).toMatch(/keep failing to start/);
      expect((last as Error & { code: string }).code).toBe('verify-pool-unavailable');
    } finally {
      if (saved === undefined) delete process.env.LODE_LIBSECP256K1;
      else process.env.LODE_LIBSECP256K1 = saved;
      await pool.close();
    }
  }, 30_000);
});

