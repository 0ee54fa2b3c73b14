// NIP-13: when minPowDifficulty > 0, an event id needs that many leading zero bits.
import { powDifficulty } from '../../pkg/nostr/index.js';
import type { EventPolicy } from './types.js';

export const minimumPow: EventPolicy = (event, { limits }) => {
  const min = limits.minPowDifficulty;
  if (min <= 0) return undefined;
  const got = powDifficulty(event.id);
  return got < min ? `pow: difficulty ${got} is less than ${min}` : undefined;
};
