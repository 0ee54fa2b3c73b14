// Writes a run's report files into the output directory: report.json (everything),
// report.md, and the charts.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeCharts, type ChartFile } from './charts.js';
import { markdownReport } from './markdown.js';
import type { BenchReport } from './model.js';

export interface WrittenReport {
  json: string;
  markdown: string;
  charts: ChartFile[];
}

export async function writeReport(report: BenchReport, outDir: string): Promise<WrittenReport> {
  mkdirSync(outDir, { recursive: true });
  const json = path.join(outDir, 'report.json');
  writeFileSync(json, JSON.stringify(report, null, 2) + '\n');
  const charts = await writeCharts(report, outDir);
  const markdown = path.join(outDir, 'report.md');
  writeFileSync(markdown, markdownReport(report, charts));
  return { json, markdown, charts };
}
