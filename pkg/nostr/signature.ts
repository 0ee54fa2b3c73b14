// BIP-340 Schnorr verification of event signatures, behind one small
// interface so the relay can pick a backend (and the benchmark can compare
// them). Both backends answer false, never throw, for malformed input.

import { schnorr } from '@noble/curves/secp256k1.js';
import { verifySchnorr } from 'tiny-secp256k1';
import { NostrProtocolError } from './errors.js';
import { hexToBytes } from './hex.js';
import { hasValidId } from './serialize.js';
import type { NostrEvent } from './types.js';

export interface SignatureVerifier {
  readonly name: string;
  /** BIP-340 verify of `sigHex` (64 bytes) over the 32-byte `idHex` by x-only `pubkeyHex`. */
  verify(idHex: string, pubkeyHex: string, sigHex: string): boolean;
}

export type VerifierName = 'noble' | 'wasm';

type BytesVerify = (msg32: Uint8Array, pub32: Uint8Array, sig64: Uint8Array) => boolean;

/**
 * Wraps a byte-level verify: decodes the hex (refusing wrong lengths and
 * non-hex digits) and turns any throw from the backend — pubkey not on the
 * curve, r ≥ p, s ≥ n, bad lengths — into false.
 */
function hexVerifier(name: VerifierName, verifyBytes: BytesVerify): SignatureVerifier {
  return {
    name,
    verify(idHex, pubkeyHex, sigHex) {
      const msg = hexToBytes(idHex, 32);
      const pub = hexToBytes(pubkeyHex, 32);
      const sig = hexToBytes(sigHex, 64);
      if (!msg || !pub || !sig) return false;
      try {
        return verifyBytes(msg, pub, sig) === true;
      } catch {
        return false;
      }
    },
  };
}

/** Pure-JS backend (@noble/curves). Stricter than BIP-340 on crafted r = 0 or s = 0, which it refuses. */
export const nobleVerifier: SignatureVerifier = hexVerifier('noble', (msg, pub, sig) =>
  schnorr.verify(sig, msg, pub),
);

/** libsecp256k1 compiled to WebAssembly (tiny-secp256k1); the faster one. */
export const wasmVerifier: SignatureVerifier = hexVerifier('wasm', (msg, pub, sig) =>
  verifySchnorr(msg, pub, sig),
);

/** The backend the relay uses unless configured otherwise. */
export const defaultVerifier: SignatureVerifier = wasmVerifier;

const verifiers: Record<VerifierName, SignatureVerifier> = { noble: nobleVerifier, wasm: wasmVerifier };

export const VERIFIER_NAMES: readonly VerifierName[] = ['noble', 'wasm'];

/** The backend called `name`; throws NostrProtocolError `unknown-verifier` naming the choices for anything else. */
export function verifierByName(name: VerifierName): SignatureVerifier {
  const verifier = Object.hasOwn(verifiers, name) ? verifiers[name] : undefined;
  if (!verifier) {
    throw new NostrProtocolError(
      'unknown-verifier',
      `unknown signature verifier "${String(name)}": use one of ${VERIFIER_NAMES.join(', ')}`,
    );
  }
  return verifier;
}

/**
 * Full check of a shape-checked event: the id matches its fields and the
 * signature is the pubkey's over that id.
 */
export function verifyEvent(ev: NostrEvent, verifier: SignatureVerifier = defaultVerifier): boolean {
  return hasValidId(ev) && verifier.verify(ev.id, ev.pubkey, ev.sig);
}
