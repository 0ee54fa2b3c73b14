// The data-dir lock: one writing process per store directory. LMDB would let two processes write
// the same environment, but the value log, the counters and the serial sequence live in the
// writer's memory, so a second writer would corrupt the store. Readers (export, stats, verify)
// take no lock: LMDB readers are safe across processes.
//
// The lock is a file `LOCK` created with O_EXCL holding the owner's pid, purpose and start time.
// A lock whose process is gone (crash, kill -9) is stale and taken over. On Linux the owner's
// process start time is recorded too, so a pid reused by an unrelated process is not mistaken
// for the owner.
import * as fs from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { StoreError } from './errors.js';

export const LOCK_FILE = 'LOCK';
const TAKEOVER_FILE = 'LOCK.takeover';
/** A takeover marker older than this is left over from a crashed takeover. */
const TAKEOVER_STALE_MS = 10_000;

export interface LockInfo {
  pid: number;
  purpose: string;
  /** ISO time the lock was taken. */
  startedAt: string;
  host: string;
  /** Kernel start time of the owning process (Linux /proc/<pid>/stat field 22), when known. */
  procStart?: string;
}

/** Start time of a process as the kernel reports it, or undefined off Linux / when gone. */
function procStartOf(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) may hold spaces and parentheses; the fields after the last ')' are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19]; // field 22 overall
  } catch {
    return undefined;
  }
}

function isAlive(info: LockInfo): boolean {
  if (info.host !== hostname()) return true; // cannot tell for another machine: assume it runs
  try {
    process.kill(info.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (info.procStart !== undefined) {
    const now = procStartOf(info.pid);
    if (now !== undefined && now !== info.procStart) return false; // pid reused by another process
  }
  return true;
}

/** The current lock holder of `dataDir`, if a live process holds it. */
export function lockHolder(dataDir: string): LockInfo | undefined {
  const info = readLock(join(dataDir, LOCK_FILE));
  return info && isAlive(info) ? info : undefined;
}

function readLock(file: string): LockInfo | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const v = JSON.parse(text) as LockInfo;
    return Number.isSafeInteger(v.pid) ? v : undefined;
  } catch {
    return undefined; // torn write from a crash while locking: stale
  }
}

export function describeHolder(info: LockInfo): string {
  return `PID ${info.pid} (${info.purpose}, since ${info.startedAt}${info.host !== hostname() ? ` on ${info.host}` : ''})`;
}

export class DataDirLock {
  private released = false;

  private constructor(
    readonly dataDir: string,
    readonly info: LockInfo,
  ) {}

  /** Take the lock or throw StoreError LOCKED naming the holder. Creates the dir (0700) if missing. */
  static acquire(dataDir: string, purpose: string): DataDirLock {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const file = join(dataDir, LOCK_FILE);
    const info: LockInfo = {
      pid: process.pid,
      purpose,
      startedAt: new Date().toISOString(),
      host: hostname(),
      procStart: procStartOf(process.pid),
    };
    for (let attempt = 0; attempt < 3; attempt++) {
      if (tryCreate(file, info)) return new DataDirLock(dataDir, info);
      const holder = readLock(file);
      if (holder && isAlive(holder)) {
        throw new StoreError(
          'LOCKED',
          `the data dir ${dataDir} is in use by ${describeHolder(holder)}; stop that process first (or use a read-only command)`,
        );
      }
      takeOverStale(dataDir, file);
    }
    throw new StoreError('LOCKED', `could not lock the data dir ${dataDir}: another process keeps taking the lock`);
  }

  /** Remove the lock file if it is still ours. Safe to call twice. */
  release(): void {
    if (this.released) return;
    this.released = true;
    const file = join(this.dataDir, LOCK_FILE);
    const current = readLock(file);
    if (current && current.pid === this.info.pid && current.startedAt === this.info.startedAt) {
      try {
        fs.unlinkSync(file);
      } catch {
        // already gone: nothing to release
      }
    }
  }
}

function tryCreate(file: string, info: LockInfo): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new StoreError('LOCKED', `cannot create the lock file ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    fs.writeSync(fd, `${JSON.stringify(info)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/**
 * Remove a stale lock. A second O_EXCL file serialises takeovers, so two processes that both
 * saw the same stale lock cannot both remove it and each believe it won.
 */
function takeOverStale(dataDir: string, file: string): void {
  const marker = join(dataDir, TAKEOVER_FILE);
  let fd: number;
  try {
    fd = fs.openSync(marker, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    try {
      if (Date.now() - fs.statSync(marker).mtimeMs > TAKEOVER_STALE_MS) fs.unlinkSync(marker);
    } catch {
      // raced with its owner removing it
    }
    return; // someone else is taking over; the caller retries
  }
  fs.closeSync(fd);
  try {
    const holder = readLock(file);
    if (!holder || !isAlive(holder)) {
      try {
        fs.unlinkSync(file);
      } catch {
        // already removed
      }
    }
  } finally {
    fs.unlinkSync(marker);
  }
}
