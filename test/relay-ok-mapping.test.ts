// Every store outcome maps to the OK a client should see (accepted flag and standard prefix).
import { expect, it } from 'vitest';
import type { PutStatus } from '../pkg/store/base/types.js';
import { okFor } from '../src/handlers/event.js';

it.each<[PutStatus, boolean, RegExp]>([
  ['stored', true, /^$/],
  ['duplicate', true, /^duplicate: /],
  ['replaced-older', false, /^duplicate: /],
  ['deleted', false, /^blocked: /],
  ['expired', false, /^invalid: /],
  ['ephemeral', true, /^$/],
  ['invalid', false, /^invalid: /],
])('%s → OK %s', (status, accepted, prefix) => {
  const [ok, message] = okFor({ status });
  expect(ok).toBe(accepted);
  expect(message).toMatch(prefix);
  if (!accepted) expect(okFor({ status, message: 'detail from the store' })[1]).toMatch(/detail from the store$/);
});
