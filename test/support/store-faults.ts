// Helpers for the reliability tests: events with real ids (so `verify` is clean), an OS-style
// errno error for the value log's fault seam, a relay on a given data dir, and a log capture.
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import type { NostrEvent } from '../../pkg/nostr/types.js';
import { computeId } from '../../pkg/nostr/serialize.js';
import { defaultConfig, type LodeConfig } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { startServer, type RunningServer } from '../../src/server.js';

let n = 0;
/** An event whose id is the real hash of its fields (the signature is a dummy: the store never checks it). */
export function realEvent(fields: Partial<Omit<NostrEvent, 'id' | 'sig'>> = {}): NostrEvent {
  const base = {
    pubkey: createHash('sha256').update('pk:faults').digest('hex'),
    created_at: 1_700_000_000 + (n++ % 1_000_000),
    kind: 1,
    tags: [] as string[][],
    content: `event ${n} ${process.pid}`,
    ...fields,
  };
  return { ...base, id: computeId(base), sig: '0'.repeat(128) };
}

/** An Error shaped like the one fs throws when the disk is full. */
export function errnoError(code: 'ENOSPC' | 'EIO' | 'EDQUOT'): NodeJS.ErrnoException {
  const e = new Error(`${code}: simulated by the test fault seam`) as NodeJS.ErrnoException;
  e.code = code;
  return e;
}

export interface LogCapture {
  logger: Logger;
  lines(): Record<string, unknown>[];
}

export function captureLogs(): LogCapture {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level: 'info', pretty: false, destination: sink }), lines: () => lines };
}

/** The whole relay (startServer) on 127.0.0.1:0 over `dataDir`, test-friendly limits, timers off. */
export async function relayOn(dataDir: string, tweak?: (c: LodeConfig) => void, logger?: Logger): Promise<RunningServer> {
  const config = defaultConfig({ dataDir });
  config.port = 0;
  config.verifyThreads = 0;
  config.store.gcInterval = 0;
  config.store.expirationSweepInterval = 0;
  config.limits.eventRatePerIp = 0;
  config.limits.eventRatePerPubkey = 0;
  config.limits.reqRatePerIp = 0;
  tweak?.(config);
  return startServer(config, { logger: logger ?? captureLogs().logger });
}
