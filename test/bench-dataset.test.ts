// The benchmark's generated data must be valid Nostr, identical for the same seed, and
// acceptable to a relay's created_at window (never in the future).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { verifyEvent } from 'nostr-tools/pure';
import { afterAll, describe, expect, it } from 'vitest';
import { lineId, loadReplaySet, planFor, prepareDataset, readAllLines } from '../benchmark/dataset.js';
import { QueryPlanner } from '../benchmark/workloads/query-plan.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'lode-bench-data-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('benchmark data set', () => {
  it('generates signed, valid events, the same for the same seed, and reuses its cache', async () => {
    const a = await prepareDataset({ tier: 'tiny', seed: 'test-seed', cacheDir: tempDir() });
    const b = await prepareDataset({ tier: 'tiny', seed: 'test-seed', cacheDir: tempDir() });
    const linesA = await readAllLines(a.eventsFile);
    expect(linesA.length).toBe(a.plan.size);
    expect(readFileSync(a.eventsFile, 'utf8')).toBe(readFileSync(b.eventsFile, 'utf8'));
    for (const line of linesA.slice(0, 40)) {
      const event = JSON.parse(line);
      expect(verifyEvent(event)).toBe(true);
      expect(lineId(line)).toBe(event.id);
    }
    const again = await prepareDataset({ tier: 'tiny', seed: 'test-seed', cacheDir: path.dirname(a.eventsFile) });
    expect(again.fromCache).toBe(true);
  });

  it('has the realistic kinds and never a created_at in the future', async () => {
    const d = await prepareDataset({ tier: 'tiny', seed: 'kinds', cacheDir: tempDir() });
    for (const kind of ['0', '1', '3', '6', '7', '30023']) expect(d.facts.kinds[kind], `kind ${kind}`).toBeGreaterThan(0);
    const now = Date.now() / 1000;
    for (const line of [...(await readAllLines(d.eventsFile)), ...(await readAllLines(d.freshFile))]) {
      expect(JSON.parse(line).created_at).toBeLessThanOrEqual(now);
    }
    // Even an hour into a new 30-day period, the anchor stays two days back (fresh events run up to it).
    const justAfterPeriodStart = 30 * 86_400 * 60_000 + 3600;
    expect(planFor('tiny', 's', justAfterPeriodStart).epoch).toBeLessThanOrEqual(justAfterPeriodStart - 2 * 86_400);
  });

  it('refuses an unknown tier by name', () => {
    expect(() => planFor('5m', 'x')).toThrow(/unknown tier "5m"/);
  });

  it('aims Zipf queries at data that exists', async () => {
    const d = await prepareDataset({ tier: 'tiny', seed: 'queries', cacheDir: tempDir() });
    const planner = new QueryPlanner(d.facts, 'q');
    const authors = new Set(d.facts.authors);
    const seen = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const q = planner.next();
      seen.set(q.type, (seen.get(q.type) ?? 0) + 1);
      if (q.type === 'profile') expect(authors.has(q.filters[0].authors![0])).toBe(true);
      if (q.type === 'timeline') expect(q.filters[0].authors!.every((a) => authors.has(a))).toBe(true);
    }
    expect(seen.size).toBe(6);
  });

  it('replays real events from files that exist and skips what is not an event', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'sample.jsonl');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, '{"id":"a1","kind":1}\nnot json\n{"id":"a1","kind":1}\n{"no":"id"}\n{"id":"b2","kind":1}\n');
    const set = await loadReplaySet([file, path.join(dir, 'missing.jsonl')]);
    expect(set.sources).toEqual([file]);
    expect(set.lines.map((l) => JSON.parse(l).id)).toEqual(['a1', 'b2']);
  });
});
