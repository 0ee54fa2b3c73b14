// Everything a connection and its handlers share: one value built by Relay, passed down.
import type { Logger } from 'pino';
import type { EventStoreApi } from '../pkg/store/index.js';
import type { RelayLimits } from './limits.js';
import type { RelayPolicies, RelayRates } from './policies/index.js';
import type { RelayObserver } from './relay-observer.js';
import type { SubscriptionIndex } from './subscriptions.js';
import type { VerifyPool } from './verify-pool.js';

export interface RelayContext {
  store: EventStoreApi;
  limits: RelayLimits;
  policies: RelayPolicies;
  observer: RelayObserver;
  logger: Logger;
  relayUrl: string;
  verifier: VerifyPool;
  subscriptions: SubscriptionIndex;
  rates: RelayRates;
  /** EVENT pipelines not yet answered; close() waits for them. */
  inFlight: Set<Promise<unknown>>;
  isClosing(): boolean;
}
