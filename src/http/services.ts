// What the HTTP routes may read: one object built by the server and handed to each route module.
import type { Logger } from 'pino';
import type { AsyncSignatureVerifier, EventStoreApi } from '../../pkg/store/index.js';
import type { LodeConfig } from '../config.js';
import type { RelayLimits } from '../limits.js';
import type { RelayMetrics } from '../metrics.js';
import type { SignatureBackend } from '../signature-backend.js';
import type { PackageInfo } from '../package-info.js';

export interface HttpServices {
  config: LodeConfig;
  /** The ws(s):// URL clients are told to use (config relayUrl, else ws://host:port). */
  relayUrl: string;
  relay: {
    stats(): { connections: number; subscriptions: number };
    readonly limits: RelayLimits;
    /** Checks signatures off the event loop (admin imports use it). */
    readonly signatureVerifier: AsyncSignatureVerifier;
    readonly signatureBackend: SignatureBackend;
  };
  store: EventStoreApi;
  metrics: RelayMetrics;
  pkg: PackageInfo;
  logger: Logger;
  /** Milliseconds since the epoch when the server started. */
  startedAt: number;
  /** True once shutdown has begun. */
  isClosing(): boolean;
}
