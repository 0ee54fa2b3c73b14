// Structural limits of a REQ/COUNT: how many filters one message may carry, and how many values one filter may list.
import type { FilterPolicy } from './types.js';

export const filterCountLimit: FilterPolicy = (filters, { limits }) => {
  if (filters.length === 0) return 'invalid: at least one filter is required';
  if (filters.length > limits.maxFilters) {
    return `invalid: too many filters (${filters.length}, max ${limits.maxFilters})`;
  }
  return undefined;
};

/** Each listed value can open an index cursor: a filter naming 50,000 tags would cost everyone else. */
export const filterValueLimit: FilterPolicy = (filters, { limits }) => {
  if (limits.maxFilterValues <= 0) return undefined;
  for (const f of filters) {
    let n = 0;
    for (const v of Object.values(f)) if (Array.isArray(v)) n += v.length;
    if (n > limits.maxFilterValues) return `invalid: a filter lists too many values (${n}, max ${limits.maxFilterValues})`;
  }
  return undefined;
};
