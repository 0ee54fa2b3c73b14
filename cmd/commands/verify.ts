// `lode verify [--repair]`: check the store end to end; with --repair rebuild the indexes from the payloads.
import { rebuildIndexes, verifyStore, type RepairReport, type VerifyReport } from '../../pkg/store/index.js';
import type { Command } from '../command.js';
import { ExitCode, exitCodeHelp } from '../exit-codes.js';
import { formatDuration, ProgressLine } from '../progress.js';
import { configuredRun, openStore } from '../store-access.js';

const spec = { repair: { type: 'boolean' }, json: { type: 'boolean' }, quiet: { type: 'boolean', short: 'q' } } as const;

const n = (x: number) => x.toLocaleString('en-US');

export function describeReport(r: VerifyReport): string {
  const c = r.checked;
  const lines = [
    `verify: ${r.ok ? 'clean' : 'PROBLEMS FOUND'} in ${formatDuration(r.durationMs / 1000)}: ${n(c.records)} records, ${n(c.indexEntries)} index entries, ` +
      `${n(c.ids)} ids, ${n(c.addresses)} addresses, ${n(c.vlogEntries)} value-log entries in ${n(c.vlogSegments)} segments`,
  ];
  for (const [kind, count] of Object.entries(r.problems)) {
    const ids = r.affectedIds[kind as keyof VerifyReport['affectedIds']] ?? [];
    lines.push(`  ${kind}: ${n(count ?? 0)}${ids.length ? ` (ids: ${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ', …' : ''})` : ''}`);
  }
  for (const d of r.details.slice(0, 10)) lines.push(`    ${d.kind}${d.serial !== undefined ? ` serial ${d.serial}` : ''}: ${d.detail}`);
  for (const note of r.notes) lines.push(`  note: ${note}`);
  return `${lines.join('\n')}\n`;
}

function describeRepair(r: RepairReport): string {
  const lines = [
    `repair: rebuilt ${n(r.indexEntries)} index entries for ${n(r.records - r.removed.length)} records in ${formatDuration(r.durationMs / 1000)}; ` +
      `rewrote ${n(r.rewrittenRecords)} records, removed ${n(r.removed.length)}`,
  ];
  for (const x of r.removed.slice(0, 50)) lines.push(`  removed ${x.id || `serial ${x.serial}`}: ${x.reason}`);
  return `${lines.join('\n')}\n`;
}

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'Check every record, payload, index entry and value-log CRC; --repair rebuilds the indexes.',
  usage: () =>
    [
      'Usage: lode verify [--repair] [--json] [--data-dir DIR]',
      '',
      'Checks: every payload reads (value-log CRC), decodes, parses and hashes to its id; every record',
      'owns its index, id and address entries and every such entry resolves to a record that owns it;',
      'every value-log entry passes its CRC; the stored counters match the records. Problems are listed',
      'by kind with the affected event ids.',
      'Without --repair it reads a consistent snapshot and is safe while the relay runs.',
      '--repair needs the relay stopped (data-dir lock): it drops and rebuilds the index, id and address',
      'databases from the payloads, rewrites metadata that disagrees with its payload, removes records',
      'that cannot be served (listing their ids) and recomputes the counters; then verifies again.',
      'Exit 0 when the store is (now) clean, 1 when problems remain.',
      '',
      exitCodeHelp,
    ].join('\n'),
  run: configuredRun(spec, undefined, async ({ options, config }, io) => {
    const repair = Boolean(options.repair);
    const store = await openStore(config, repair ? 'write' : 'read', repair ? 'verify --repair' : 'verify');
    const progress = new ProgressLine(io.stderr, 'verify', { unit: 'entries', quiet: Boolean(options.quiet || options.json) });
    const onProgress = (p: { phase?: string; done: number; total: number }) => progress.update(p.done, p.total, `verify ${p.phase ?? 'repair'}`);
    try {
      const before = await verifyStore(store, { onProgress });
      progress.finish();
      let repairReport: RepairReport | undefined;
      let after: VerifyReport | undefined;
      if (repair && !before.ok) {
        repairReport = await rebuildIndexes(store, { onProgress: (p) => progress.update(p.done, p.total, 'repair') });
        progress.finish();
        after = await verifyStore(store, { onProgress });
        progress.finish();
      }
      const final = after ?? before;
      if (options.json) io.stdout.write(`${JSON.stringify({ ok: final.ok, before, repair: repairReport, after })}\n`);
      else {
        io.stderr.write(describeReport(before));
        if (repairReport) io.stderr.write(describeRepair(repairReport));
        if (after) io.stderr.write(describeReport(after));
        if (!final.ok && !repair) io.stderr.write('run `lode verify --repair` with the relay stopped to rebuild the indexes from the payloads\n');
      }
      return final.ok ? ExitCode.ok : ExitCode.problems;
    } finally {
      progress.finish();
      await store.close();
    }
  }),
};
