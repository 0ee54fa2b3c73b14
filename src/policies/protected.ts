// NIP-70: an event carrying ["-"] is accepted only from a connection AUTHed as its author.
// (Checked before the signature: if the author field were forged the signature check fails anyway.)
import { isProtected } from '../../pkg/nostr/index.js';
import type { EventPolicy } from './types.js';

export const protectedEvents: EventPolicy = (event, { client }) => {
  if (!isProtected(event) || client.authedPubkeys.has(event.pubkey)) return undefined;
  if (client.authedPubkeys.size === 0) {
    return 'auth-required: this event is protected (NIP-70); authenticate as its author to publish it';
  }
  return 'restricted: this event is protected (NIP-70); only its author may publish it';
};
