// One relay process: the store, the Relay, metrics and the HTTP routes on one host:port.
// Start order is store → http listen → relay; close order is stop accepting → relay (in-flight
// writes reach their OK) → store, so nothing acknowledged is ever lost.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { Logger } from 'pino';
import { EventStore } from '../pkg/store/index.js';
import { CacheHitWatch } from './cache-hit-watch.js';
import { redactConfig, type LodeConfig } from './config.js';
import { createHttpRouter, type HttpServices, type RouteModule } from './http/index.js';
import { createLogger } from './logger.js';
import { RelayMetrics } from './metrics.js';
import { packageInfo } from './package-info.js';
import { Relay } from './relay.js';
import { describeSignatureBackend, selectSignatureBackend } from './signature-backend.js';

export type ServerErrorCode = 'listen-failed';

export class ServerError extends Error {
  override readonly name = 'ServerError';
  constructor(
    readonly code: ServerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface StartServerOptions {
  /** Defaults to a logger at config.logLevel writing to stdout. */
  logger?: Logger;
  /** More route modules (e.g. the admin API), given the same services as the standard ones. */
  routes?: (services: HttpServices) => RouteModule[];
}

export interface RunningServer {
  /** ws://host:port where the relay listens. */
  url: string;
  /** The public URL clients are told (config relayUrl, else `url`); NIP-42 AUTH must name it. */
  relayUrl: string;
  /** The port actually bound (useful with port 0). */
  port: number;
  /** http://host:port for the HTTP routes. */
  httpUrl: string;
  relay: Relay;
  store: EventStore;
  metrics: RelayMetrics;
  /** Stop accepting, finish in-flight writes, close sockets, close the store. Safe to call twice. */
  close(): Promise<void>;
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const hint =
        err.code === 'EADDRINUSE'
          ? 'another process (perhaps another lode) is using it; stop that process or choose another port with LODE_PORT or --port'
          : err.code === 'EACCES'
            ? 'permission denied; ports below 1024 need privileges, so choose a higher port with LODE_PORT or --port'
            : err.code === 'EADDRNOTAVAIL'
              ? 'this machine has no such address; set LODE_HOST or --host to one of its addresses (or 0.0.0.0)'
              : err.message;
      reject(new ServerError('listen-failed', `Cannot listen on ${urlHost(host)}:${port}: ${err.code ?? 'error'}: ${hint}.`, { cause: err }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

export async function startServer(config: LodeConfig, options: StartServerOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const startedAt = Date.now();
  logger.info({ config: redactConfig(config) }, 'effective config');
  // Before the store opens: verifier=native on a machine without libsecp256k1 stops here (SignatureBackendError).
  const signatureBackend = selectSignatureBackend(config.verifier);
  if (signatureBackend.fallbackReason) {
    logger.warn({ verifier: signatureBackend.name, reason: signatureBackend.fallbackReason }, `signature checks use ${signatureBackend.name}: native backend unavailable`);
  }
  logger.info({ verifier: signatureBackend.name, library: signatureBackend.library }, `signature checks: ${describeSignatureBackend(signatureBackend)}`);

  // The data-dir lock refuses a second relay (or a writing tool) on the same store, naming this one.
  const store = await EventStore.open({ ...config.store, dataDir: config.dataDir, lockPurpose: 'lode serve' });
  const metrics = new RelayMetrics({ storeStats: () => store.stats(), writerStats: () => store.writer, verifierBackend: signatureBackend.name });
  store.writer.batchListeners.push((size) => metrics.writerBatchCommitted(size));
  // A damaged stored event is skipped by reads (the REQ still gets the rest and EOSE); say which.
  store.unreadableListeners.push(({ id, serial, error }) =>
    logger.error({ id, serial, code: error.code, err: error.message }, 'stored event unreadable, skipped; run `lode verify` to list every damaged event'),
  );

  // Requests can only arrive after listen() resolves; relay and router are set in that same turn.
  let relay: Relay | undefined;
  let handleRequest: RequestListener | undefined;
  const server = createServer((req, res) => {
    if (handleRequest) handleRequest(req, res);
    else res.writeHead(503).end();
  });
  server.on('upgrade', (req, socket, head) => {
    if (relay) relay.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  let port: number;
  try {
    port = await listen(server, config.host, config.port);
  } catch (err) {
    await store.close();
    throw err;
  }

  const relayUrl = config.relayUrl ?? `ws://${urlHost(config.host)}:${port}`;
  relay = new Relay({
    store,
    limits: config.limits,
    relayUrl,
    observer: metrics,
    logger: logger.child({ component: 'relay' }),
    verifyThreads: config.verifyThreads,
    signatureBackend,
    clientIpHeader: config.clientIpHeader,
  });
  const theRelay = relay;

  let closing: Promise<void> | undefined;
  const services: HttpServices = {
    config,
    relayUrl,
    relay: theRelay,
    store,
    metrics,
    pkg: packageInfo(),
    logger: logger.child({ component: 'http' }),
    startedAt,
    isClosing: () => closing !== undefined,
  };
  const router = createHttpRouter(services, options.routes?.(services) ?? []);
  handleRequest = router.handle;

  const cacheWatch = new CacheHitWatch({
    read: () => store.stats().cache,
    threshold: config.cacheHitRatioWarn,
    windowSeconds: config.cacheHitRatioWindow,
    logger,
  });
  cacheWatch.start();

  const listenUrl = `ws://${urlHost(config.host)}:${port}`;
  const httpUrl = `http://${urlHost(config.host)}:${port}`;

  async function shutdown(): Promise<void> {
    const t0 = Date.now();
    cacheWatch.stop();
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await theRelay.close();
    server.closeAllConnections();
    await serverClosed;
    await store.close();
    logger.info({ ms: Date.now() - t0 }, 'relay stopped; store closed');
  }

  return {
    url: listenUrl,
    relayUrl,
    port,
    httpUrl,
    relay: theRelay,
    store,
    metrics,
    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}
