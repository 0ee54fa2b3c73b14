// The summary printed at the end of a run: targets first, then the main rate and latency of
// every workload, then what each relay cost.
import type { BenchReport } from './model.js';
import { LATENCY_HEADER, RELAY_HEADER, TARGET_HEADER, THROUGHPUT_HEADER, STUDY_HEADER, latencyRows, machineLine, relayRows, studyRows, targetRows, throughputRows } from './tables.js';

export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (c ?? '').padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function terminalSummary(report: BenchReport, outDir: string): string {
  const parts = [`lode benchmark — profile ${report.profile}, ${report.startedAt} → ${report.finishedAt}`, `machine: ${machineLine(report)}`];
  // A study run has no workload results: print only the tables that have rows.
  if (report.results.length) parts.push('', textTable(THROUGHPUT_HEADER, throughputRows(report)), '', textTable(LATENCY_HEADER, latencyRows(report.results, false)));
  if (report.relays.length) parts.push('', textTable(RELAY_HEADER, relayRows(report)));
  if (report.study) parts.push('', `cache study (${report.study.tier}, ${report.study.queryWorkload})`, textTable(STUDY_HEADER, studyRows(report)));
  if (report.targets.length) parts.push('', textTable(TARGET_HEADER, targetRows(report)));
  parts.push('', `reports in ${outDir}`);
  return parts.join('\n');
}
