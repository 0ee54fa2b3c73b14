// Canonical NIP-01 serialization, the sha256 event id, and the stored/sent
// JSON form of an event.
//
// NIP-01 names the escapes \n \" \\ \r \t \b \f and says every other
// character is written verbatim, as UTF-8, with no whitespace. JSON.stringify
// does exactly that for those seven and for all non-ASCII text (including
// U+2028/U+2029 and astral characters, never \uXXXX, never "\/"). It differs
// in two places: other C0 controls (U+0000–U+001F) become \u00XX with
// lowercase hex, and lone surrogates become \udXXX. The first is what every
// widely used implementation hashes (nostr-tools, serde_json), so it is the
// de-facto rule and the test vectors pin it; the second cannot happen because
// checkEventShape refuses lone surrogates. So JSON.stringify is the canonical
// serializer, and it is the fastest one available.

import * as nodeCrypto from 'node:crypto';
import type { NostrEvent } from './types.js';

export type IdFields = Pick<NostrEvent, 'pubkey' | 'created_at' | 'kind' | 'tags' | 'content'>;

/** `[0,pubkey,created_at,kind,tags,content]` as NIP-01 canonical JSON. */
export function serializeForId(ev: IdFields): string {
  return JSON.stringify([0, ev.pubkey, ev.created_at, ev.kind, ev.tags, ev.content]);
}

// crypto.hash (one-shot, Node ≥ 20.12) skips the Hash object createHash
// builds per call, which shows on short events, and native sha256 is several
// times faster than @noble/hashes (see benchmark/verify-bench.ts). Older
// Node 20 releases fall back to createHash.
type OneShotHash = (algorithm: string, data: string, encoding: 'hex') => string;
const oneShot = (nodeCrypto as { hash?: OneShotHash }).hash;

/** Hex sha256 of the UTF-8 bytes of `text`. */
export const sha256Hex: (text: string) => string = oneShot
  ? (text) => oneShot('sha256', text, 'hex')
  : (text) => nodeCrypto.createHash('sha256').update(text, 'utf8').digest('hex');

/** The event id: lowercase hex sha256 of the canonical serialization. */
export function computeId(ev: IdFields): string {
  return sha256Hex(serializeForId(ev));
}

/** True when `ev.id` is the id of the event's own fields. */
export function hasValidId(ev: NostrEvent): boolean {
  return computeId(ev) === ev.id;
}

/**
 * The stored and sent form of an event: JSON of exactly the seven fields in
 * the order id, pubkey, created_at, kind, tags, content, sig (extra
 * properties on `ev` are left out).
 */
export function canonicalEventJson(ev: NostrEvent): string {
  return JSON.stringify({
    id: ev.id,
    pubkey: ev.pubkey,
    created_at: ev.created_at,
    kind: ev.kind,
    tags: ev.tags,
    content: ev.content,
    sig: ev.sig,
  });
}
