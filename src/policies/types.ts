// The shapes of policies: small functions that either let a message through (undefined) or
// refuse it with a reason that already carries its standard prefix ("blocked: …", "pow: …").
import type { Filter, NostrEvent } from '../../pkg/nostr/index.js';
import type { RelayLimits } from '../limits.js';
import type { KeyedTokenBuckets } from '../token-bucket.js';

/** What a policy may know about the client that sent the message. */
/** The token buckets the rate-limit policies draw from, one set per relay. */
export interface RelayRates {
  eventPerIp: KeyedTokenBuckets;
  eventPerPubkey: KeyedTokenBuckets;
  reqPerIp: KeyedTokenBuckets;
}

export interface PolicyClient {
  readonly ip: string;
  /** Pubkeys this connection has proven with NIP-42 AUTH. */
  readonly authedPubkeys: ReadonlySet<string>;
}

export interface PolicyContext {
  readonly client: PolicyClient;
  readonly limits: RelayLimits;
  readonly rates: RelayRates;
  /** Unix seconds, taken once per message so every policy sees the same clock. */
  readonly now: number;
}

/** Refuses an EVENT with a prefixed reason, or returns undefined to let it pass. */
export type EventPolicy = (event: NostrEvent, ctx: PolicyContext) => string | undefined;

/** Refuses a REQ or COUNT (its already shape-checked filters) with a prefixed reason. */
export type FilterPolicy = (filters: readonly Filter[], ctx: PolicyContext) => string | undefined;

/**
 * The policy lists, run in order; the first refusal wins.
 * - beforeVerify: cheap checks whose answer does not depend on the signature being genuine
 *   (they run before the costly signature check, so floods and junk cost little).
 * - afterVerify: checks that must trust the author field (per-pubkey rate limits).
 * - filter: REQ and COUNT.
 */
export interface RelayPolicies {
  beforeVerify: EventPolicy[];
  afterVerify: EventPolicy[];
  filter: FilterPolicy[];
}

/** First refusal of a list, or undefined. */
export function firstRefusal<T>(
  policies: readonly ((x: T, ctx: PolicyContext) => string | undefined)[],
  x: T,
  ctx: PolicyContext,
): string | undefined {
  for (const policy of policies) {
    const reason = policy(x, ctx);
    if (reason !== undefined) return reason;
  }
  return undefined;
}
