// CLOSE: end a subscription (its query is aborted, live delivery stops). NIP-01 asks no reply.
import type { Connection } from '../connection.js';

export function handleClose(conn: Connection, message: unknown[]): void {
  const subId = message[1];
  if (message.length !== 2 || typeof subId !== 'string') {
    return conn.notice('invalid: CLOSE takes exactly one subscription id: ["CLOSE", "<id>"]');
  }
  conn.closeSubscription(subId);
}
