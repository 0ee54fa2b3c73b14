// Restore a backup made by backup.ts: check every file against the manifest first, refuse a data
// dir that holds anything unless forced (and then move its contents aside, never delete them),
// copy under the data-dir lock, and verify the restored store before calling it done.
import * as fs from 'node:fs';
import { dirname, join } from 'node:path';
import { StoreError } from '../base/errors.js';
import { DataDirLock, LOCK_FILE } from '../base/dir-lock.js';
import { BACKUP_FORMAT, MANIFEST_FILE, type BackupManifest } from './backup.js';
import { copyFilePrefix, hashFile } from './backup-files.js';
import { fsyncPath } from '../base/fsync-path.js';
import type { StoreOptions } from '../base/types.js';
import { verifyStore, type VerifyReport, type VerifyTarget } from './verify.js';

/** The only paths a backup may hold: a manifest cannot name a file outside the data dir. */
const BACKUP_PATH = /^(lmdb\/data\.mdb|vlog\/\d{6,}\.vlog|encryption\.json)$/;
const LOCK_ENTRIES = [LOCK_FILE, `${LOCK_FILE}.takeover`];

export interface BackupCheck {
  manifest: BackupManifest;
  /** Empty when every file is present with its recorded size and sha256. */
  problems: string[];
}

export interface RestoreProgress {
  phase: 'check' | 'copy' | 'verify';
  done: number;
  total: number;
}

/** Read the manifest and check every file it lists. Throws BACKUP_INVALID when there is no usable manifest. */
export async function checkBackup(src: string, onProgress?: (p: RestoreProgress) => void): Promise<BackupCheck> {
  const manifest = readManifest(src);
  const problems: string[] = [];
  const total = manifest.files.reduce((a, f) => a + f.bytes, 0);
  let done = 0;
  for (const f of manifest.files) {
    const file = join(src, f.path);
    let got;
    try {
      got = await hashFile(file, (n) => onProgress?.({ phase: 'check', done: (done += n), total }));
    } catch (err) {
      problems.push(`${f.path}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      continue;
    }
    if (got.bytes !== f.bytes) problems.push(`${f.path}: ${got.bytes} bytes, manifest says ${f.bytes}`);
    else if (got.sha256 !== f.sha256) problems.push(`${f.path}: sha256 ${got.sha256} does not match the manifest (${f.sha256})`);
  }
  return { manifest, problems };
}

export function readManifest(src: string): BackupManifest {
  const file = join(src, MANIFEST_FILE);
  let m: BackupManifest;
  try {
    m = JSON.parse(fs.readFileSync(file, 'utf8')) as BackupManifest;
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (err as Error).message;
    throw new StoreError('BACKUP_INVALID', `${src} is not a lode backup: cannot read ${MANIFEST_FILE} (${why})`, { cause: err });
  }
  if (m?.format !== BACKUP_FORMAT || m.version !== 1 || !Array.isArray(m.files)) {
    throw new StoreError('BACKUP_INVALID', `${file} is not a lode backup manifest (format ${JSON.stringify(m?.format)}, version ${JSON.stringify(m?.version)})`);
  }
  const bad = m.files.find((f) => typeof f?.path !== 'string' || !BACKUP_PATH.test(f.path) || !Number.isSafeInteger(f.bytes) || typeof f.sha256 !== 'string');
  if (bad) throw new StoreError('BACKUP_INVALID', `${file} lists a file lode does not write: ${JSON.stringify(bad)}`);
  if (!m.files.some((f) => f.path === 'lmdb/data.mdb')) throw new StoreError('BACKUP_INVALID', `${file} lists no lmdb/data.mdb`);
  return m;
}

export interface RestoreOptions {
  /** Restore into a data dir that holds something: its contents are moved to a sibling dir first. */
  force?: boolean;
  /** Store settings to verify with (mapSize etc.); the data dir comes from the argument. */
  storeOptions?: Partial<StoreOptions>;
  onProgress?: (p: RestoreProgress) => void;
}

/** Opens the restored data dir for the closing verify (EventStore.open; see store-restore.ts). */
export type OpenForVerify = (o: Partial<StoreOptions> & { dataDir: string; lock: false }) => Promise<VerifyTarget & { close(): Promise<void> }>;

export interface RestoreResult {
  manifest: BackupManifest;
  /** Where the data dir's previous contents went (with force). */
  movedAside?: string;
  bytes: number;
  verify: VerifyReport;
  durationMs: number;
}

export async function restoreBackupWith(open: OpenForVerify, src: string, dataDir: string, o: RestoreOptions = {}): Promise<RestoreResult> {
  const started = Date.now();
  // Check before touching anything: a bad backup must not cost the current data dir.
  const { manifest, problems } = await checkBackup(src, o.onProgress);
  if (problems.length) {
    throw new StoreError('BACKUP_INVALID', `backup ${src} failed its checks, nothing was restored:\n  ${problems.join('\n  ')}`);
  }
  const existing = fs.existsSync(dataDir) ? fs.readdirSync(dataDir).filter((n) => !LOCK_ENTRIES.includes(n)) : [];
  if (existing.length && !o.force) {
    throw new StoreError('NOT_EMPTY', `the data dir ${dataDir} is not empty (${existing.slice(0, 5).join(', ')}); restore into an empty dir, or pass --force to move its contents aside first`);
  }
  const lock = DataDirLock.acquire(dataDir, 'restore');
  try {
    let movedAside: string | undefined;
    if (existing.length) {
      movedAside = `${dataDir}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      fs.mkdirSync(movedAside, { mode: 0o700 });
      for (const name of existing) fs.renameSync(join(dataDir, name), join(movedAside, name));
    }
    const total = manifest.files.reduce((a, f) => a + f.bytes, 0);
    let done = 0;
    for (const f of manifest.files) {
      const to = join(dataDir, f.path);
      fs.mkdirSync(dirname(to), { recursive: true, mode: 0o700 });
      const c = await copyFilePrefix(join(src, f.path), to);
      if (c.sha256 !== f.sha256) throw new StoreError('BACKUP_INVALID', `${f.path} changed while it was being restored (sha256 ${c.sha256}); restore again`);
      done += c.bytes;
      o.onProgress?.({ phase: 'copy', done, total });
    }
    for (const d of [join(dataDir, 'lmdb'), join(dataDir, 'vlog'), dataDir]) if (fs.existsSync(d)) await fsyncPath(d);
    const store = await open({ ...o.storeOptions, dataDir, lock: false, gcInterval: 0, expirationSweepInterval: 0 });
    let verify: VerifyReport;
    try {
      verify = await verifyStore(store, { onProgress: (p) => o.onProgress?.({ phase: 'verify', done: p.done, total: p.total }) });
    } finally {
      await store.close();
    }
    return { manifest, movedAside, bytes: total, verify, durationMs: Date.now() - started };
  } finally {
    lock.release();
  }
}
