import { describe, expect, it } from 'vitest';
import { crc32, crc32Table } from '../../../pkg/store/vlog/crc32.js';

describe('crc32', () => {
  it('matches the IEEE check value and the empty input', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32Table(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('table and runtime versions agree, including chained seeds', () => {
    const data = Buffer.alloc(5000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919) & 0xff;
    expect(crc32Table(data)).toBe(crc32(data));
    const head = data.subarray(0, 1234);
    const tail = data.subarray(1234);
    expect(crc32(tail, crc32(head))).toBe(crc32(data));
    expect(crc32Table(tail, crc32Table(head))).toBe(crc32(data));
  });
});
