// Inline/value-log placement, crash shapes of the value log, GC, settings recorded in the store.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFileSync, readdirSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { collect, fakeEvent, openTestStore, tempDir } from '../../support/store-fixtures.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

const vlogDir = () => join(dir.path, 'vlog');
const segments = () => readdirSync(vlogDir()).filter((f) => f.endsWith('.vlog')).sort();

describe('placement', () => {
  it('keeps small payloads inline and large ones in the value log, both readable', async () => {
    const store = await openTestStore(dir.path, { inlineThreshold: 1024, eventCacheSize: 0 });
    const small = fakeEvent({ content: 'hi' });
    const large = fakeEvent({ content: 'x'.repeat(5000) });
    await store.putMany([small, large]);
    const s = store.stats();
    expect(s.inline.events).toBe(1);
    expect(s.valueLog.events).toBe(1);
    expect(s.valueLog.bytes).toBeGreaterThan(5000);
    expect(JSON.parse((await store.get(large.id))!).content).toHaveLength(5000);
    expect(JSON.parse((await store.get(small.id))!).content).toBe('hi');
    await store.close();
  });

  it('a duplicate bound for the value log costs no append', async () => {
    const store = await openTestStore(dir.path, { inlineThreshold: 256 });
    const large = fakeEvent({ content: 'd'.repeat(4000) });
    await store.put(large);
    const bytes = store.stats().valueLog.fileBytes;
    expect((await store.put(large)).status).toBe('duplicate');
    expect((await store.putMany([large, large]))[1].status).toBe('duplicate');
    expect(store.stats().valueLog.fileBytes).toBe(bytes);
    await store.close();
  });

  it('follows a size percentile when inlinePercentile is set', async () => {
    const store = await openTestStore(dir.path, { inlineThreshold: 100_000, inlinePercentile: 0.9 });
    const evs = Array.from({ length: 200 }, (_, i) => fakeEvent({ content: 'y'.repeat(i % 10 === 9 ? 8000 : 100) }));
    await store.putMany(evs);
    const threshold = store.stats().settings.inForce.effectiveInlineThreshold;
    expect(threshold).toBeLessThan(8000);
    await store.putMany(Array.from({ length: 10 }, () => fakeEvent({ content: 'z'.repeat(8000) })));
    expect(store.stats().valueLog.events).toBeGreaterThanOrEqual(10);
    await store.close();
  });

  it('records write settings and reports data written under other ones', async () => {
    let store = await openTestStore(dir.path, { inlineThreshold: 1024 });
    await store.put(fakeEvent());
    expect(store.stats().settings.mixed).toBe(false);
    await store.close();
    store = await openTestStore(dir.path, { inlineThreshold: 4096, compression: 'deflate' });
    const s = store.stats().settings;
    expect(s.mixed).toBe(true);
    expect(s.recorded).toEqual([{ inlineThreshold: 1024, compression: 'none', valueLogFileSize: 128 * 1024 * 1024 }]);
    await store.put(fakeEvent({ content: 'c'.repeat(3000) }));
    expect(store.stats().settings.recorded).toHaveLength(2);
    await store.close();
  });

  it('reads old payloads after the compression setting changes', async () => {
    let store = await openTestStore(dir.path, { compression: 'deflate', inlineThreshold: 256 });
    const ev = fakeEvent({ content: 'compress me '.repeat(500) });
    await store.put(ev);
    await store.close();
    store = await openTestStore(dir.path, { compression: 'none', eventCacheSize: 0 });
    expect(JSON.parse((await store.get(ev.id))!)).toEqual(ev);
    await store.close();
  });
});

describe('crash shapes', () => {
  it('ignores a value-log tail cut mid-entry and keeps every committed event', async () => {
    let store = await openTestStore(dir.path, { inlineThreshold: 256, eventCacheSize: 0 });
    const evs = Array.from({ length: 20 }, () => fakeEvent({ content: 'q'.repeat(2000) }));
    await store.putMany(evs);
    await store.close();
    // A crash while appending: half an entry (header and part of a payload) after the last good one.
    const seg = join(vlogDir(), segments().at(-1)!);
    const size = statSync(seg).size;
    appendFileSync(seg, Buffer.alloc(700, 0xab));
    store = await openTestStore(dir.path, { inlineThreshold: 256, eventCacheSize: 0 });
    expect(statSync(seg).size).toBe(size);
    for (const e of evs) expect(JSON.parse((await store.get(e.id))!).id).toBe(e.id);
    const more = fakeEvent({ content: 'r'.repeat(3000) });
    expect((await store.put(more)).status).toBe('stored');
    expect(JSON.parse((await store.get(more.id))!).content).toHaveLength(3000);
    await store.close();
  });

  it('a committed pointer never dangles: payloads are on disk before the commit', async () => {
    let store = await openTestStore(dir.path, { inlineThreshold: 256, eventCacheSize: 0 });
    const evs = Array.from({ length: 30 }, () => fakeEvent({ content: 'p'.repeat(1500) }));
    await Promise.all(evs.map((e) => store.put(e))); // many concurrent puts, group commit
    await store.close();
    // Cutting the log below a committed entry is damage, not a torn tail: reads must fail loudly, not return garbage.
    store = await openTestStore(dir.path, { inlineThreshold: 256, eventCacheSize: 0 });
    for (const e of evs) expect(await store.get(e.id)).toBeDefined();
    await store.close();
    const seg = join(vlogDir(), segments().at(-1)!);
    truncateSync(seg, statSync(seg).size - 10);
    store = await openTestStore(dir.path, { inlineThreshold: 256, eventCacheSize: 0 });
    const readable = await Promise.all(evs.map((e) => store.get(e.id).then(() => true, () => false)));
    expect(readable.filter((x) => !x)).toHaveLength(1);
    await store.close();
  });
});

describe('value-log GC', () => {
  it('reclaims space after most events are replaced or deleted, and every live event still reads', async () => {
    const opts = { inlineThreshold: 512, valueLogFileSize: 1024 * 1024, eventCacheSize: 0, gcDiscardRatio: 0.5 };
    let store = await openTestStore(dir.path, opts);
    const big = (i: number) => 'g'.repeat(20_000) + i;
    const notes = Array.from({ length: 150 }, (_, i) => fakeEvent({ content: big(i), created_at: 1000 + i }));
    await store.putMany(notes);
    // Delete 80 % of them; replace a profile many times.
    const doomed = notes.filter((_, i) => i % 5 !== 0);
    await store.putMany(doomed.map((n, i) => fakeEvent({ kind: 5, created_at: 5000 + i, tags: [['e', n.id]] })));
    for (let v = 0; v < 60; v++) await store.put(fakeEvent({ kind: 0, created_at: 2000 + v, content: big(v) }));
    const before = store.stats().valueLog.fileBytes;
    const r = await store.gc();
    expect(r.segmentsRewritten).toBeGreaterThan(0);
    expect(r.bytesReclaimed).toBeGreaterThan(0);
    const after = store.stats().valueLog.fileBytes;
    expect(after).toBeLessThan(before);
    expect(before - after).toBe(r.bytesReclaimed);
    expect(store.stats().gc.runs).toBe(1);
    const live = notes.filter((_, i) => i % 5 === 0);
    const check = async () => {
      for (const n of live) expect(JSON.parse((await store.get(n.id))!).content).toBe(n.content);
      const profile = await collect(store.query([{ kinds: [0] }]));
      expect(profile.map((p) => p.created_at)).toEqual([2059]);
    };
    await check();
    await store.close();
    store = await openTestStore(dir.path, opts);
    await check();
    expect(store.stats().gc.bytesReclaimed).toBe(r.bytesReclaimed);
    await store.close();
  });
});
