// created_at window: events too far in the past or the future are refused.
import type { EventPolicy } from './types.js';

export const createdAtWindow: EventPolicy = (event, { limits, now }) => {
  if (limits.createdAtLowerLimit > 0 && event.created_at < now - limits.createdAtLowerLimit) {
    return `invalid: created_at is too far in the past (more than ${limits.createdAtLowerLimit} seconds ago)`;
  }
  if (event.created_at > now + limits.createdAtUpperLimit) {
    return `invalid: created_at is too far in the future (more than ${limits.createdAtUpperLimit} seconds ahead)`;
  }
  return undefined;
};
