// The relay's configurable limits. Every value here is enforced by a policy or handler and
// advertised (where NIP-11 has a name for it) in the NIP-11 `limitation` object.
//
// Conventions: sizes are bytes, windows are seconds, rates are per second. A rate of 0 turns
// that rate limit off; a minPowDifficulty of 0 turns the PoW check off.

export interface RelayLimits {
  /** Largest accepted WebSocket frame (UTF-8 bytes). Bigger frames get NOTICE / OK false. NIP-11 max_message_length. */
  maxMessageBytes: number;
  /** Most tags an event may carry. NIP-11 max_event_tags. */
  maxEventTags: number;
  /** Longest `content`, in UTF-16 code units (JS string length). NIP-11 max_content_length. */
  maxContentLength: number;
  /** Open subscriptions per connection. NIP-11 max_subscriptions. */
  maxSubscriptions: number;
  /** Filters per REQ / COUNT. NIP-11 max_filters. */
  maxFilters: number;
  /**
   * Most values one filter may list (ids, authors, kinds and tag values together); each value can
   * open an index cursor, so this bounds what one REQ costs. 0 = unlimited.
   */
  maxFilterValues: number;
  /** A filter's `limit` is clamped to this. NIP-11 max_limit. */
  maxLimit: number;
  /** Used when a filter has no `limit`. NIP-11 default_limit. */
  defaultLimit: number;
  /** Longest subscription id. NIP-11 max_subid_length. */
  maxSubIdLength: number;
  /** How far in the past `created_at` may lie, in seconds. NIP-11 created_at_lower_limit. */
  createdAtLowerLimit: number;
  /** How far ahead of now `created_at` may lie, in seconds. NIP-11 created_at_upper_limit. */
  createdAtUpperLimit: number;
  /** NIP-13 leading zero bits required of event ids; 0 = off. NIP-11 min_pow_difficulty. */
  minPowDifficulty: number;
  /** Simultaneous WebSocket connections from one IP address; 0 = unlimited. */
  maxConnectionsPerIp: number;
  /** EVENT messages per second per IP (token bucket refill); 0 = off. */
  eventRatePerIp: number;
  /** Token bucket size for eventRatePerIp (how many may arrive at once). */
  eventBurstPerIp: number;
  /** Accepted events per second per author pubkey (charged after the signature check); 0 = off. */
  eventRatePerPubkey: number;
  eventBurstPerPubkey: number;
  /** REQ and COUNT messages per second per IP; 0 = off. */
  reqRatePerIp: number;
  reqBurstPerIp: number;
  /** A connection whose unsent outbound data passes this is told why and closed. */
  maxOutboundBufferBytes: number;
  /** When true, EVENT, REQ and COUNT need a NIP-42 AUTH first. NIP-11 auth_required. */
  authRequired: boolean;
  /** Kinds served (stored, live, COUNT) only to an AUTHed author or p-tagged recipient. */
  gatedKinds: number[];
  /** NIP-42: allowed distance between an AUTH event's created_at and now, in seconds. */
  authWindowSeconds: number;
}

/** Defaults for a public relay: generous enough for ordinary clients, tight enough to shed abuse. */
export const defaultLimits: RelayLimits = Object.freeze({
  maxMessageBytes: 131_072,
  maxEventTags: 2_000,
  maxContentLength: 65_536,
  maxSubscriptions: 50,
  maxFilters: 10,
  maxFilterValues: 5_000, // room for the largest follow lists clients send as `authors`
  maxLimit: 500,
  defaultLimit: 500,
  maxSubIdLength: 64,
  createdAtLowerLimit: 94_608_000, // three years: old notes re-published by clients still land
  createdAtUpperLimit: 900, // fifteen minutes of clock skew
  minPowDifficulty: 0,
  maxConnectionsPerIp: 20,
  eventRatePerIp: 20,
  eventBurstPerIp: 100,
  eventRatePerPubkey: 10,
  eventBurstPerPubkey: 50,
  reqRatePerIp: 50,
  reqBurstPerIp: 200,
  maxOutboundBufferBytes: 4 * 1024 * 1024,
  authRequired: false,
  gatedKinds: Object.freeze([4, 1059]) as unknown as number[],
  authWindowSeconds: 600,
}) as RelayLimits;

/** The effective limits: defaults overlaid with whatever the operator set. */
export function resolveLimits(overrides: Partial<RelayLimits> = {}): RelayLimits {
  const merged: RelayLimits = { ...defaultLimits, gatedKinds: [...defaultLimits.gatedKinds] };
  for (const [key, value] of Object.entries(overrides) as [keyof RelayLimits, unknown][]) {
    if (value !== undefined) (merged as unknown as Record<string, unknown>)[key] = value;
  }
  merged.gatedKinds = [...merged.gatedKinds];
  return merged;
}

/** The NIP-11 `limitation` object for these limits (the keys NIP-11 defines). */
export function nip11Limitation(limits: RelayLimits): Record<string, number | boolean> {
  return {
    max_message_length: limits.maxMessageBytes,
    max_subscriptions: limits.maxSubscriptions,
    max_filters: limits.maxFilters,
    max_limit: limits.maxLimit,
    default_limit: limits.defaultLimit,
    max_subid_length: limits.maxSubIdLength,
    max_event_tags: limits.maxEventTags,
    max_content_length: limits.maxContentLength,
    min_pow_difficulty: limits.minPowDifficulty,
    auth_required: limits.authRequired,
    payment_required: false,
    restricted_writes: limits.minPowDifficulty > 0 || limits.authRequired,
    created_at_lower_limit: limits.createdAtLowerLimit,
    created_at_upper_limit: limits.createdAtUpperLimit,
  };
}
