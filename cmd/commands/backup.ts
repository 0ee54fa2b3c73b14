// `lode backup DEST`: a consistent snapshot of the store while the relay keeps running.
import { resolve, relative, isAbsolute } from 'node:path';
import { backupStore } from '../../pkg/store/index.js';
import type { Command } from '../command.js';
import { UsageError } from '../cli-args.js';
import { ExitCode, exitCodeHelp } from '../exit-codes.js';
import { formatBytes, formatDuration, ProgressLine } from '../progress.js';
import { configuredRun, openStore } from '../store-access.js';

const spec = { json: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' } } as const;

export const backupCommand: Command = {
  name: 'backup',
  summary: 'Write a consistent backup (LMDB snapshot + value log + manifest) to DEST; safe while the relay runs.',
  usage: () =>
    [
      'Usage: lode backup DEST [--json] [--data-dir DIR]',
      '',
      'DEST must not exist or be empty. It receives lmdb/data.mdb (a point-in-time LMDB copy),',
      'vlog/*.vlog (exactly the value-log bytes that snapshot references) and manifest.json',
      '(event counts, settings, size and sha256 of every file). Files are mode 0600, dirs 0700.',
      'The backup is built in a hidden sibling dir and renamed into place when complete.',
      'Restore it with `lode restore DEST`.',
      '',
      exitCodeHelp,
    ].join('\n'),
  run: configuredRun(spec, 'backup needs a destination directory', async ({ options, positionals, config }, io) => {
    const dest = resolve(io.cwd, positionals[0]);
    const rel = relative(config.dataDir, dest);
    if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) throw new UsageError(`the backup destination ${dest} is inside the data dir ${config.dataDir}; choose a directory outside it`);
    // An encrypted store's LMDB file is copied under the writer, so it needs the data-dir lock
    // (the relay stopped); a running relay backs itself up through POST /admin/backup.
    const encrypted = Boolean((config.store as { encryptionKey?: string }).encryptionKey);
    const store = await openStore(config, encrypted ? 'write' : 'read', 'backup');
    const progress = new ProgressLine(io.stderr, 'backup', { unit: 'bytes', quiet: Boolean(options.quiet || options.json) });
    let result;
    try {
      result = await backupStore(store, dest, { onProgress: (p) => progress.update(p.done, p.total, `backup ${p.phase}`) });
    } finally {
      progress.finish();
      await store.close();
    }
    const m = result.manifest;
    if (options.json) {
      io.stdout.write(`${JSON.stringify({ path: result.path, size_bytes: result.sizeBytes, duration_ms: result.durationMs, events: m.events, attempts: result.attempts, files: m.files.length })}\n`);
    } else {
      io.stderr.write(
        `backup written to ${result.path}: ${m.events.toLocaleString('en-US')} events (${m.inlineEvents.toLocaleString('en-US')} inline, ${m.vlogEvents.toLocaleString('en-US')} in the value log), ` +
          `${formatBytes(result.sizeBytes)} in ${m.files.length + 1} files (LMDB ${formatBytes(m.lmdbBytes)}, value log ${formatBytes(m.vlogBytes)}), ` +
          `${formatDuration(result.durationMs / 1000)}${result.attempts > 1 ? `, ${result.attempts} snapshots (GC moved data meanwhile)` : ''}\n`,
      );
    }
    return ExitCode.ok;
  }),
};
