// Encryption at rest: the keys derived from the operator's one 32-byte key, and the envelope that
// seals value-log payloads. LMDB encrypts its own pages (lmdb-js `encryptionKey`, ChaCha8), so
// inline payloads, records and indexes are covered there; value-log payloads are sealed here.
//
// Envelope (the bytes handed to the value log, which CRCs them like any payload):
//   0      0xE1 (never a codec flag, so a sealed payload is never mistaken for a plain one)
//   1..13  nonce, 12 random bytes
//   13..   AES-256-GCM ciphertext of the encoded payload (codec flag byte + body)
//   last16 GCM tag
// The additional authenticated data is the entry's serial, so an entry copied to another serial's
// pointer fails to open. Nonces are random per entry rather than derived from the position: GC
// copies sealed bytes verbatim to a new place, and a crash-cut tail reuses offsets, so no position
// is unique to one plaintext. 96-bit random nonces stay safe for far more entries than a store holds
// under one key (the usual bound is 2^32 seals per key).
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { StoreError } from '../base/errors.js';

export const ENVELOPE_FLAG = 0xe1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const ENVELOPE_OVERHEAD = 1 + NONCE_BYTES + TAG_BYTES;
export const ENCRYPTION_KEY_BYTES = 32;

function derive(master: Buffer, info: string, bytes: number): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.from('lode store v1'), Buffer.from(info), bytes));
}

function aad(serial: number): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeUInt32BE(Math.floor(serial / 0x100000000), 0);
  b.writeUInt32BE(serial >>> 0, 4);
  return b;
}

export class PayloadCipher {
  constructor(private readonly key: Buffer) {}

  seal(serial: number, plain: Uint8Array): Buffer {
    const nonce = randomBytes(NONCE_BYTES);
    const c = createCipheriv('aes-256-gcm', this.key, nonce);
    c.setAAD(aad(serial));
    const body = Buffer.concat([c.update(plain), c.final()]);
    return Buffer.concat([Buffer.of(ENVELOPE_FLAG), nonce, body, c.getAuthTag()]);
  }

  open(serial: number, sealed: Uint8Array): Buffer {
    const buf = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.length);
    if (buf.length < ENVELOPE_OVERHEAD || buf[0] !== ENVELOPE_FLAG) {
      throw new StoreError('CORRUPT', `value-log payload of serial ${serial} is not sealed, but the store is encrypted`);
    }
    const nonce = buf.subarray(1, 1 + NONCE_BYTES);
    const tag = buf.subarray(buf.length - TAG_BYTES);
    const d = createDecipheriv('aes-256-gcm', this.key, nonce);
    d.setAAD(aad(serial));
    d.setAuthTag(tag);
    try {
      return Buffer.concat([d.update(buf.subarray(1 + NONCE_BYTES, buf.length - TAG_BYTES)), d.final()]);
    } catch (err) {
      throw new StoreError('CORRUPT', `value-log payload of serial ${serial} fails its authentication tag (damaged, or moved from another entry)`, {
        cause: err,
      });
    }
  }
}

export interface StoreKeys {
  /** Key string for lmdb-js: it takes exactly 32 UTF-8 bytes, so 24 derived bytes in base64. */
  lmdbKey: string;
  cipher: PayloadCipher;
  /** HMAC of a constant under a derived key: tells a wrong key apart without revealing it. */
  keyCheck: string;
}

export function deriveStoreKeys(master: Buffer): StoreKeys {
  if (!Buffer.isBuffer(master) || master.length !== ENCRYPTION_KEY_BYTES) {
    throw new StoreError('BAD_OPTIONS', `store option encryptionKey must be ${ENCRYPTION_KEY_BYTES} bytes`);
  }
  return {
    lmdbKey: derive(master, 'lmdb pages', 24).toString('base64'),
    cipher: new PayloadCipher(derive(master, 'value-log payloads aes-256-gcm', 32)),
    keyCheck: createHmac('sha256', derive(master, 'key check', 32)).update('lode encryption key check').digest('hex'),
  };
}
