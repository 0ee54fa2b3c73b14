// Payload compression. An encoded payload is one flag byte naming the codec, then the bytes:
//
//   0x00  none     UTF-8 JSON as is
//   0x01  deflate  raw deflate (RFC 1951, no zlib header) primed with DEFLATE_DICTIONARY_V1
//   0x02  brotli   brotli stream (RFC 7932)
//
// The flag travels with every payload, so data written under one setting still decodes after the
// operator changes `compression`; flags are never reused for another format. Compression is
// skipped (flag 0x00) when it would not save at least MIN_SAVING of the bytes: small events are
// mostly hex ids and signatures, which barely compress, and decoding them would cost for nothing.
// Levels and the dictionary were picked from benchmark/codec-bench.ts (see benchmark/RESULTS.md).
import * as zlib from 'node:zlib';
import { StoreError } from '../base/errors.js';
import type { CompressionCodec } from '../base/types.js';

export const CODEC_FLAG = { none: 0x00, deflate: 0x01, brotli: 0x02 } as const satisfies Record<CompressionCodec, number>;

/** Compressed output must be at most (1 - MIN_SAVING) of the input, or the payload is stored plain. */
export const MIN_SAVING = 0.1;
/** Below this many bytes compression is not even tried. */
export const MIN_COMPRESS_BYTES = 256;

export const DEFLATE_LEVEL = 6;
export const BROTLI_QUALITY = 4;

/**
 * Preset dictionary for flag 0x01: the field names and tag shapes every Nostr event repeats, so
 * deflate can back-reference them from the first byte of a small event (about 65 % -> 56 % of
 * the size for events under 1 KiB). These bytes are part of the on-disk format: never edit them;
 * a better dictionary gets a new flag.
 */
export const DEFLATE_DICTIONARY_V1 = Buffer.from(
  '"],["client","],["alt","],["imeta","url https://","m image/jpeg","],["r","wss://relay.","],["t","' +
    '],["a","30023:","],["d","],["expiration","],["nonce","],["q","https://nostr.' +
    '","content":"https://","created_at":17,"kind":1,"tags":[["e","","wss://relay.damus.io","root"],["e","","","reply"],["p","' +
    '{"id":"","pubkey":"","created_at":1,"kind":1,"tags":[],"content":"","sig":"',
  'latin1',
);

const FLAG_TO_CODEC = new Map<number, CompressionCodec>(
  Object.entries(CODEC_FLAG).map(([codec, flag]) => [flag, codec as CompressionCodec]),
);

export function isCompressionCodec(value: unknown): value is CompressionCodec {
  return typeof value === 'string' && Object.hasOwn(CODEC_FLAG, value);
}

/** The compressed body (no flag) of `raw` under a compressing codec, at lode's settings. */
export function compressBody(raw: Buffer, codec: Exclude<CompressionCodec, 'none'>): Buffer {
  switch (codec) {
    case 'deflate':
      return zlib.deflateRawSync(raw, { level: DEFLATE_LEVEL, dictionary: DEFLATE_DICTIONARY_V1 });
    case 'brotli':
      return zlib.brotliCompressSync(raw, {
        params: {
          [zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
          [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
          [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
        },
      });
  }
}

/** Flag byte + (possibly) compressed UTF-8 of `json`. */
export function encodePayload(json: string, codec: CompressionCodec): Buffer {
  if (!isCompressionCodec(codec)) {
    throw new StoreError('BAD_OPTIONS', `unknown compression codec ${JSON.stringify(codec)}; use none, deflate or brotli`);
  }
  const raw = Buffer.from(json, 'utf8');
  if (codec !== 'none' && raw.length >= MIN_COMPRESS_BYTES) {
    const packed = compressBody(raw, codec);
    if (packed.length <= raw.length * (1 - MIN_SAVING)) return withFlag(CODEC_FLAG[codec], packed);
  }
  return withFlag(CODEC_FLAG.none, raw);
}

function withFlag(flag: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(body.length + 1);
  out[0] = flag;
  body.copy(out, 1);
  return out;
}

/** The codec an encoded payload was written with. */
export function payloadCodec(buf: Uint8Array): CompressionCodec {
  const codec = buf.length ? FLAG_TO_CODEC.get(buf[0]) : undefined;
  if (!codec) {
    throw new StoreError('CORRUPT', buf.length ? `payload has unknown codec flag 0x${buf[0].toString(16).padStart(2, '0')}` : 'payload is empty');
  }
  return codec;
}

/** The JSON text of an encoded payload, whichever codec wrote it. */
export function decodePayload(buf: Uint8Array): string {
  const codec = payloadCodec(buf);
  const body = Buffer.from(buf.buffer, buf.byteOffset + 1, buf.length - 1);
  try {
    switch (codec) {
      case 'none':
        return body.toString('utf8');
      case 'deflate':
        return zlib.inflateRawSync(body, { dictionary: DEFLATE_DICTIONARY_V1 }).toString('utf8');
      case 'brotli':
        return zlib.brotliDecompressSync(body).toString('utf8');
    }
  } catch (err) {
    throw new StoreError('CORRUPT', `${codec} payload does not decompress: ${(err as Error).message}`, { cause: err });
  }
}
