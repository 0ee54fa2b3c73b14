// Test harness: a real EventStore in a temp directory, an http.Server on 127.0.0.1:0 with a Relay
// attached, and a raw-frame WebSocket client that awaits messages by predicate with a timeout.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure';
import WebSocket from 'ws';
import type { NostrEvent } from '../../pkg/nostr/index.js';
import type { EventStoreApi } from '../../pkg/store/base/types.js';
import type { RelayLimits } from '../../src/limits.js';
import { Relay, type RelayOptions } from '../../src/relay.js';

export type Frame = unknown[];

export interface RelayHarness {
  url: string;
  relay: Relay;
  store: EventStoreApi;
  server: Server;
  connect(): Promise<RawClient>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  limits?: Partial<RelayLimits>;
  /** Build the store (default: the real EventStore in a fresh temp dir). */
  openStore?: (dataDir: string) => Promise<EventStoreApi>;
  verifyThreads?: number;
  relayOptions?: Partial<RelayOptions>;
}

async function openRealStore(dataDir: string): Promise<EventStoreApi> {
  const { EventStore } = await import('../../pkg/store/event-store.js');
  return EventStore.open({ dataDir, syncWrites: false, gcInterval: 0, expirationSweepInterval: 0 });
}

/** Limits with rate limits off, so tests that send many messages test what they mean to. */
export const testLimits: Partial<RelayLimits> = { eventRatePerIp: 0, eventRatePerPubkey: 0, reqRatePerIp: 0 };

export async function startRelay(options: HarnessOptions = {}): Promise<RelayHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lode-relay-test-'));
  const store = await (options.openStore ?? openRealStore)(dataDir);
  const server = createServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `ws://127.0.0.1:${port}`;
  const relay = new Relay({
    store,
    relayUrl: url,
    limits: { ...testLimits, ...options.limits },
    verifyThreads: options.verifyThreads ?? 1,
    ...options.relayOptions,
  });
  relay.attach(server);
  const clients: RawClient[] = [];
  return {
    url,
    relay,
    store,
    server,
    async connect() {
      const client = await RawClient.open(url);
      clients.push(client);
      return client;
    },
    async close() {
      for (const c of clients) c.ws.terminate();
      await relay.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A WebSocket client speaking raw JSON frames. */
export class RawClient {
  private readonly inbox: Frame[] = [];
  private readonly waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  /** The NIP-42 challenge the relay sent on connect. */
  challenge = '';
  private syncs = 0;
  closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      const i = this.waiters.findIndex((w) => w.match(frame));
      if (i >= 0) this.waiters.splice(i, 1)[0].resolve(frame);
      else this.inbox.push(frame);
    });
  }

  static async open(url: string): Promise<RawClient> {
    const ws = new WebSocket(url);
    const client = new RawClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const auth = await client.next((f) => f[0] === 'AUTH');
    client.challenge = auth[1] as string;
    return client;
  }

  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  sendRaw(text: string | Buffer): void {
    this.ws.send(text);
  }

  /** The first received (or next arriving) frame matching `match`; consumed. Rejects after `timeoutMs`. */
  next(match: (f: Frame) => boolean = () => true, timeoutMs = 5_000): Promise<Frame> {
    const i = this.inbox.findIndex(match);
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0]);
    return new Promise<Frame>((resolve, reject) => {
      const waiter = {
        match,
        resolve: (f: Frame) => {
          clearTimeout(timer);
          resolve(f);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no matching frame within ${timeoutMs} ms; unconsumed: ${JSON.stringify(this.inbox).slice(0, 500)}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Frames received and not yet consumed. */
  pending(): Frame[] {
    return [...this.inbox];
  }

  /** Publish and return the OK frame [OK, id, accepted, message]. */
  async publish(ev: NostrEvent): Promise<{ accepted: boolean; message: string }> {
    this.send(['EVENT', ev]);
    const ok = await this.next((f) => f[0] === 'OK' && f[1] === ev.id);
    return { accepted: ok[2] as boolean, message: ok[3] as string };
  }

  /** REQ and collect stored events up to EOSE (or the CLOSED that refused it). */
  async req(subId: string, ...filters: unknown[]): Promise<{ events: NostrEvent[]; closed?: string }> {
    this.send(['REQ', subId, ...filters]);
    const events: NostrEvent[] = [];
    for (;;) {
      const f = await this.next((x) => (x[0] === 'EVENT' || x[0] === 'EOSE' || x[0] === 'CLOSED') && x[1] === subId);
      if (f[0] === 'EOSE') return { events };
      if (f[0] === 'CLOSED') return { events, closed: f[2] as string };
      events.push(f[2] as NostrEvent);
    }
  }

  /**
   * A round trip (REQ that matches nothing, then CLOSE): every frame the relay sent in reply
   * to earlier messages on this socket has arrived once this resolves.
   */
  async sync(): Promise<void> {
    const subId = `sync-${++this.syncs}`;
    await this.req(subId, { ids: ['0'.repeat(64)] });
    this.send(['CLOSE', subId]);
  }

  async count(subId: string, ...filters: unknown[]): Promise<{ count?: number; closed?: string }> {
    this.send(['COUNT', subId, ...filters]);
    const f = await this.next((x) => (x[0] === 'COUNT' || x[0] === 'CLOSED') && x[1] === subId);
    return f[0] === 'COUNT' ? { count: (f[2] as { count: number }).count } : { closed: f[2] as string };
  }

  /** NIP-42 AUTH as `sk` (challenge and relay URL right unless overridden). */
  async auth(sk: Uint8Array, relayUrl: string, overrides: { challenge?: string; relay?: string; created_at?: number } = {}) {
    const ev = finalizeEvent(
      {
        kind: 22242,
        created_at: overrides.created_at ?? Math.floor(Date.now() / 1000),
        tags: [
          ['relay', overrides.relay ?? relayUrl],
          ['challenge', overrides.challenge ?? this.challenge],
        ],
        content: '',
      },
      sk,
    );
    this.send(['AUTH', ev]);
    const ok = await this.next((f) => f[0] === 'OK' && f[1] === ev.id);
    return { accepted: ok[2] as boolean, message: ok[3] as string };
  }

  close(): void {
    this.ws.close();
  }
}

export interface Keys {
  sk: Uint8Array;
  pk: string;
}

export function keys(): Keys {
  const sk = generateSecretKey();
  return { sk, pk: getPublicKey(sk) };
}

export const now = (): number => Math.floor(Date.now() / 1000);

/** A signed event; defaults: kind 1, now, no tags, some content. */
export function signed(
  k: Keys,
  fields: Partial<{ kind: number; created_at: number; tags: string[][]; content: string }> = {},
): NostrEvent {
  const ev = finalizeEvent(
    { kind: fields.kind ?? 1, created_at: fields.created_at ?? now(), tags: fields.tags ?? [], content: fields.content ?? 'hello' },
    k.sk,
  );
  // A plain seven-field object (nostr-tools adds a symbol), so it compares equal to what the relay sends.
  const { id, pubkey, created_at, kind, tags, content, sig } = ev;
  return { id, pubkey, created_at, kind, tags, content, sig };
}
