// `lode stats [--json]`: what the store holds and how it is laid out; read-only.
import { lockHolder, describeHolder } from '../../pkg/store/index.js';
import type { Command } from '../command.js';
import { ExitCode, exitCodeHelp } from '../exit-codes.js';
import { formatBytes } from '../progress.js';
import { configuredRun, openStore } from '../store-access.js';
import { describeSignatureBackend, selectSignatureBackend } from '../../src/signature-backend.js';

/** What the `verifier` setting resolves to on this machine (a relay started here would use it). */
function signatureChecks(choice: Parameters<typeof selectSignatureBackend>[0]): { json: object; line: string } {
  try {
    const b = selectSignatureBackend(choice);
    return { json: { setting: b.choice, backend: b.name, library: b.library ?? null, fallbackReason: b.fallbackReason ?? null }, line: describeSignatureBackend(b) };
  } catch (err) {
    return { json: { setting: choice, backend: null, error: (err as Error).message }, line: `unavailable: ${(err as Error).message}` };
  }
}

const spec = { json: { type: 'boolean' } } as const;
const n = (x: number) => x.toLocaleString('en-US');

export const statsCommand: Command = {
  name: 'stats',
  summary: 'Show event counts, sizes, placement and settings of the store (--json for scripts); read-only.',
  usage: () =>
    [
      'Usage: lode stats [--json] [--data-dir DIR] [store settings such as --inline-threshold N]',
      '',
      '"settings in force" are the settings this command was given (config file, LODE_*, flags);',
      '"recorded" are the settings stored data was written under. "mixed: yes" means some data was',
      'written under other settings than those in force: see BADGER_MIGRATION_GUIDE.md.',
      'Cache figures are for this process only; a running relay reports its own at /admin/stats and /metrics.',
      '',
      exitCodeHelp,
    ].join('\n'),
  run: configuredRun(spec, undefined, async ({ options, config }, io) => {
    const store = await openStore(config, 'read', 'stats');
    let stats;
    try {
      stats = store.stats();
    } finally {
      await store.close();
    }
    const holder = lockHolder(config.dataDir);
    const checks = signatureChecks(config.verifier);
    if (options.json) {
      io.stdout.write(`${JSON.stringify({ dataDir: config.dataDir, heldBy: holder ?? null, ...stats, verifier: checks.json })}\n`);
      return ExitCode.ok;
    }
    const s = stats.settings;
    const fmtSettings = (x: (typeof s.recorded)[number]) =>
      `inline ≤ ${x.inlinePercentile !== undefined ? `p${x.inlinePercentile * 100} (floor ${formatBytes(x.inlineThreshold)})` : formatBytes(x.inlineThreshold)}, compression ${x.compression}, segment ${formatBytes(x.valueLogFileSize)}`;
    const kinds = Object.entries(stats.eventsByKind)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([k, v]) => `${k}: ${n(v)}`)
      .join(', ');
    const rows: [string, string][] = [
      ['data dir', `${config.dataDir}${holder ? ` (in use by ${describeHolder(holder)})` : ''}`],
      ['events', n(stats.events)],
      ['by kind (top 12)', kinds || '-'],
      ['inline', `${n(stats.inline.events)} events, ${formatBytes(stats.inline.bytes)}`],
      ['value log', `${n(stats.valueLog.events)} events, ${formatBytes(stats.valueLog.bytes)} live of ${formatBytes(stats.valueLog.fileBytes)} on disk in ${n(stats.valueLog.segments)} segments`],
      ['LMDB file', formatBytes(stats.lmdbFileBytes)],
      ['settings in force', `${fmtSettings(s.inForce)} (effective inline threshold ${formatBytes(s.inForce.effectiveInlineThreshold)})`],
      ...s.recorded.map((r, i): [string, string] => [i === 0 ? 'recorded' : '', fmtSettings(r)]),
      ['mixed', s.mixed ? 'yes: some data was written under other settings (a migration would apply the ones in force)' : 'no'],
      ['signature checks', checks.line],
      ['GC', `${n(stats.gc.runs)} runs, ${formatBytes(stats.gc.bytesReclaimed)} reclaimed${stats.gc.lastRunAt ? `, last ${new Date(stats.gc.lastRunAt * 1000).toISOString()}` : ''}`],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    io.stdout.write(`${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n`);
    return ExitCode.ok;
  }),
};
