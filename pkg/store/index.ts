// The store package's public surface: what the relay (src/) and the CLI (cmd/) may use. The
// sub-packages under it (base, codec, vlog, layout, query, cache, write, maintenance) are internal;
// docs/ARCHITECTURE.md says what each holds.
export type {
  CacheStats,
  CompressionCodec,
  EventMeta,
  EventStoreApi,
  GcResult,
  ImportSummary,
  PutResult,
  PutStatus,
  QueryOptions,
  StoreOptions,
  StoreStats,
} from './base/types.js';
export { StoreError, type StoreErrorCode } from './base/errors.js';
export { defaultStoreOptions, resolveStoreOptions } from './base/options.js';
export { DataDirLock, describeHolder, lockHolder, type LockInfo } from './base/dir-lock.js';
export { EventStore, type OpenModes, type UnreadableEvent } from './event-store.js';
export { backupStore, type BackupManifest, type BackupOptions, type BackupProgress, type BackupResult } from './maintenance/backup.js';
export { checkBackup, type BackupCheck, type RestoreOptions, type RestoreProgress, type RestoreResult } from './maintenance/restore.js';
export { restoreBackup } from './store-restore.js';
export { verifyStore, type VerifyOptions, type VerifyProblem, type VerifyProgress, type VerifyReport } from './maintenance/verify.js';
export { rebuildIndexes, type RepairOptions, type RepairReport } from './maintenance/index-rebuild.js';
export { compactStore, type CompactResult } from './maintenance/compact.js';
export { digestLines, digestStore, type IdDigest } from './maintenance/store-digest.js';
export { exportLines, type ExportOptions } from './maintenance/jsonl-export.js';
export { importLines, type AsyncSignatureVerifier, type ImportOptions } from './maintenance/jsonl-import.js';
