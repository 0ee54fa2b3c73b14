// JSONL input for import and digest: a file or stdin ('-'), as lines, counting bytes for progress.
// Lines end at \n, \r\n or a lone \r (as readline splits them). The splitting is done here on big
// chunks of bytes rather than by node:readline, which cost a sixth of `lode import`'s main thread.
import * as fs from 'node:fs';

export interface LineSource {
  lines: AsyncIterable<string>;
  /** Total bytes when known (a regular file). */
  totalBytes?: number;
  /** Bytes consumed so far (whole chunks: progress moves in steps of up to CHUNK_BYTES). */
  bytesRead(): number;
}

const CHUNK_BYTES = 1 << 20;

function pushLine(line: string, into: string[]): void {
  if (line.endsWith('\r')) line = line.slice(0, -1);
  // A lone \r is a line break too (old Mac files); never inside a JSON value, which must escape it.
  if (line.includes('\r')) into.push(...line.split('\r'));
  else into.push(line);
}

/**
 * Splits `buf` at \n bytes (never part of a multi-byte UTF-8 character) and decodes each line on
 * its own, so an ASCII line stays a one-byte string however much other text the chunk holds.
 * Returns the unfinished tail.
 */
function splitLines(buf: Buffer, into: string[]): Buffer {
  let start = 0;
  for (;;) {
    const nl = buf.indexOf(10, start);
    if (nl < 0) break;
    pushLine(buf.toString('utf8', start, nl), into);
    start = nl + 1;
  }
  return buf.subarray(start);
}

export function openLines(path: string, stdin: NodeJS.ReadableStream = process.stdin): LineSource {
  const totalBytes = path === '-' ? undefined : fs.statSync(path).size;
  let consumed = 0;
  async function* lines(): AsyncGenerator<string> {
    // Opened on first read, not before, so nothing flows before anyone iterates.
    const input = path === '-' ? stdin : fs.createReadStream(path, { highWaterMark: CHUNK_BYTES });
    let rest: Buffer = Buffer.alloc(0);
    const batch: string[] = [];
    for await (const chunk of input as AsyncIterable<Buffer | string>) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      rest = splitLines(rest.length > 0 ? Buffer.concat([rest, bytes]) : bytes, batch);
      consumed += bytes.length;
      for (const line of batch) yield line;
      batch.length = 0;
    }
    if (rest.length > 0) {
      pushLine(rest.toString('utf8'), batch);
      for (const line of batch) yield line;
    }
  }
  return { lines: lines(), totalBytes, bytesRead: () => consumed };
}
