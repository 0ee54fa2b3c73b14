// The Markdown report: context first (command, machine, versions, settings, data), then the
// goals, then every table, the charts and the notes each workload left.
import type { ChartFile } from './charts.js';
import type { BenchReport } from './model.js';
import {
  LATENCY_HEADER,
  RELAY_HEADER,
  STUDY_HEADER,
  TARGET_HEADER,
  THROUGHPUT_HEADER,
  fmtBytes,
  latencyRows,
  machineLine,
  relayRows,
  studyRows,
  targetRows,
  throughputRows,
} from './tables.js';

export function markdownTable(header: string[], rows: string[][]): string {
  const esc = (c: string) => (c ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [`| ${header.map(esc).join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

export function markdownReport(report: BenchReport, charts: ChartFile[]): string {
  const settings = report.settings as { spawnSettings?: Record<string, string>; lodeCommand?: string; client?: unknown };
  const lines: string[] = [
    `# Benchmark report: profile ${report.profile}`,
    '',
    `- Command: \`${report.command}\``,
    `- Started ${report.startedAt}, finished ${report.finishedAt}`,
    `- Machine: ${machineLine(report)}`,
    `- Versions: ${Object.entries(report.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `- Relays: ${[...new Map(report.relays.map((r) => [r.name, `${r.name} (${r.software} ${r.version}${r.spawned ? `, spawned via ${settings.lodeCommand}` : `, ${r.url}`}${r.verifier && r.verifier !== 'n/a' ? `, signatures: ${r.verifier}` : ''})`])).values()].join('; ')}`,
    `- Spawned lode settings: ${
      Object.entries(settings.spawnSettings ?? (report.settings as { baseSettings?: Record<string, string> }).baseSettings ?? {})
        .map(([k, v]) => `--${k} ${v}`)
        .join(' ') || 'defaults'
    }`,
    `- Client: ${JSON.stringify(settings.client)}`,
    `- Seed: ${report.seed}`,
    '',
    '## Data sets',
    '',
    markdownTable(
      ['tier', 'events', 'fresh (write workloads)', 'authors', 'kinds', 'payload P50 / P99 / max', 'total', 'cache key'],
      report.datasets.map((d) => [
        d.tier,
        String(d.events),
        String(d.freshEvents),
        String(d.authors),
        Object.entries(d.kinds)
          .map(([k, n]) => `${k}:${n}`)
          .join(' '),
        `${d.payloadBytes.p50} / ${d.payloadBytes.p99} / ${d.payloadBytes.max} B`,
        fmtBytes(d.payloadBytes.total),
        d.key,
      ]),
    ),
    '',
  ];
  if (report.targets.length) lines.push('## Targets (lode)', '', markdownTable(TARGET_HEADER, targetRows(report)), '');
  if (report.results.length) {
    lines.push('## Throughput', '', markdownTable(THROUGHPUT_HEADER, throughputRows(report)), '');
    lines.push('## Latency (ms, from HDR histograms)', '', markdownTable(LATENCY_HEADER, latencyRows(report.results, true)), '');
  }
  if (report.relays.length) lines.push('## Relay cost and store figures', '', markdownTable(RELAY_HEADER, relayRows(report)), '');
  if (report.study) {
    lines.push(`## Cache study (${report.study.tier} tier, ${report.study.queryWorkload})`, '', markdownTable(STUDY_HEADER, studyRows(report)), '');
  }
  if (charts.length) {
    lines.push('## Charts', '');
    for (const c of charts) lines.push(`### ${c.title}`, '', `![${c.title}](${c.png ?? c.svg})`, '', `SVG: [${c.svg}](${c.svg})`, '');
  }
  const notes = report.results.flatMap((r) => r.notes.map((n) => `- ${r.tier} ${r.workload} on ${r.relay}: ${n}`));
  if (notes.length) lines.push('## Notes', '', ...notes, '');
  lines.push('## Workload parameters', '', markdownTable(['tier', 'workload', 'relay', 'parameters'], report.results.map((r) => [r.tier, r.workload, r.relay, JSON.stringify(r.params)])), '');
  return lines.join('\n');
}
