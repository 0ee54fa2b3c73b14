// `lode compact`: replace the LMDB file by a compacting copy (LMDB files never shrink on their own).
import * as fs from 'node:fs';
import { join } from 'node:path';
import { DataDirLock } from '../../pkg/store/dir-lock.js';
import { StoreError } from '../../pkg/store/errors.js';
import type { Command } from '../command.js';
import { parseCommandArgs } from '../cli-args.js';
import { ExitCode, exitCodeHelp } from '../exit-codes.js';
import { formatBytes, formatDuration } from '../progress.js';
import { guarded, loadCommandConfig, openStore } from '../store-access.js';

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
  run: (args, io) =>
    guarded(io, async () => {
      const { options, configArgv } = parseCommandArgs(args, spec, 0);
      const config = loadCommandConfig(configArgv, io);
      const started = Date.now();
      // Hold the lock ourselves across close → swap → reopen, so no relay can start in between.
      const lock = DataDirLock.acquire(config.dataDir, 'lode compact');
      const lmdbDir = join(config.dataDir, 'lmdb');
      const live = join(lmdbDir, 'data.mdb');
      const old = join(lmdbDir, 'data.mdb.pre-compact');
      const tmp = join(lmdbDir, `compact-${process.pid}`);
      try {
        let store = await openStore(config, 'write', 'compact', { lock: false });
        const before = store.lmdbFileBytes();
        const events = store.stats().events;
        fs.rmSync(tmp, { recursive: true, force: true });
        fs.mkdirSync(tmp, { mode: 0o700 });
        try {
          await store.db.env.backup(tmp, true);
        } finally {
          await store.close();
        }
        fs.chmodSync(join(tmp, 'data.mdb'), 0o600);
        fs.renameSync(live, old);
        fs.renameSync(join(tmp, 'data.mdb'), live);
        fs.rmSync(tmp, { recursive: true, force: true });
        let after: number;
        try {
          store = await openStore(config, 'write', 'compact', { lock: false });
          const count = store.stats().events;
          after = store.lmdbFileBytes();
          await store.close();
          if (count !== events) throw new StoreError('CORRUPT', `the compacted copy holds ${count} events, the original ${events}`);
        } catch (err) {
          fs.renameSync(old, live); // put the original back
          throw err;
        }
        if (!options['keep-old']) fs.rmSync(old, { force: true });
        const ms = Date.now() - started;
        if (options.json) io.stdout.write(`${JSON.stringify({ lmdbBytesBefore: before, lmdbBytesAfter: after, events, durationMs: ms })}\n`);
        else {
          io.stderr.write(
            `compact: LMDB file ${formatBytes(before)} → ${formatBytes(after)} (${formatBytes(before - after)} freed), ${events.toLocaleString('en-US')} events, ${formatDuration(ms / 1000)}` +
              `${options['keep-old'] ? `; the old file is ${old}` : ''}\n`,
          );
        }
        return ExitCode.ok;
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
        lock.release();
      }
    }),
};
