// Public surface of the protocol layer: pure functions, no I/O — except the native
// signature backend, which loads the system libsecp256k1 on first use.

export type { Checked, Filter, KindClass, NostrEvent } from './types.js';
export { NostrProtocolError, type NostrProtocolErrorCode } from './errors.js';
export { hexToBytes, isHex128, isHex64 } from './hex.js';
export { MAX_KIND, checkEventShape, isWellFormedText, tagsProblem } from './event-shape.js';
export { type IdFields, canonicalEventJson, computeId, hasValidId, serializeForId, sha256Hex } from './serialize.js';
export {
  type NamedVerifier,
  type SignatureVerifier,
  type VerifierChoice,
  type VerifierName,
  VERIFIER_CHOICES,
  VERIFIER_NAMES,
  defaultVerifier,
  nobleVerifier,
  resolveVerifier,
  verifierByName,
  verifyEvent,
  wasmVerifier,
} from './signature.js';
export {
  type NativeVerifierLoad,
  type NativeVerifierOptions,
  PUBKEY_CACHE_SIZE,
  createNativeVerifier,
  loadNativeVerifier,
} from './native-verifier.js';
export {
  type Libsecp256k1,
  LIBSECP256K1_CANDIDATES,
  LIBSECP256K1_ENV,
  LIBSECP256K1_INSTALL_HINT,
  loadLibsecp256k1,
} from './libsecp256k1.js';
export { addressOf, dTagOf, isAddressable, isEphemeral, isReplaceable, kindClass } from './kinds.js';
export { checkFilterShape, filterTagKeys, matchFilter, matchFilters } from './filter.js';
export { committedPowTarget, expirationOf, isExpired, isProtected, powDifficulty } from './nip-tags.js';
