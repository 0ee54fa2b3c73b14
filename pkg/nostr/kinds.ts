// NIP-01 kind classes and the address that replaceable and addressable events
// replace each other by.

import type { KindClass, NostrEvent } from './types.js';

/** Kinds 0, 3 and 10000–19999: the store keeps only the newest per pubkey and kind. */
export function isReplaceable(kind: number): boolean {
  return kind === 0 || kind === 3 || (kind >= 10000 && kind < 20000);
}

/** Kinds 20000–29999: relayed to live subscribers, never stored. */
export function isEphemeral(kind: number): boolean {
  return kind >= 20000 && kind < 30000;
}

/** Kinds 30000–39999: newest per pubkey, kind and `d` tag. */
export function isAddressable(kind: number): boolean {
  return kind >= 30000 && kind < 40000;
}

export function kindClass(kind: number): KindClass {
  if (isReplaceable(kind)) return 'replaceable';
  if (isEphemeral(kind)) return 'ephemeral';
  if (isAddressable(kind)) return 'addressable';
  return 'regular';
}

/** Value of the first `d` tag; a missing `d` tag (or one without a value) counts as ''. */
export function dTagOf(ev: Pick<NostrEvent, 'tags'>): string {
  for (const tag of ev.tags) {
    if (tag[0] === 'd') return tag[1] ?? '';
  }
  return '';
}

/**
 * The replacement address: `kind:pubkey:d` for addressable events,
 * `kind:pubkey:` for replaceable ones (the same form an `a` tag uses), and
 * undefined for regular and ephemeral events.
 */
export function addressOf(ev: Pick<NostrEvent, 'kind' | 'pubkey' | 'tags'>): string | undefined {
  if (isAddressable(ev.kind)) return `${ev.kind}:${ev.pubkey}:${dTagOf(ev)}`;
  if (isReplaceable(ev.kind)) return `${ev.kind}:${ev.pubkey}:`;
  return undefined;
}
