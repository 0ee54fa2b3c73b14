// scripts/migrate-store-config.sh end to end on a small store, and its rollback when import fails.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lodeBundle, repoRoot, runLode, runProcess } from './support/lode-cli.js';
import { openTestStore, sampleEvents, tempDir } from './support/store-fixtures.js';

const script = join(repoRoot, 'scripts', 'migrate-store-config.sh');
const dir = tempDir('lode-migrate-');
let lodeBin: string;

async function smallStore(name: string): Promise<string> {
  const dataDir = join(dir.path, name);
  const store = await openTestStore(dataDir, { inlineThreshold: 512 });
  await store.putMany(sampleEvents());
  await store.close();
  return dataDir;
}

const migrate = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runProcess('bash', [script, ...args], { env: { LODE_BIN: lodeBin, ...env }, timeoutMs: 60_000 });
const digest = async (dataDir: string) => (await runLode(['digest', '--data-dir', dataDir])).stdout.trim();
const stats = async (dataDir: string) => JSON.parse((await runLode(['stats', '--json', '--data-dir', dataDir])).stdout);

beforeAll(async () => {
  lodeBin = `${process.execPath} ${await lodeBundle()}`;
});
afterAll(() => dir.remove());

describe('migrate-store-config.sh', { timeout: 120_000 }, () => {
  it('rewrites every event under the new settings: counts and digests equal, settings changed, migration.log written', async () => {
    const dataDir = await smallStore('ok');
    const before = await digest(dataDir);
    const statsBefore = await stats(dataDir);
    const r = await migrate(['--data-dir', dataDir, '--inline-threshold', '4096', '--compression', 'deflate']);
    expect(r.code, r.stderr).toBe(0);

    expect(await digest(dataDir)).toBe(before);
    const after = await stats(dataDir);
    expect(after.events).toBe(statsBefore.events);
    expect(statsBefore.settings.recorded).toEqual([expect.objectContaining({ inlineThreshold: 512, compression: 'none' })]);
    expect(after.settings.recorded).toEqual([expect.objectContaining({ inlineThreshold: 4096, compression: 'deflate' })]);
    expect(after.inline.events).toBeGreaterThan(statsBefore.inline.events); // the larger threshold moved events inline

    const runs = readdirSync(join(dir.path, 'lode-migrations')).filter((n) => n.startsWith('ok-'));
    expect(runs).toHaveLength(1);
    const run = join(dir.path, 'lode-migrations', runs[0]);
    const log = readFileSync(join(run, 'migration.log'), 'utf8');
    const [count, sha] = before.split(' ');
    expect(log).toContain(`export: ${count} events`);
    expect(log).toContain(`import: read ${count}, stored ${count}`);
    expect(log).toContain(`verify: new store digest ${count} ${sha}`);
    expect(log).toContain('lode verify clean');
    expect(log).toContain('phase: done');
    expect(existsSync(join(run, 'old-store', 'lmdb', 'data.mdb'))).toBe(true); // the way back is kept
  });

  it('puts the old store back when the import fails, and says so', async () => {
    const dataDir = await smallStore('fail');
    const before = await digest(dataDir);
    const r = await migrate(['--data-dir', dataDir, '--compression', 'brotli'], { LODE_MIGRATE_FAIL_AT: 'import' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('rolling back');
    expect(r.stderr).toContain(`the old store is back in ${dataDir}`);
    expect(await digest(dataDir)).toBe(before);
    const s = await stats(dataDir);
    expect(s.settings.recorded).toEqual([expect.objectContaining({ inlineThreshold: 512, compression: 'none' })]);
    const runDir = readdirSync(join(dir.path, 'lode-migrations')).find((n) => n.startsWith('fail-'))!;
    const log = readFileSync(join(dir.path, 'lode-migrations', runDir, 'migration.log'), 'utf8');
    expect(log).toContain('FAILED');
    expect(log).toContain('rollback: done');
    // No migration is left half-done: a new run may start.
    expect(readdirSync(join(dir.path, 'lode-migrations')).filter((n) => n === 'migrate-fail.state')).toHaveLength(0);
  });

  it('refuses while a relay holds the data dir (exit 3), and --dry-run changes nothing', async () => {
    const dataDir = await smallStore('busy');
    const store = await openTestStore(dataDir);
    try {
      const r = await migrate(['--data-dir', dataDir, '--compression', 'deflate', '--backup-dir', join(dir.path, 'busy-bk')]);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(`PID ${process.pid}`);
    } finally {
      await store.close();
    }
    const dry = await migrate(['--data-dir', dataDir, '--compression', 'deflate', '--dry-run', '--backup-dir', join(dir.path, 'dry-bk')]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toContain('Nothing was changed');
    expect(existsSync(join(dir.path, 'dry-bk'))).toBe(false);
  });
});
