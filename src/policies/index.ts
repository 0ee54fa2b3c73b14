// The default policy lists. An operator (or a later issue) adds a rule by writing one small
// function and pushing it onto a list: Relay's `policies` option receives these defaults.
import { authRequiredToRead, authRequiredToWrite } from './auth-required.js';
import { createdAtWindow } from './created-at.js';
import { filterCountLimit, filterValueLimit } from './filter-count.js';
import { minimumPow } from './pow.js';
import { protectedEvents } from './protected.js';
import { eventRatePerIp, eventRatePerPubkey, reqRatePerIp } from './rate-limit.js';
import { gatedKindsNeedAuth } from './read-gating.js';
import { contentLengthLimit, tagCountLimit } from './size.js';
import type { RelayPolicies } from './types.js';

export type { EventPolicy, FilterPolicy, PolicyClient, PolicyContext, RelayPolicies, RelayRates } from './types.js';
export { firstRefusal } from './types.js';
export { eventReadable, metaReadable } from './read-gating.js';

export function defaultPolicies(): RelayPolicies {
  return {
    // Rate first: a flood should cost as little as possible.
    beforeVerify: [
      eventRatePerIp,
      authRequiredToWrite,
      tagCountLimit,
      contentLengthLimit,
      createdAtWindow,
      minimumPow,
      protectedEvents,
    ],
    afterVerify: [eventRatePerPubkey],
    filter: [reqRatePerIp, filterCountLimit, filterValueLimit, authRequiredToRead, gatedKindsNeedAuth],
  };
}
