// Crash-safety harness, shared by test/crash-safety.test.ts and scripts/crash-soak.ts: the relay
// (or `lode import`) as a real child process, publishers that record every id acknowledged
// `OK true`, SIGKILL at a random moment, and checks that every acknowledged event survived.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as ecc from 'tiny-secp256k1';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import type { NostrEvent } from '../../pkg/nostr/types.js';
import { computeId } from '../../pkg/nostr/serialize.js';

const root = resolve(import.meta.dirname, '..', '..');
const entry = join(root, 'cmd', 'lode.ts');
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Store and relay settings for crash runs: small segments and inline threshold, GC every second. */
export function crashEnv(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dataDir,
    LODE_DATA_DIR: dataDir,
    LODE_PORT: '0',
    LODE_LOG_LEVEL: 'info',
    LODE_INLINE_THRESHOLD: '512',
    LODE_VALUE_LOG_FILE_SIZE: '1MiB',
    LODE_GC_INTERVAL: '1',
    LODE_GC_DISCARD_RATIO: '0.3',
    LODE_EVENT_RATE_PER_IP: '0',
    LODE_EVENT_RATE_PER_PUBKEY: '0',
    LODE_REQ_RATE_PER_IP: '0',
    LODE_MAX_CONNECTIONS_PER_IP: '0',
    LODE_CREATED_AT_LOWER_LIMIT: String(10 * 365 * 86400),
    ...extra,
  };
}

export interface LodeChild {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `lode <args>` as an operator runs it (through tsx, no build). */
export function spawnLode(args: string[], env: Record<string, string>, cwd: string): LodeChild {
  const child = spawn(process.execPath, ['--import', tsxLoader, entry, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('exit', (code, signal) => res({ code, signal })));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Start `lode serve` and wait (bounded) for its "listening" log line; resolves to its ws:// URL. */
export async function startRelayChild(env: Record<string, string>, cwd: string, timeoutMs = 60_000): Promise<LodeChild & { url: string }> {
  const run = spawnLode(['serve'], env, cwd);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const line of run.stdout().split('\n')) {
      if (!line.startsWith('{')) continue;
      const rec = JSON.parse(line) as { msg?: string; url?: string };
      if (rec.url && /listening on/.test(rec.msg ?? '')) return { ...run, url: rec.url };
    }
    if (run.child.exitCode !== null) break;
    await sleep(25);
  }
  run.child.kill('SIGKILL');
  throw new Error(`lode serve did not start: ${run.stdout().slice(-1500)} ${run.stderr().slice(-1500)}`);
}

export async function sigkill(run: LodeChild): Promise<void> {
  if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
  await run.exited;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---- events ----

export interface Signer {
  sk: Uint8Array;
  pk: string;
}

export function signer(): Signer {
  const sk = new Uint8Array(randomBytes(32));
  return { sk, pk: Buffer.from(ecc.xOnlyPointFromScalar(sk)).toString('hex') };
}

/** A signed event. tiny-secp256k1 signs ~20× faster than nostr-tools here, which keeps pools cheap. */
export function sign(s: Signer, fields: Pick<NostrEvent, 'kind' | 'created_at' | 'tags' | 'content'>): NostrEvent {
  const base = { pubkey: s.pk, ...fields };
  const id = computeId(base);
  const sig = Buffer.from(ecc.signSchnorr(Buffer.from(id, 'hex'), s.sk)).toString('hex');
  return { ...base, id, sig };
}

let poolRun = 0;
/**
 * `count` events for one publisher: mostly kind 1 (a third large enough for the value log), and
 * every fourth an addressable version (its address's versions have increasing created_at), whose
 * older versions become stale value-log bytes for GC to reclaim.
 */
export function eventPool(s: Signer, count: number, base = Math.floor(Date.now() / 1000) - 3600): NostrEvent[] {
  const run = poolRun++;
  const out: NostrEvent[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 4 === 3) {
      out.push(sign(s, { kind: 30023, created_at: base + i, tags: [['d', `r${run}-a${i % 5}`]], content: `v${i} ` + 'a'.repeat(1500) }));
    } else {
      const size = i % 3 === 0 ? 1200 + (i % 700) : 40 + (i % 200);
      out.push(sign(s, { kind: 1, created_at: base + i, tags: [['t', 'crash']], content: `${run}-${i} ` + 'p'.repeat(size) }));
    }
  }
  return out;
}

// ---- what was acknowledged ----

const addressOf = (ev: NostrEvent) => `${ev.kind}:${ev.pubkey}:${ev.tags.find((t) => t[0] === 'd')?.[1] ?? ''}`;

/** Every event acknowledged OK true, and for addressable ones the newest acknowledged per address. */
export class AckLedger {
  readonly regular = new Set<string>();
  readonly addresses = new Map<string, NostrEvent>();
  acked = 0;

  record(ev: NostrEvent): void {
    this.acked++;
    if (ev.kind >= 30000 && ev.kind < 40000) {
      const cur = this.addresses.get(addressOf(ev));
      if (!cur || ev.created_at > cur.created_at) this.addresses.set(addressOf(ev), ev);
    } else this.regular.add(ev.id);
  }

  /** Acknowledged events missing from `served` (regular: by id; addressable: no version at least as new). */
  missing(
    served: (ids: string[]) => Promise<Map<string, NostrEvent>>,
    addressable: (pubkey: string, dTags: string[]) => Promise<NostrEvent[]>,
  ): Promise<string[]> {
    return (async () => {
      const lost: string[] = [];
      const ids = [...this.regular];
      for (let i = 0; i < ids.length; i += 200) {
        const chunk = ids.slice(i, i + 200);
        const got = await served(chunk);
        for (const id of chunk) if (!got.has(id)) lost.push(id);
      }
      // Per author, the d tags in chunks: one query for all addresses would hit the relay's maxLimit.
      const current = new Map<string, NostrEvent>();
      const byAuthor = new Map<string, string[]>();
      for (const ev of this.addresses.values()) {
        const d = ev.tags.find((t) => t[0] === 'd')?.[1] ?? '';
        byAuthor.set(ev.pubkey, [...(byAuthor.get(ev.pubkey) ?? []), d]);
      }
      for (const [pubkey, ds] of byAuthor) {
        for (let i = 0; i < ds.length; i += 200) {
          for (const e of await addressable(pubkey, ds.slice(i, i + 200))) current.set(addressOf(e), e);
        }
      }
      for (const [addr, ev] of this.addresses) {
        const now = current.get(addr);
        if (!now || now.created_at < ev.created_at || (now.created_at === ev.created_at && now.id > ev.id)) lost.push(ev.id);
      }
      return lost;
    })();
  }
}

// ---- a WebSocket client that publishes and queries ----

export class CrashClient {
  private waiting = new Map<string, (ok: boolean, msg: string) => void>();
  private subs = new Map<string, { events: NostrEvent[]; done: (events: NostrEvent[]) => void }>();
  private subSeq = 0;
  closed = false;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString()) as unknown[];
      if (f[0] === 'OK') {
        this.waiting.get(f[1] as string)?.(f[2] as boolean, f[3] as string);
        this.waiting.delete(f[1] as string);
      } else if (f[0] === 'EVENT') this.subs.get(f[1] as string)?.events.push(f[2] as NostrEvent);
      else if (f[0] === 'EOSE' || f[0] === 'CLOSED') {
        const s = this.subs.get(f[1] as string);
        this.subs.delete(f[1] as string);
        s?.done(s.events);
      }
    });
    const fail = () => {
      this.closed = true;
      for (const w of this.waiting.values()) w(false, 'socket closed');
      this.waiting.clear();
    };
    ws.on('close', fail);
    ws.on('error', fail);
  }

  static open(url: string): Promise<CrashClient> {
    const ws = new WebSocket(url);
    return new Promise((res, rej) => {
      ws.once('open', () => res(new CrashClient(ws)));
      ws.once('error', rej);
    });
  }

  publish(ev: NostrEvent): Promise<{ ok: boolean; msg: string }> {
    if (this.closed) return Promise.resolve({ ok: false, msg: 'socket closed' });
    return new Promise((res) => {
      this.waiting.set(ev.id, (ok, msg) => res({ ok, msg }));
      this.ws.send(JSON.stringify(['EVENT', ev]));
    });
  }

  req(filter: Record<string, unknown>, timeoutMs = 30_000): Promise<NostrEvent[]> {
    const id = `q${++this.subSeq}`;
    return new Promise((res, rej) => {
      const t = setTimeout(() => rej(new Error(`no EOSE for ${JSON.stringify(filter).slice(0, 100)}`)), timeoutMs);
      this.subs.set(id, {
        events: [],
        done: (events) => {
          clearTimeout(t);
          this.ws.send(JSON.stringify(['CLOSE', id]));
          res(events);
        },
      });
      this.ws.send(JSON.stringify(['REQ', id, filter]));
    });
  }

  close(): void {
    this.ws.terminate();
  }
}

/** Check through the relay: REQ by ids in chunks, and every acknowledged address by author and d tag. */
export async function missingViaRelay(url: string, ledger: AckLedger): Promise<string[]> {
  const c = await CrashClient.open(url);
  try {
    return await ledger.missing(
      async (ids) => new Map((await c.req({ ids, limit: ids.length })).map((e) => [e.id, e])),
      (pubkey, ds) => c.req({ kinds: [30023], authors: [pubkey], '#d': ds, limit: ds.length }),
    );
  } finally {
    c.close();
  }
}

/**
 * Wait (bounded) until `n` more events than `from` are acknowledged, then a random 0–`jitterMs`:
 * the kill then lands while writes are flowing, however slow the machine is.
 */
export async function killMoment(ledger: AckLedger, from: number, n: number, jitterMs: number, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (ledger.acked < from + n) {
    if (Date.now() > deadline) throw new Error(`the relay acknowledged only ${ledger.acked - from} of ${n} events within ${timeoutMs} ms`);
    await sleep(5);
  }
  await sleep(Math.random() * jitterMs);
}

export interface PublishRun {
  /** Resolves once every publisher has stopped (socket gone or pool used up). */
  done: Promise<void>;
  sent(): number;
  refused: string[];
}

/**
 * Publish each pool on its own connection, up to `window` events in flight each, pausing
 * `pauseMs` between sends so a run spans the kill window. OK true (stored or duplicate) → ledger;
 * `refused` collects unexpected OK false reasons.
 */
export async function publishAll(url: string, pools: NostrEvent[][], ledger: AckLedger, window = 8, pauseMs = 4): Promise<PublishRun> {
  const clients = await Promise.all(pools.map(() => CrashClient.open(url)));
  let sent = 0;
  const refused: string[] = [];
  const one = async (c: CrashClient, pool: NostrEvent[]) => {
    const inFlight = new Set<Promise<void>>();
    for (const ev of pool) {
      if (c.closed) break;
      while (inFlight.size >= window) await Promise.race(inFlight);
      sent++;
      const p = c.publish(ev).then(({ ok, msg }) => {
        if (ok) ledger.record(ev);
        // Signatures are checked in parallel, so a newer addressable version can land first and the
        // older one is then rightly refused as `duplicate:`; anything else is a failure.
        else if (msg !== 'socket closed' && !msg.startsWith('duplicate:')) refused.push(msg);
      });
      const tracked = p.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
      await sleep(pauseMs);
    }
    await Promise.all(inFlight);
  };
  const done = Promise.all(clients.map((c, i) => one(c, pools[i]))).then(() => clients.forEach((c) => c.close()));
  return { done, sent: () => sent, refused };
}
