// `lode digest`: count and order-independent sha256 of all event ids, of the store or of a JSONL file.
// Two stores (or a store and an export) hold the same events exactly when their digests match.
import { existsSync } from 'node:fs';
import { digestLines, digestStore } from '../../pkg/store/index.js';
import type { Command } from '../command.js';
import { timeArg, UsageError } from '../cli-args.js';
import { ExitCode, exitCodeHelp } from '../exit-codes.js';
import { openLines } from '../line-source.js';
import { configuredRun, openStore } from '../store-access.js';

const spec = { file: { type: 'string' }, at: { type: 'string' }, json: { type: 'boolean' } } as const;

export const digestCommand: Command = {
  name: 'digest',
  summary: 'Print the event count and an order-independent sha256 of all ids (store, or --file JSONL).',
  usage: () =>
    [
      'Usage: lode digest [--file FILE|-] [--at T] [--json] [--data-dir DIR]',
      '',
      'sha256 over the 32-byte ids in ascending order, and their count. Events whose NIP-40 expiration',
      'has passed at T (default now) are left out on both sides: the relay neither serves nor imports them.',
      'Output: "<count> <sha256>" (or JSON with --json). Read-only: safe while the relay runs.',
      '',
      exitCodeHelp,
    ].join('\n'),
  run: configuredRun(spec, undefined, async (cmd, io) => {
    const { options } = cmd;
    const at = timeArg(options.at, 'at');
    let result: { count: number; sha256: string; at: number; skipped?: number };
    if (typeof options.file === 'string') {
      if (options.file !== '-' && !existsSync(options.file)) throw new UsageError(`no such file: ${options.file}`);
      result = await digestLines(openLines(options.file).lines, at);
    } else {
      const config = cmd.config;
      const store = await openStore(config, 'read', 'digest');
      try {
        result = await digestStore(store, at);
      } finally {
        await store.close();
      }
    }
    io.stdout.write(options.json ? `${JSON.stringify(result)}\n` : `${result.count} ${result.sha256}\n`);
    return ExitCode.ok;
  }),
};
