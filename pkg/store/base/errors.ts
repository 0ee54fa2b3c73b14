// The one error type of the store layer. Callers branch on `code`, never on the message.

export type StoreErrorCode =
  /** A value-log entry failed its magic, length, serial or CRC check. */
  | 'VLOG_CORRUPT'
  /** A value-log read or write failed at the operating-system level. */
  | 'VLOG_IO'
  /** A pointer names a value-log segment that no longer exists (rewritten by GC). */
  | 'VLOG_MISSING'
  /** The store (or one of its parts) was used after close(). */
  | 'CLOSED'
  /** An option or argument is out of range. */
  | 'BAD_OPTIONS'
  /** Another process holds the data directory. */
  | 'LOCKED'
  /** A write was attempted on a store (or value log) opened read-only. */
  | 'READ_ONLY'
  /** The LMDB map is full; raise mapSize. */
  | 'MAP_FULL'
  /** The disk (or quota) is full: ENOSPC/EDQUOT on a write. Writes resume once space is freed. */
  | 'DISK_FULL'
  /** The encryption key is wrong, missing, or given for a store created without encryption. */
  | 'BAD_KEY'
  /** Stored data failed a consistency check (bad record, unknown codec flag, …). */
  | 'CORRUPT'
  /** A destination (data dir, backup dir) already holds data and was not to be overwritten. */
  | 'NOT_EMPTY'
  /** A backup is incomplete or does not match its manifest (missing file, size or checksum). */
  | 'BACKUP_INVALID'
  /** The data moved under a long operation too often (e.g. GC during a backup); run it again. */
  | 'BUSY'
  /** The operation was cancelled through its AbortSignal. */
  | 'ABORTED'
  /** A write batch was not written because the batch before it failed; nothing of it is stored, retry. */
  | 'WRITE_ABORTED';

export class StoreError extends Error {
  constructor(
    public readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/** A failed LMDB write transaction as a StoreError: full map, full disk, or else CORRUPT. */
export function wrapLmdbError(e: unknown): unknown {
  if (e instanceof StoreError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  const errno = (e as NodeJS.ErrnoException)?.code;
  if (/MDB_MAP_FULL/.test(msg)) return new StoreError('MAP_FULL', `the LMDB map is full: raise mapSize (${msg})`, { cause: e });
  if (errno === 'ENOSPC' || errno === 'EDQUOT' || /ENOSPC|No space left/.test(msg)) {
    return new StoreError('DISK_FULL', `the disk holding the LMDB file is full (${msg}); free space and writes resume`, { cause: e });
  }
  return new StoreError('CORRUPT', `write transaction failed: ${msg}`, { cause: e });
}
