// Backups taken while writes run, restored into an empty dir: the same ids, and verify clean.
// Restore refuses what it must; verify finds damage by event id; --repair rebuilds indexes.
import { readFileSync, readdirSync, statSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NostrEvent } from '../pkg/nostr/types.js';
import { computeId } from '../pkg/nostr/serialize.js';
import { backupStore, MANIFEST_FILE } from '../pkg/store/maintenance/backup.js';
import { EventStore } from '../pkg/store/event-store.js';
import { restoreBackup } from '../pkg/store/index.js';
import { digestStore } from '../pkg/store/maintenance/store-digest.js';
import { verifyStore } from '../pkg/store/maintenance/verify.js';
import { rebuildIndexes } from '../pkg/store/maintenance/index-rebuild.js';
import { serialKey } from '../pkg/store/layout/keys.js';
import { RecordView } from '../pkg/store/layout/record.js';
import { lodeBundle, runLode } from './support/lode-cli.js';
import { fakeEvent, openTestStore, sampleEvents, tempDir } from './support/store-fixtures.js';

/** Ids in the store, sorted. */
function idsOf(store: EventStore): string[] {
  return [...store.db.ids.getKeys()].map((k) => Buffer.from(k as Buffer).toString('hex')).sort();
}

/** Events of mixed sizes: every 3rd one goes to the value log (inline threshold 1024 below). */
let streamNo = 0;
function stream(n: number): NostrEvent[] {
  const run = streamNo++;
  return Array.from({ length: n }, (_, i) => {
    const ev = fakeEvent({ created_at: 1_700_000_000 + i, content: i % 3 === 0 ? `${run}:${'x'.repeat(3000 + i)}` : `note ${run}:${i}` });
    return { ...ev, id: computeId(ev) }; // verify checks ids (not signatures: the store trusts its caller on those)
  });
}

describe('backup while writing, restore into an empty dir', () => {
  const dir = tempDir('lode-backup-');
  afterAll(() => dir.remove());

  it('the restored store holds exactly the events committed before the snapshot, and verifies clean', async () => {
    const store = await openTestStore(join(dir.path, 'src'), { inlineThreshold: 1024, valueLogFileSize: 1024 * 1024 });
    const initial = stream(300);
    await store.putMany(initial);
    const incoming = stream(1500);
    // Writes keep arriving in small batches while the backup runs.
    const writer = (async () => {
      for (let i = 0; i < incoming.length; i += 25) await store.putMany(incoming.slice(i, i + 25));
    })();
    await new Promise((r) => setTimeout(r, 20));
    const result = await backupStore(store, join(dir.path, 'bk'));
    await writer;
    await store.close();

    expect(result.manifest.events).toBeGreaterThanOrEqual(initial.length);
    const restored = await restoreBackup(join(dir.path, 'bk'), join(dir.path, 'restored'));
    expect(restored.verify.ok, JSON.stringify(restored.verify.problems)).toBe(true);
    const back = await openTestStore(join(dir.path, 'restored'));
    try {
      const ids = idsOf(back);
      // Writes commit in order, so a consistent snapshot is the initial events plus a prefix of the stream.
      const k = ids.length - initial.length;
      expect(k).toBeGreaterThanOrEqual(0);
      const expected = [...initial, ...incoming.slice(0, k)].map((e) => e.id).sort();
      expect(ids).toEqual(expected);
      expect(ids.length).toBe(result.manifest.events);
      // Every payload, inline or in the value log, is readable from the restored copy.
      for (const e of [...initial, ...incoming.slice(0, k)].filter((_, i) => i % 7 === 0)) expect(JSON.parse((await back.get(e.id))!).id).toBe(e.id);
    } finally {
      await back.close();
    }
  });

  it('writes files 0600 and dirs 0700, with a manifest of counts, sizes and checksums', () => {
    const bk = join(dir.path, 'bk');
    const manifest = JSON.parse(readFileSync(join(bk, MANIFEST_FILE), 'utf8'));
    expect(manifest).toMatchObject({ format: 'lode-backup', version: 1 });
    expect(manifest.files.map((f: { path: string }) => f.path)).toContain('lmdb/data.mdb');
    for (const f of manifest.files) {
      expect(statSync(join(bk, f.path)).size).toBe(f.bytes);
      expect(statSync(join(bk, f.path)).mode & 0o777).toBe(0o600);
      expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(statSync(join(bk, MANIFEST_FILE)).mode & 0o777).toBe(0o600);
    for (const d of [bk, join(bk, 'lmdb'), join(bk, 'vlog')]) expect(statSync(d).mode & 0o777).toBe(0o700);
  });
});

describe('lode backup / restore from the CLI', () => {
  const dir = tempDir('lode-backup-cli-');
  const src = join(dir.path, 'src');
  let digest: string;
  beforeAll(async () => {
    await lodeBundle();
    const store = await openTestStore(src, { inlineThreshold: 512 });
    await store.putMany(sampleEvents());
    digest = (await digestStore(store)).sha256;
    await store.close();
    const r = await runLode(['backup', join(dir.path, 'bk'), '--data-dir', src, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ path: join(dir.path, 'bk'), events: expect.any(Number), size_bytes: expect.any(Number) });
  });
  afterAll(() => dir.remove());

  it('restores into an empty dir with the same id digest, verify clean', async () => {
    const r = await runLode(['restore', join(dir.path, 'bk'), '--data-dir', join(dir.path, 'a')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('verify: clean');
    const d = await runLode(['digest', '--data-dir', join(dir.path, 'a')]);
    expect(d.stdout.trim().split(' ')[1]).toBe(digest);
  });

  it('refuses a non-empty data dir without --force and leaves it untouched; --force moves it aside', async () => {
    const target = join(dir.path, 'busy');
    mkdirSync(target);
    writeFileSync(join(target, 'keep.txt'), 'mine');
    const refused = await runLode(['restore', join(dir.path, 'bk'), '--data-dir', target]);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('not empty');
    expect(readdirSync(target)).toEqual(['keep.txt']);
    const forced = await runLode(['restore', join(dir.path, 'bk'), '--data-dir', target, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    const aside = readdirSync(dir.path).find((n) => n.startsWith('busy.before-restore-'));
    expect(aside).toBeDefined();
    expect(readFileSync(join(dir.path, aside!, 'keep.txt'), 'utf8')).toBe('mine');
  });

  it('refuses a damaged backup (checksum), a missing manifest and a manifest naming foreign paths, touching nothing', async () => {
    const bad = join(dir.path, 'bad');
    const good = join(dir.path, 'bk');
    mkdirSync(join(bad, 'lmdb'), { recursive: true });
    mkdirSync(join(bad, 'vlog'));
    const manifest = JSON.parse(readFileSync(join(good, MANIFEST_FILE), 'utf8'));
    for (const f of manifest.files) writeFileSync(join(bad, f.path), readFileSync(join(good, f.path)));
    const seg = manifest.files.find((f: { path: string }) => f.path.startsWith('vlog/'));
    const bytes = readFileSync(join(bad, seg.path));
    bytes[bytes.length - 5] ^= 0xff;
    writeFileSync(join(bad, seg.path), bytes);
    writeFileSync(join(bad, MANIFEST_FILE), JSON.stringify(manifest));
    const damaged = await runLode(['restore', bad, '--data-dir', join(dir.path, 'x1')]);
    expect(damaged.code).toBe(4);
    expect(damaged.stderr).toContain(seg.path);
    expect(damaged.stderr).toContain('sha256');
    expect(existsSync(join(dir.path, 'x1'))).toBe(false);

    const noManifest = await runLode(['restore', join(dir.path, 'nothing-here'), '--data-dir', join(dir.path, 'x2')]);
    expect(noManifest.code).toBe(4);
    expect(noManifest.stderr).toContain('not a lode backup');

    writeFileSync(join(bad, MANIFEST_FILE), JSON.stringify({ ...manifest, files: [...manifest.files, { path: '../escape', bytes: 1, sha256: 'x' }] }));
    const foreign = await runLode(['restore', bad, '--data-dir', join(dir.path, 'x3')]);
    expect(foreign.code).toBe(4);
    expect(foreign.stderr).toContain('lode does not write');
    expect(existsSync(join(dir.path, 'x3'))).toBe(false);
  });
});

describe('verify and --repair', () => {
  it('names the affected ids of a missing index entry and a corrupt payload; repair rebuilds and removes what cannot be served', async () => {
    const dir = tempDir('lode-verify-');
    const store = await openTestStore(dir.path, { inlineThreshold: 1024 });
    try {
      const events = stream(60);
      await store.putMany(events);
      expect((await verifyStore(store)).ok).toBe(true);
      // Damage 1: drop one index entry of an inline event.
      const victim = events[1];
      const keys = [...store.db.index.getKeys()].map((k) => Buffer.from(k as Buffer));
      const serialOfVictim = store.db.ids.get(Buffer.from(victim.id, 'hex'))!;
      const key = keys.find((k) => k.subarray(k.length - 8).equals(serialOfVictim))!;
      await store.db.env.transaction(() => store.db.index.remove(key));
      // Damage 2: flip a payload byte of a value-log event on disk.
      const big = events[3];
      const rec = new RecordView(store.db.events.get(serialKey(Number(Buffer.from(store.db.ids.get(Buffer.from(big.id, 'hex'))!).readBigUInt64BE())))!);
      const ptr = rec.pointer();
      const segFile = join(dir.path, 'vlog', readdirSync(join(dir.path, 'vlog'))[0]);
      const seg = readFileSync(segFile);
      seg[ptr.offset + 18 + 10] ^= 0x01;
      writeFileSync(segFile, seg);
      store.cache.delete(Number(Buffer.from(store.db.ids.get(Buffer.from(big.id, 'hex'))!).readBigUInt64BE()));

      const report = await verifyStore(store);
      expect(report.ok).toBe(false);
      expect(report.affectedIds['index-missing']).toEqual([victim.id]);
      expect(report.affectedIds['payload-unreadable']).toEqual([big.id]);
      expect(report.problems['vlog-damaged']).toBe(1);

      const repair = await rebuildIndexes(store);
      expect(repair.removed.map((r) => r.id)).toEqual([big.id]);
      const after = await verifyStore(store, { skipVlogScan: true });
      expect(after.ok, JSON.stringify(after.problems)).toBe(true);
      expect(store.has(victim.id)).toBe(true);
      expect(store.has(big.id)).toBe(false);
      expect(store.stats().events).toBe(events.length - 1);
    } finally {
      await store.close();
      dir.remove();
    }
  });
});
