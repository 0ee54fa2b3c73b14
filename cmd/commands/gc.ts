// `lode gc`: one value-log GC pass now; reports the bytes reclaimed.
import type { Command } from '../command.js';
import { ExitCode, exitCodeHelp } from '../exit-codes.js';
import { formatBytes, formatDuration } from '../progress.js';
import { configuredRun, openStore } from '../store-access.js';

const spec = { json: { type: 'boolean' } } as const;

export const gcCommand: Command = {
  name: 'gc',
  summary: 'Run value-log GC now and report the bytes reclaimed; needs the relay stopped (use POST /admin/gc on a live relay).',
  usage: () =>
    [
      'Usage: lode gc [--gc-discard-ratio R] [--json] [--data-dir DIR]',
      '',
      'Rewrites every sealed value-log segment whose stale share is at least the discard ratio',
      '(gcDiscardRatio, default 0.5), moving its live entries to the newest segment, then deletes it.',
      'A running relay does this on its own timer (gcInterval); POST /admin/gc runs a pass there.',
      '',
      exitCodeHelp,
    ].join('\n'),
  run: configuredRun(spec, undefined, async ({ options, config }, io) => {
    const store = await openStore(config, 'write', 'gc');
    try {
      const before = store.vlog.totalBytes();
      const r = await store.gc();
      const after = store.vlog.totalBytes();
      if (options.json) io.stdout.write(`${JSON.stringify({ ...r, vlogBytesBefore: before, vlogBytesAfter: after })}\n`);
      else {
        io.stderr.write(
          `gc: rewrote ${r.segmentsRewritten} segment(s), moved ${r.entriesMoved.toLocaleString('en-US')} live entries, reclaimed ${formatBytes(r.bytesReclaimed)} ` +
            `(value log ${formatBytes(before)} → ${formatBytes(after)}) in ${formatDuration(r.durationMs / 1000)}\n`,
        );
      }
      return ExitCode.ok;
    } finally {
      await store.close();
    }
  }),
};
