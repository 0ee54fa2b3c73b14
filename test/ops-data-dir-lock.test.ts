// The data-dir lock: one writer per store directory, named when it refuses; readers never blocked.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataDirLock, LOCK_FILE } from '../pkg/store/base/dir-lock.js';
import { StoreError } from '../pkg/store/base/errors.js';
import { EventStore } from '../pkg/store/event-store.js';
import { lodeBundle, runLode } from './support/lode-cli.js';
import { openTestStore, sampleEvents, tempDir } from './support/store-fixtures.js';

/** A pid that is certainly not running: a child that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

describe('DataDirLock', () => {
  it('refuses a second holder with LOCKED naming the PID and purpose, and frees the dir on release', () => {
    const dir = tempDir('lode-lock-');
    try {
      const first = DataDirLock.acquire(dir.path, 'lode serve');
      const err = (() => {
        try {
          DataDirLock.acquire(dir.path, 'lode import');
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe('LOCKED');
      expect((err as Error).message).toContain(`PID ${process.pid}`);
      expect((err as Error).message).toContain('lode serve');
      first.release();
      expect(existsSync(join(dir.path, LOCK_FILE))).toBe(false);
      DataDirLock.acquire(dir.path, 'again').release();
    } finally {
      dir.remove();
    }
  });

  it('takes over a stale lock left by a process that died', () => {
    const dir = tempDir('lode-lock-');
    try {
      const pid = deadPid();
      writeFileSync(join(dir.path, LOCK_FILE), JSON.stringify({ pid, purpose: 'lode serve', startedAt: '2020-01-01T00:00:00Z', host: hostname() }));
      const lock = DataDirLock.acquire(dir.path, 'lode import');
      expect(JSON.parse(readFileSync(join(dir.path, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
      lock.release();
    } finally {
      dir.remove();
    }
  });

  it('EventStore: a second writer is refused, a read-only open is not, and close frees the dir', async () => {
    const dir = tempDir('lode-lock-');
    const store = await openTestStore(dir.path);
    try {
      await expect(EventStore.open({ dataDir: dir.path })).rejects.toMatchObject({ code: 'LOCKED' });
      const reader = await EventStore.open({ dataDir: dir.path, readOnly: true });
      await expect(reader.put(sampleEvents()[0])).rejects.toMatchObject({ code: 'READ_ONLY' });
      await reader.close();
    } finally {
      await store.close();
    }
    const again = await openTestStore(dir.path);
    await again.close();
    dir.remove();
  });
});

describe('CLI next to a running writer', () => {
  const dir = tempDir('lode-lock-cli-');
  let store: EventStore;
  beforeAll(async () => {
    await lodeBundle();
    store = await openTestStore(join(dir.path, 'data'));
    await store.putMany(sampleEvents().slice(0, 40));
  });
  afterAll(async () => {
    await store?.close();
    dir.remove();
  });
  const data = () => ['--data-dir', join(dir.path, 'data')];

  it('refuses every write command with exit 3 naming the holder PID', async () => {
    const writes = [
      ['import', join(dir.path, 'none.jsonl')],
      ['gc'],
      ['compact'],
      ['verify', '--repair'],
      ['restore', join(dir.path, 'no-backup')],
    ];
    writeFileSync(join(dir.path, 'none.jsonl'), '');
    const results = await Promise.all(writes.map((w) => runLode([...w, ...data()])));
    for (const [i, r] of results.entries()) {
      if (writes[i][0] === 'restore') {
        // restore checks the backup first: a missing one is refused before the lock matters
        expect(r.code).toBe(4);
        continue;
      }
      expect(r.code, `${writes[i].join(' ')}: ${r.stderr}`).toBe(3);
      expect(r.stderr).toContain(`PID ${process.pid}`);
    }
  });

  it('a second `lode serve` on the same dir refuses and names the PID', async () => {
    const r = await runLode(['serve', ...data(), '--port', '0']);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain(`PID ${process.pid}`);
  });

  it('read commands (export, stats, verify, digest) work on the live data dir', async () => {
    const [exp, stats, verify, digest] = await Promise.all([
      runLode(['export', ...data()]),
      runLode(['stats', '--json', ...data()]),
      runLode(['verify', ...data()]),
      runLode(['digest', ...data()]),
    ]);
    const events = store.stats().events;
    expect(exp.code, exp.stderr).toBe(0);
    expect(exp.stdout.trim().split('\n')).toHaveLength(events);
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({ events, heldBy: { pid: process.pid } });
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stderr).toContain('clean');
    expect(digest.stdout.split(' ')[0]).toBe(String(events));
  });
});
