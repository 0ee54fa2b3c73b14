// `lode compact`: replace the LMDB file by a compacting copy (LMDB files never shrink on their own).
import { DataDirLock, compactStore } from '../../pkg/store/index.js';
import type { Command } from '../command.js';
import { ExitCode, exitCodeHelp } from '../exit-codes.js';
import { formatBytes, formatDuration } from '../progress.js';
import { configuredRun, openStore } from '../store-access.js';

const spec = { 'keep-old': { type: 'boolean' }, json: { type: 'boolean' } } as const;

export const compactCommand: Command = {
  name: 'compact',
  summary: 'Rewrite the LMDB file as a compacted copy (free pages dropped); needs the relay stopped.',
  usage: () =>
    [
      'Usage: lode compact [--keep-old] [--json] [--data-dir DIR]',
      '',
      'LMDB reuses freed pages but never shrinks its file. compact writes a compacting copy',
      '(lmdb env.backup with compaction) next to it, checks that it opens with the same event count,',
      'then swaps it in. The old file is removed, or kept as lmdb/data.mdb.pre-compact with --keep-old.',
      'Needs free disk for one more copy of the LMDB file. Holds the data-dir lock throughout.',
      '',
      exitCodeHelp,
    ].join('\n'),
  run: configuredRun(spec, undefined, async ({ options, config }, io) => {
    const started = Date.now();
    // Hold the lock ourselves across close → swap → reopen, so no relay can start in between.
    const lock = DataDirLock.acquire(config.dataDir, 'lode compact');
    try {
      const r = await compactStore(config.dataDir, () => openStore(config, 'write', 'compact', { lock: false }), {
        keepOld: Boolean(options['keep-old']),
      });
      const { lmdbBytesBefore: before, lmdbBytesAfter: after, events } = r;
      const ms = Date.now() - started;
      if (options.json) io.stdout.write(`${JSON.stringify({ lmdbBytesBefore: before, lmdbBytesAfter: after, events, durationMs: ms })}\n`);
      else {
        io.stderr.write(
          `compact: LMDB file ${formatBytes(before)} → ${formatBytes(after)} (${formatBytes(before - after)} freed), ${events.toLocaleString('en-US')} events, ${formatDuration(ms / 1000)}` +
            `${r.oldFile ? `; the old file is ${r.oldFile}` : ''}\n`,
        );
      }
      return ExitCode.ok;
    } finally {
      lock.release();
    }
  }),
};
