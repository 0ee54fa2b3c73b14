// A fuzzing campaign against a running relay: property-based batches of hostile frames (each on a
// fresh socket, followed by a check that the same socket and a new one are still served), then
// fixed scenarios that need many sockets or very large inputs. Used by test/relay-fuzz.test.ts
// (bounded, fixed seed) and scripts/fuzz-relay.ts (long runs).
import fc from 'fast-check';
import { forgeAuth, hostileFrame, type FrameLimits, type HostileFrame } from './hostile-frames.js';
import { newTally, ProbeClient, type ProbeTally } from './relay-probe-client.js';

export interface CampaignOptions {
  /** ws:// URL to connect to. */
  url: string;
  /** The URL AUTH events must name (the relay's public URL); default `url`. */
  relayUrl?: string;
  seed: number;
  /** About this many hostile frames in the property phase. */
  frames: number;
  /** Stop starting new batches after this long. */
  seconds: number;
  /** Most frames per batch (one socket each). Default 100. */
  batch?: number;
  /** Default: max_message_length from the relay's NIP-11 document, else 131,072; 3,000 values. */
  limits?: Partial<FrameLimits>;
  /** Skip shrinking on failure (faster failure in CI; replay the seed with the script to shrink). */
  endOnFailure?: boolean;
  log?: (line: string) => void;
}

export interface CampaignReport {
  seed: number;
  framesSent: number;
  batches: number;
  /** Frames sent per category label. */
  byLabel: Record<string, number>;
  tally: ProbeTally;
  elapsedMs: number;
  /** fast-check's failure report (with seed and path to replay), when a property failed. */
  failure?: string;
}

/** Reads max_message_length from the relay's NIP-11 document (undefined when unavailable). */
export async function relayMaxMessageBytes(url: string): Promise<number | undefined> {
  try {
    const res = await fetch(url.replace(/^ws/, 'http'), { headers: { accept: 'application/nostr+json' }, signal: AbortSignal.timeout(5_000) });
    const doc = (await res.json()) as { limitation?: { max_message_length?: unknown } };
    const n = doc.limitation?.max_message_length;
    return typeof n === 'number' && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** A short, printable description of a frame for failure reports. */
function describe(frame: HostileFrame): string {
  const p = frame.payload;
  const preview = typeof p === 'string' ? p : Buffer.isBuffer(p) ? `bytes ${p.subarray(0, 60).toString('hex')}` : `forge ${p.forge}`;
  const size = typeof p === 'string' ? Buffer.byteLength(p) : Buffer.isBuffer(p) ? p.length : 0;
  return `${frame.label}${frame.binary ? ' (binary)' : ''} ${size}B ${JSON.stringify(preview.slice(0, 120))}`;
}

function printable(frame: HostileFrame): HostileFrame {
  return Object.assign(frame, { [fc.toStringMethod]: () => describe(frame) });
}

/** Ids of the REQs among our own frames, so the batch can CLOSE them before its checks. */
function reqIdOf(payload: HostileFrame['payload']): string | undefined {
  if (typeof payload !== 'string') return undefined;
  try {
    const m = JSON.parse(payload) as unknown;
    return Array.isArray(m) && m[0] === 'REQ' && typeof m[1] === 'string' ? m[1] : undefined;
  } catch {
    return undefined;
  }
}

function assertNoNewProblems(tally: ProbeTally, before: number, what: string): void {
  if (tally.problemCount > before) {
    throw new Error(`${what}: ${tally.problemCount - before} answer(s) broke the rules:\n${tally.problems.slice(-5).join('\n')}`);
  }
}

export async function runPropertyPhase(options: CampaignOptions): Promise<CampaignReport> {
  const started = Date.now();
  const relayUrl = options.relayUrl ?? options.url;
  const limits: FrameLimits = {
    maxMessageBytes: options.limits?.maxMessageBytes ?? (await relayMaxMessageBytes(options.url)) ?? 131_072,
    maxFilterValues: options.limits?.maxFilterValues ?? 3_000,
  };
  const batch = options.batch ?? 100;
  const tally = newTally();
  const report: CampaignReport = { seed: options.seed, framesSent: 0, batches: 0, byLabel: {}, tally, elapsedMs: 0 };

  const property = fc.asyncProperty(fc.array(hostileFrame(limits).map(printable), { minLength: 1, maxLength: batch, size: 'max' }), async (frames) => {
    const before = tally.problemCount;
    const c = await ProbeClient.open(options.url, tally);
    try {
      const reqIds = new Set<string>();
      for (const frame of frames) {
        const p = frame.payload;
        c.send(typeof p === 'string' || Buffer.isBuffer(p) ? p : forgeAuth(p.forge, c.challenge, relayUrl), frame.binary);
        const id = reqIdOf(p);
        if (id !== undefined) reqIds.add(id);
        report.framesSent++;
        report.byLabel[frame.label] = (report.byLabel[frame.label] ?? 0) + 1;
      }
      // A well-behaved client closes what it opened; then the socket must still be served.
      for (const id of reqIds) c.send(JSON.stringify(['CLOSE', id]));
      await c.sync();
      if (!c.isOpen) throw new Error(`relay closed the socket: ${JSON.stringify(await c.closed)}`);
      await c.checkServes();
      const other = await ProbeClient.open(options.url, tally);
      try {
        await other.checkServes();
      } finally {
        other.close();
      }
      assertNoNewProblems(tally, before, 'batch');
    } finally {
      c.close();
      report.batches++;
    }
  });

  const numRuns = Math.max(1, Math.ceil(options.frames / ((batch + 1) / 2)));
  const details = await fc.check(property, {
    seed: options.seed,
    numRuns,
    interruptAfterTimeLimit: options.seconds * 1000,
    markInterruptAsFailure: false,
    endOnFailure: options.endOnFailure ?? false,
  });
  if (details.failed) report.failure = fc.defaultReportMessage(details) ?? 'property failed';
  report.elapsedMs = Date.now() - started;
  options.log?.(`property phase: ${report.framesSent} frames in ${report.batches} batches, ${report.elapsedMs} ms`);
  return report;
}

export interface ScenarioReport {
  name: string;
  detail: string;
}

/**
 * Inputs that need many sockets or sizes the property phase keeps rare: thousands of
 * subscriptions, 10,000-value filters, nesting as deep as a frame allows, a frame past the
 * WebSocket payload cap. Each ends by checking that a fresh socket is still served.
 */
export async function runScenarios(url: string, tally: ProbeTally, opts: { maxMessageBytes: number; sockets?: number }): Promise<ScenarioReport[]> {
  const out: ScenarioReport[] = [];
  const check = async () => {
    const c = await ProbeClient.open(url, tally);
    try {
      await c.checkServes();
    } finally {
      c.close();
    }
  };

  // Thousands of subscriptions: every socket asks for more than it may hold.
  {
    const sockets = await Promise.all(Array.from({ length: opts.sockets ?? 40 }, () => ProbeClient.open(url, tally)));
    let open = 0;
    let refused = 0;
    const reasons = new Set<string>();
    await Promise.all(
      sockets.map(async (c, s) => {
        const answers: Promise<unknown[]>[] = [];
        for (let i = 0; i < 60; i++) {
          const subId = `many-${s}-${i}`;
          answers.push(c.next((f) => (f[0] === 'EOSE' || f[0] === 'CLOSED') && f[1] === subId, 60_000));
          const filter = i % 3 === 0 ? { kinds: [1], '#t': ['fuzz-check'], limit: 0 } : i % 3 === 1 ? { '#t': [`v${i}`, 'fuzz-check'], limit: 1 } : { limit: 0 };
          c.send(JSON.stringify(['REQ', subId, filter]));
        }
        for (const f of await Promise.all(answers)) {
          if (f[0] === 'EOSE') open++;
          else {
            refused++;
            reasons.add(String(f[2]).split(':')[0]);
          }
        }
      }),
    );
    // One event reaches every subscription that matches it, on every socket.
    const publisher = await ProbeClient.open(url, tally);
    const live = sockets.map((c) => c.next((f) => f[0] === 'EVENT' && String(f[1]).startsWith('many-'), 30_000));
    await publisher.checkServes();
    await Promise.all(live);
    publisher.close();
    for (const c of sockets) c.close();
    out.push({ name: 'thousands of subscriptions', detail: `${sockets.length} sockets × 60 REQs: ${open} open, ${refused} refused (${[...reasons].join(', ')}:); live event delivered to every socket` });
  }

  // Filters with 10,000 values, REQ and COUNT, while another socket is served.
  {
    const c = await ProbeClient.open(url, tally);
    const tags = Array.from({ length: 10_000 }, (_, i) => `big${i}`);
    const eose = c.next((f) => (f[0] === 'EOSE' || f[0] === 'CLOSED') && f[1] === 'big10k', 60_000);
    const count = c.next((f) => (f[0] === 'COUNT' || f[0] === 'CLOSED') && f[1] === 'count10k', 60_000);
    c.send(JSON.stringify(['REQ', 'big10k', { '#t': tags }]));
    c.send(JSON.stringify(['COUNT', 'count10k', { '#t': tags }]));
    await check();
    const answers = await Promise.all([eose, count]);
    c.close();
    out.push({ name: '10,000-value filters', detail: `REQ → ${String(answers[0][0])}, COUNT → ${String(answers[1][0])}` });
  }

  // Nesting as deep as one frame allows, in several positions.
  {
    const c = await ProbeClient.open(url, tally);
    const depth = Math.floor((opts.maxMessageBytes - 40) / 2);
    const deep = '['.repeat(depth) + ']'.repeat(depth);
    const frames = [deep, `["REQ","deep",${deep}]`, `["EVENT",${deep}]`, `["AUTH",${deep}]`, '{"a":'.repeat(Math.floor(depth / 3)) + '1' + '}'.repeat(Math.floor(depth / 3))];
    for (const f of frames) c.send(f);
    await c.sync();
    await c.checkServes();
    c.close();
    out.push({ name: 'deep nesting', detail: `${frames.length} frames nested ${depth} deep answered; socket still served` });
  }

  // A frame past the WebSocket payload cap: that socket is closed (1009), nobody else notices.
  {
    const c = await ProbeClient.open(url, tally);
    c.send('x'.repeat(8 * 1024 * 1024));
    const closed = await Promise.race([c.closed, new Promise<{ code: number }>((r) => setTimeout(() => r({ code: 0 }), 15_000))]);
    c.close();
    await check();
    out.push({ name: '8 MiB frame', detail: `socket closed with ${closed.code}; others served` });
  }
  return out;
}
