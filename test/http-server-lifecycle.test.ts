import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finalizeEvent, generateSecretKey } from 'nostr-tools/pure';
import { describe, expect, it } from 'vitest';
import type { NostrEvent } from '../pkg/nostr/types.js';
import { EventStore } from '../pkg/store/event-store.js';
import { defaultConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { ServerError, startServer } from '../src/server.js';
import { RawClient } from './support/relay-harness.js';
import { startLodeServer } from './support/lode-server.js';

function note(content: string): NostrEvent {
  return finalizeEvent({ kind: 1, created_at: Math.floor(Date.now() / 1000), tags: [], content }, generateSecretKey()) as NostrEvent;
}

describe('startServer', () => {
  it('binds a real port when given port 0 and reports matching urls', async () => {
    const h = await startLodeServer();
    try {
      expect(h.server.port).toBeGreaterThan(0);
      expect(h.server.url).toBe(`ws://127.0.0.1:${h.server.port}`);
      expect(h.server.httpUrl).toBe(`http://127.0.0.1:${h.server.port}`);
      expect(h.server.relayUrl).toBe(h.server.url);
    } finally {
      await h.dispose();
    }
  });

  it('uses the configured public relayUrl for NIP-42 while listening locally', async () => {
    const h = await startLodeServer((c) => {
      c.relayUrl = 'wss://relay.example.org';
    });
    try {
      expect(h.server.relayUrl).toBe('wss://relay.example.org');
      const html = await (await h.http('/')).text();
      expect(html).toContain('wss://relay.example.org');
    } finally {
      await h.dispose();
    }
  });

  it('refuses a port in use with a ServerError that says what to do, and leaves the store closed', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const dataDir = mkdtempSync(join(tmpdir(), 'lode-lifecycle-'));
    try {
      const config = { ...defaultConfig({ dataDir }), port };
      const err = await startServer(config, { logger: silentLogger() }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ServerError);
      expect((err as ServerError).code).toBe('listen-failed');
      expect((err as Error).message).toContain('EADDRINUSE');
      expect((err as Error).message).toContain('LODE_PORT');
      // The store was closed again: it opens cleanly.
      const store = await EventStore.open({ dataDir });
      await store.close();
    } finally {
      blocker.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a second relay on the same data dir, naming the process that holds it', async () => {
    const h = await startLodeServer();
    try {
      const second = { ...h.config, port: 0 };
      const err = await startServer(second, { logger: silentLogger() }).then(
        () => undefined,
        (e: unknown) => e as Error & { code?: string },
      );
      expect(err?.code).toBe('LOCKED');
      expect(err?.message).toContain(String(process.pid));
      // The first relay is unaffected.
      expect((await h.http('/health')).status).toBe(200);
    } finally {
      await h.dispose();
    }
  });
});

describe('graceful close', () => {
  it('finishes in-flight writes: every event acknowledged before the close frame is in the store', async () => {
    const h = await startLodeServer((c) => {
      c.store.syncWrites = true;
    });
    const client = await RawClient.open(h.server.url);
    const accepted: string[] = [];
    client.ws.on('message', (data) => {
      const f = JSON.parse(data.toString()) as unknown[];
      if (f[0] === 'OK' && f[2] === true) accepted.push(f[1] as string);
    });
    const events = Array.from({ length: 20 }, (_, i) => note(`in flight ${i}`));
    for (const e of events) client.send(['EVENT', e]);
    // Close as soon as the first write is acknowledged: the rest are somewhere in the pipeline.
    await client.next((f) => f[0] === 'OK');
    await h.server.close();

    const closed = await client.closed;
    expect(closed.code).toBe(1001);
    await expect(fetch(`${h.server.httpUrl}/health`)).rejects.toThrow();

    // The store was closed cleanly: reopen it and find every acknowledged event.
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    const store = await EventStore.open({ dataDir: h.dataDir });
    try {
      for (const id of accepted) expect(store.has(id)).toBe(true);
    } finally {
      await store.close();
    }
    await h.dispose(); // second close is a no-op; removes the data dir
  });

  it('stops accepting HTTP requests as soon as close begins, before sockets are drained', async () => {
    const h = await startLodeServer();
    // A connection opened before close keeps its socket until the relay has finished.
    const client = await RawClient.open(h.server.url);
    const closing = h.server.close();
    // The HTTP side stops accepting at once, so new requests fail rather than see "ok".
    await expect(fetch(`${h.server.httpUrl}/health`)).rejects.toThrow();
    await closing;
    await client.closed;
    await h.dispose();
  });
});
