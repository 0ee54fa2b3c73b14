// Starts the whole relay (startServer: store + Relay + HTTP routes + metrics) on 127.0.0.1:0 with a
// temp data dir, for tests of what an operator or client sees over HTTP and WebSocket.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, type LodeConfig } from '../../src/config.js';
import { silentLogger, type Logger } from '../../src/logger.js';
import { startServer, type RunningServer } from '../../src/server.js';

export interface LodeServerHarness {
  server: RunningServer;
  config: LodeConfig;
  dataDir: string;
  /** GET (or another method) on the server's HTTP side. */
  http(path: string, init?: RequestInit): Promise<Response>;
  /** Close the server (if still open) and remove the data dir. */
  dispose(): Promise<void>;
}

export type ConfigTweak = (config: LodeConfig) => void;

export async function startLodeServer(tweak?: ConfigTweak, logger: Logger = silentLogger()): Promise<LodeServerHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lode-http-test-'));
  const config = defaultConfig({ dataDir });
  config.port = 0;
  config.verifyThreads = 1;
  config.store.gcInterval = 0;
  config.store.expirationSweepInterval = 0;
  config.store.syncWrites = false;
  config.limits.eventRatePerIp = 0;
  config.limits.eventRatePerPubkey = 0;
  config.limits.reqRatePerIp = 0;
  tweak?.(config);
  const server = await startServer(config, { logger });
  return {
    server,
    config,
    dataDir,
    http: (path, init) => fetch(`${server.httpUrl}${path}`, init),
    async dispose() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
