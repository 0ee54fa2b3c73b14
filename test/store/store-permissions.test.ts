// Owner-only files: the data dir and its folders are 0700, every file in them 0600, backups too —
// even under umask 0, so the modes come from the code and not from a friendly umask.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupStore } from '../../pkg/store/maintenance/backup.js';
import { restoreBackup } from '../../pkg/store/index.js';
import { openTestStore, tempDir } from '../support/store-fixtures.js';
import { realEvent } from '../support/store-faults.js';

let dir: ReturnType<typeof tempDir>;
let umask: number;
beforeEach(() => {
  dir = tempDir('lode-perm-');
  umask = process.umask(0);
});
afterEach(() => {
  process.umask(umask);
  dir.remove();
});

/** Every path under `root` with its permission bits (root itself included). */
function modes(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (p: string, rel: string) => {
    const st = statSync(p);
    out[rel || '.'] = `${st.isDirectory() ? 'dir' : 'file'} ${(st.mode & 0o777).toString(8)}`;
    if (st.isDirectory()) for (const n of readdirSync(p)) walk(join(p, n), rel ? `${rel}/${n}` : n);
  };
  walk(root, '');
  return out;
}

const expectOwnerOnly = (m: Record<string, string>) => {
  for (const [path, mode] of Object.entries(m)) expect(`${path} ${mode}`).toBe(`${path} ${mode.startsWith('dir') ? 'dir 700' : 'file 600'}`);
};

describe('file modes', () => {
  it('a new data dir is 0700 with 0600 files (LMDB, value log, lock, encryption record)', async () => {
    const dataDir = join(dir.path, 'data');
    const store = await openTestStore(dataDir, { inlineThreshold: 100, encryptionKey: randomBytes(32) });
    await store.put(realEvent({ content: 'x'.repeat(500) }));
    const m = modes(dataDir);
    expect(Object.keys(m).sort()).toEqual(['.', 'LOCK', 'encryption.json', 'lmdb', 'lmdb/data.mdb', 'lmdb/lock.mdb', 'vlog', 'vlog/000001.vlog']);
    expectOwnerOnly(m);
    await store.close();
  });

  it('backups and restored data dirs are owner-only too', async () => {
    const dataDir = join(dir.path, 'data');
    const store = await openTestStore(dataDir, { inlineThreshold: 100 });
    await store.putMany([realEvent({ content: 'y'.repeat(500) }), realEvent()]);
    const backup = join(dir.path, 'backups', 'b1');
    await backupStore(store, backup);
    await store.close();
    const b = modes(join(dir.path, 'backups'));
    expect(Object.keys(b).sort()).toEqual(['.', 'b1', 'b1/lmdb', 'b1/lmdb/data.mdb', 'b1/manifest.json', 'b1/vlog', 'b1/vlog/000001.vlog']);
    expectOwnerOnly(b);

    const restored = join(dir.path, 'restored');
    await restoreBackup(backup, restored);
    const r = modes(restored);
    expect(r['lmdb/data.mdb']).toBe('file 600');
    expectOwnerOnly(r);
  });
});
