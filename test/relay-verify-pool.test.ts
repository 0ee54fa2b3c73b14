// Signature checks in worker threads give the same answers as the in-thread verifier.
import { finalizeEvent, generateSecretKey } from 'nostr-tools/pure';
import { afterAll, describe, expect, it } from 'vitest';
import { VerifyPool } from '../src/verify-pool.js';

const sk = generateSecretKey();
const events = Array.from({ length: 300 }, (_, i) =>
  finalizeEvent({ kind: 1, created_at: 1_700_000_000 + i, tags: [], content: `pool ${i}` }, sk),
);

describe.each([
  ['two worker threads', 2, undefined],
  ['two worker threads holding one batch each (the rest queue on the main thread)', 2, 1],
  ['inline (threads: 0)', 0, undefined],
])('VerifyPool with %s', (_name, threads, batchesInFlight) => {
  const pool = new VerifyPool({ threads, maxBatch: 64, batchesInFlight });
  afterAll(() => pool.close());

  it('accepts good signatures and refuses bad ones, in batches larger than maxBatch', async () => {
    const checks = events.map((ev, i) =>
      i % 3 === 0 ? pool.verify(ev.id, ev.pubkey, events[(i + 1) % events.length].sig) : pool.verify(ev.id, ev.pubkey, ev.sig),
    );
    const results = await Promise.all(checks);
    expect(results).toEqual(events.map((_, i) => i % 3 !== 0));
  });

  it('answers false, not an error, for malformed hex', async () => {
    expect(await pool.verify('zz', 'not hex', '')).toBe(false);
  });
});

it('refuses work after close', async () => {
  const pool = new VerifyPool({ threads: 1 });
  await pool.close();
  await expect(pool.verify(events[0].id, events[0].pubkey, events[0].sig)).rejects.toMatchObject({ code: 'verify-pool-unavailable' });
});
