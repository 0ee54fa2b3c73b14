// restoreBackup bound to EventStore.open: maintenance/restore.ts copies and checks the files but
// never imports the facade, so the facade level lends it the opener for the closing verify.
import { EventStore } from './event-store.js';
import { restoreBackupWith, type RestoreOptions, type RestoreResult } from './maintenance/restore.js';

/** Restore the backup in `src` into `dataDir` (empty, or moved aside with `force`), then verify it. */
export function restoreBackup(src: string, dataDir: string, o: RestoreOptions = {}): Promise<RestoreResult> {
  return restoreBackupWith((opts) => EventStore.open(opts), src, dataDir, o);
}
