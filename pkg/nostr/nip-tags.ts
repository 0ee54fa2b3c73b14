// Tags with relay-side meaning: NIP-40 expiration, NIP-70 protected events,
// NIP-13 proof of work.

import type { NostrEvent } from './types.js';

type Tagged = Pick<NostrEvent, 'tags'>;

const DECIMAL = /^(0|[1-9][0-9]*)$/;

/** A canonical non-negative decimal integer that fits a safe integer, else undefined. */
function parseCount(text: string | undefined): number | undefined {
  if (text === undefined || text.length > 16 || !DECIMAL.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * NIP-40: the unix second from the first well-formed `expiration` tag.
 * Malformed values ("soon", "1e9", "-5", "") are ignored as if absent, so a
 * typo can not make an event vanish.
 */
export function expirationOf(ev: Tagged): number | undefined {
  for (const tag of ev.tags) {
    if (tag[0] !== 'expiration') continue;
    const at = parseCount(tag[1]);
    if (at !== undefined) return at;
  }
  return undefined;
}

/** True when the event has expired at `nowSeconds` (expiration is inclusive: expired from that second on). */
export function isExpired(ev: Tagged, nowSeconds: number): boolean {
  const at = expirationOf(ev);
  return at !== undefined && at <= nowSeconds;
}

/**
 * NIP-70: a `["-"]` tag means only the author may publish the event. Any tag
 * named "-" counts, extra elements or not: when in doubt, protect.
 */
export function isProtected(ev: Tagged): boolean {
  for (const tag of ev.tags) {
    if (tag[0] === '-') return true;
  }
  return false;
}

/** NIP-13 difficulty: the number of leading zero bits of the id. */
export function powDifficulty(idHex: string): number {
  let bits = 0;
  for (let i = 0; i < idHex.length; i++) {
    const nibble = parseInt(idHex[i], 16);
    if (Number.isNaN(nibble)) return bits;
    if (nibble === 0) {
      bits += 4;
      continue;
    }
    return bits + Math.clz32(nibble) - 28;
  }
  return bits;
}

/**
 * NIP-13 committed target: the third element of the first `nonce` tag, when
 * it is a well-formed integer. A relay may refuse work that beats a low
 * target by luck rather than intent.
 */
export function committedPowTarget(ev: Tagged): number | undefined {
  for (const tag of ev.tags) {
    if (tag[0] === 'nonce') return parseCount(tag[2]);
  }
  return undefined;
}
