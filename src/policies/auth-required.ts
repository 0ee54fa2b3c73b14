// authRequired: every EVENT, REQ and COUNT needs a NIP-42 AUTH first.
import type { EventPolicy, FilterPolicy } from './types.js';

export const authRequiredToWrite: EventPolicy = (_event, { limits, client }) =>
  limits.authRequired && client.authedPubkeys.size === 0
    ? 'auth-required: this relay only accepts events from authenticated users'
    : undefined;

export const authRequiredToRead: FilterPolicy = (_filters, { limits, client }) =>
  limits.authRequired && client.authedPubkeys.size === 0
    ? 'auth-required: this relay only serves authenticated users'
    : undefined;
