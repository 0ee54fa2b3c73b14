// A WebSocket client for the fuzzer: sends anything (text or binary, valid UTF-8 or not), checks
// every frame the relay sends back against the protocol's rules as it arrives, and can wait for
// a specific answer. It never throws on what the relay sends: problems are collected.
import { finalizeEvent, generateSecretKey } from 'nostr-tools/pure';
import WebSocket from 'ws';

export type RelayFrame = unknown[];

/** The NIP-01 machine-readable prefixes every OK false / CLOSED (and, in lode, NOTICE) starts with. */
export const STANDARD_PREFIX = /^(duplicate|pow|blocked|rate-limited|invalid|restricted|auth-required|mute|error): /;

/** Why a frame from the relay breaks the rules, or undefined when it is fine. */
export function relayFrameProblem(f: unknown): string | undefined {
  if (!Array.isArray(f) || typeof f[0] !== 'string') return 'not a JSON array starting with a verb';
  const str = (x: unknown) => typeof x === 'string';
  switch (f[0]) {
    case 'OK': {
      if (f.length !== 4 || !str(f[1]) || !/^[0-9a-f]{64}$/.test(f[1] as string) || typeof f[2] !== 'boolean' || !str(f[3])) {
        return 'OK is not ["OK", <64-hex id>, <bool>, <string>]';
      }
      const message = f[3] as string;
      if (f[2] === false && !STANDARD_PREFIX.test(message)) return `OK false without a standard prefix: ${JSON.stringify(message)}`;
      if (f[2] === true && message !== '' && !STANDARD_PREFIX.test(message)) return `OK true with an unprefixed message: ${JSON.stringify(message)}`;
      return undefined;
    }
    case 'CLOSED':
      if (f.length !== 3 || !str(f[1]) || !str(f[2])) return 'CLOSED is not ["CLOSED", <sub id>, <string>]';
      return STANDARD_PREFIX.test(f[2] as string) ? undefined : `CLOSED without a standard prefix: ${JSON.stringify(f[2])}`;
    case 'NOTICE':
      if (f.length !== 2 || !str(f[1])) return 'NOTICE is not ["NOTICE", <string>]';
      return STANDARD_PREFIX.test(f[1] as string) ? undefined : `NOTICE without a standard prefix: ${JSON.stringify(f[1])}`;
    case 'EOSE':
      return f.length === 2 && str(f[1]) ? undefined : 'EOSE is not ["EOSE", <sub id>]';
    case 'EVENT':
      return f.length === 3 && str(f[1]) && typeof f[2] === 'object' && f[2] !== null ? undefined : 'EVENT is not ["EVENT", <sub id>, {…}]';
    case 'COUNT': {
      const c = f[2] as { count?: unknown } | null;
      return f.length === 3 && str(f[1]) && typeof c?.count === 'number' ? undefined : 'COUNT is not ["COUNT", <sub id>, {"count": n}]';
    }
    case 'AUTH':
      return f.length === 2 && str(f[1]) ? undefined : 'AUTH is not ["AUTH", <challenge>]';
    default:
      return `unknown relay verb ${JSON.stringify(f[0])}`;
  }
}

export interface ProbeTally {
  /** Frames received, by verb. */
  received: Record<string, number>;
  /** Rule violations seen (first 50 kept), with the frame that broke them. */
  problems: string[];
  problemCount: number;
}

export function newTally(): ProbeTally {
  return { received: {}, problems: [], problemCount: 0 };
}

/** A relay with rate limits on may slow the checks down; they retry, they do not fail. */
const RATE_LIMIT_RETRIES = 8;
const rateLimited = (message: unknown) => typeof message === 'string' && message.startsWith('rate-limited:');
const pause = (attempt: number) => new Promise((r) => setTimeout(r, Math.min(250 * 2 ** attempt, 5_000)));

interface Waiter {
  match: (f: RelayFrame) => boolean;
  resolve: (f: RelayFrame) => void;
}

export class ProbeClient {
  challenge = '';
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: Waiter[] = [];
  private syncs = 0;

  private constructor(
    readonly ws: WebSocket,
    private readonly tally: ProbeTally,
  ) {
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('error', () => {}); // the close event reports it
    ws.on('message', (data, isBinary) => this.receive(data as Buffer, isBinary));
  }

  static async open(url: string, tally: ProbeTally, timeoutMs = 10_000): Promise<ProbeClient> {
    const ws = new WebSocket(url, { maxPayload: 64 * 1024 * 1024 });
    const client = new ProbeClient(ws, tally);
    const challenge = client.next((f) => f[0] === 'AUTH', timeoutMs);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    client.challenge = (await challenge)[1] as string;
    return client;
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(payload: string | Buffer, binary = false): void {
    if (this.isOpen) this.ws.send(payload, { binary });
  }

  /** The next frame matching `match` (frames nobody waits for are only checked and counted). */
  next(match: (f: RelayFrame) => boolean, timeoutMs = 10_000): Promise<RelayFrame> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no matching frame within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      this.waiters.push(waiter);
      void this.closed.then(({ code }) => {
        if (!this.waiters.includes(waiter)) return;
        this.waiters = this.waiters.filter((w) => w !== waiter);
        clearTimeout(timer);
        reject(new Error(`socket closed (${code}) while waiting`));
      });
    });
  }

  /**
   * A round trip: a REQ matching nothing, answered by EOSE once every earlier message on this
   * socket has been handled (EVENT pipelines may still be waiting for their OK).
   */
  async sync(timeoutMs = 30_000): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const subId = `sync-${++this.syncs}`;
      const done = this.next((f) => (f[0] === 'EOSE' || f[0] === 'CLOSED') && f[1] === subId, timeoutMs);
      this.send(JSON.stringify(['REQ', subId, { ids: ['0'.repeat(64)] }]));
      const f = await done;
      if (f[0] === 'EOSE') return this.send(JSON.stringify(['CLOSE', subId]));
      if (!rateLimited(f[2]) || attempt >= RATE_LIMIT_RETRIES) throw new Error(`sync REQ refused: ${String(f[2])}`);
      await pause(attempt);
    }
  }

  /**
   * The relay still works for this socket: a fresh signed event is accepted and served back by a
   * REQ for its id.
   */
  async checkServes(timeoutMs = 30_000): Promise<void> {
    const ev = finalizeEvent({ kind: 1, created_at: Math.floor(Date.now() / 1000), tags: [['t', 'fuzz-check']], content: `alive ${Math.random()}` }, generateSecretKey());
    for (let attempt = 1; ; attempt++) {
      const ok = this.next((f) => f[0] === 'OK' && f[1] === ev.id, timeoutMs);
      this.send(JSON.stringify(['EVENT', ev]));
      const okFrame = await ok;
      if (okFrame[2] === true) break;
      if (!rateLimited(okFrame[3]) || attempt >= RATE_LIMIT_RETRIES) throw new Error(`valid EVENT refused: ${String(okFrame[3])}`);
      await pause(attempt);
    }
    for (let attempt = 1; ; attempt++) {
      const subId = `check-${ev.id.slice(0, 8)}-${attempt}`;
      const got = this.next((f) => f[0] === 'EVENT' && f[1] === subId, timeoutMs);
      const eose = this.next((f) => (f[0] === 'EOSE' || f[0] === 'CLOSED') && f[1] === subId, timeoutMs);
      got.catch(() => {}); // a refused REQ never sends it
      this.send(JSON.stringify(['REQ', subId, { ids: [ev.id] }]));
      const end = await eose;
      if (end[0] === 'EOSE') {
        const served = (await got)[2] as { id?: string; sig?: string };
        if (served.id !== ev.id || served.sig !== ev.sig) throw new Error('REQ by id served a different event');
        return this.send(JSON.stringify(['CLOSE', subId]));
      }
      if (!rateLimited(end[2]) || attempt >= RATE_LIMIT_RETRIES) throw new Error(`REQ by id refused: ${String(end[2])}`);
      await pause(attempt);
    }
  }

  close(): void {
    this.ws.terminate();
  }

  private receive(data: Buffer, isBinary: boolean): void {
    const t = this.tally;
    let frame: unknown;
    try {
      frame = isBinary ? undefined : JSON.parse(data.toString('utf8'));
    } catch {
      frame = undefined;
    }
    const problem = frame === undefined ? 'relay sent a frame that is not JSON text' : relayFrameProblem(frame);
    const verb = Array.isArray(frame) && typeof frame[0] === 'string' ? frame[0] : '?';
    t.received[verb] = (t.received[verb] ?? 0) + 1;
    if (problem) {
      t.problemCount++;
      if (t.problems.length < 50) t.problems.push(`${problem} — frame: ${data.toString('utf8').slice(0, 200)}`);
    }
    if (!Array.isArray(frame)) return;
    const i = this.waiters.findIndex((w) => w.match(frame as RelayFrame));
    if (i >= 0) this.waiters.splice(i, 1)[0].resolve(frame);
  }
}
