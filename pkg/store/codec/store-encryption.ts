// Whether a data dir is encrypted, and whether the key given fits it — decided BEFORE LMDB opens
// the file: lmdb-js crashes the process (SIGSEGV) when an encrypted file is opened without a key or
// a plain file with one, so these checks are what turns that into a clear BAD_KEY error.
//
// Two witnesses: `encryption.json` in the data dir (written when an encrypted store is created; holds
// a key check value, never the key), and the MDB_ENCRYPT bit LMDB keeps in its plaintext meta page.
import * as fs from 'node:fs';
import { join } from 'node:path';
import { StoreError } from '../base/errors.js';
import { deriveStoreKeys, type StoreKeys } from './payload-cipher.js';

export const ENCRYPTION_FILE = 'encryption.json';

export interface EncryptionRecord {
  format: 'lode-encryption';
  version: 1;
  lmdb: 'lmdb-js chacha8';
  valueLog: 'aes-256-gcm';
  keyCheck: string;
}

// LMDB's meta page 0: magic u32 at 0x18; the FREE_DBI md_flags u16 at 0x34 holds the env's
// persistent flags, MDB_ENCRYPT among them (lmdb.h; 64-bit layout, native byte order).
const META_MAGIC = 0xbeefc0de;
const MAGIC_AT = 0x18;
const FLAGS_AT = 0x34;
const MDB_ENCRYPT = 0x2000;

/** true/false from the LMDB meta page; undefined when the file is missing or not recognisable. */
export function lmdbFileEncrypted(file: string): boolean | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const head = Buffer.alloc(FLAGS_AT + 2);
    if (fs.readSync(fd, head, 0, head.length, 0) < head.length) return undefined;
    if (head.readUInt32LE(MAGIC_AT) !== META_MAGIC) return undefined;
    return (head.readUInt16LE(FLAGS_AT) & MDB_ENCRYPT) !== 0;
  } finally {
    fs.closeSync(fd);
  }
}

export function readEncryptionRecord(dataDir: string): EncryptionRecord | undefined {
  const file = join(dataDir, ENCRYPTION_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StoreError('BAD_KEY', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const rec = JSON.parse(text) as EncryptionRecord;
    if (rec.format === 'lode-encryption' && typeof rec.keyCheck === 'string') return rec;
  } catch {
    // fall through
  }
  throw new StoreError('BAD_KEY', `${file} is damaged; it should hold the key check of this encrypted store (restore it from a backup)`);
}

export function writeEncryptionRecord(dataDir: string, keys: StoreKeys): void {
  const rec: EncryptionRecord = { format: 'lode-encryption', version: 1, lmdb: 'lmdb-js chacha8', valueLog: 'aes-256-gcm', keyCheck: keys.keyCheck };
  const file = join(dataDir, ENCRYPTION_FILE);
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(rec, null, 2)}\n`, { mode: 0o600 });
  const fd = fs.openSync(tmp, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

const HOW_TO_GIVE = 'give it with encryptionKeyFile (LODE_ENCRYPTION_KEY_FILE) or LODE_ENCRYPTION_KEY';

/**
 * Check `key` against the data dir and return the derived keys (undefined for a plain store).
 * Throws BAD_KEY for: an encrypted store and no key, a wrong key, a key for a plain store.
 * A new encrypted store gets its encryption.json here (unless read-only).
 */
export function prepareEncryption(dataDir: string, key: Buffer | undefined, readOnly: boolean): StoreKeys | undefined {
  const record = readEncryptionRecord(dataDir);
  const dataFile = join(dataDir, 'lmdb', 'data.mdb');
  const flagged = lmdbFileEncrypted(dataFile);
  if (!key) {
    if (record || flagged) throw new StoreError('BAD_KEY', `the store in ${dataDir} is encrypted and no encryption key was given; ${HOW_TO_GIVE}`);
    return undefined;
  }
  const keys = deriveStoreKeys(key);
  if (flagged === false || (flagged === undefined && !record && fs.existsSync(dataFile))) {
    throw new StoreError(
      'BAD_KEY',
      `the store in ${dataDir} was created without encryption and cannot be encrypted in place; remove the key, or export it and import into a new data dir opened with the key`,
    );
  }
  if (record && record.keyCheck !== keys.keyCheck) {
    throw new StoreError('BAD_KEY', `wrong encryption key for the store in ${dataDir} (its ${ENCRYPTION_FILE} holds another key's check value)`);
  }
  // A new store gets its record now; an encrypted file without one (e.g. copied by hand) gets it
  // from the store once LMDB has opened with this key and the key check kept inside LMDB agrees.
  if (!record && !readOnly && !fs.existsSync(dataFile)) {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeEncryptionRecord(dataDir, keys);
  }
  return keys;
}
