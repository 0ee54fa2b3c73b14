// Full disk and full map: writes are refused with a clear error, reads keep working, nothing stored
// before is damaged, and writes resume once there is room again (for a full disk without restart;
// for a full map after mapSize is raised and the relay restarted).
import { closeSync, openSync, readdirSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventStore } from '../../../pkg/store/event-store.js';
import { verifyStore } from '../../../pkg/store/maintenance/verify.js';
import { collect, openTestStore, tempDir } from '../../support/store-fixtures.js';
import { errnoError, realEvent, relayOn } from '../../support/store-faults.js';
import { keys, RawClient, signed } from '../../support/relay-harness.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir('lode-full-');
});
afterEach(() => dir.remove());

const MiB = 1024 * 1024;
const big = (tag: string) => realEvent({ content: `${tag}:` + 'v'.repeat(3000) });

async function expectClean(store: EventStore): Promise<void> {
  const report = await verifyStore(store);
  expect(report.problems, JSON.stringify(report.details.slice(0, 3))).toEqual({});
}

describe('value log on a full disk (ENOSPC through the fault seam)', () => {
  it('refuses the write with DISK_FULL, keeps serving, and accepts writes again once space is back', async () => {
    const store = await openTestStore(dir.path, { inlineThreshold: 600, syncWrites: true });
    const before = Array.from({ length: 12 }, (_, i) => big(`before-${i}`));
    for (const r of await store.putMany(before)) expect(r.status).toBe('stored');
    const sizeBefore = store.vlog.totalBytes();

    store.vlog.faults = {
      beforeWrite() {
        throw errnoError('ENOSPC');
      },
    };
    const refused = big('refused');
    await expect(store.put(refused)).rejects.toMatchObject({ code: 'DISK_FULL' });
    // Still refused while the disk stays full; nothing half-written is left behind.
    await expect(store.put(big('refused-again'))).rejects.toMatchObject({ code: 'DISK_FULL' });
    expect(store.has(refused.id)).toBe(false);
    expect(store.vlog.totalBytes()).toBe(sizeBefore);
    // Reads keep working meanwhile, and small (inline) events do not need the value log at all.
    expect((await collect(store.query([{ kinds: [1] }]))).map((e) => e.id).sort()).toEqual(before.map((e) => e.id).sort());
    expect((await store.put(realEvent({ content: 'small' }))).status).toBe('stored');

    store.vlog.faults = undefined; // the operator freed space
    const after = big('after');
    expect((await store.put(after)).status).toBe('stored');
    expect(JSON.parse((await store.get(after.id))!).id).toBe(after.id);
    await expectClean(store);
    await store.close();

    const reopened = await openTestStore(dir.path, { inlineThreshold: 600 });
    expect(reopened.has(refused.id)).toBe(false);
    for (const e of [...before, after]) expect(JSON.parse((await reopened.get(e.id))!).id).toBe(e.id);
    await expectClean(reopened);
    await reopened.close();
  });

  it('a large batch (value log flushed synchronously) is refused whole with DISK_FULL, and writes resume', async () => {
    const store = await openTestStore(dir.path, { inlineThreshold: 600, syncWrites: true });
    const first = big('first');
    await store.put(first); // opens the head segment, so the next large batch flushes in place
    const sizeBefore = store.vlog.totalBytes();
    store.vlog.faults = {
      beforeWrite() {
        throw errnoError('ENOSPC');
      },
    };
    // 300 events (at or above the synchronous-flush size), a tenth of them for the value log.
    const batch = Array.from({ length: 300 }, (_, i) => (i % 10 === 0 ? big(`large-${i}`) : realEvent({ content: `small ${i}` })));
    const syncFlush = vi.spyOn(store.vlog, 'flushNow');
    await expect(store.putMany(batch)).rejects.toMatchObject({ code: 'DISK_FULL' });
    expect(syncFlush.mock.results.some((r) => r.type === 'throw')).toBe(true); // the synchronous path met the full disk
    syncFlush.mockRestore();
    for (const e of batch) expect(store.has(e.id)).toBe(false);
    expect(store.vlog.totalBytes()).toBe(sizeBefore);
    expect(store.stats().events).toBe(1);
    store.vlog.faults = undefined;
    expect((await store.putMany(batch)).every((r) => r.status === 'stored')).toBe(true);
    await expectClean(store);
    await store.close();
  });

  it('cuts a torn write left by the failed batch, so the log has no damaged stretch afterwards', async () => {
    const store = await openTestStore(dir.path, { inlineThreshold: 256, syncWrites: true });
    const first = big('first');
    await store.put(first);
    const segment = join(store.vlog.dir, readdirSync(store.vlog.dir).find((n) => n.endsWith('.vlog'))!);
    const size = statSync(segment).size;
    store.vlog.faults = {
      beforeWrite(_seg, position) {
        // Half a write reached the file before the disk filled up.
        const fd = openSync(segment, 'r+');
        writeSync(fd, Buffer.alloc(700, 0x5a), 0, 700, position);
        closeSync(fd);
        throw errnoError('ENOSPC');
      },
    };
    await expect(store.put(big('torn'))).rejects.toMatchObject({ code: 'DISK_FULL' });
    expect(statSync(segment).size).toBeGreaterThan(size);
    store.vlog.faults = undefined;
    const next = big('next');
    expect((await store.put(next)).status).toBe('stored');
    await expectClean(store); // the 0x5a bytes were cut before the next write went to the same offset
    await store.close();
  });

  it('a failed fsync (EIO) stops writes until the store is reopened, and loses nothing acknowledged', async () => {
    const store = await openTestStore(dir.path, { inlineThreshold: 256, syncWrites: true });
    const kept = big('kept');
    await store.put(kept);
    store.vlog.faults = {
      beforeSync() {
        throw errnoError('EIO');
      },
    };
    await expect(store.put(big('lost'))).rejects.toMatchObject({ code: 'VLOG_IO' });
    store.vlog.faults = undefined;
    // The kernel may have dropped the dirty pages: no later fsync can vouch for them, so no retry in place.
    await expect(store.put(big('still-refused'))).rejects.toMatchObject({ code: 'VLOG_IO', message: expect.stringMatching(/reopened|restart/) });
    expect(JSON.parse((await store.get(kept.id))!).id).toBe(kept.id);
    await store.close();
    const reopened = await openTestStore(dir.path, { inlineThreshold: 256, syncWrites: true });
    expect((await reopened.put(big('after-restart'))).status).toBe('stored');
    await expectClean(reopened);
    await reopened.close();
  });
});

describe('LMDB map at its mapSize ceiling', () => {
  // 16 MiB is the smallest mapSize the store accepts; 50 KB inline events fill it in ~300 writes.
  const fill = async (store: EventStore): Promise<{ stored: string[]; error: unknown }> => {
    const stored: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const ev = realEvent({ content: `fill-${i}:` + 'm'.repeat(50_000) });
      try {
        await store.put(ev);
        stored.push(ev.id);
      } catch (error) {
        return { stored, error };
      }
    }
    return { stored, error: undefined };
  };

  it('refuses writes with MAP_FULL instead of growing past mapSize, keeps every stored event, and writes again with a bigger mapSize', async () => {
    const opts = { inlineThreshold: 100_000, mapSize: 16 * MiB, eventCacheSize: 0 };
    const store = await openTestStore(dir.path, opts);
    const { stored, error } = await fill(store);
    expect(error).toMatchObject({ code: 'MAP_FULL', message: expect.stringMatching(/raise mapSize/) });
    expect(stored.length).toBeGreaterThan(100);
    expect(statSync(join(dir.path, 'lmdb', 'data.mdb')).size).toBeLessThanOrEqual(16 * MiB);
    // Reads keep working on the full store.
    expect(await store.count([{ kinds: [1] }])).toBe(stored.length);
    expect(JSON.parse((await store.get(stored[0]))!).id).toBe(stored[0]);
    await store.close();

    const bigger = await openTestStore(dir.path, { ...opts, mapSize: 64 * MiB });
    const more = realEvent({ content: 'after raising mapSize ' + 'm'.repeat(50_000) });
    expect((await bigger.put(more)).status).toBe('stored');
    expect(await bigger.count([{ kinds: [1] }])).toBe(stored.length + 1);
    await expectClean(bigger);
    await bigger.close();
  });
});

describe('over WebSocket', () => {
  it('a full disk answers OK false "error: …", REQ still answers, and the same event is accepted once space is back', async () => {
    const server = await relayOn(dir.path, (c) => {
      c.store.inlineThreshold = 256;
    });
    const client = await RawClient.open(server.url);
    try {
      const k = keys();
      const early = signed(k, { content: 'early ' + 'e'.repeat(2000) });
      expect((await client.publish(early)).accepted).toBe(true);

      server.store.vlog.faults = {
        beforeWrite() {
          throw errnoError('ENOSPC');
        },
      };
      const ev = signed(k, { content: 'during ' + 'd'.repeat(2000) });
      const refused = await client.publish(ev);
      expect(refused.accepted).toBe(false);
      expect(refused.message).toMatch(/^error: .*disk is full/);
      const read = await client.req('r1', { authors: [k.pk] });
      expect(read.events.map((e) => e.id)).toEqual([early.id]);

      server.store.vlog.faults = undefined;
      expect(await client.publish(ev)).toEqual({ accepted: true, message: '' });
      expect((await client.req('r2', { ids: [ev.id] })).events).toHaveLength(1);
    } finally {
      client.close();
      await server.close();
    }
  });

  it('a full map answers OK false naming mapSize; after a restart with a bigger mapSize the event is accepted', async () => {
    const tweak = (mapSize: number) => (c: Parameters<NonNullable<Parameters<typeof relayOn>[1]>>[0]) => {
      c.store.inlineThreshold = 100_000;
      c.store.mapSize = mapSize;
      c.store.eventCacheSize = 0;
    };
    let server = await relayOn(dir.path, tweak(16 * MiB));
    const k = keys();
    const ev = signed(k, { content: 'x'.repeat(50_000) });
    let client = await RawClient.open(server.url);
    try {
      // Fill the map in-process (fast: no signatures needed), then publish over the socket.
      let filled = 0;
      for (;;) {
        try {
          await server.store.put(realEvent({ content: 'f'.repeat(50_000) }));
          filled++;
        } catch (err) {
          expect(err).toMatchObject({ code: 'MAP_FULL' });
          break;
        }
      }
      const refused = await client.publish(ev);
      expect(refused.accepted).toBe(false);
      expect(refused.message).toMatch(/^error: .*mapSize/);
      const { events } = await client.req('r', { kinds: [1], limit: 5 });
      expect(events).toHaveLength(5);
      expect(await server.store.count([{ kinds: [1] }])).toBe(filled);
    } finally {
      client.close();
      await server.close();
    }
    server = await relayOn(dir.path, tweak(64 * MiB));
    client = await RawClient.open(server.url);
    try {
      expect(await client.publish(ev)).toEqual({ accepted: true, message: '' });
    } finally {
      client.close();
      await server.close();
    }
  });
});
