// JSONL export and import: round trip of real signed events, and every bad line accounted for.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { exportLines } from '../pkg/store/jsonl-export.js';
import { importLines } from '../pkg/store/jsonl-import.js';
import { openTestStore, sampleEvents, tempDir } from './support/store-fixtures.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

const digest = (ids: string[]) => createHash('sha256').update([...ids].sort().join('\n')).digest('hex');

async function gather(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const l of it) out.push(l);
  return out;
}

describe('JSONL', () => {
  it('export → import into a fresh store yields the same id set', async () => {
    const events = sampleEvents();
    const a = await openTestStore(dir.path + '/a');
    const summaryA = await importLines(a, events.map((e) => JSON.stringify(e)));
    expect(summaryA.invalid).toBe(0);
    const lines = await gather(exportLines(a));
    expect(lines.length).toBe(a.stats().events);
    const b = await openTestStore(dir.path + '/b', { inlineThreshold: 256, compression: 'deflate' });
    const summaryB = await importLines(b, lines);
    expect(summaryB).toMatchObject({ read: lines.length, stored: lines.length, invalid: 0, refused: 0 });
    const idsA = lines.map((l) => JSON.parse(l).id as string);
    const idsB = (await gather(exportLines(b))).map((l) => JSON.parse(l).id as string);
    expect(digest(idsB)).toBe(digest(idsA));
    await a.close();
    await b.close();
  });

  it('filters exports by kinds, authors and time', async () => {
    const events = sampleEvents();
    const s = await openTestStore(dir.path);
    await importLines(s, events.map((e) => JSON.stringify(e)));
    const kind1 = (await gather(exportLines(s, { kinds: [1] }))).map((l) => JSON.parse(l));
    expect(kind1.length).toBeGreaterThan(0);
    expect(kind1.every((e) => e.kind === 1)).toBe(true);
    const ts = kind1[Math.floor(kind1.length / 2)].created_at;
    const older = (await gather(exportLines(s, { kinds: [1], until: ts }))).map((l) => JSON.parse(l));
    expect(older.every((e) => e.created_at <= ts)).toBe(true);
    await s.close();
  });

  it('reports every rejected line with its number and reason, and stores the good ones', async () => {
    const [good1, good2, tamper, badSig] = sampleEvents().filter((e) => e.kind === 1);
    const lines = [
      JSON.stringify(good1),
      '{not json',
      JSON.stringify({ ...tamper, content: tamper.content + '!' }),
      '',
      JSON.stringify({ ...badSig, sig: badSig.sig.slice(0, 126) + (badSig.sig.endsWith('00') ? '11' : '00') }),
      JSON.stringify({ ...good2, kind: 'one' }),
      `["EVENT","sub",${JSON.stringify(good2)}]`,
      JSON.stringify(good1),
    ];
    const s = await openTestStore(dir.path);
    const r = await importLines(s, lines);
    expect(r).toMatchObject({ read: 7, stored: 2, duplicate: 1, invalid: 4 });
    expect(r.rejects.map((x) => x.line)).toEqual([2, 3, 5, 6]);
    expect(r.rejects[0].status).toBe('parse-error');
    expect(r.rejects[1].reason).toMatch(/^id:/);
    expect(r.rejects[2].reason).toMatch(/^sig:/);
    expect(r.rejects[3].reason).toMatch(/kind/);
    expect(s.has(good1.id) && s.has(good2.id)).toBe(true);
    await s.close();
  });

  it('skips signature checks only when told to, never id checks', async () => {
    const [ev] = sampleEvents().filter((e) => e.kind === 1);
    const s = await openTestStore(dir.path);
    const fakeSig = { ...ev, sig: 'ab'.repeat(64) };
    expect((await importLines(s, [JSON.stringify(fakeSig)], { verify: false })).stored).toBe(1);
    const r = await importLines(s, [JSON.stringify({ ...ev, id: 'cd'.repeat(32) })], { verify: false });
    expect(r.invalid).toBe(1);
    await s.close();
  });
});
