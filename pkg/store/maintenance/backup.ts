// Consistent backups of a store that may be serving: an LMDB snapshot plus exactly the value-log
// bytes that snapshot points at, with a manifest of counts, settings and checksums.
//
// Why this order is safe: lmdb's env.backup copies the environment under one read transaction,
// a point-in-time snapshot T. Value-log bytes are flushed before the commit that points at them,
// and segments are append-only (GC copies live entries elsewhere, commits the repointing, and
// only then deletes the old file). So every pointer in snapshot T names bytes that existed at T
// and never change while their file exists. After the snapshot we scan it for the highest
// referenced byte of each segment and copy each segment up to there — nothing else is needed.
//
// The one hazard is GC deleting a segment after T and before we copy it. In the relay's own
// process (admin API) GC is held off for the whole backup. From another process (the CLI next
// to a running relay) we cannot hold it, so a vanished or short segment makes us take a new
// snapshot and try again (GC passes are minutes apart, so a retry succeeds).
import * as fs from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { StoreParts } from './store-parts.js';
import { StoreError } from '../base/errors.js';
import { openDatabases } from '../base/schema.js';
import { RecordView } from '../layout/record.js';
import { segmentFileName } from '../vlog/value-log.js';
import { ENTRY_HEADER_BYTES } from '../vlog/vlog-entry.js';
import { writeSettingsOf, type WriteSettings } from '../base/options.js';
import { COUNTERS_KEY, type CountersData } from '../write/store-counters.js';
import { copyFilePrefix, hashFile, isEmptyDir } from './backup-files.js';
import { fsyncPath } from '../base/fsync-path.js';
import { ENCRYPTION_FILE } from '../codec/store-encryption.js';

/** The parts of a store this pass uses. */
export type BackupSource = Pick<StoreParts, 'db' | 'vlog' | 'writer' | 'keys' | 'options' | 'readOnly' | 'holdingGc'>;

export const MANIFEST_FILE = 'manifest.json';
export const BACKUP_FORMAT = 'lode-backup';
const MAX_ATTEMPTS = 4;

export interface BackupFileEntry {
  /** Path relative to the backup directory, with forward slashes. */
  path: string;
  bytes: number;
  sha256: string;
}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  version: 1;
  createdAt: string;
  sourceDataDir: string;
  /** Records in the snapshot (expired-but-unswept events included). */
  events: number;
  eventsByKind: Record<string, number>;
  inlineEvents: number;
  vlogEvents: number;
  lmdbBytes: number;
  vlogBytes: number;
  totalBytes: number;
  settings: { inForce: WriteSettings; recorded: WriteSettings[] };
  files: BackupFileEntry[];
}

export interface BackupProgress {
  phase: 'lmdb' | 'scan' | 'vlog' | 'checksum';
  done: number;
  total: number;
}

export interface BackupOptions {
  onProgress?: (p: BackupProgress) => void;
}

export interface BackupResult {
  path: string;
  manifest: BackupManifest;
  /** Bytes of every file in the backup, manifest included. */
  sizeBytes: number;
  durationMs: number;
  /** Snapshots taken (more than 1 when a GC in another process moved data meanwhile). */
  attempts: number;
}

/** What the snapshot scan found: records and, per segment, the end of the last referenced entry. */
interface SnapshotScan {
  events: number;
  eventsByKind: Record<string, number>;
  inlineEvents: number;
  vlogEvents: number;
  segmentEnds: Map<number, number>;
  counters?: CountersData;
}

/**
 * Write a backup of `store` into `dest` (which must not exist, or be an empty directory).
 * The backup is assembled in a sibling temp dir and renamed into place, so `dest` either holds a
 * complete backup or nothing.
 */
export async function backupStore(store: BackupSource, dest: string, o: BackupOptions = {}): Promise<BackupResult> {
  if (!isEmptyDir(dest)) throw new StoreError('NOT_EMPTY', `backup destination ${dest} exists and is not empty; choose a new directory`);
  const run = () => writeBackup(store, dest, o);
  return store.readOnly ? run() : store.holdingGc(run);
}

async function writeBackup(store: BackupSource, dest: string, o: BackupOptions): Promise<BackupResult> {
  const started = Date.now();
  fs.mkdirSync(dirname(dest), { recursive: true, mode: 0o700 });
  const tmp = join(dirname(dest), `.${basename(dest)}.partial-${process.pid}-${Date.now()}`);
  try {
    for (let attempt = 1; ; attempt++) {
      fs.rmSync(tmp, { recursive: true, force: true });
      fs.mkdirSync(join(tmp, 'lmdb'), { recursive: true, mode: 0o700 });
      fs.mkdirSync(join(tmp, 'vlog'), { mode: 0o700 });
      o.onProgress?.({ phase: 'lmdb', done: 0, total: 1 });
      await snapshotLmdb(store, join(tmp, 'lmdb'));
      o.onProgress?.({ phase: 'lmdb', done: 1, total: 1 });
      const scan = await scanSnapshot(tmp, store, o);
      const copied = await copySegments(store.vlog.dir, join(tmp, 'vlog'), scan.segmentEnds, o);
      if (!copied) {
        if (attempt >= MAX_ATTEMPTS) {
          throw new StoreError(
            'BUSY',
            `value-log GC kept moving data while the backup copied it (${attempt} snapshots); run the backup again, or through the relay's admin API which holds GC off`,
          );
        }
        continue;
      }
      const manifest = await finish(tmp, store, scan, copied, o);
      if (fs.existsSync(dest)) fs.rmdirSync(dest); // empty, checked above
      fs.renameSync(tmp, dest);
      await fsyncPath(dirname(dest));
      const sizeBytes = manifest.totalBytes + fs.statSync(join(dest, MANIFEST_FILE)).size;
      return { path: dest, manifest, sizeBytes, durationMs: Date.now() - started, attempts: attempt };
    }
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/**
 * The LMDB snapshot. lmdb-js's env.backup is broken for encrypted environments (3.5: it writes
 * decrypted pages under the encrypted flag, or fails with EFAULT), so an encrypted store is copied
 * byte for byte — pages stay encrypted — while the writer is held (no transaction can run, so the
 * file is one committed state). That pauses writes for the copy, and needs the writing process.
 */
async function snapshotLmdb(store: BackupSource, destDir: string): Promise<void> {
  if (!store.keys) {
    await store.db.env.backup(destDir, false);
    return;
  }
  if (store.readOnly) {
    throw new StoreError(
      'BAD_OPTIONS',
      'an encrypted store is backed up by the process that writes it: use the relay admin API while it runs, or stop the relay and back up with the data-dir lock',
    );
  }
  const src = join(store.options.dataDir, 'lmdb', 'data.mdb');
  await store.writer.exclusive(() => copyFilePrefix(src, join(destDir, 'data.mdb')));
}

async function scanSnapshot(tmp: string, store: BackupSource, o: BackupOptions): Promise<SnapshotScan> {
  const snap = openDatabases(tmp, { mapSize: store.options.mapSize, syncWrites: false, readOnly: true, encryptionKey: store.keys?.lmdbKey });
  try {
    const scan: SnapshotScan = { events: 0, eventsByKind: {}, inlineEvents: 0, vlogEvents: 0, segmentEnds: new Map() };
    const total = snap.events.getCount();
    for (const { key, value } of snap.events.getRange({})) {
      const r = new RecordView(value);
      scan.events++;
      scan.eventsByKind[r.kind] = (scan.eventsByKind[r.kind] ?? 0) + 1;
      if (r.inline) scan.inlineEvents++;
      else {
        scan.vlogEvents++;
        const p = r.pointer();
        const end = p.offset + ENTRY_HEADER_BYTES + p.length;
        if (end > (scan.segmentEnds.get(p.segment) ?? 0)) scan.segmentEnds.set(p.segment, end);
      }
      if (scan.events % 20_000 === 0) {
        o.onProgress?.({ phase: 'scan', done: scan.events, total });
        await new Promise((r) => setImmediate(r));
      }
      void key;
    }
    o.onProgress?.({ phase: 'scan', done: scan.events, total });
    scan.counters = snap.meta.get(COUNTERS_KEY) as CountersData | undefined;
    return scan;
  } finally {
    await snap.env.close();
    fs.rmSync(join(tmp, 'lmdb', 'lock.mdb'), { force: true }); // the reader table, not data
  }
}

/** Copy each referenced segment up to its last referenced byte; undefined when one has vanished or shrunk. */
async function copySegments(
  srcDir: string,
  destDir: string,
  ends: Map<number, number>,
  o: BackupOptions,
): Promise<BackupFileEntry[] | undefined> {
  const total = [...ends.values()].reduce((a, b) => a + b, 0);
  let done = 0;
  const files: BackupFileEntry[] = [];
  for (const [segment, end] of [...ends].sort((a, b) => a[0] - b[0])) {
    const name = segmentFileName(segment);
    let c;
    try {
      c = await copyFilePrefix(join(srcDir, name), join(destDir, name), end);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // GC removed it after the snapshot
      throw new StoreError('VLOG_IO', `cannot copy value-log segment ${name}: ${(err as Error).message}`, { cause: err });
    }
    if (c.short) return undefined;
    files.push({ path: `vlog/${name}`, bytes: c.bytes, sha256: c.sha256 });
    done += end;
    o.onProgress?.({ phase: 'vlog', done, total });
  }
  return files;
}

async function finish(tmp: string, store: BackupSource, scan: SnapshotScan, vlogFiles: BackupFileEntry[], o: BackupOptions): Promise<BackupManifest> {
  const lmdbFile = join(tmp, 'lmdb', 'data.mdb');
  fs.chmodSync(lmdbFile, 0o600);
  await fsyncPath(lmdbFile);
  const size = fs.statSync(lmdbFile).size;
  let hashed = 0;
  const lmdb = await hashFile(lmdbFile, (n) => {
    hashed += n;
    o.onProgress?.({ phase: 'checksum', done: hashed, total: size });
  });
  const files: BackupFileEntry[] = [{ path: 'lmdb/data.mdb', ...lmdb }, ...vlogFiles];
  // An encrypted store's key check travels with it (never the key itself).
  const encryption = join(store.options.dataDir, ENCRYPTION_FILE);
  if (fs.existsSync(encryption)) {
    const c = await copyFilePrefix(encryption, join(tmp, ENCRYPTION_FILE));
    files.push({ path: ENCRYPTION_FILE, bytes: c.bytes, sha256: c.sha256 });
  }
  const vlogBytes = vlogFiles.reduce((a, f) => a + f.bytes, 0);
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    version: 1,
    createdAt: new Date().toISOString(),
    sourceDataDir: store.options.dataDir,
    events: scan.events,
    eventsByKind: scan.eventsByKind,
    inlineEvents: scan.inlineEvents,
    vlogEvents: scan.vlogEvents,
    lmdbBytes: lmdb.bytes,
    vlogBytes,
    totalBytes: lmdb.bytes + vlogBytes,
    settings: {
      inForce: writeSettingsOf(store.options),
      recorded: Object.values(scan.counters?.settings ?? {}).map((r) => r.settings),
    },
    files,
  };
  const manifestFile = join(tmp, MANIFEST_FILE);
  fs.writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  await fsyncPath(manifestFile);
  for (const d of [join(tmp, 'lmdb'), join(tmp, 'vlog'), tmp]) await fsyncPath(d);
  return manifest;
}
