// Structural limits of a REQ/COUNT: how many filters one message may carry.
import type { FilterPolicy } from './types.js';

export const filterCountLimit: FilterPolicy = (filters, { limits }) => {
  if (filters.length === 0) return 'invalid: at least one filter is required';
  if (filters.length > limits.maxFilters) {
    return `invalid: too many filters (${filters.length}, max ${limits.maxFilters})`;
  }
  return undefined;
};
