// Lowercase-hex checks and a guarded hex → bytes conversion, shared by the
// shape checks (ids, pubkeys, sigs) and the signature backends.

const HEX64 = /^[0-9a-f]{64}$/;
const HEX128 = /^[0-9a-f]{128}$/;

/** True for exactly 64 lowercase hex characters (an id or a pubkey). */
export function isHex64(x: unknown): x is string {
  return typeof x === 'string' && x.length === 64 && HEX64.test(x);
}

/** True for exactly 128 lowercase hex characters (a signature). */
export function isHex128(x: unknown): x is string {
  return typeof x === 'string' && x.length === 128 && HEX128.test(x);
}

/**
 * Decodes `hex` into exactly `byteLength` bytes, or answers undefined.
 * Buffer.from(…, 'hex') stops silently at the first non-hex character and
 * drops a trailing odd digit, so the decoded length is what proves the input
 * was clean. Upper-case digits decode too; callers that need lowercase check
 * the shape first.
 */
export function hexToBytes(hex: string, byteLength: number): Buffer | undefined {
  if (typeof hex !== 'string' || hex.length !== byteLength * 2) return undefined;
  const bytes = Buffer.from(hex, 'hex');
  return bytes.length === byteLength ? bytes : undefined;
}
