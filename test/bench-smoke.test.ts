// The benchmark's CI smoke run: the tiny profile against a lode spawned from source must
// write every report file and every figure the issue lists (values are not judged here).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, parseBenchArgs } from '../benchmark/run.js';
import type { BenchReport } from '../benchmark/report/model.js';

const work = mkdtempSync(path.join(tmpdir(), 'lode-bench-smoke-'));
const outDir = path.join(work, 'out');
let report: BenchReport;

const LATENCY_FIELDS = ['count', 'avg', 'p50', 'p90', 'p95', 'p99', 'max'];

function result(workload: string) {
  const r = report.results.find((x) => x.workload === workload && x.relay === 'lode');
  expect(r, `workload ${workload} in report.json`).toBeDefined();
  return r!;
}

function expectLatency(workload: string, kind: string) {
  const l = result(workload).latency[kind] as unknown as Record<string, unknown>;
  expect(l, `${workload} latency ${kind}`).toBeDefined();
  for (const f of LATENCY_FIELDS) expect(typeof l[f], `${workload} ${kind}.${f}`).toBe('number');
  expect(l.count as number).toBeGreaterThan(0);
}

describe('npm run bench -- --profile tiny', () => {
  beforeAll(async () => {
    const code = await main(['--profile', 'tiny', '--out', outDir, '--cache-dir', path.join(work, 'cache'), '--lode-cmd', 'source'], { log: () => {} });
    expect(code).toBe(0);
    report = JSON.parse(readFileSync(path.join(outDir, 'report.json'), 'utf8')) as BenchReport;
  }, 180_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('writes the JSON, Markdown and chart files', () => {
    for (const file of ['report.json', 'report.md', 'latency-percentiles-tiny.svg', 'throughput-tiny.svg', 'hit-ratio.svg']) {
      expect(existsSync(path.join(outDir, file)), file).toBe(true);
    }
    expect(readFileSync(path.join(outDir, 'throughput-tiny.svg'), 'utf8')).toMatch(/^<svg/);
  });

  it('records the machine, versions and settings', () => {
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.machine.cpuModel).toBeTruthy();
    expect(report.machine.memoryBytes).toBeGreaterThan(0);
    expect(report.versions.node).toBe(process.version);
    expect(report.versions.lode).toMatch(/\d+\.\d+/);
    expect(report.command).toContain('--profile tiny');
    expect(report.settings).toHaveProperty('spawnSettings');
    expect(report.datasets[0].events).toBeGreaterThan(0);
  });

  it('carries ingest rate and OK latency', () => {
    expect(typeof result('ingest').throughput.eventsPerSecond).toBe('number');
    expect(result('ingest').counts.accepted).toBeGreaterThan(0);
    expectLatency('ingest', 'ok');
  });

  it('carries queries/s with REQ→EOSE and first-event latency', () => {
    for (const w of ['query-mix-c1', 'query-mix-c4', 'typical-c1', 'typical-c4']) {
      expect(typeof result(w).throughput.queriesPerSecond).toBe('number');
      expectLatency(w, 'eose');
      expectLatency(w, 'firstEvent');
    }
  });

  it('carries fan-out, pagination, mixed, burst and cold/warm figures', () => {
    expectLatency('fanout', 'fanout');
    expect(result('fanout').counts.delivered).toBeGreaterThan(0);
    expectLatency('pagination', 'page');
    expectLatency('mixed', 'eose');
    expectLatency('mixed', 'ok');
    expectLatency('burst', 'ok');
    expectLatency('cold-warm', 'cold');
    expectLatency('cold-warm', 'warm');
    expect(result('cold-warm').params.restarted).toBe(true);
  });

  it('carries relay RSS, CPU, disk and lode store figures from /metrics', () => {
    const lode = report.relays.find((r) => r.name === 'lode')!;
    expect(lode.software).toBe('lode');
    for (const f of [lode.rssPeakBytes, lode.cpuSeconds, lode.diskBytes]) expect(typeof f).toBe('number');
    for (const f of [lode.store.cacheHitRatio, lode.store.inlineShare, lode.store.vlogShare]) expect(typeof f).toBe('number');
    expect(typeof result('query-mix-c4').figures.cacheHitRatio).toBe('number');
  });

  it('checks the issue targets and prints them in the Markdown report', () => {
    expect(report.targets.map((t) => t.target)).toContain('ingest events/s (8 conn × 16 in flight, verified, durable)');
    const md = readFileSync(path.join(outDir, 'report.md'), 'utf8');
    for (const heading of ['## Targets (lode)', '## Throughput', '## Latency', '## Relay cost and store figures', '## Charts']) expect(md).toContain(heading);
    expect(md).toContain('P95');
  });
});

describe('bench arguments', () => {
  it('refuses a malformed --relay, an unknown profile and --no-spawn without relays', () => {
    expect(() => parseBenchArgs(['--relay', 'strfry'])).toThrow(/NAME=VALUE/);
    expect(() => parseBenchArgs(['--relay', 'x=http://127.0.0.1:1'])).toThrow(/ws:\/\//);
    expect(() => parseBenchArgs(['--profile', 'huge'])).toThrow(/quick, full|tiny, quick, full/);
    expect(() => parseBenchArgs(['--no-spawn'])).toThrow(/--relay/);
  });

  it('turns --spawn-opt into lode settings on top of the measurement defaults', () => {
    const args = parseBenchArgs(['--spawn-opt', 'event-cache-size=64MB', '--relay', 'other=ws://127.0.0.1:7777']);
    expect(args.spawnSettings['event-cache-size']).toBe('64MB');
    expect(args.spawnSettings['event-rate-per-ip']).toBe('0');
    expect(args.relays).toEqual([{ name: 'other', url: 'ws://127.0.0.1:7777' }]);
  });
});
