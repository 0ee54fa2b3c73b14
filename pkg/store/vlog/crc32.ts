// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as used by zlib, gzip and PNG.
// Node ships a native zlib.crc32 since v22.2 and v20.15; older runtimes get the table version.
import * as zlib from 'node:zlib';

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * Table-driven CRC-32. `seed` is the CRC of the bytes before `buf`, so
 * `crc32(b, crc32(a)) === crc32(concat(a, b))`.
 */
export function crc32Table(buf: Uint8Array, seed = 0): number {
  let crc = ~seed >>> 0;
  for (let i = 0; i < buf.length; i++) crc = TABLE[(crc ^ buf[i]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}

type Crc32Fn = (buf: Uint8Array, seed?: number) => number;

const native = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** True when the runtime's native zlib.crc32 is in use. */
export const crc32IsNative = typeof native === 'function';

/** CRC-32 of `buf`, continuing from `seed` (default 0). Unsigned 32-bit result. */
export const crc32: Crc32Fn = crc32IsNative
  ? (buf, seed = 0) => native!(buf, seed) >>> 0
  : crc32Table;
