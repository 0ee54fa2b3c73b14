// Damaged value-log segments: verify names the affected events, reads skip them (and say so through
// the store's hook, which the relay logs) while every other event is still served.
import { openSync, readSync, statSync, truncateSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NostrEvent } from '../../../pkg/nostr/types.js';
import type { EventStore, UnreadableEvent } from '../../../pkg/store/event-store.js';
import { readU64, serialKey } from '../../../pkg/store/layout/keys.js';
import { RecordView } from '../../../pkg/store/layout/record.js';
import { segmentFileName, type VlogPointer } from '../../../pkg/store/vlog/value-log.js';
import { verifyStore } from '../../../pkg/store/maintenance/verify.js';
import { collect, openTestStore, tempDir } from '../../support/store-fixtures.js';
import { captureLogs, realEvent, relayOn } from '../../support/store-faults.js';
import { RawClient } from '../../support/relay-harness.js';
import { crashEnv, spawnLode } from '../../support/crash-harness.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir('lode-corrupt-');
});
afterEach(() => dir.remove());

const MiB = 1024 * 1024;
const storeOpts = { inlineThreshold: 256, valueLogFileSize: MiB, eventCacheSize: 0 };

function pointerOf(store: EventStore, id: string): VlogPointer {
  const serial = readU64(store.db.ids.get(Buffer.from(id, 'hex'))!, 0);
  return new RecordView(store.db.events.get(serialKey(serial))!).pointer();
}

/** A store of `count` value-log events; returns them (oldest first) and their pointers. */
async function build(count: number): Promise<{ events: NostrEvent[]; pointers: Map<string, VlogPointer> }> {
  const store = await openTestStore(dir.path, storeOpts);
  const events = Array.from({ length: count }, (_, i) => realEvent({ created_at: 1_700_000_000 + i, content: `n${i} ` + 'c'.repeat(3000) }));
  await store.putMany(events);
  const pointers = new Map(events.map((e) => [e.id, pointerOf(store, e.id)]));
  await store.close();
  return { events, pointers };
}

function flipByte(ptr: VlogPointer, at: number): void {
  const file = join(dir.path, 'vlog', segmentFileName(ptr.segment));
  const fd = openSync(file, 'r+');
  const b = Buffer.alloc(1);
  readSync(fd, b, 0, 1, ptr.offset + at);
  b[0] ^= 0x55;
  writeSync(fd, b, 0, 1, ptr.offset + at);
  closeSync(fd);
}

describe('flipped bytes in a value-log segment', () => {
  it('verify names the damaged event; queries skip it, report it, and return every other event', async () => {
    const { events, pointers } = await build(40);
    const victim = events[17];
    flipByte(pointers.get(victim.id)!, 18 + 1500); // inside the payload

    const store = await openTestStore(dir.path, storeOpts);
    const report = await verifyStore(store);
    expect(report.ok).toBe(false);
    expect(report.affectedIds['payload-unreadable']).toEqual([victim.id]);
    expect(report.problems['vlog-damaged']).toBe(1);

    const skipped: UnreadableEvent[] = [];
    store.unreadableListeners.push((e) => skipped.push(e));
    const got = await collect(store.query([{ kinds: [1], limit: 1000 }]));
    expect(got.map((e) => e.id).sort()).toEqual(events.filter((e) => e !== victim).map((e) => e.id).sort());
    expect(skipped.map((s) => [s.id, s.error.code])).toEqual([[victim.id, 'VLOG_CORRUPT']]);
    // Asking for the damaged event alone is loud, not silent garbage.
    await expect(store.get(victim.id)).rejects.toMatchObject({ code: 'VLOG_CORRUPT' });
    await store.close();

    // The operator's command says the same: exit 1, the damaged id named.
    const cli = spawnLode(['verify'], crashEnv(dir.path), dir.path);
    const { code } = await cli.exited;
    expect(code).toBe(1);
    expect(cli.stdout() + cli.stderr()).toMatch(new RegExp(`payload-unreadable: 1 \\(ids: ${victim.id}\\)`));
  }, 60_000);
});

describe('a truncated value-log segment', () => {
  it('verify names every event whose bytes were cut; the rest are served', async () => {
    // ~340 entries of 3 KB fill a 1 MiB segment: 400 events span two segments.
    const { events, pointers } = await build(400);
    const first = [...pointers.values()].filter((p) => p.segment === 1);
    const file = join(dir.path, 'vlog', segmentFileName(1));
    const cutAt = statSync(file).size - 5000;
    truncateSync(file, cutAt);
    const cut = events.filter((e) => {
      const p = pointers.get(e.id)!;
      return p.segment === 1 && p.offset + 18 + p.length > cutAt;
    });
    expect(cut.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(events.length);

    const store = await openTestStore(dir.path, storeOpts);
    const report = await verifyStore(store);
    expect(new Set(report.affectedIds['payload-unreadable'])).toEqual(new Set(cut.map((e) => e.id)));
    const got = await collect(store.query([{ kinds: [1], limit: 5000 }]));
    expect(got).toHaveLength(events.length - cut.length);
    await store.close();
  });
});

describe('the relay over a damaged store', () => {
  it('sends every other event and EOSE, logs the damaged id, and the socket keeps working', async () => {
    const { events, pointers } = await build(30);
    const victim = events[5];
    flipByte(pointers.get(victim.id)!, 18 + 10);
    const logs = captureLogs();
    const server = await relayOn(
      dir.path,
      (c) => {
        c.store.inlineThreshold = storeOpts.inlineThreshold;
        c.store.valueLogFileSize = storeOpts.valueLogFileSize;
        c.store.eventCacheSize = 0;
      },
      logs.logger,
    );
    const client = await RawClient.open(server.url);
    try {
      const res = await client.req('all', { kinds: [1], limit: 100 });
      expect(res.closed).toBeUndefined();
      expect(res.events).toHaveLength(events.length - 1);
      expect(res.events.map((e) => e.id)).not.toContain(victim.id);
      const logged = logs.lines().filter((l) => l.msg === 'stored event unreadable, skipped; run `lode verify` to list every damaged event');
      expect(logged.map((l) => l.id)).toEqual([victim.id]);
      expect(logged[0].level).toBe(50); // error
      // By id too: the damaged one is skipped, the other one sent.
      const byId = await client.req('ids', { ids: [victim.id, events[6].id] });
      expect(byId.events.map((e) => e.id)).toEqual([events[6].id]);
    } finally {
      client.close();
      await server.close();
    }
  });
});
