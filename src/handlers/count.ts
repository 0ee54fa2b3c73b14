// COUNT (NIP-45): how many stored events match, read gating applied. Limits are not clamped:
// a count is one number, not a stream.
import type { Connection } from '../connection.js';
import { parseFilterRequest } from './filter-request.js';

export async function handleCount(conn: Connection, message: unknown[]): Promise<void> {
  const request = parseFilterRequest(conn, message, 'COUNT');
  if (!request) return;
  const { subId, filters } = request;
  let count: number;
  try {
    count = await conn.ctx.store.count(filters, { accept: conn.readGate() });
  } catch (err) {
    conn.ctx.logger.error({ err, subId }, 'count failed');
    return conn.closedSub(subId, 'error: could not count');
  }
  conn.send(JSON.stringify(['COUNT', subId, { count }]), 'COUNT');
}
