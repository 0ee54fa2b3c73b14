// `lode import` / `lode digest` input: every line of a JSONL file or stdin, exactly once, whatever
// the line endings and however the bytes are chunked (a character split across two reads included).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { openLines } from '../cmd/line-source.js';

const dir = mkdtempSync(join(tmpdir(), 'lode-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(iter: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const l of iter) out.push(l);
  return out;
}

/** The reference: split on \r\n, \n or a lone \r, dropping one final empty piece (a trailing break). */
function referenceLines(text: string): string[] {
  const parts = text.split(/\r\n|\n|\r/);
  if (parts.at(-1) === '') parts.pop();
  return parts;
}

/** stdin stand-in that hands `bytes` over in pieces of the given sizes (cycled). */
function chunked(bytes: Buffer, sizes: number[]): NodeJS.ReadableStream {
  const pieces: Buffer[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length];
    pieces.push(bytes.subarray(at, at + n));
    at += n;
  }
  return Readable.from(pieces, { objectMode: false });
}

const samples: [string, string][] = [
  ['LF with a trailing newline', '{"a":1}\n{"b":2}\n'],
  ['no trailing newline', '{"a":1}\n{"b":2}'],
  ['CRLF', '{"a":1}\r\n{"b":2}\r\n'],
  ['a lone CR ends a line too', '{"a":1}\r{"b":2}\n'],
  ['empty lines are kept (import skips them)', '\n\n{"a":1}\n\n'],
  ['multi-byte text', '{"c":"日本語 ünïcødé 🎉"}\n{"c":"кириллица"}\n'],
  ['CRLF at the very end without more', 'x\r'],
];

describe('openLines', () => {
  it.each(samples)('a file: %s', async (_name, text) => {
    const file = join(dir, `f-${Math.random()}.jsonl`);
    writeFileSync(file, text);
    const src = openLines(file);
    expect(await collect(src.lines)).toEqual(referenceLines(text));
    expect(src.bytesRead()).toBe(Buffer.byteLength(text));
    expect(src.totalBytes).toBe(Buffer.byteLength(text));
  });

  it('stdin in pieces of 1, 2, 3 and 7 bytes: characters and CRLF split across reads', async () => {
    const text = samples.map(([, t]) => t).join('\n') + '{"end":"✓"}\r\n';
    const bytes = Buffer.from(text, 'utf8');
    for (const sizes of [[1], [2], [3], [7], [1, 5, 2]]) {
      const src = openLines('-', chunked(bytes, sizes));
      expect(await collect(src.lines), `pieces ${sizes}`).toEqual(referenceLines(text));
      expect(src.bytesRead()).toBe(bytes.length);
    }
  });

  it('a line longer than a read chunk comes out whole', async () => {
    const long = `{"content":"${'é'.repeat(700_000)}"}`;
    const file = join(dir, 'long.jsonl');
    writeFileSync(file, `${long}\n${long}\n`);
    const lines = await collect(openLines(file).lines);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(long);
  });
});
