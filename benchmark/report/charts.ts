// Charts for the report, declared in Vega-Lite and rendered headlessly by Vega to SVG, then
// to PNG with resvg (a renderer shipped inside its npm package; no canvas, no browser).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import type { BenchReport } from './model.js';

export interface ChartFile {
  name: string;
  title: string;
  svg: string;
  png?: string;
}

/** Latency series worth a curve, by workload family (query workloads carry a -c<N> suffix). */
const CURVES: Record<string, string[]> = {
  ingest: ['ok'],
  'query-mix': ['eose', 'firstEvent'],
  typical: ['eose'],
  'cold-warm': ['cold', 'warm'],
  pagination: ['page'],
  fanout: ['fanout'],
  mixed: ['eose', 'ok'],
  burst: ['ok'],
};

/** The one rate that stands for each workload family in tables and bars. */
const MAIN_RATE: Record<string, string> = {
  ingest: 'eventsPerSecond',
  replay: 'eventsPerSecond',
  'query-mix': 'queriesPerSecond',
  typical: 'queriesPerSecond',
  'cold-warm': 'warmQueriesPerSecond',
  pagination: 'pagesPerSecond',
  fanout: 'deliveriesPerSecond',
  mixed: 'opsPerSecond',
  burst: 'eventsPerSecond',
};

export function workloadFamily(workload: string): string {
  return workload.replace(/-c\d+$/, '');
}

export function mainRate(workload: string): string | undefined {
  return MAIN_RATE[workloadFamily(workload)];
}

const PERCENTILE_LABEL = (p: number) => (p === 0 ? 'min' : p === 100 ? 'max' : `p${p}`);

function latencySpec(report: BenchReport, tier: string): TopLevelSpec | undefined {
  const values: Record<string, unknown>[] = [];
  for (const r of report.results) {
    if (r.tier !== tier) continue;
    for (const kind of CURVES[workloadFamily(r.workload)] ?? []) {
      if (!r.latency[kind]?.count) continue;
      for (const point of r.latency[kind].curve) {
        values.push({ series: `${r.workload} · ${kind}`, relay: r.relay, percentile: PERCENTILE_LABEL(point.percentile), order: point.percentile, ms: Math.max(point.ms, 0.001) });
      }
    }
  }
  if (values.length === 0) return undefined;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Latency percentiles per relay (${tier} tier, ms, log scale)`,
    data: { values },
    facet: { field: 'series', type: 'nominal', title: null },
    columns: 4,
    spec: {
      width: 180,
      height: 120,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'percentile', type: 'ordinal', sort: { field: 'order' }, title: null },
        y: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'ms' },
        color: { field: 'relay', type: 'nominal' },
      },
    },
    resolve: { scale: { y: 'independent' } },
    background: 'white',
  } as TopLevelSpec;
}

function throughputSpec(report: BenchReport, tier: string): TopLevelSpec | undefined {
  const values: Record<string, unknown>[] = [];
  for (const r of report.results) {
    if (r.tier !== tier) continue;
    const key = mainRate(r.workload);
    const value = key ? r.throughput[key] : undefined;
    if (value === undefined) continue;
    values.push({ workload: `${r.workload} (${key})`, relay: r.relay, value });
  }
  if (values.length === 0) return undefined;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Throughput per workload (${tier} tier)`,
    data: { values },
    facet: { field: 'workload', type: 'nominal', title: null },
    columns: 4,
    spec: {
      width: 160,
      height: 110,
      mark: 'bar',
      encoding: {
        x: { field: 'relay', type: 'nominal', title: null },
        y: { field: 'value', type: 'quantitative', title: 'per second' },
        color: { field: 'relay', type: 'nominal' },
      },
    },
    resolve: { scale: { y: 'independent' } },
    background: 'white',
  } as TopLevelSpec;
}

function hitRatioSpec(report: BenchReport): TopLevelSpec | undefined {
  if (report.study?.rows.length) {
    const values = report.study.rows.map((r) => ({ cache: r.eventCacheSize, inline: r.inline, compression: `compression ${r.compression}`, hitRatio: typeof r.hitRatio === 'number' ? r.hitRatio : null }));
    return {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: `Event cache hit ratio vs cache size (${report.study.tier} tier, ${report.study.queryWorkload})`,
      data: { values },
      facet: { field: 'compression', type: 'nominal', title: null },
      spec: {
        width: 260,
        height: 180,
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'cache', type: 'ordinal', sort: null, title: 'eventCacheSize' },
          y: { field: 'hitRatio', type: 'quantitative', scale: { domain: [0, 1] }, title: 'hit ratio' },
          color: { field: 'inline', type: 'nominal', title: 'inline threshold' },
        },
      },
      background: 'white',
    } as TopLevelSpec;
  }
  const values: Record<string, unknown>[] = [];
  for (const r of report.results) {
    for (const key of ['cacheHitRatio', 'coldHitRatio', 'warmHitRatio']) {
      const v = r.figures[key];
      if (typeof v === 'number') values.push({ point: `${r.workload}${key === 'cacheHitRatio' ? '' : ` ${key.replace('HitRatio', '')}`}`, tier: r.tier, relay: r.relay, hitRatio: v });
    }
  }
  if (values.length === 0) return undefined;
  const sizes = [...new Set(report.relays.filter((r) => r.spawned).map((r) => r.settings['event-cache-size'] ?? 'default'))].join(', ');
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Event cache hit ratio per workload at eventCacheSize ${sizes || 'n/a'} (run --study cache for the size sweep)`,
    data: { values },
    width: 420,
    height: 200,
    mark: 'bar',
    encoding: {
      x: { field: 'point', type: 'nominal', title: null },
      xOffset: { field: 'tier' },
      y: { field: 'hitRatio', type: 'quantitative', scale: { domain: [0, 1] }, title: 'hit ratio' },
      color: { field: 'tier', type: 'nominal' },
    },
    background: 'white',
  } as TopLevelSpec;
}

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

async function renderPng(svg: string): Promise<Buffer | undefined> {
  try {
    const { Resvg } = await import('@resvg/resvg-js');
    const png = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, fitTo: { mode: 'zoom', value: 1.5 } }).render().asPng();
    return Buffer.from(png);
  } catch {
    return undefined; // PNG is a convenience; the SVG is the chart
  }
}

/** Writes every chart the report has data for; returns what was written. */
export async function writeCharts(report: BenchReport, outDir: string): Promise<ChartFile[]> {
  const tiers = [...new Set(report.results.map((r) => r.tier))];
  const wanted: { name: string; title: string; spec: TopLevelSpec | undefined }[] = [];
  for (const tier of tiers) {
    wanted.push({ name: `latency-percentiles-${tier}`, title: `Latency percentile curves (${tier})`, spec: latencySpec(report, tier) });
    wanted.push({ name: `throughput-${tier}`, title: `Throughput (${tier})`, spec: throughputSpec(report, tier) });
  }
  wanted.push({ name: 'hit-ratio', title: report.study ? 'Hit ratio vs cache size' : 'Event cache hit ratio', spec: hitRatioSpec(report) });
  const files: ChartFile[] = [];
  for (const chart of wanted) {
    if (!chart.spec) continue;
    const svg = await renderSvg(chart.spec);
    writeFileSync(path.join(outDir, `${chart.name}.svg`), svg);
    const png = await renderPng(svg);
    if (png) writeFileSync(path.join(outDir, `${chart.name}.png`), png);
    files.push({ name: chart.name, title: chart.title, svg: `${chart.name}.svg`, png: png ? `${chart.name}.png` : undefined });
  }
  return files;
}
