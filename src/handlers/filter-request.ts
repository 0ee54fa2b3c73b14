// What REQ and COUNT share: the subscription id, the filters' shapes, the filter policies.
// A refusal is answered here with CLOSED (or NOTICE when there is no usable id).
import { checkFilterShape, type Filter } from '../../pkg/nostr/index.js';
import type { Connection } from '../connection.js';
import { firstRefusal } from '../policies/index.js';

export interface FilterRequest {
  subId: string;
  filters: Filter[];
}

export function parseFilterRequest(conn: Connection, message: unknown[], verb: 'REQ' | 'COUNT'): FilterRequest | undefined {
  const subId = message[1];
  if (typeof subId !== 'string') {
    conn.notice(`invalid: ${verb} needs a subscription id string: ["${verb}", "<id>", {filter}, …]`);
    return undefined;
  }
  const refuse = (reason: string): undefined => {
    // A refused REQ ends any earlier subscription with that id (the client was told CLOSED).
    if (verb === 'REQ') conn.closeSubscription(subId);
    conn.closedSub(subId, reason);
    return undefined;
  };
  const { limits } = conn.ctx;
  if (subId.length === 0) return refuse('invalid: subscription id must not be empty');
  if (subId.length > limits.maxSubIdLength) {
    return refuse(`invalid: subscription id too long (max ${limits.maxSubIdLength} characters)`);
  }
  const filters: Filter[] = [];
  for (let i = 2; i < message.length; i++) {
    const checked = checkFilterShape(message[i]);
    if (!checked.ok) return refuse(`invalid: filter ${i - 2}: ${checked.reason}`);
    filters.push(checked.value);
  }
  const refusal = firstRefusal(conn.ctx.policies.filter, filters, conn.policyContext());
  if (refusal !== undefined) return refuse(refusal);
  return { subId, filters };
}
