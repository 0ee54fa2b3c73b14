// `lode restore SRC`: check a backup against its manifest, copy it into the data dir, verify the result.
import { resolve } from 'node:path';
import { restoreBackup } from '../../pkg/store/index.js';
import type { Command } from '../command.js';
import { ExitCode, exitCodeHelp } from '../exit-codes.js';
import { formatBytes, formatDuration, ProgressLine } from '../progress.js';
import { configuredRun } from '../store-access.js';
import { describeReport } from './verify.js';

const spec = { force: { type: 'boolean' }, json: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' } } as const;

export const restoreCommand: Command = {
  name: 'restore',
  summary: 'Restore a backup into the data dir (checked before, verified after); needs the relay stopped.',
  usage: () =>
    [
      'Usage: lode restore SRC [--force] [--json] [--data-dir DIR]',
      '',
      'Checks every file of SRC against manifest.json (size and sha256) before touching the data dir,',
      'refuses a data dir that holds anything unless --force (which moves its contents to',
      'DIR.before-restore-<time>, never deletes them), copies the backup in under the data-dir lock,',
      'then runs verify on the restored store. Exit 1 when the restored store does not verify clean.',
      '',
      exitCodeHelp,
    ].join('\n'),
  run: configuredRun(spec, 'restore needs the backup directory', async ({ options, positionals, config }, io) => {
    const src = resolve(io.cwd, positionals[0]);
    const progress = new ProgressLine(io.stderr, 'restore', { unit: 'bytes', quiet: Boolean(options.quiet || options.json) });
    let result;
    try {
      result = await restoreBackup(src, config.dataDir, {
        force: Boolean(options.force),
        storeOptions: config.store,
        onProgress: (p) => progress.update(p.done, p.total, `restore ${p.phase}`),
      });
    } finally {
      progress.finish();
    }
    if (options.json) io.stdout.write(`${JSON.stringify({ ...result, manifest: undefined, events: result.manifest.events })}\n`);
    else {
      io.stderr.write(
        `restored ${result.manifest.events.toLocaleString('en-US')} events (${formatBytes(result.bytes)}) from ${src} into ${config.dataDir} in ${formatDuration(result.durationMs / 1000)}` +
          `${result.movedAside ? `; the previous contents are in ${result.movedAside}` : ''}\n`,
      );
      io.stderr.write(describeReport(result.verify));
    }
    return result.verify.ok ? ExitCode.ok : ExitCode.problems;
  }),
};
