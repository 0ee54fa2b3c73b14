// The admin API: absent without a token, 401 on a wrong one, backups confined to the backup dir,
// and each endpoint's happy path against a real server.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenMatches } from '../src/http/admin-routes.js';
import { startLodeServer, type LodeServerHarness } from './support/lode-server.js';
import { sampleEvents } from './support/store-fixtures.js';

const TOKEN = 'correct horse battery staple';
const auth = { Authorization: `Bearer ${TOKEN}` };

describe('admin API switched off', () => {
  it('answers 404 on every /admin route when no token is configured', async () => {
    const h = await startLodeServer();
    try {
      for (const [method, path] of [['GET', '/admin/stats'], ['POST', '/admin/gc'], ['POST', '/admin/backup'], ['GET', '/admin/export']]) {
        const r = await h.http(path, { method, headers: auth });
        expect(r.status, `${method} ${path}`).toBe(404);
        expect((await r.json()).error).toBe('not-found');
      }
    } finally {
      await h.dispose();
    }
  });
});

describe('admin API with a token', () => {
  let h: LodeServerHarness;
  let backupDir: string;
  const events = sampleEvents().filter((e) => !e.tags.some((t) => t[0] === 'expiration'));
  beforeAll(async () => {
    backupDir = mkdtempSync(join(tmpdir(), 'lode-admin-backups-'));
    h = await startLodeServer((c) => {
      c.adminToken = TOKEN;
      c.backupDir = backupDir;
    });
    await h.server.store.putMany(events.slice(0, 60));
  });
  afterAll(async () => {
    await h?.dispose();
    rmSync(backupDir, { recursive: true, force: true });
  });

  it('401 with a JSON reason for a missing or wrong token, before revealing anything', async () => {
    for (const headers of [{} as Record<string, string>, { Authorization: 'Bearer nope' }, { Authorization: `Basic ${TOKEN}` }, { Authorization: 'Bearer ' }]) {
      const r = await h.http('/admin/stats', { headers });
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toContain('Bearer');
      expect(await r.json()).toMatchObject({ error: 'unauthorized', message: expect.any(String) });
    }
    expect((await h.http('/admin/nothing', { headers: { Authorization: 'Bearer nope' } })).status).toBe(401);
    expect(tokenMatches(TOKEN, `Bearer ${TOKEN}`)).toBe(true);
    expect(tokenMatches(TOKEN, `Bearer ${TOKEN}x`)).toBe(false);
  });

  it('GET /admin/stats reports the store', async () => {
    const r = await h.http('/admin/stats', { headers: auth });
    expect(r.status).toBe(200);
    const body = await r.json();
    expect(body.events).toBe(h.server.store.stats().events);
    expect(body.settings.inForce).toBeDefined();
  });

  it('POST /admin/gc answers what it reclaimed', async () => {
    const r = await h.http('/admin/gc', { method: 'POST', headers: auth });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ segments_rewritten: expect.any(Number), bytes_reclaimed: expect.any(Number), duration_ms: expect.any(Number) });
  });

  it('POST /admin/backup writes a backup inside the backup dir and answers path, size, duration, events', async () => {
    const r = await h.http('/admin/backup', { method: 'POST', headers: auth, body: JSON.stringify({ path: 'nightly/one' }) });
    expect(r.status, await r.clone().text()).toBe(200);
    const body = await r.json();
    expect(body).toMatchObject({ size_bytes: expect.any(Number), duration_ms: expect.any(Number), events: h.server.store.stats().events });
    expect(body.path.startsWith(backupDir)).toBe(true);
    const manifest = JSON.parse(readFileSync(join(body.path, 'manifest.json'), 'utf8'));
    expect(manifest.events).toBe(body.events);
    expect(statSync(join(body.path, 'lmdb', 'data.mdb')).mode & 0o777).toBe(0o600);
    // The same name again is refused rather than overwritten.
    const again = await h.http('/admin/backup', { method: 'POST', headers: auth, body: JSON.stringify({ path: 'nightly/one' }) });
    expect(again.status).toBe(409);
  });

  it('refuses backup paths that escape the backup dir: .., absolute outside, a symlink leading out', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'lode-outside-'));
    mkdirSync(join(backupDir, 'links'), { recursive: true });
    symlinkSync(outside, join(backupDir, 'links', 'out'));
    try {
      const cases: [unknown, number][] = [
        ['../escape', 400],
        ['a/../../escape', 400],
        [join(outside, 'abs'), 403],
        ['/etc/lode-backup', 403],
        ['links/out/b', 403],
        ['', 400],
        [42, 400],
      ];
      for (const [path, status] of cases) {
        const r = await h.http('/admin/backup', { method: 'POST', headers: auth, body: JSON.stringify({ path }) });
        expect(r.status, `path ${JSON.stringify(path)}`).toBe(status);
        expect(await r.json()).toMatchObject({ error: expect.any(String), message: expect.any(String) });
      }
      expect(existsSync(join(outside, 'b'))).toBe(false);
      expect(existsSync(join(outside, 'abs'))).toBe(false);
      const notJson = await h.http('/admin/backup', { method: 'POST', headers: auth, body: '{nope' });
      expect(notJson.status).toBe(400);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('GET /admin/export streams JSONL with the CLI filters; POST /admin/import stores a JSONL body and answers the summary', async () => {
    const all = await h.http('/admin/export', { headers: auth });
    expect(all.headers.get('content-type')).toContain('ndjson');
    const lines = (await all.text()).trim().split('\n');
    expect(lines).toHaveLength(h.server.store.stats().events);
    const kind1 = (await (await h.http('/admin/export?kinds=1', { headers: auth })).text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(kind1.length).toBeGreaterThan(0);
    expect(kind1.every((e) => e.kind === 1)).toBe(true);
    expect((await h.http('/admin/export?kinds=x', { headers: auth })).status).toBe(400);

    const fresh = events.slice(60, 80);
    const badSig = { ...events[81], sig: events[82].sig }; // its id is right: only the relay's signature check refuses it
    const body = [...fresh.map((e) => JSON.stringify(e)), 'garbage', JSON.stringify(events[0]), JSON.stringify(badSig)].join('\n');
    const r = await h.http('/admin/import', { method: 'POST', headers: auth, body });
    expect(r.status).toBe(200);
    const summary = await r.json();
    expect(summary).toMatchObject({ read: fresh.length + 3, invalid: 2, duplicate: 1 });
    expect(summary.rejects[0]).toMatchObject({ line: fresh.length + 1, status: 'parse-error' });
    expect(summary.rejects[1]).toMatchObject({ line: fresh.length + 3, status: 'invalid' });
    expect(summary.rejects[1].reason).toMatch(/^sig:/);
    expect(h.server.store.has(badSig.id)).toBe(false);
    for (const e of fresh) expect(h.server.store.has(e.id)).toBe(true);
  });

  it('unknown admin paths are 404 and wrong methods 405, as JSON', async () => {
    const missing = await h.http('/admin/nothing', { headers: auth });
    expect(missing.status).toBe(404);
    const wrong = await h.http('/admin/gc', { headers: auth });
    expect(wrong.status).toBe(405);
    expect((await wrong.json()).error).toBe('method-not-allowed');
  });
});
