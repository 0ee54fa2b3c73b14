// The relay as a value: a store, limits, policy lists and a WebSocket server that an http.Server
// (owned by someone else) hands its upgrade requests to. The work itself lives in connection.ts,
// handlers/, subscriptions.ts, policies/ and verify-pool.ts.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { pino, type Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventStoreApi } from '../pkg/store/index.js';
import { Connection } from './connection.js';
import { handleFrame } from './handlers/dispatch.js';
import { resolveLimits, type RelayLimits } from './limits.js';
import { defaultPolicies, type RelayPolicies } from './policies/index.js';
import type { RelayContext } from './relay-context.js';
import { guardedObserver, silentObserver, type RelayObserver } from './relay-observer.js';
import { SubscriptionIndex } from './subscriptions.js';
import { KeyedTokenBuckets } from './token-bucket.js';
import { selectSignatureBackend, type SignatureBackend } from './signature-backend.js';
import { VerifyPool } from './verify-pool.js';

export interface RelayOptions {
  store: EventStoreApi;
  limits?: Partial<RelayLimits>;
  /** The relay's public ws(s):// URL; NIP-42 AUTH events must name it. */
  relayUrl: string;
  observer?: RelayObserver;
  logger?: Logger;
  /** Signature-check worker threads; 0 verifies on the main thread. Default: min(2, cores). */
  verifyThreads?: number;
  /** The signature backend (selectSignatureBackend of the `verifier` setting). Default: auto. */
  signatureBackend?: SignatureBackend;
  /** Header carrying the client IP when behind a reverse proxy (e.g. 'x-forwarded-for'). */
  clientIpHeader?: string;
  /** Replace or extend the default policy lists (khatru style). */
  policies?: (defaults: RelayPolicies) => RelayPolicies;
}

export class Relay {
  /** The limits in force (for NIP-11 `limitation`). */
  readonly limits: RelayLimits;
  /** The policy lists in force; an operator may push more functions onto them. */
  readonly policies: RelayPolicies;
  /** The signature backend EVENTs and admin imports are checked with. */
  readonly signatureBackend: SignatureBackend;
  private readonly ctx: RelayContext;
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<Connection>();
  private readonly perIp = new Map<string, number>();
  private readonly heartbeat: NodeJS.Timeout;
  private closing = false;
  private readonly clientIpHeader?: string;

  constructor(options: RelayOptions) {
    this.limits = resolveLimits(options.limits);
    const base = defaultPolicies();
    this.policies = options.policies ? options.policies(base) : base;
    this.clientIpHeader = options.clientIpHeader?.toLowerCase();
    const l = this.limits;
    const logger = options.logger ?? pino({ level: 'silent' });
    this.signatureBackend = options.signatureBackend ?? selectSignatureBackend('auto');
    this.ctx = {
      store: options.store,
      limits: l,
      policies: this.policies,
      observer: options.observer
        ? guardedObserver(options.observer, (name, err) => logger.error({ err, callback: name }, 'relay observer threw'))
        : silentObserver,
      logger,
      relayUrl: options.relayUrl,
      verifier: new VerifyPool({ threads: options.verifyThreads, verifier: this.signatureBackend.name }),
      subscriptions: new SubscriptionIndex(),
      rates: {
        eventPerIp: new KeyedTokenBuckets(l.eventRatePerIp, l.eventBurstPerIp),
        eventPerPubkey: new KeyedTokenBuckets(l.eventRatePerPubkey, l.eventBurstPerPubkey),
        reqPerIp: new KeyedTokenBuckets(l.reqRatePerIp, l.reqBurstPerIp),
      },
      inFlight: new Set(),
      isClosing: () => this.closing,
    };
    // Frames above maxMessageBytes are answered (NOTICE / OK false) by the handlers; ws itself
    // only cuts off frames far beyond that, which no honest client sends. UTF-8 is checked by
    // the dispatcher, which answers a bad text frame with NOTICE instead of ws's 1007 close.
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: Math.max(4 * l.maxMessageBytes, 1024 * 1024),
      perMessageDeflate: false,
      skipUTF8Validation: true,
    });
    // Dead peers (no pong within one interval) are dropped so their subscriptions go away.
    this.heartbeat = setInterval(() => {
      for (const c of this.connections) c.heartbeat();
    }, 30_000);
    this.heartbeat.unref();
  }

  /** Pass an http upgrade request here (from `server.on('upgrade', …)`). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    if (this.closing) return refuseUpgrade(socket, 503, 'Service Unavailable', 'relay is shutting down');
    const ip = this.clientIp(req);
    const open = this.perIp.get(ip) ?? 0;
    const max = this.limits.maxConnectionsPerIp;
    if (max > 0 && open >= max) {
      return refuseUpgrade(socket, 429, 'Too Many Requests', `too many connections from your address (max ${max})`);
    }
    this.perIp.set(ip, open + 1);
    let counted = true;
    const release = () => {
      if (!counted) return;
      counted = false;
      const n = (this.perIp.get(ip) ?? 1) - 1;
      if (n <= 0) this.perIp.delete(ip);
      else this.perIp.set(ip, n);
    };
    socket.once('close', release);
    this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const conn = new Connection(ws, ip, this.ctx, handleFrame);
      this.connections.add(conn);
      conn.onClosed(() => {
        this.connections.delete(conn);
        release();
      });
      conn.start();
    });
  }

  /** Route every upgrade request of `server` to this relay. */
  attach(server: Server): void {
    server.on('upgrade', (req, socket, head) => this.handleUpgrade(req, socket, head));
  }

  /** The signature checker EVENTs use (worker threads), shared with admin imports. */
  get signatureVerifier(): VerifyPool {
    return this.ctx.verifier;
  }

  stats(): { connections: number; subscriptions: number } {
    return { connections: this.connections.size, subscriptions: this.ctx.subscriptions.size };
  }

  /**
   * Stop accepting connections, let in-flight EVENTs reach their OK, then close every socket
   * with 1001 (going away). The store stays open: its owner closes it afterwards.
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.heartbeat);
    while (this.ctx.inFlight.size > 0) {
      await Promise.allSettled([...this.ctx.inFlight]);
    }
    await Promise.allSettled([...this.connections].map((c) => c.shutdown(1001, 'relay shutting down')));
    this.wss.close();
    await this.ctx.verifier.close();
  }

  private clientIp(req: IncomingMessage): string {
    if (this.clientIpHeader) {
      const raw = req.headers[this.clientIpHeader];
      // The last hop is the one our trusted proxy appended; earlier entries are whatever the client sent.
      const last = (Array.isArray(raw) ? raw[raw.length - 1] : raw)?.split(',').at(-1)?.trim();
      if (last) return last;
    }
    return req.socket.remoteAddress ?? 'unknown';
  }
}

function refuseUpgrade(socket: Duplex, status: number, text: string, reason: string): void {
  const body = `${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
