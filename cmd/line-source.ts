// JSONL input for import and digest: a file or stdin ('-'), as lines, counting bytes for progress.
import * as fs from 'node:fs';
import { createInterface } from 'node:readline';

export interface LineSource {
  lines: AsyncIterable<string>;
  /** Total bytes when known (a regular file). */
  totalBytes?: number;
  /** Bytes consumed so far. */
  bytesRead(): number;
}

export function openLines(path: string, stdin: NodeJS.ReadableStream = process.stdin): LineSource {
  const totalBytes = path === '-' ? undefined : fs.statSync(path).size;
  let consumed = 0;
  async function* lines(): AsyncGenerator<string> {
    // Opened on first read, not before: readline emits lines as soon as the input flows, and
    // lines emitted before anyone iterates would be lost.
    const input = path === '-' ? stdin : fs.createReadStream(path);
    const rl = createInterface({ input, crlfDelay: Infinity });
    for await (const line of rl) {
      consumed += Buffer.byteLength(line) + 1;
      yield line;
    }
  }
  return { lines: lines(), totalBytes, bytesRead: () => consumed };
}
