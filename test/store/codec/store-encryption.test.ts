// Encryption at rest: nothing readable on disk, the right key opens the store, a wrong or missing
// key is refused clearly (never a crash), plain stores stay plain, and GC, verify, backup/restore and
// the relay all work on an encrypted store.
import { randomBytes } from 'node:crypto';
import { chmodSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupStore } from '../../../pkg/store/maintenance/backup.js';
import { deriveStoreKeys } from '../../../pkg/store/codec/payload-cipher.js';
import { restoreBackup } from '../../../pkg/store/index.js';
import { verifyStore } from '../../../pkg/store/maintenance/verify.js';
import { EventStore } from '../../../pkg/store/event-store.js';
import { ConfigError, loadConfig, redactConfig } from '../../../src/config.js';
import { collect, openTestStore, tempDir } from '../../support/store-fixtures.js';
import { realEvent, relayOn } from '../../support/store-faults.js';
import { keys, RawClient, signed } from '../../support/relay-harness.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir('lode-enc-');
});
afterEach(() => dir.remove());

const MARKER = 'plaintext-marker-7f3a91';
const key = randomBytes(32);
const opts = { inlineThreshold: 400, valueLogFileSize: 1024 * 1024 };

/** Inline and value-log events, each carrying MARKER in its content. */
function events(count = 30) {
  return Array.from({ length: count }, (_, i) => realEvent({ created_at: 1_700_000_000 + i, content: `${MARKER} ${i} ` + 'z'.repeat(i % 2 ? 2000 : 10) }));
}

function filesContain(root: string, needle: string): string[] {
  const hits: string[] = [];
  for (const sub of ['lmdb', 'vlog']) {
    for (const name of readdirSync(join(root, sub))) {
      if (readFileSync(join(root, sub, name)).includes(needle)) hits.push(`${sub}/${name}`);
    }
  }
  return hits;
}

describe('an encrypted store', () => {
  it('keeps no plaintext on disk (a plain store does), and reopens with its key with everything readable and verify clean', async () => {
    const plainDir = tempDir('lode-plain-');
    try {
      const plain = await openTestStore(plainDir.path, opts);
      await plain.putMany(events());
      await plain.close();
      expect(filesContain(plainDir.path, MARKER).sort()).toEqual(['lmdb/data.mdb', 'vlog/000001.vlog']);
    } finally {
      plainDir.remove();
    }

    const evs = events();
    let store = await openTestStore(dir.path, { ...opts, encryptionKey: key });
    for (const r of await store.putMany(evs)) expect(r.status).toBe('stored');
    expect(store.stats().valueLog.events).toBe(15);
    await store.close();
    expect(filesContain(dir.path, MARKER)).toEqual([]);

    store = await openTestStore(dir.path, { ...opts, encryptionKey: key });
    const got = await collect(store.query([{ kinds: [1], limit: 100 }]));
    expect(got.map((e) => e.id).sort()).toEqual(evs.map((e) => e.id).sort());
    const report = await verifyStore(store);
    expect(report.problems).toEqual({});
    await store.close();

    const ro = await EventStore.open({ dataDir: dir.path, ...opts, encryptionKey: key, readOnly: true });
    expect(ro.stats().events).toBe(evs.length);
    await ro.close();
  });

  it('refuses a wrong key, a missing key and a key for a plain store with BAD_KEY', async () => {
    const store = await openTestStore(dir.path, { ...opts, encryptionKey: key });
    await store.putMany(events(5));
    await store.close();
    await expect(openTestStore(dir.path, { ...opts, encryptionKey: randomBytes(32) })).rejects.toMatchObject({
      code: 'BAD_KEY',
      message: expect.stringMatching(/wrong encryption key/),
    });
    await expect(openTestStore(dir.path, opts)).rejects.toMatchObject({ code: 'BAD_KEY', message: expect.stringMatching(/is encrypted and no encryption key/) });
    await expect(EventStore.open({ dataDir: dir.path, readOnly: true })).rejects.toMatchObject({ code: 'BAD_KEY' });
    // Without encryption.json the LMDB file itself says it is encrypted (opening it keyless would crash lmdb-js).
    unlinkSync(join(dir.path, 'encryption.json'));
    await expect(openTestStore(dir.path, opts)).rejects.toMatchObject({ code: 'BAD_KEY' });
    // The right key brings encryption.json back.
    const again = await openTestStore(dir.path, { ...opts, encryptionKey: key });
    expect(again.stats().events).toBe(5);
    await again.close();
    expect(JSON.parse(readFileSync(join(dir.path, 'encryption.json'), 'utf8')).keyCheck).toBe(deriveStoreKeys(key).keyCheck);

    const plainDir = tempDir('lode-plain-');
    try {
      const plain = await openTestStore(plainDir.path, opts);
      await plain.close();
      await expect(openTestStore(plainDir.path, { ...opts, encryptionKey: key })).rejects.toMatchObject({
        code: 'BAD_KEY',
        message: expect.stringMatching(/created without encryption/),
      });
    } finally {
      plainDir.remove();
    }
    await expect(openTestStore(dir.path, { ...opts, encryptionKey: Buffer.alloc(16) })).rejects.toMatchObject({ code: 'BAD_OPTIONS' });
  });

  it('value-log GC, backup and restore keep an encrypted store readable only with its key', async () => {
    const store = await openTestStore(dir.path, { ...opts, encryptionKey: key, gcDiscardRatio: 0.1 });
    const k = 'addr';
    // Addressable versions: each replaces the last, leaving stale value-log entries for GC.
    for (let i = 0; i < 400; i++) {
      await store.put(realEvent({ kind: 30023, created_at: 1_700_000_000 + i, tags: [['d', `${k}${i % 5}`]], content: `${MARKER} v${i} ` + 'g'.repeat(3000) }));
    }
    const gc = await store.gc();
    expect(gc.segmentsRewritten).toBeGreaterThan(0);
    expect((await verifyStore(store)).problems).toEqual({});
    const latest = await collect(store.query([{ kinds: [30023] }]));
    expect(latest.map((e) => e.content.split(' ')[1]).sort()).toEqual(['v395', 'v396', 'v397', 'v398', 'v399']);

    const backupDir = join(dir.path, '..', `${dir.path.split('/').pop()}-backup`);
    const restoreDir = `${backupDir}-restored`;
    try {
      const b = await backupStore(store, backupDir);
      expect(b.manifest.files.map((f) => f.path)).toContain('encryption.json');
      await store.close();
      const r = await restoreBackup(backupDir, restoreDir, { storeOptions: { ...opts, encryptionKey: key } });
      expect(r.verify.ok).toBe(true);
      expect(filesContain(restoreDir, MARKER)).toEqual([]);
      await expect(openTestStore(restoreDir, opts)).rejects.toMatchObject({ code: 'BAD_KEY' });
      const restored = await openTestStore(restoreDir, { ...opts, encryptionKey: key });
      expect((await collect(restored.query([{ kinds: [30023] }]))).map((e) => e.id).sort()).toEqual(latest.map((e) => e.id).sort());
      await restored.close();
    } finally {
      rmSync(backupDir, { recursive: true, force: true });
      rmSync(restoreDir, { recursive: true, force: true });
    }
  });

  it('sealed value-log payloads are bound to their serial and to every byte', () => {
    const { cipher } = deriveStoreKeys(key);
    const plain = Buffer.from('\x00{"id":"…"}');
    const a = cipher.seal(7, plain);
    expect(cipher.open(7, a)).toEqual(plain);
    expect(cipher.seal(7, plain).equals(a)).toBe(false); // a fresh nonce every time
    expect(() => cipher.open(8, a)).toThrow(expect.objectContaining({ code: 'CORRUPT' }));
    const flipped = Buffer.from(a);
    flipped[20] ^= 1;
    expect(() => cipher.open(7, flipped)).toThrow(expect.objectContaining({ code: 'CORRUPT' }));
    expect(() => deriveStoreKeys(randomBytes(32)).cipher.open(7, a)).toThrow(expect.objectContaining({ code: 'CORRUPT' }));
  });
});

describe('the encryption key in the config', () => {
  const load = (env: Record<string, string>) => loadConfig({ env, argv: [], cwd: dir.path, findFile: false });

  it('takes LODE_ENCRYPTION_KEY as hex or base64, and a key file; never shows it', () => {
    expect(load({ LODE_ENCRYPTION_KEY: key.toString('hex') }).config.store.encryptionKey).toEqual(key);
    expect(load({ LODE_ENCRYPTION_KEY: key.toString('base64') }).config.store.encryptionKey).toEqual(key);
    const file = join(dir.path, 'store.key');
    writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600 });
    const loaded = load({ LODE_ENCRYPTION_KEY_FILE: file });
    expect(loaded.config.store.encryptionKey).toEqual(key);
    expect(loaded.warnings).toEqual([]);
    writeFileSync(file, key); // 32 raw bytes
    chmodSync(file, 0o644);
    const loose = load({ LODE_ENCRYPTION_KEY_FILE: file });
    expect(loose.config.store.encryptionKey).toEqual(key);
    expect(loose.warnings.join('\n')).toMatch(/readable by group or others.*chmod 600/);

    const shown = JSON.stringify(redactConfig(load({ LODE_ENCRYPTION_KEY: key.toString('hex') }).config));
    expect(shown).not.toContain(key.toString('hex'));
    expect(shown).toContain('[redacted]');
    expect(shown).not.toMatch(/"encryptionKey":\{/);
  });

  it('refuses a malformed key naming the setting but not the value, and both ways at once', () => {
    const bad = 'ab'.repeat(31);
    let err: unknown;
    try {
      load({ LODE_ENCRYPTION_KEY: bad });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).key).toBe('encryptionKey');
    expect((err as Error).message).not.toContain(bad);
    expect(() => load({ LODE_ENCRYPTION_KEY_FILE: join(dir.path, 'missing.key') })).toThrow(/encryptionKeyFile.*cannot read it \(ENOENT\)/);
    const file = join(dir.path, 'k');
    writeFileSync(file, key.toString('hex'));
    expect(() => load({ LODE_ENCRYPTION_KEY: key.toString('hex'), LODE_ENCRYPTION_KEY_FILE: file })).toThrow(/one way only/);
  });
});

describe('the relay on an encrypted store', () => {
  it('serves what it stored across a restart, and refuses to start with a wrong key', async () => {
    const tweak = (k: Buffer) => (c: Parameters<NonNullable<Parameters<typeof relayOn>[1]>>[0]) => {
      c.store.inlineThreshold = 400;
      c.store.encryptionKey = k;
    };
    const author = keys();
    const small = signed(author, { content: 'small' });
    const large = signed(author, { content: MARKER + 'L'.repeat(3000) });
    let server = await relayOn(dir.path, tweak(key));
    let client = await RawClient.open(server.url);
    expect((await client.publish(small)).accepted).toBe(true);
    expect((await client.publish(large)).accepted).toBe(true);
    client.close();
    await server.close();
    expect(filesContain(dir.path, MARKER)).toEqual([]);

    await expect(relayOn(dir.path, tweak(randomBytes(32)))).rejects.toMatchObject({ code: 'BAD_KEY' });
    server = await relayOn(dir.path, tweak(key));
    client = await RawClient.open(server.url);
    try {
      const { events: got } = await client.req('r', { authors: [author.pk] });
      expect(got.map((e) => e.id).sort()).toEqual([small.id, large.id].sort());
    } finally {
      client.close();
      await server.close();
    }
  });
});
