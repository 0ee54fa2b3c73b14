// Token-bucket rate limits per IP (events, REQ/COUNT) and per author pubkey (events).
import type { EventPolicy, FilterPolicy } from './types.js';

export const eventRatePerIp: EventPolicy = (_event, { client, rates }) =>
  rates.eventPerIp.take(client.ip) ? undefined : 'rate-limited: too many events from your address; slow down';

/** After the signature check, so nobody can drain someone else's budget with forged events. */
export const eventRatePerPubkey: EventPolicy = (event, { rates }) =>
  rates.eventPerPubkey.take(event.pubkey) ? undefined : 'rate-limited: too many events from this author; slow down';

export const reqRatePerIp: FilterPolicy = (_filters, { client, rates }) =>
  rates.reqPerIp.take(client.ip) ? undefined : 'rate-limited: too many requests from your address; slow down';
