// Everything about one event that can be worked out before the write transaction: its payload
// (encoded, sealed, placed inline or appended to the value log), serial, keys and address.
import type { NostrEvent } from '../nostr/types.js';
import { canonicalEventJson } from '../nostr/serialize.js';
import { dTagOf, kindClass } from '../nostr/kinds.js';
import { expirationOf } from '../nostr/nip-tags.js';
import type { CompressionCodec, PutResult } from './types.js';
import type { PreparedEvent } from './write-txn.js';
import type { ValueLog } from './value-log.js';
import type { CountersData } from './store-counters.js';
import type { SizeHistogram } from './size-histogram.js';
import type { StoreKeys } from './payload-cipher.js';
import { encodePayload } from './codec.js';
import { indexableTags } from './index-entries.js';
import { addressKey } from './keys.js';

export interface PrepareContext {
  compression: CompressionCodec;
  /** Payloads larger than this (encoded bytes) go to the value log. */
  threshold: number;
  counters: CountersData;
  sizes: SizeHistogram;
  vlog: ValueLog;
  keys: StoreKeys | undefined;
  has(id: string): boolean;
}

/** `json` is the event's canonical JSON when the caller already built it. */
export function prepareEvent(ctx: PrepareContext, event: NostrEvent, json = canonicalEventJson(event)): PreparedEvent | PutResult {
  const encoded = encodePayload(json, ctx.compression);
  const toValueLog = encoded.length > ctx.threshold;
  // A known id bound for the value log is refused here, so it never costs an append; every
  // other duplicate is caught by the write transaction's own lookup.
  if (toValueLog && ctx.has(event.id)) return { status: 'duplicate', message: 'already have this event' };
  const cls = kindClass(event.kind);
  const serial = ctx.counters.nextSerial++;
  const pubkeyBytes = Buffer.from(event.pubkey, 'hex');
  let address: Buffer | undefined;
  if (cls === 'replaceable') address = addressKey(event.kind, pubkeyBytes, '');
  else if (cls === 'addressable') address = addressKey(event.kind, pubkeyBytes, dTagOf(event));
  const p: PreparedEvent = {
    event,
    json,
    idBytes: Buffer.from(event.id, 'hex'),
    pubkeyBytes,
    cls,
    tags: indexableTags(event.tags),
    expiration: expirationOf(event),
    address,
    serial,
    payloadBytes: encoded.length,
  };
  ctx.sizes.add(encoded.length);
  if (toValueLog) {
    const bytes = ctx.keys ? ctx.keys.cipher.seal(serial, encoded) : encoded;
    p.payloadBytes = bytes.length;
    p.pointer = ctx.vlog.append(serial, bytes);
  } else p.inline = encoded;
  return p;
}
