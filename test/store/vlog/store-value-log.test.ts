import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../../../pkg/store/base/errors.js';
import { ValueLog, segmentFileName, type VlogMove, type VlogPointer } from '../../../pkg/store/vlog/value-log.js';
import { ENTRY_HEADER_BYTES } from '../../../pkg/store/vlog/vlog-entry.js';

let dir: string;
const opened: ValueLog[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lode-vlog-'));
});

afterEach(async () => {
  for (const log of opened.splice(0)) await log.close().catch(() => undefined);
  fs.rmSync(dir, { recursive: true, force: true });
});

async function open(segmentSize = 1 << 20, sync = false): Promise<ValueLog> {
  const log = await ValueLog.open(dir, { segmentSize, sync });
  opened.push(log);
  return log;
}

function payload(serial: number, bytes = 100): Buffer {
  const text = `{"serial":${serial},"pad":"${'x'.repeat(Math.max(0, bytes - 30))}"}`;
  return Buffer.from(text);
}

function segFile(segment: number): string {
  return path.join(dir, segmentFileName(segment));
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof StoreError) return err.code;
    throw err;
  }
  return undefined;
}

describe('ValueLog', () => {
  it('round-trips payloads through append, flush and read', async () => {
    const log = await open(1 << 20, true);
    const ptrs = [1, 2, 3].map((s) => log.append(s, payload(s, 50 * s)));
    await log.flush();
    for (const [i, ptr] of ptrs.entries()) {
      expect(log.read(ptr, i + 1).toString()).toBe(payload(i + 1, 50 * (i + 1)).toString());
    }
    expect(ptrs[0]).toEqual({ segment: 1, offset: 0, length: payload(1, 50).length });
    expect(ptrs[1].offset).toBe(ENTRY_HEADER_BYTES + ptrs[0].length);
    expect(log.totalBytes()).toBe(fs.statSync(segFile(1)).size);
    expect((fs.statSync(dir).mode & 0o777).toString(8)).toBe('700');
  });

  it('serves reads of appends that are not flushed yet', async () => {
    const log = await open();
    const ptr = log.append(7, payload(7));
    expect(fs.existsSync(segFile(1))).toBe(false);
    expect(log.read(ptr, 7).toString()).toBe(payload(7).toString());
    await log.flush();
    expect(log.read(ptr, 7).toString()).toBe(payload(7).toString());
  });

  it('flush is safe when empty and when called concurrently', async () => {
    const log = await open();
    await log.flush();
    const a = log.append(1, payload(1));
    const f1 = log.flush();
    const b = log.append(2, payload(2));
    const f2 = log.flush();
    await Promise.all([f1, f2, log.flush()]);
    expect(log.segmentBytes(1)).toBe(2 * ENTRY_HEADER_BYTES + a.length + b.length);
    expect(fs.statSync(segFile(1)).size).toBe(log.segmentBytes(1));
  });

  it('flushNow writes synchronously when it can, and declines (doing nothing) while a flush runs or before the segment is open', async () => {
    const log = await open(1 << 20, true);
    log.append(1, payload(1));
    expect(log.flushNow()).toBe(false); // no segment open for writing yet: flush() opens it
    await log.flush();
    const ptrs = [2, 3].map((s) => log.append(s, payload(s, 400)));
    const running = log.flush();
    const late = log.append(4, payload(4));
    expect(log.flushNow()).toBe(false); // a flush is queued: ordering stays with the queue
    await running;
    expect(log.flushNow()).toBe(true);
    expect(fs.statSync(segFile(1)).size).toBe(log.segmentBytes(1));
    await log.close();
    const reopened = await open(1 << 20, true);
    expect(reopened.recovered.truncatedBytes).toBe(0);
    for (const [i, ptr] of [...ptrs, late].entries()) expect(reopened.read(ptr, i + 2).length).toBe(ptr.length);
  });

  it('rolls to a new segment at segmentSize, and gives an oversize entry its own segment', async () => {
    const entry = ENTRY_HEADER_BYTES + payload(0).length;
    const log = await open(entry * 3);
    const ptrs = Array.from({ length: 7 }, (_, i) => log.append(i, payload(i)));
    expect(ptrs.map((p) => p.segment)).toEqual([1, 1, 1, 2, 2, 2, 3]);
    const big = log.append(100, payload(100, entry * 5));
    const after = log.append(101, payload(101));
    expect(big.segment).toBe(4);
    expect(big.offset).toBe(0);
    expect(after.segment).toBe(5);
    await log.flush();
    expect(log.segments().map((s) => s.segment)).toEqual([1, 2, 3, 4, 5]);
    for (const s of log.segments()) expect(fs.statSync(segFile(s.segment)).size).toBe(s.bytes);
    expect(log.read(big, 100).equals(payload(100, entry * 5))).toBe(true);
    expect(log.activeSegment).toBe(5);
  });

  it('reopens, finds every segment and keeps appending to the last', async () => {
    const entry = ENTRY_HEADER_BYTES + payload(0).length;
    const first = await open(entry * 2);
    const ptrs = Array.from({ length: 5 }, (_, i) => first.append(i, payload(i)));
    await first.close();
    const log = await open(entry * 2);
    expect(log.recovered.truncatedBytes).toBe(0);
    expect(log.segments().map((s) => s.segment)).toEqual([1, 2, 3]);
    expect(log.activeSegment).toBe(3);
    for (const [i, p] of ptrs.entries()) expect(log.read(p, i).toString()).toBe(payload(i).toString());
    const next = log.append(5, payload(5));
    expect(next).toEqual({ segment: 3, offset: entry, length: payload(5).length });
  });

  describe('torn tail on open', () => {
    async function writeThree(): Promise<VlogPointer[]> {
      const log = await open();
      const ptrs = [0, 1, 2].map((s) => log.append(s, payload(s)));
      await log.close();
      opened.pop();
      return ptrs;
    }

    async function expectCutAfterTwo(ptrs: VlogPointer[], garbageBytes: number) {
      const log = await open();
      const cleanEnd = ptrs[2].offset;
      expect(log.recovered).toEqual({ segment: 1, truncatedBytes: garbageBytes, corruptRegions: [] });
      expect(fs.statSync(segFile(1)).size).toBe(cleanEnd);
      expect(log.read(ptrs[1], 1).toString()).toBe(payload(1).toString());
      const next = log.append(9, payload(9, 300));
      expect(next.offset).toBe(cleanEnd);
      await log.flush();
      await log.close();
      const again = await open();
      expect(again.recovered.truncatedBytes).toBe(0);
      expect(again.read(next, 9).equals(payload(9, 300))).toBe(true);
      expect([...again.entries(1)].map((e) => [e.serial, e.ok])).toEqual([[0, true], [1, true], [9, true]]);
    }

    it('cuts a partial header', async () => {
      const ptrs = await writeThree();
      fs.truncateSync(segFile(1), ptrs[2].offset + 7);
      await expectCutAfterTwo(ptrs, 7);
    });

    it('cuts a partial payload', async () => {
      const ptrs = await writeThree();
      fs.truncateSync(segFile(1), ptrs[2].offset + ENTRY_HEADER_BYTES + 10);
      await expectCutAfterTwo(ptrs, ENTRY_HEADER_BYTES + 10);
    });

    it('cuts a last entry whose CRC does not match', async () => {
      const ptrs = await writeThree();
      const fd = fs.openSync(segFile(1), 'r+');
      fs.writeSync(fd, Buffer.from('Z'), 0, 1, ptrs[2].offset + ENTRY_HEADER_BYTES + 5);
      fs.closeSync(fd);
      await expectCutAfterTwo(ptrs, ENTRY_HEADER_BYTES + ptrs[2].length);
    });

    it('cuts a zero-filled tail', async () => {
      const ptrs = await writeThree();
      fs.truncateSync(segFile(1), ptrs[2].offset);
      fs.appendFileSync(segFile(1), Buffer.alloc(4096));
      await expectCutAfterTwo(ptrs, 4096);
    });
  });

  it('keeps (and reports) a damaged middle entry instead of cutting sound entries after it', async () => {
    const first = await open();
    const ptrs = [0, 1, 2].map((s) => first.append(s, payload(s)));
    await first.close();
    const fd = fs.openSync(segFile(1), 'r+');
    fs.writeSync(fd, Buffer.from('Z'), 0, 1, ptrs[1].offset + ENTRY_HEADER_BYTES + 3);
    fs.closeSync(fd);
    const log = await open();
    expect(log.recovered.truncatedBytes).toBe(0);
    expect(log.recovered.corruptRegions).toEqual([{ offset: ptrs[1].offset, end: ptrs[2].offset }]);
    expect(log.read(ptrs[2], 2).toString()).toBe(payload(2).toString());
    expect(codeOf(() => log.read(ptrs[1], 1))).toBe('VLOG_CORRUPT');
    expect([...log.entries(1)].map((e) => [e.serial, e.ok])).toEqual([[0, true], [1, false], [2, true]]);
  });

  it('read throws VLOG_CORRUPT on a corrupt middle entry, a wrong serial or a bad pointer', async () => {
    const entry = ENTRY_HEADER_BYTES + payload(0).length;
    const log = await open(entry * 3);
    const ptrs = Array.from({ length: 6 }, (_, i) => log.append(i, payload(i)));
    await log.flush();
    const fd = fs.openSync(segFile(1), 'r+');
    fs.writeSync(fd, Buffer.from([0xff]), 0, 1, ptrs[1].offset + ENTRY_HEADER_BYTES + 20);
    fs.closeSync(fd);
    expect(codeOf(() => log.read(ptrs[1]))).toBe('VLOG_CORRUPT');
    expect(log.read(ptrs[2], 2).toString()).toBe(payload(2).toString());
    expect(codeOf(() => log.read(ptrs[2], 3))).toBe('VLOG_CORRUPT');
    expect(codeOf(() => log.read({ ...ptrs[2], offset: ptrs[2].offset + 1 }))).toBe('VLOG_CORRUPT');
    expect(codeOf(() => log.read({ ...ptrs[2], length: ptrs[2].length + 1 }))).toBe('VLOG_CORRUPT');
    expect(codeOf(() => log.read({ ...ptrs[2], offset: 1 << 20 }))).toBe('VLOG_CORRUPT');
    expect(codeOf(() => log.read({ segment: 99, offset: 0, length: 1 }))).toBe('VLOG_MISSING');
    expect(codeOf(() => log.read({ segment: 1, offset: -1, length: 1 }))).toBe('BAD_OPTIONS');
    expect(codeOf(() => log.read(ptrs[1]))).toBe('VLOG_CORRUPT');
  });

  it('rewrite moves only live entries, then deletes the old segment', async () => {
    const entry = ENTRY_HEADER_BYTES + payload(0).length;
    const log = await open(entry * 4);
    const ptrs = Array.from({ length: 6 }, (_, i) => log.append(i, payload(i)));
    await log.flush();
    const live = new Map<number, VlogPointer>([[1, ptrs[1]], [3, ptrs[3]], [4, ptrs[4]], [5, ptrs[5]]]);
    let seen: VlogMove[] = [];
    const result = await log.rewrite(
      1,
      (serial, ptr) => live.get(serial)?.offset === ptr.offset && live.get(serial)?.segment === ptr.segment,
      async (moves) => {
        seen = moves;
        expect(fs.existsSync(segFile(1))).toBe(true);
        for (const m of moves) live.set(m.serial, m.to);
      },
    );
    expect(seen.map((m) => m.serial)).toEqual([1, 3]);
    expect(result).toEqual({ entriesMoved: 2, bytesReclaimed: 4 * entry - 2 * entry });
    expect(fs.existsSync(segFile(1))).toBe(false);
    expect(seen.map((m) => m.to.segment)).toEqual([2, 2]);
    expect(log.segments().map((s) => s.segment)).toEqual([2]);
    for (const [serial, ptr] of live) expect(log.read(ptr, serial).toString()).toBe(payload(serial).toString());
    expect(codeOf(() => log.read(ptrs[1], 1))).toBe('VLOG_MISSING');
    await expect(log.rewrite(log.activeSegment, () => true, async () => {})).rejects.toMatchObject({ code: 'BAD_OPTIONS' });
  });

  it('rewrite keeps the old segment when relocate throws', async () => {
    const entry = ENTRY_HEADER_BYTES + payload(0).length;
    const log = await open(entry * 2);
    const ptrs = Array.from({ length: 4 }, (_, i) => log.append(i, payload(i)));
    await log.flush();
    const before = fs.readFileSync(segFile(1));
    await expect(
      log.rewrite(1, () => true, async () => {
        throw new Error('lmdb said no');
      }),
    ).rejects.toThrow('lmdb said no');
    expect(fs.readFileSync(segFile(1)).equals(before)).toBe(true);
    expect(log.read(ptrs[0], 0).toString()).toBe(payload(0).toString());
    expect(log.segments().map((s) => s.segment)).toContain(1);
  });

  it('rewrite refuses a damaged segment without copying anything', async () => {
    const entry = ENTRY_HEADER_BYTES + payload(0).length;
    const log = await open(entry * 2);
    const ptrs = Array.from({ length: 3 }, (_, i) => log.append(i, payload(i)));
    await log.flush();
    const fd = fs.openSync(segFile(1), 'r+');
    fs.writeSync(fd, Buffer.from('Z'), 0, 1, ptrs[0].offset + ENTRY_HEADER_BYTES + 2);
    fs.closeSync(fd);
    const bytesBefore = log.totalBytes();
    let relocated = false;
    await expect(log.rewrite(1, () => true, async () => { relocated = true; })).rejects.toMatchObject({ code: 'VLOG_CORRUPT' });
    expect(relocated).toBe(false);
    expect(log.totalBytes()).toBe(bytesBefore);
    expect(fs.existsSync(segFile(1))).toBe(true);
  });

  it('read-only: leaves a torn tail alone, refuses writes, and reads segments rolled after open', async () => {
    const entry = ENTRY_HEADER_BYTES + payload(0).length;
    const writer = await open(entry * 2);
    const ptrs = [0, 1, 2].map((s) => writer.append(s, payload(s)));
    await writer.flush();
    fs.appendFileSync(segFile(2), Buffer.from([0xfb, 0x4c, 0, 0]));
    const reader = await ValueLog.open(dir, { segmentSize: entry * 2, sync: false, readOnly: true });
    opened.push(reader);
    expect(reader.recovered.truncatedBytes).toBe(0);
    expect(fs.statSync(segFile(2)).size).toBe(entry + 4);
    expect(codeOf(() => reader.append(9, payload(9)))).toBe('READ_ONLY');
    const later = [3, 4].map((s) => writer.append(s, payload(s)));
    await writer.flush();
    expect(later.map((p) => p.segment)).toEqual([2, 3]);
    expect(reader.read(later[0], 3).toString()).toBe(payload(3).toString());
    expect(reader.read(later[1], 4).toString()).toBe(payload(4).toString());
    expect(reader.read(ptrs[0], 0).toString()).toBe(payload(0).toString());
    const missingDir = await ValueLog.open(path.join(dir, 'nope'), { segmentSize: entry, sync: false, readOnly: true });
    opened.push(missingDir);
    expect(fs.existsSync(path.join(dir, 'nope'))).toBe(false);
    expect(missingDir.segments()).toEqual([{ segment: 1, bytes: 0 }]);
  });

  it('rejects bad options and use after close', async () => {
    await expect(ValueLog.open(dir, { segmentSize: 0, sync: false })).rejects.toMatchObject({ code: 'BAD_OPTIONS' });
    const log = await open();
    expect(codeOf(() => log.append(-1, payload(1)))).toBe('BAD_OPTIONS');
    const ptr = log.append(1, payload(1));
    await log.close();
    expect(codeOf(() => log.read(ptr))).toBe('CLOSED');
    expect(codeOf(() => log.append(2, payload(2)))).toBe('CLOSED');
    await expect(log.flush()).rejects.toMatchObject({ code: 'CLOSED' });
    const again = await open();
    expect(again.read(ptr, 1).toString()).toBe(payload(1).toString());
  });
});
