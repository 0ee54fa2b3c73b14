// The signature-verifier interface every backend (noble, wasm, native) implements, apart from the
// backends themselves so each can name it without importing the others.

export interface SignatureVerifier {
  readonly name: string;
  /** BIP-340 verify of `sigHex` (64 bytes) over the 32-byte `idHex` by x-only `pubkeyHex`. */
  verify(idHex: string, pubkeyHex: string, sigHex: string): boolean;
}

export type VerifierName = 'noble' | 'wasm' | 'native';

/** The `verifier` setting: a backend, or 'auto' for native when libsecp256k1 loads and wasm otherwise. */
export type VerifierChoice = 'auto' | VerifierName;

/** One of this module's backends: `name` is the VerifierName that selects it (e.g. in a worker thread). */
export interface NamedVerifier extends SignatureVerifier {
  readonly name: VerifierName;
}
