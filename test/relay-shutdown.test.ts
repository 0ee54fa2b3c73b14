// Relay.close(): in-flight EVENTs still get their OK (after the write), then sockets close with 1001,
// new connections are refused, and the store is left open for its owner to close.
import WebSocket from 'ws';
import { expect, it } from 'vitest';
import { keys, signed, startRelay } from './support/relay-harness.js';

it('answers in-flight events, then closes sockets with 1001 and refuses new ones', async () => {
  const h = await startRelay();
  try {
    const c = await h.connect();
    const k = keys();
    const evs = Array.from({ length: 30 }, (_, i) => signed(k, { content: `in flight ${i}` }));
    const oks = evs.map((ev) => c.next((f) => f[0] === 'OK' && f[1] === ev.id, 10_000));
    for (const ev of evs) c.send(['EVENT', ev]);
    // Wait until the relay has at least started on the first one, then shut down mid-stream.
    await oks[0];
    const closing = h.relay.close();
    const answers = await Promise.all(oks);
    await closing;
    const accepted = evs.filter((_, i) => answers[i][2] === true);
    for (let i = 0; i < evs.length; i++) {
      // Every EVENT got exactly one answer: stored, or refused because the relay was stopping.
      if (answers[i][2] !== true) expect(answers[i][3]).toMatch(/^error: relay is shutting down/);
    }
    expect((await c.closed).code).toBe(1001);
    // What was acknowledged is in the store, which is still open.
    expect(await h.store.count([{ authors: [k.pk] }])).toBe(accepted.length);
    expect(accepted.length).toBeGreaterThan(0);

    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(h.url);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => resolve(-1));
    });
    expect(status).toBe(503);
  } finally {
    await h.close();
  }
});
