// AUTH (NIP-42): a kind 22242 event carrying this connection's challenge and this relay's URL,
// created within ±authWindowSeconds, signed by the pubkey being proven. One OK per AUTH.
// A connection may prove several pubkeys; each is added.
import { checkEventShape, hasValidId, isHex64 } from '../../pkg/nostr/index.js';
import type { Connection } from '../connection.js';
import { sameRelayUrl } from '../relay-url.js';

const AUTH_KIND = 22242;

export async function handleAuth(conn: Connection, message: unknown[]): Promise<void> {
  const raw = message[1];
  if (message.length !== 2 || typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return conn.notice('invalid: AUTH takes one signed kind 22242 event: ["AUTH", {…}]');
  }
  const shape = checkEventShape(raw);
  if (!shape.ok) {
    const id = (raw as { id?: unknown }).id;
    const reason = `invalid: ${shape.reason}`;
    return isHex64(id) ? conn.ok(id, false, reason) : conn.notice(reason);
  }
  const ev = shape.value;
  const { limits, relayUrl, verifier } = conn.ctx;
  const tag = (name: string) => ev.tags.find((t) => t[0] === name)?.[1];
  const now = Math.floor(Date.now() / 1000);
  let reason: string | undefined;
  if (ev.kind !== AUTH_KIND) reason = `invalid: AUTH event must be kind ${AUTH_KIND}`;
  else if (!hasValidId(ev)) reason = 'invalid: id is not the sha256 of the canonical serialization of the event';
  else if (Math.abs(ev.created_at - now) > limits.authWindowSeconds) {
    reason = `invalid: AUTH event created_at must be within ${limits.authWindowSeconds} seconds of now`;
  } else if (tag('challenge') !== conn.challenge) reason = 'invalid: challenge tag does not match this connection';
  else if (!sameRelayUrl(tag('relay') ?? '', relayUrl)) reason = `invalid: relay tag must be ${relayUrl}`;
  if (reason) return conn.ok(ev.id, false, reason);
  let valid: boolean;
  try {
    valid = await verifier.verify(ev.id, ev.pubkey, ev.sig);
  } catch {
    return conn.ok(ev.id, false, 'error: could not check the signature right now; try again');
  }
  if (!valid) return conn.ok(ev.id, false, 'invalid: signature does not verify');
  conn.authedPubkeys.add(ev.pubkey);
  conn.ok(ev.id, true, '');
}
