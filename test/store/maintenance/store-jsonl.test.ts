// JSONL export and import: round trip of real signed events, and every bad line accounted for.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { exportLines } from '../../../pkg/store/maintenance/jsonl-export.js';
import { importLines } from '../../../pkg/store/maintenance/jsonl-import.js';
import { openTestStore, sampleEvents, tempDir } from '../../support/store-fixtures.js';
import { keys, signed } from '../../support/relay-harness.js';
import { defaultVerifier } from '../../../pkg/nostr/signature.js';
import type { EventStoreApi } from '../../../pkg/store/base/types.js';

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

  it('a re-import counts stored ids as duplicates without checking their signatures again, but still checks ids and new events', async () => {
    const events = sampleEvents();
    const s = await openTestStore(dir.path);
    await importLines(s, events.map((e) => JSON.stringify(e)));
    const held = events.filter((e) => s.has(e.id)).length;
    expect(held).toBeGreaterThan(100);
    let checks = 0;
    const counting = { verify: (id: string, pk: string, sig: string) => (checks++, defaultVerifier.verify(id, pk, sig)) };
    const fresh = signed(keys(), { kind: 1, content: 'new in the second file' });
    const forgedId = { ...events[0], id: 'cd'.repeat(32) };
    const lines = [...events.map((e) => JSON.stringify(e)), JSON.stringify(fresh), JSON.stringify(forgedId)];
    const again = await importLines(s, lines, { verifier: counting });
    expect(again).toMatchObject({ read: lines.length, stored: 1, invalid: 1, duplicate: held });
    // Only lines the store does not hold reach the signature check: the new event, and those it no longer keeps.
    expect(checks).toBe(1 + events.length - held);
    await s.close();
  });

  it('with batches checked and written concurrently, later lines still act on earlier ones, in file order', async () => {
    const k = keys();
    const t = Math.floor(Date.now() / 1000) - 1000;
    const a = signed(k, { content: 'a', created_at: t });
    const b = signed(k, { content: 'b', created_at: t + 1 });
    const profileNew = signed(k, { kind: 0, content: '{"name":"new"}', created_at: t + 200 });
    const profileOld = signed(k, { kind: 0, content: '{"name":"old"}', created_at: t + 100 });
    const deletion = signed(k, { kind: 5, tags: [['e', a.id]], created_at: t + 300 });
    const c = signed(k, { content: 'c', created_at: t + 2 });
    const badSig = { ...signed(k, { content: 'd', created_at: t + 3 }), sig: c.sig };
    const lines = [a, b, profileNew, c, profileOld, deletion, badSig, signed(k, { content: 'e', created_at: t + 4 })].map((e) => JSON.stringify(e));
    // Answers arrive in reverse order: the first lines' signatures are confirmed last.
    let pending = lines.length;
    const slowFirst = {
      verify: (id: string, pubkey: string, sig: string) =>
        new Promise<boolean>((resolve) => setTimeout(() => resolve(defaultVerifier.verify(id, pubkey, sig)), 5 * pending--)),
    };
    const s = await openTestStore(dir.path);
    const r = await importLines(s, lines, { batchSize: 2, verifier: slowFirst });
    expect(r).toMatchObject({ read: 8, stored: 6, duplicate: 0, invalid: 1, refused: 1 });
    expect(r.rejects.map((x) => [x.line, x.status])).toEqual([
      [5, 'replaced-older'],
      [7, 'invalid'],
    ]);
    expect(s.has(a.id)).toBe(false); // deleted by line 6, written two batches later
    expect(s.has(profileNew.id) && !s.has(profileOld.id)).toBe(true);
    expect(s.has(b.id) && s.has(c.id) && s.has(deletion.id)).toBe(true);
    await s.close();
  });

  it('stops at the first failed write: the error is thrown and no later batch reaches the store', async () => {
    const events = sampleEvents().filter((e) => e.kind === 1).slice(0, 12);
    const s = await openTestStore(dir.path);
    let calls = 0;
    const failing: EventStoreApi = Object.create(s, {
      putMany: {
        value: (evs: typeof events) => {
          calls++;
          return calls === 2 ? Promise.reject(new Error('disk on fire')) : s.putMany(evs);
        },
      },
    });
    await expect(importLines(failing, events.map((e) => JSON.stringify(e)), { batchSize: 2 })).rejects.toThrow('disk on fire');
    expect(calls).toBeLessThanOrEqual(3); // the batch after the failed one may already be in the store's hands
    expect(s.has(events[0].id) && s.has(events[1].id)).toBe(true);
    expect(events.slice(6).some((e) => s.has(e.id))).toBe(false);
    await s.close();
  });
});
