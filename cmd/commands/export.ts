// `lode export`: the store (or a filtered part) as JSONL, newest first. Read-only: safe next to a running relay.
import * as fs from 'node:fs';
import { once } from 'node:events';
import { exportLines } from '../../pkg/store/index.js';
import type { Command } from '../command.js';
import { hexList, intList, timeArg } from '../cli-args.js';
import { ExitCode, exitCodeHelp } from '../exit-codes.js';
import { formatBytes, formatDuration, ProgressLine } from '../progress.js';
import { configuredRun, openStore } from '../store-access.js';

const spec = {
  since: { type: 'string' },
  until: { type: 'string' },
  kinds: { type: 'string' },
  authors: { type: 'string' },
  output: { type: 'string', short: 'o' },
  force: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
} as const;

export const exportCommand: Command = {
  name: 'export',
  summary: 'Write events as JSONL (stdout or -o FILE); safe while the relay runs.',
  usage: () =>
    [
      'Usage: lode export [--since T] [--until T] [--kinds 1,7] [--authors HEX,HEX] [-o FILE [--force]] [--data-dir DIR]',
      '',
      'One event JSON per line, newest first, the format strfry and ORLY exports use and `lode import` reads.',
      'T is a unix time in seconds or an ISO date; --since and --until are inclusive.',
      '-o writes FILE (mode 0600) through FILE.partial, renamed when complete; an existing FILE needs --force.',
      'Progress and the summary go to stderr. Reads a snapshot-safe view: the relay may keep running.',
      '',
      exitCodeHelp,
    ].join('\n'),
  run: configuredRun(spec, undefined, async (cmd, io) => {
    const { options } = cmd;
    const filters = {
      since: timeArg(options.since, 'since'),
      until: timeArg(options.until, 'until'),
      kinds: intList(options.kinds, 'kinds'),
      authors: hexList(options.authors, 'authors'),
    };
    const config = cmd.config;
    const file = typeof options.output === 'string' && options.output !== '-' ? options.output : undefined;
    if (file && fs.existsSync(file) && !options.force) {
      io.stderr.write(`lode: ${file} exists; pass --force to replace it\n`);
      return ExitCode.refused;
    }
    const store = await openStore(config, 'read', 'export');
    const started = Date.now();
    const partial = file ? `${file}.partial` : undefined;
    const out = partial ? fs.createWriteStream(partial, { mode: 0o600 }) : io.stdout;
    const unfiltered = Object.values(filters).every((v) => v === undefined);
    const total = unfiltered ? store.stats().events : undefined;
    const progress = new ProgressLine(io.stderr, 'export', { unit: 'events', quiet: Boolean(options.quiet) });
    let count = 0;
    let bytes = 0;
    try {
      for await (const line of exportLines(store, { ...filters, progressEvery: 1000, onProgress: (n) => progress.update(n, total) })) {
        count++;
        bytes += Buffer.byteLength(line) + 1;
        if (!out.write(`${line}\n`)) await once(out, 'drain');
      }
      if (partial) {
        const ws = out as fs.WriteStream;
        await new Promise<void>((resolve, reject) => ws.end((err?: Error | null) => (err ? reject(err) : resolve())));
        fs.renameSync(partial, file!);
      }
    } catch (err) {
      if (partial) fs.rmSync(partial, { force: true });
      throw err;
    } finally {
      progress.finish();
      await store.close();
    }
    const secs = (Date.now() - started) / 1000;
    io.stderr.write(
      `exported ${count.toLocaleString('en-US')} events (${formatBytes(bytes)}) in ${formatDuration(secs)} (${Math.round(count / Math.max(secs, 0.001)).toLocaleString('en-US')} events/s)${file ? ` to ${file}` : ''}\n`,
    );
    return ExitCode.ok;
  }),
};
