// The 'native' signature backend: the system's libsecp256k1 called through
// koffi (see libsecp256k1.ts). Hex is decoded and length-checked in JS, the
// same way as for the other backends, so only well-formed buffers reach C.
// Parsed x-only public keys are kept in a small bounded cache: parsing one
// costs a field square root, and a relay sees the same authors again and again.

import { hexToBytes } from './hex.js';
import { loadLibsecp256k1, XONLY_PUBKEY_SIZE, type Libsecp256k1 } from './libsecp256k1.js';
import type { NamedVerifier } from './verifier.js';

/** Parsed pubkeys kept per thread by the default native verifier (~0.5 MiB at most). */
export const PUBKEY_CACHE_SIZE = 4096;

export interface NativeVerifierOptions {
  /** Most parsed pubkeys kept; 0 parses the pubkey on every call. Default PUBKEY_CACHE_SIZE. */
  pubkeyCacheSize?: number;
}

export type NativeVerifierLoad =
  | { ok: true; verifier: NamedVerifier; /** the library file that loaded */ path: string }
  | { ok: false; reason: string };

/**
 * A BIP-340 verifier over a bound libsecp256k1. Answers false, never throws,
 * for malformed hex, wrong lengths, a pubkey that is not a valid x coordinate,
 * r ≥ p or s ≥ n (the library refuses the last two itself).
 */
export function createNativeVerifier(lib: Libsecp256k1, options: NativeVerifierOptions = {}): NamedVerifier {
  const cap = Math.max(0, Math.floor(options.pubkeyCacheSize ?? PUBKEY_CACHE_SIZE));
  // Insertion-ordered: when full, the oldest entry goes (first in, first out; a hit does not reorder,
  // which would cost a delete and a set on every call for little gain).
  const parsed = new Map<string, Buffer>();

  function pubkeyStruct(pubkeyHex: string): Buffer | undefined {
    const hit = parsed.get(pubkeyHex);
    if (hit) return hit;
    const bytes = hexToBytes(pubkeyHex, 32);
    if (!bytes) return undefined;
    const struct = Buffer.alloc(XONLY_PUBKEY_SIZE);
    if (!lib.parseXonly(struct, bytes)) return undefined;
    if (cap > 0) {
      if (parsed.size >= cap) parsed.delete(parsed.keys().next().value as string);
      parsed.set(pubkeyHex, struct);
    }
    return struct;
  }

  return {
    name: 'native',
    verify(idHex, pubkeyHex, sigHex) {
      const msg = hexToBytes(idHex, 32);
      const sig = hexToBytes(sigHex, 64);
      if (!msg || !sig) return false;
      try {
        const pub = pubkeyStruct(pubkeyHex);
        return pub !== undefined && lib.verify(sig, msg, pub);
      } catch {
        return false;
      }
    },
  };
}

let loaded: NativeVerifierLoad | undefined;

/**
 * The native verifier of this thread, loading libsecp256k1 on first use
 * (see loadLibsecp256k1 for where it looks). Never throws: without the
 * library the reason says what was tried and what to install.
 */
export function loadNativeVerifier(): NativeVerifierLoad {
  if (!loaded) {
    const lib = loadLibsecp256k1();
    loaded = lib.ok ? { ok: true, verifier: createNativeVerifier(lib.value), path: lib.value.path } : lib;
  }
  return loaded;
}
