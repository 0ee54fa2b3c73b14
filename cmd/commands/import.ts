// `lode import FILE|-`: JSONL into the store through the relay's own write rules; every line accounted for.
import { existsSync } from 'node:fs';
import { importLines, type ImportSummary } from '../../pkg/store/index.js';
import { selectSignatureBackend } from '../../src/signature-backend.js';
import { VerifyPool } from '../../src/verify-pool.js';
import type { Command } from '../command.js';
import { positiveInt, UsageError } from '../cli-args.js';
import { ExitCode, exitCodeHelp } from '../exit-codes.js';
import { openLines } from '../line-source.js';
import { formatDuration, ProgressLine } from '../progress.js';
import { configuredRun, openStore } from '../store-access.js';

const spec = {
  verify: { type: 'boolean' },
  batch: { type: 'string' },
  'allow-rejects': { type: 'boolean' },
  'show-rejects': { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
} as const;

export const importCommand: Command = {
  name: 'import',
  summary: 'Read JSONL events (FILE or - for stdin) into the store; needs the relay stopped.',
  usage: () =>
    [
      'Usage: lode import FILE|- [--no-verify] [--batch N] [--allow-rejects] [--show-rejects N] [--json] [--data-dir DIR]',
      '',
      'Each line is an event (or ["EVENT", …]); ids are always checked, signatures unless --no-verify',
      '(on --verify-threads worker threads, default 2, with the --verifier backend: auto = native libsecp256k1 when installed).',
      'Events go through the same rules as the relay: duplicates are skipped, replaceable/addressable',
      'keep the newest, NIP-09 deletions and NIP-40 expirations apply. Writes use the store settings in',
      'force (config file, LODE_* or flags such as --inline-threshold, --compression).',
      'The summary counts read/stored/duplicate/invalid/refused and lists rejected line numbers',
      '(first 20, --show-rejects N for more). Exit code 1 when any line was rejected, unless --allow-rejects.',
      'Needs the data-dir lock: refused (exit 3) while a relay runs on the dir; use POST /admin/import then.',
      '',
      exitCodeHelp,
    ].join('\n'),
  run: configuredRun(spec, 'import needs a FILE (or - for stdin)', async (cmd, io) => {
    const { options } = cmd;
    const path = cmd.positionals[0];
    const batchSize = positiveInt(options.batch, 'batch');
    const show = positiveInt(options['show-rejects'], 'show-rejects') ?? 20;
    const config = cmd.config;
    if (path !== '-' && !existsSync(path)) throw new UsageError(`no such file: ${path}`);
    const verify = options.verify !== false;
    // Decided before anything is opened: verifier=native without libsecp256k1 is exit 2.
    const backend = verify ? selectSignatureBackend(config.verifier) : undefined;
    const source = openLines(path);
    const store = await openStore(config, 'write', 'import');
    const started = Date.now();
    const progress = new ProgressLine(io.stderr, 'import', { unit: 'bytes', quiet: Boolean(options.quiet || options.json) });
    // Signatures are checked on worker threads (verifyThreads and verifier, as the relay does) while
    // this thread parses, checks ids and writes.
    const verifier = backend ? new VerifyPool({ threads: config.verifyThreads, verifier: backend.name }) : undefined;
    let summary: ImportSummary;
    try {
      summary = await importLines(store, source.lines, {
        verify,
        verifier,
        batchSize,
        onProgress: () => progress.update(source.bytesRead(), source.totalBytes),
      });
    } finally {
      progress.finish();
      await verifier?.close();
      await store.close();
    }
    const secs = (Date.now() - started) / 1000;
    const rejected = summary.invalid + summary.refused;
    if (options.json) io.stdout.write(`${JSON.stringify({ ...summary, verifier: backend?.name ?? null, durationMs: Date.now() - started })}\n`);
    else {
      const n = (x: number) => x.toLocaleString('en-US');
      io.stderr.write(
        `imported from ${path === '-' ? 'stdin' : path} in ${formatDuration(secs)} (${n(Math.round(summary.read / Math.max(secs, 0.001)))} lines/s): ` +
          `read ${n(summary.read)}, stored ${n(summary.stored)}, duplicate ${n(summary.duplicate)}, invalid ${n(summary.invalid)}, refused ${n(summary.refused)}; ` +
          `signatures ${backend ? `checked with ${backend.name}` : 'not checked (--no-verify)'}\n`,
      );
      for (const r of summary.rejects.slice(0, show)) io.stderr.write(`  line ${r.line}: ${r.status}: ${r.reason}\n`);
      if (summary.rejects.length > show) io.stderr.write(`  … ${n(summary.rejects.length - show)} more (--show-rejects N, or --json for all)\n`);
    }
    if (rejected > 0 && !options['allow-rejects']) {
      io.stderr.write(`lode: ${rejected} line(s) were not imported (exit 1; pass --allow-rejects to accept that)\n`);
      return ExitCode.problems;
    }
    return ExitCode.ok;
  }),
};
