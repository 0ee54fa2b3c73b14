// A lean Nostr client for load generation: pipelined EVENT publishing (OK matched by event id)
// and REQ with EOSE and first-event timing (matched by subscription id). It never parses an
// EVENT it only needs to count, so the load generator stays cheaper than the relay it drives.
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { Filter } from '../pkg/nostr/types.js';

export interface OkResult {
  id: string;
  accepted: boolean;
  message: string;
  ms: number;
}

export interface ReqResult {
  subId: string;
  events: number;
  eoseMs: number;
  firstEventMs: number | null;
  /** Reason, when the relay answered CLOSED instead of EOSE. */
  closed?: string;
  timedOut?: boolean;
  /** Raw EVENT frames, kept only when asked (pagination needs the created_at values). */
  frames?: string[];
}

export interface LiveSubscription {
  subId: string;
  eose: Promise<number>;
  close(): void;
}

interface PendingOk {
  started: number;
  resolve(r: OkResult): void;
  timer: NodeJS.Timeout;
}

interface PendingReq {
  started: number;
  events: number;
  firstEventMs: number | null;
  frames?: string[];
  live?: (frame: string, at: number) => void;
  resolveEose?(r: ReqResult): void;
  timer?: NodeJS.Timeout;
}

export class ClientError extends Error {
  constructor(
    readonly code: 'connect-failed' | 'connect-timeout' | 'closed',
    message: string,
  ) {
    super(message);
    this.name = 'ClientError';
  }
}

let subCounter = 0;

export class RelayClient {
  private readonly oks = new Map<string, PendingOk>();
  private readonly reqs = new Map<string, PendingReq>();
  readonly notices: string[] = [];
  private closed = false;

  private constructor(
    readonly url: string,
    private readonly socket: WebSocket,
  ) {
    socket.on('message', (data) => this.onFrame(data.toString()));
    socket.on('close', () => this.failAll('connection closed'));
    socket.on('error', () => this.failAll('connection error'));
  }

  static connect(url: string, timeoutMs = 10_000): Promise<RelayClient> {
    return new Promise((resolve, reject) => {
      // Compression off: it would measure zlib, not the relay; settings record this choice.
      const socket = new WebSocket(url, { perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new ClientError('connect-timeout', `no WebSocket handshake from ${url} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('open', () => {
        clearTimeout(timer);
        resolve(new RelayClient(url, socket));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(new ClientError('connect-failed', `cannot connect to ${url}: ${err.message}`));
      });
    });
  }

  get isOpen(): boolean {
    return !this.closed && this.socket.readyState === WebSocket.OPEN;
  }

  /** Sends ["EVENT", <json>] and resolves on the matching OK (or a timeout/closed result). */
  publish(eventJson: string, id: string, timeoutMs = 15_000): Promise<OkResult> {
    const started = performance.now();
    return new Promise((resolve) => {
      if (!this.isOpen) return resolve({ id, accepted: false, message: 'error: connection closed', ms: 0 });
      const timer = setTimeout(() => {
        this.oks.delete(id);
        resolve({ id, accepted: false, message: 'timeout: no OK', ms: performance.now() - started });
      }, timeoutMs);
      this.oks.set(id, { started, resolve, timer });
      this.socket.send(`["EVENT",${eventJson}]`);
    });
  }

  /** REQ, count stored matches until EOSE, then CLOSE. */
  query(filters: Filter[], options: { collect?: boolean; timeoutMs?: number } = {}): Promise<ReqResult> {
    const subId = `q${(subCounter++).toString(36)}`;
    const started = performance.now();
    return new Promise((resolve) => {
      const pending: PendingReq = { started, events: 0, firstEventMs: null, frames: options.collect ? [] : undefined };
      pending.resolveEose = (r) => {
        clearTimeout(pending.timer);
        this.reqs.delete(subId);
        if (!r.closed && !r.timedOut && this.isOpen) this.socket.send(JSON.stringify(['CLOSE', subId]));
        resolve(r);
      };
      pending.timer = setTimeout(() => {
        pending.resolveEose?.({ subId, events: pending.events, eoseMs: performance.now() - started, firstEventMs: pending.firstEventMs, timedOut: true });
      }, options.timeoutMs ?? 30_000);
      this.reqs.set(subId, pending);
      if (!this.isOpen) return pending.resolveEose({ subId, events: 0, eoseMs: 0, firstEventMs: null, closed: 'error: connection closed' });
      this.socket.send(JSON.stringify(['REQ', subId, ...filters]));
    });
  }

  /** A subscription that stays open after EOSE; every later EVENT goes to `onEvent`. */
  subscribe(filters: Filter[], onEvent: (frame: string, at: number) => void): LiveSubscription {
    const subId = `l${(subCounter++).toString(36)}`;
    const started = performance.now();
    let resolveEose!: (ms: number) => void;
    const eose = new Promise<number>((r) => (resolveEose = r));
    const pending: PendingReq = { started, events: 0, firstEventMs: null };
    pending.resolveEose = (r) => {
      pending.live = onEvent;
      resolveEose(r.eoseMs);
    };
    this.reqs.set(subId, pending);
    this.socket.send(JSON.stringify(['REQ', subId, ...filters]));
    return {
      subId,
      eose,
      close: () => {
        this.reqs.delete(subId);
        if (this.isOpen) this.socket.send(JSON.stringify(['CLOSE', subId]));
      },
    };
  }

  close(): Promise<void> {
    if (this.closed || this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.socket.terminate();
        resolve();
      }, 2000);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.close();
    });
  }

  private onFrame(frame: string): void {
    const now = performance.now();
    if (frame.startsWith('["EVENT","')) {
      const end = frame.indexOf('"', 10);
      const pending = this.reqs.get(frame.slice(10, end));
      if (pending) this.onEvent(pending, frame, now);
      return;
    }
    let message: unknown[];
    try {
      message = JSON.parse(frame) as unknown[];
    } catch {
      this.notices.push(`unparsable frame: ${frame.slice(0, 80)}`);
      return;
    }
    if (!Array.isArray(message)) return;
    const [verb, a, b, c] = message;
    if (verb === 'OK' && typeof a === 'string') {
      const pending = this.oks.get(a);
      if (!pending) return;
      this.oks.delete(a);
      clearTimeout(pending.timer);
      pending.resolve({ id: a, accepted: b === true, message: typeof c === 'string' ? c : '', ms: now - pending.started });
    } else if (verb === 'EVENT' && typeof a === 'string') {
      const pending = this.reqs.get(a);
      if (pending) this.onEvent(pending, JSON.stringify(message), now);
    } else if (verb === 'EOSE' && typeof a === 'string') {
      const pending = this.reqs.get(a);
      if (pending?.resolveEose && !pending.live) {
        pending.resolveEose({ subId: a, events: pending.events, eoseMs: now - pending.started, firstEventMs: pending.firstEventMs, frames: pending.frames });
      }
    } else if (verb === 'CLOSED' && typeof a === 'string') {
      const pending = this.reqs.get(a);
      const reason = typeof b === 'string' ? b : 'closed';
      this.reqs.delete(a);
      pending?.resolveEose?.({ subId: a, events: pending.events, eoseMs: now - pending.started, firstEventMs: pending.firstEventMs, closed: reason });
    } else if (verb === 'NOTICE') {
      if (this.notices.length < 100) this.notices.push(String(a));
    }
  }

  private onEvent(pending: PendingReq, frame: string, now: number): void {
    if (pending.live) return pending.live(frame, now);
    pending.events++;
    if (pending.firstEventMs === null) pending.firstEventMs = now - pending.started;
    pending.frames?.push(frame);
  }

  private failAll(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    for (const [id, pending] of this.oks) {
      clearTimeout(pending.timer);
      pending.resolve({ id, accepted: false, message: `error: ${reason}`, ms: performance.now() - pending.started });
    }
    this.oks.clear();
    for (const [subId, pending] of this.reqs) {
      if (!pending.live) pending.resolveEose?.({ subId, events: pending.events, eoseMs: 0, firstEventMs: pending.firstEventMs, closed: `error: ${reason}` });
    }
    this.reqs.clear();
  }
}

/** Extracts the event object from an EVENT frame (only where a workload needs its fields). */
export function eventOfFrame(frame: string): { id: string; created_at: number; kind: number; pubkey: string } {
  const message = JSON.parse(frame) as [string, string, { id: string; created_at: number; kind: number; pubkey: string }];
  return message[2];
}
