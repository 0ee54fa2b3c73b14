import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CODEC_FLAG, MIN_COMPRESS_BYTES, MIN_SAVING, compressBody, decodePayload, encodePayload, payloadCodec } from '../../../pkg/store/codec/codec.js';
import type { CompressionCodec } from '../../../pkg/store/base/types.js';

const CODECS: CompressionCodec[] = ['none', 'deflate', 'brotli'];
const events = fs
  .readFileSync(new URL('../../fixtures/events-sample.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('{'))
  .map((l) => JSON.stringify(JSON.parse(l)));

/** Deterministic printable-ASCII noise: deflate and brotli can't win 10 % on 300 bytes of it. */
function noise(length: number, seed = 42): string {
  let x = seed;
  let out = '';
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    let c = 0x21 + ((x >>> 16) % 94);
    if (c === 0x22 || c === 0x5c) c = 0x41; // no quote or backslash, so it could sit in a JSON string
    out += String.fromCharCode(c);
  }
  return out;
}

describe('payload codec', () => {
  it.each(CODECS)('round-trips every sample event with %s', (codec) => {
    let compressed = 0;
    for (const json of events) {
      const enc = encodePayload(json, codec);
      expect(decodePayload(enc)).toBe(json);
      expect(enc.length).toBeLessThanOrEqual(Buffer.byteLength(json) + 1);
      if (enc[0] !== CODEC_FLAG.none) {
        compressed++;
        expect(enc[0]).toBe(CODEC_FLAG[codec]);
        expect(enc.length - 1).toBeLessThanOrEqual(Buffer.byteLength(json) * 0.9);
      }
    }
    // Real events are JSON with repeated keys: a compressing codec must win on most of them.
    if (codec === 'none') expect(compressed).toBe(0);
    else expect(compressed).toBeGreaterThan(events.length / 2);
  });

  it('decodes a mix of payloads written under different codec settings', () => {
    const written = events.slice(0, 60).map((json, i) => ({ json, enc: encodePayload(json, CODECS[i % 3]) }));
    expect(new Set(written.map((w) => payloadCodec(w.enc)))).toEqual(new Set(CODECS));
    for (const w of written) expect(decodePayload(w.enc)).toBe(w.json);
  });

  it('stores incompressible and tiny payloads plain', () => {
    const text = JSON.stringify({ content: noise(300) });
    expect(zlib.deflateRawSync(text).length).toBeGreaterThan(Buffer.byteLength(text) * 0.9);
    const enc = encodePayload(text, 'deflate');
    expect(payloadCodec(enc)).toBe('none');
    expect(enc.subarray(1).toString()).toBe(text);
    const tiny = '{"a":"' + 'x'.repeat(MIN_COMPRESS_BYTES - 20) + '"}';
    for (const codec of CODECS) expect(payloadCodec(encodePayload(tiny, codec))).toBe('none');
  });

  it('compresses exactly when the codec saves at least MIN_SAVING', () => {
    // Printable noise of growing length crosses the line for deflate; brotli wins 10 % on it from
    // MIN_COMPRESS_BYTES on, so its plain cases here are the ones below that floor.
    const payloads = [150, 200, 260, 300, 400, 800, 2000].map((n) => JSON.stringify({ content: noise(n, n) }));
    for (const codec of ['deflate', 'brotli'] as const) {
      const flags = payloads.map((p) => {
        const raw = Buffer.from(p);
        const saves = raw.length >= MIN_COMPRESS_BYTES && compressBody(raw, codec).length <= raw.length * (1 - MIN_SAVING);
        const flag = payloadCodec(encodePayload(p, codec));
        expect(flag).toBe(saves ? codec : 'none');
        return flag;
      });
      expect(flags).toContain('none');
      expect(flags).toContain(codec);
    }
  });

  it('keeps unicode (emoji, CJK, escapes) intact under every codec', () => {
    const json = JSON.stringify({ content: 'héllo 🙂 世界 '.repeat(40) + '\u0000\n"\\', tags: [['t', 'ñ']] });
    for (const codec of CODECS) expect(decodePayload(encodePayload(json, codec))).toBe(json);
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 600 }), fc.constantFrom(...CODECS), (s, codec) => {
        fc.pre(Buffer.from(s).toString() === s); // lone surrogates are not UTF-8; JSON.stringify escapes them
        const enc = encodePayload(s, codec);
        return decodePayload(enc) === s && enc.length <= Buffer.byteLength(s) + 1;
      }),
      { numRuns: 100 },
    );
  });

  it('decodes a payload that is a view into a larger buffer', () => {
    const enc = encodePayload(events[0].repeat(3), 'deflate');
    const big = Buffer.concat([Buffer.from('junk'), enc, Buffer.from('tail')]);
    expect(decodePayload(big.subarray(4, 4 + enc.length))).toBe(events[0].repeat(3));
  });

  it('refuses unknown flags, empty and damaged payloads, and unknown codec names', () => {
    expect(() => decodePayload(Buffer.from([0x7f, 1, 2]))).toThrow(expect.objectContaining({ code: 'CORRUPT' }));
    expect(() => decodePayload(Buffer.alloc(0))).toThrow(expect.objectContaining({ code: 'CORRUPT' }));
    for (const codec of ['deflate', 'brotli'] as const) {
      const enc = encodePayload(events[0].repeat(4), codec);
      expect(enc[0]).toBe(CODEC_FLAG[codec]);
      expect(() => decodePayload(enc.subarray(0, enc.length >> 1))).toThrow(expect.objectContaining({ code: 'CORRUPT' }));
    }
    expect(() => encodePayload('{}', 'zstd' as CompressionCodec)).toThrow(expect.objectContaining({ code: 'BAD_OPTIONS' }));
  });
});
