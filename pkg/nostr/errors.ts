// The one error class of the protocol layer. Checks on untrusted input answer
// Checked<T> instead of throwing; this is for programming and configuration
// mistakes, e.g. asking for a signature backend that does not exist.

export type NostrProtocolErrorCode = 'unknown-verifier' | 'verifier-unavailable';

export class NostrProtocolError extends Error {
  override readonly name = 'NostrProtocolError';
  constructor(
    readonly code: NostrProtocolErrorCode,
    message: string,
  ) {
    super(message);
  }
}
