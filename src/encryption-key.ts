// The encryption-at-rest key as operators give it: 64 hex characters or base64 of 32 bytes, in
// LODE_ENCRYPTION_KEY or in a file (which may also hold the 32 raw bytes).
import { readFileSync, statSync } from 'node:fs';

export const KEY_BYTES = 32;

/** The 32 key bytes, or undefined when `text` is neither 64 hex characters nor base64 of 32 bytes. */
export function parseEncryptionKey(text: string): Buffer | undefined {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) {
    const b = Buffer.from(t, t.includes('-') || t.includes('_') ? 'base64url' : 'base64');
    if (b.length === KEY_BYTES) return b;
  }
  return undefined;
}

export interface KeyFile {
  key?: Buffer;
  /** Why the file could not be used, when key is undefined. */
  problem?: string;
  /** Worth a warning: e.g. the file is readable by group or others. */
  warning?: string;
}

export function readEncryptionKeyFile(path: string): KeyFile {
  let raw: Buffer;
  let mode: number;
  try {
    raw = readFileSync(path);
    mode = statSync(path).mode;
  } catch (err) {
    return { problem: `cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
  }
  const key = raw.length === KEY_BYTES ? raw : parseEncryptionKey(raw.toString('latin1'));
  if (!key) return { problem: 'it must hold 64 hex characters, base64 of 32 bytes, or exactly 32 raw bytes' };
  const warning = (mode & 0o077) !== 0 ? `encryption key file ${path} is readable by group or others (mode ${(mode & 0o777).toString(8)}); chmod 600 it` : undefined;
  return { key, warning };
}
