// EVENT: size (dispatch) → shape → id → duplicate short-cut → before-verify policies → signature
// (worker pool) → after-verify policies → store.put (OK only once it resolves) → fan-out.
// Every path ends in exactly one OK.
import {
  canonicalEventJson,
  checkEventShape,
  hasValidId,
  isEphemeral,
  isExpired,
  isHex64,
  type NostrEvent,
} from '../../pkg/nostr/index.js';
import { StoreError, type PutResult } from '../../pkg/store/index.js';
import type { Connection } from '../connection.js';
import { firstRefusal } from '../policies/index.js';

const AUTH_KIND = 22242;

export function handleEvent(conn: Connection, message: unknown[]): void {
  const raw = message[1];
  const claimedId = idOf(raw);
  if (message.length !== 2 || typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    const reason = 'invalid: EVENT takes exactly one event object: ["EVENT", {…}]';
    return claimedId ? conn.ok(claimedId, false, reason) : conn.notice(reason);
  }
  const shape = checkEventShape(raw);
  if (!shape.ok) {
    const reason = `invalid: ${shape.reason}`;
    return claimedId ? conn.ok(claimedId, false, reason) : conn.notice(reason);
  }
  const ev = shape.value;
  if (conn.ctx.isClosing()) return conn.ok(ev.id, false, 'error: relay is shutting down; try again shortly');
  if (!hasValidId(ev)) {
    return conn.ok(ev.id, false, 'invalid: id is not the sha256 of the canonical serialization of the event');
  }
  if (ev.kind === AUTH_KIND) {
    return conn.ok(ev.id, false, 'invalid: kind 22242 AUTH events go in an AUTH message, not EVENT');
  }
  // A known id needs no signature check: the stored copy was verified when it arrived.
  if (!isEphemeral(ev.kind) && conn.ctx.store.has(ev.id)) {
    return conn.ok(ev.id, true, 'duplicate: already have this event');
  }
  const work = ingest(conn, ev).catch((err: unknown) => {
    conn.ctx.logger.error({ err, id: ev.id }, 'event pipeline failed');
    conn.ok(ev.id, false, 'error: internal error while storing this event');
  });
  conn.ctx.inFlight.add(work);
  void work.finally(() => conn.ctx.inFlight.delete(work));
}

async function ingest(conn: Connection, ev: NostrEvent): Promise<void> {
  const { ctx } = conn;
  const pctx = conn.policyContext();
  const early = firstRefusal(ctx.policies.beforeVerify, ev, pctx);
  if (early !== undefined) return conn.ok(ev.id, false, early);

  const started = performance.now();
  let valid: boolean;
  try {
    valid = await ctx.verifier.verify(ev.id, ev.pubkey, ev.sig);
  } catch (err) {
    ctx.logger.error({ err }, 'signature check unavailable');
    return conn.ok(ev.id, false, 'error: could not check the signature right now; try again');
  }
  ctx.observer.verifyTime((performance.now() - started) / 1000);
  if (!valid) return conn.ok(ev.id, false, 'invalid: signature does not verify');

  const late = firstRefusal(ctx.policies.afterVerify, ev, pctx);
  if (late !== undefined) return conn.ok(ev.id, false, late);

  if (isEphemeral(ev.kind)) {
    if (isExpired(ev, pctx.now)) return conn.ok(ev.id, false, 'invalid: event has expired (NIP-40)');
    conn.ok(ev.id, true, '');
    ctx.observer.eventStored(ev.kind);
    ctx.subscriptions.broadcast(ev, canonicalEventJson(ev));
    return;
  }

  const json = canonicalEventJson(ev); // built once: stored and fanned out as the same string
  const writeStarted = performance.now();
  let result: PutResult;
  try {
    result = await ctx.store.put(ev, json);
  } catch (err) {
    ctx.logger.error({ err, id: ev.id }, 'store.put failed');
    return conn.ok(ev.id, false, storeFailureReason(err));
  }
  ctx.observer.writeLatency((performance.now() - writeStarted) / 1000);
  const [accepted, reason] = okFor(result);
  conn.ok(ev.id, accepted, reason);
  if (result.status === 'stored') {
    ctx.observer.eventStored(ev.kind);
    ctx.subscriptions.broadcast(ev, json);
  }
}

/** The OK answer for a store outcome. */
export function okFor(result: PutResult): [accepted: boolean, message: string] {
  const detail = (fallback: string) => result.message || fallback;
  switch (result.status) {
    case 'stored':
      return [true, ''];
    case 'duplicate':
      return [true, 'duplicate: already have this event'];
    case 'replaced-older':
      return [false, `duplicate: ${detail('a newer version of this replaceable event is already stored')}`];
    case 'deleted':
      return [false, `blocked: ${detail('this event was deleted by its author')}`];
    case 'expired':
      return [false, `invalid: ${detail('event has expired (NIP-40)')}`];
    case 'ephemeral':
      return [true, ''];
    case 'invalid':
      return [false, `invalid: ${detail('event refused by the store')}`];
  }
}

/** The OK reason for a write the store refused with an error: what happened, and who can fix it. */
export function storeFailureReason(err: unknown): string {
  switch (err instanceof StoreError ? err.code : undefined) {
    case 'MAP_FULL':
      return "error: the relay's storage is full (LMDB map at its mapSize limit); the operator must raise mapSize and restart";
    case 'DISK_FULL':
      return "error: the relay's disk is full; nothing was stored, try again later";
    case 'VLOG_IO':
      return 'error: the relay could not write to disk and needs a restart by its operator; nothing was stored';
    case 'CLOSED':
      return 'error: relay is shutting down; try again shortly';
    case 'WRITE_ABORTED':
      return 'error: a write just before this one failed, so this event was not stored; try again';
    default:
      return 'error: could not store this event; try again';
  }
}

function idOf(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const id = (raw as { id?: unknown }).id;
  return isHex64(id) ? id : undefined;
}
