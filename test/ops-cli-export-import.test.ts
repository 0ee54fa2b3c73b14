// lode export → lode import: the same events come back (count and id digest), rejects are counted
// with line numbers and set the exit code, and stats reports the settings data was written under.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lodeBundle, runLode } from './support/lode-cli.js';
import { openTestStore, sampleEvents, tempDir } from './support/store-fixtures.js';

const dir = tempDir('lode-cli-jsonl-');
const src = join(dir.path, 'src');
beforeAll(async () => {
  await lodeBundle();
  const store = await openTestStore(src, { inlineThreshold: 512 });
  await store.putMany(sampleEvents());
  await store.close();
});
afterAll(() => dir.remove());

describe('export → import round trip', () => {
  it('carries every event: equal count and order-independent id digest; settings of the new store apply', async () => {
    const file = join(dir.path, 'all.jsonl');
    const exp = await runLode(['export', '--data-dir', src, '-o', file]);
    expect(exp.code, exp.stderr).toBe(0);
    expect(exp.stderr).toMatch(/exported \d+ events/);
    const imp = await runLode(['import', file, '--data-dir', join(dir.path, 'dst'), '--inline-threshold', '4096', '--compression', 'deflate', '--json']);
    expect(imp.code, imp.stderr).toBe(0);
    const summary = JSON.parse(imp.stdout);
    const [a, b, f] = await Promise.all([
      runLode(['digest', '--data-dir', src]),
      runLode(['digest', '--data-dir', join(dir.path, 'dst')]),
      runLode(['digest', '--file', file]),
    ]);
    const [count, sha] = a.stdout.trim().split(' ');
    expect(summary).toMatchObject({ read: Number(count), stored: Number(count), invalid: 0, refused: 0 });
    expect(b.stdout.trim()).toBe(`${count} ${sha}`);
    expect(f.stdout.trim()).toBe(`${count} ${sha}`);

    const stats = JSON.parse((await runLode(['stats', '--json', '--data-dir', join(dir.path, 'dst'), '--inline-threshold', '4096', '--compression', 'deflate'])).stdout);
    expect(stats.settings.recorded).toEqual([expect.objectContaining({ inlineThreshold: 4096, compression: 'deflate' })]);
    expect(stats.settings.mixed).toBe(false);
  });

  it('export filters by kinds and authors, to stdout', async () => {
    const author = sampleEvents().find((e) => e.kind === 1)!.pubkey;
    const r = await runLode(['export', '--data-dir', src, '--kinds', '1', '--authors', author]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((e) => e.kind === 1 && e.pubkey === author)).toBe(true);
  });

  it('import lists rejected lines by number and exits 1, or 0 with --allow-rejects; good lines are kept', async () => {
    const good = sampleEvents().filter((e) => !e.tags.some((t) => t[0] === 'expiration')).slice(0, 3);
    const forged = { ...good[1], content: 'tampered' };
    // A valid id with someone else's signature: only the signature check (worker threads) catches it.
    const badSig = { ...good[1], sig: good[0].sig };
    const file = join(dir.path, 'mixed.jsonl');
    writeFileSync(file, [JSON.stringify(good[0]), 'not json', JSON.stringify(forged), JSON.stringify(badSig), JSON.stringify(good[2]), ''].join('\n'));
    const r = await runLode(['import', file, '--data-dir', join(dir.path, 'rejects')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('read 5, stored 2, duplicate 0, invalid 3');
    expect(r.stderr).toMatch(/line 2: parse-error/);
    expect(r.stderr).toMatch(/line 3: invalid: id/);
    expect(r.stderr).toMatch(/line 4: invalid: sig/);
    const again = await runLode(['import', file, '--data-dir', join(dir.path, 'rejects'), '--allow-rejects']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('duplicate 2');
    expect((await runLode(['digest', '--data-dir', join(dir.path, 'rejects')])).stdout.split(' ')[0]).toBe('2');
  });

  it('import reads stdin with -', async () => {
    const line = readFileSync(new URL('./fixtures/events-sample.jsonl', import.meta.url), 'utf8').split('\n')[0];
    const r = await runLode(['import', '-', '--data-dir', join(dir.path, 'stdin')], { input: `${line}\n` });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('stored 1');
  });
});
