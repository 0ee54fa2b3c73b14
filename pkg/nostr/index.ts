// Public surface of the protocol layer: pure functions, no I/O.

export type { Checked, Filter, KindClass, NostrEvent } from './types.js';
export { NostrProtocolError, type NostrProtocolErrorCode } from './errors.js';
export { hexToBytes, isHex128, isHex64 } from './hex.js';
export { MAX_KIND, checkEventShape, isWellFormedText, tagsProblem } from './event-shape.js';
export { type IdFields, canonicalEventJson, computeId, hasValidId, serializeForId, sha256Hex } from './serialize.js';
export {
  type SignatureVerifier,
  type VerifierName,
  VERIFIER_NAMES,
  defaultVerifier,
  nobleVerifier,
  verifierByName,
  verifyEvent,
  wasmVerifier,
} from './signature.js';
export { addressOf, dTagOf, isAddressable, isEphemeral, isReplaceable, kindClass } from './kinds.js';
export { checkFilterShape, filterTagKeys, matchFilter, matchFilters } from './filter.js';
export { committedPowTarget, expirationOf, isExpired, isProtected, powDifficulty } from './nip-tags.js';
