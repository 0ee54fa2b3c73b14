// Which signature backend a process runs, decided once on the main thread from the `verifier`
// setting and then handed (as a plain backend name) to the verify pool's threads, so a worker never
// meets an unresolved 'auto' or a 'native' the main thread could not load. The operator sees the
// answer in the start log, /health, /metrics (lode_verifier_info), `lode stats` and the benchmark.
import { NostrProtocolError, loadNativeVerifier, resolveVerifier, type VerifierChoice, type VerifierName } from '../pkg/nostr/index.js';

export interface SignatureBackend {
  /** The `verifier` setting as configured. */
  readonly choice: VerifierChoice;
  /** The backend that checks signatures. */
  readonly name: VerifierName;
  /** The libsecp256k1 file in use, for native. */
  readonly library?: string;
  /** Set when `auto` could not use native: what was missing and what to install. */
  readonly fallbackReason?: string;
}

/** Thrown for `verifier=native` on a machine without a usable libsecp256k1 (the message names the package). */
export class SignatureBackendError extends Error {
  readonly code = 'verifier-unavailable';
}

/**
 * The backend for a `verifier` setting. `auto` is native when libsecp256k1 loads, else wasm with the
 * reason kept; `native` without the library throws SignatureBackendError.
 */
export function selectSignatureBackend(choice: VerifierChoice = 'auto'): SignatureBackend {
  let name: VerifierName;
  try {
    name = resolveVerifier(choice).name;
  } catch (err) {
    if (err instanceof NostrProtocolError && err.code === 'verifier-unavailable') {
      throw new SignatureBackendError(`verifier=native: ${err.message.replace(/^signature verifier "native" is unavailable: /, '')}`, { cause: err });
    }
    throw err;
  }
  const native = name === 'native' || choice === 'auto' ? loadNativeVerifier() : undefined;
  return {
    choice,
    name,
    ...(native?.ok && name === 'native' ? { library: native.path } : {}),
    ...(native && !native.ok ? { fallbackReason: native.reason } : {}),
  };
}

/** One line for logs and `lode stats`: "native (libsecp256k1 at …)", "wasm (auto: native unavailable: …)". */
export function describeSignatureBackend(b: SignatureBackend): string {
  if (b.name === 'native') return `native (libsecp256k1 ${b.library ?? ''}${b.choice === 'auto' ? ', chosen by verifier=auto' : ''})`.replace(' ,', ',');
  if (b.fallbackReason) return `${b.name} (verifier=auto: native unavailable: ${b.fallbackReason})`;
  return `${b.name} (verifier=${b.choice})`;
}
