// REQ: stored matches (newest first, limits clamped, read-gated), EOSE, then live matches until
// CLOSE, a replacing REQ or disconnect. The subscription joins the live index before the query
// starts, so nothing published during the query is missed; such events wait in a backlog and go
// out right after EOSE (minus any the query already sent).
import type { Connection } from '../connection.js';
import { LiveSubscription } from '../subscriptions.js';
import { parseFilterRequest } from './filter-request.js';

const ID_IN_EVENT_JSON = /"id":"([0-9a-f]{64})"/;

export async function handleReq(conn: Connection, message: unknown[]): Promise<void> {
  const started = performance.now();
  const request = parseFilterRequest(conn, message, 'REQ');
  if (!request) return;
  const { subId } = request;
  const { limits, store, observer } = conn.ctx;
  if (!conn.subscriptions.has(subId) && conn.subscriptions.size >= limits.maxSubscriptions) {
    return conn.closedSub(subId, `blocked: too many open subscriptions (max ${limits.maxSubscriptions}); CLOSE one first`);
  }
  const filters = request.filters.map((f) => ({ ...f, limit: Math.min(f.limit ?? limits.defaultLimit, limits.maxLimit) }));
  const live = new LiveSubscription(subId, filters, conn);
  const sub = conn.openSubscription(live);
  const { signal } = sub.abort;
  const stored = filters.filter((f) => f.limit > 0);
  conn.cork();
  try {
    if (stored.length > 0) {
      for await (const json of store.query(stored, { signal, maxLimit: limits.maxLimit, accept: conn.readGate() })) {
        if (signal.aborted || !conn.send(live.frame(json), 'EVENT')) return;
        if (sub.backlog && sub.backlog.size > 0) {
          const id = ID_IN_EVENT_JSON.exec(json)?.[1];
          if (id) sub.backlog.delete(id);
        }
        if (conn.ws.bufferedAmount > limits.maxOutboundBufferBytes / 2) {
          conn.uncork(); // a corked socket never drains
          await conn.drained();
          conn.cork();
        }
      }
    }
  } catch (err) {
    if (signal.aborted) return;
    conn.ctx.logger.error({ err, subId }, 'query failed');
    conn.closeSubscription(subId);
    return conn.closedSub(subId, 'error: could not run this query');
  } finally {
    // Let the frames out on the next tick, so EOSE (sent below, same tick) joins the same write.
    process.nextTick(() => conn.uncork());
  }
  if (signal.aborted || conn.subscriptions.get(subId) !== sub) return;
  conn.send(JSON.stringify(['EOSE', subId]), 'EOSE');
  observer.reqToEose((performance.now() - started) / 1000);
  const backlog = sub.backlog;
  sub.backlog = undefined;
  if (backlog) for (const frame of backlog.values()) conn.send(frame, 'EVENT');
}
