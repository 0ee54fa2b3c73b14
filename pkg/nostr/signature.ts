// BIP-340 Schnorr verification of event signatures, behind one small
// interface so the relay can pick a backend (and the benchmark can compare
// them). Every backend answers false, never throws, for malformed input.

import { schnorr } from '@noble/curves/secp256k1.js';
import { verifySchnorr } from 'tiny-secp256k1';
import { NostrProtocolError } from './errors.js';
import { hexToBytes } from './hex.js';
import { loadNativeVerifier } from './native-verifier.js';
import type { NamedVerifier, SignatureVerifier, VerifierChoice, VerifierName } from './verifier.js';
export type { NamedVerifier, SignatureVerifier, VerifierChoice, VerifierName } from './verifier.js';
import { hasValidId } from './serialize.js';
import type { NostrEvent } from './types.js';

type BytesVerify = (msg32: Uint8Array, pub32: Uint8Array, sig64: Uint8Array) => boolean;

/**
 * Wraps a byte-level verify: decodes the hex (refusing wrong lengths and
 * non-hex digits) and turns any throw from the backend — pubkey not on the
 * curve, r ≥ p, s ≥ n, bad lengths — into false.
 */
function hexVerifier(name: 'noble' | 'wasm', verifyBytes: BytesVerify): NamedVerifier {
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
export const nobleVerifier: NamedVerifier = hexVerifier('noble', (msg, pub, sig) =>
  schnorr.verify(sig, msg, pub),
);

/** libsecp256k1 compiled to WebAssembly (tiny-secp256k1): no system library needed, ~5× noble; native is ~7× faster still. */
export const wasmVerifier: NamedVerifier = hexVerifier('wasm', (msg, pub, sig) =>
  verifySchnorr(msg, pub, sig),
);

/** The backend the relay uses unless configured otherwise. */
export const defaultVerifier: SignatureVerifier = wasmVerifier;

/** The system's libsecp256k1 (see native-verifier.ts), loaded on first use. */
function nativeVerifier(): NamedVerifier {
  const native = loadNativeVerifier();
  if (!native.ok) {
    throw new NostrProtocolError('verifier-unavailable', `signature verifier "native" is unavailable: ${native.reason}`);
  }
  return native.verifier;
}

const verifiers: Record<VerifierName, () => NamedVerifier> = {
  noble: () => nobleVerifier,
  wasm: () => wasmVerifier,
  native: nativeVerifier,
};

export const VERIFIER_NAMES: readonly VerifierName[] = ['noble', 'wasm', 'native'];

export const VERIFIER_CHOICES: readonly VerifierChoice[] = ['auto', ...VERIFIER_NAMES];

/**
 * The backend called `name`; throws NostrProtocolError `unknown-verifier`
 * naming the choices for anything else, and `verifier-unavailable` (with what
 * to install) for native when libsecp256k1 does not load.
 */
export function verifierByName(name: VerifierName): NamedVerifier {
  const get = Object.hasOwn(verifiers, name) ? verifiers[name] : undefined;
  if (!get) {
    throw new NostrProtocolError(
      'unknown-verifier',
      `unknown signature verifier "${String(name)}": use one of ${VERIFIER_NAMES.join(', ')}`,
    );
  }
  return get();
}

/**
 * The backend for a `verifier` setting: 'auto' is native when libsecp256k1
 * loads and wasm otherwise (the answer's `name` says which); a backend name is
 * that backend, with the errors of verifierByName. Resolve on the main thread
 * and hand `name` to worker threads, which take only backend names.
 */
export function resolveVerifier(choice: VerifierChoice): NamedVerifier {
  if (choice === 'auto') {
    const native = loadNativeVerifier();
    return native.ok ? native.verifier : wasmVerifier;
  }
  if (!Object.hasOwn(verifiers, choice)) {
    throw new NostrProtocolError(
      'unknown-verifier',
      `unknown signature verifier "${String(choice)}": use one of ${VERIFIER_CHOICES.join(', ')}`,
    );
  }
  return verifierByName(choice);
}

/**
 * Full check of a shape-checked event: the id matches its fields and the
 * signature is the pubkey's over that id.
 */
export function verifyEvent(ev: NostrEvent, verifier: SignatureVerifier = defaultVerifier): boolean {
  return hasValidId(ev) && verifier.verify(ev.id, ev.pubkey, ev.sig);
}
