// File plumbing for backups and restores: copies that hash as they go, fsync, owner-only modes.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';

const CHUNK = 1 << 20;

export interface CopiedFile {
  bytes: number;
  sha256: string;
}

/**
 * Copy the first `length` bytes of `src` (all of it when undefined) to a new file `dest`
 * (mode 0600, fsynced), hashing them. Throws ENOENT-coded errors untouched so callers can tell
 * a vanished source from other failures; `short` is true when `src` held fewer bytes.
 */
export async function copyFilePrefix(src: string, dest: string, length?: number): Promise<CopiedFile & { short: boolean }> {
  const hash = createHash('sha256');
  const input = await fs.promises.open(src, 'r');
  try {
    const output = await fs.promises.open(dest, 'wx', 0o600);
    try {
      const want = length ?? (await input.stat()).size;
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(1, want)));
      let done = 0;
      while (done < want) {
        const { bytesRead } = await input.read(buf, 0, Math.min(buf.length, want - done), done);
        if (bytesRead === 0) break;
        const chunk = buf.subarray(0, bytesRead);
        hash.update(chunk);
        let written = 0;
        while (written < bytesRead) written += (await output.write(chunk, written, bytesRead - written)).bytesWritten;
        done += bytesRead;
      }
      await output.sync();
      return { bytes: done, sha256: hash.digest('hex'), short: done < want };
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
}

/** sha256 and size of a whole file, streamed. */
export async function hashFile(file: string, onBytes?: (n: number) => void): Promise<CopiedFile> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: CHUNK })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
    onBytes?.((chunk as Buffer).length);
  }
  return { bytes, sha256: hash.digest('hex') };
}


/** True when `dir` is missing or holds nothing but the entries in `ignore`. */
export function isEmptyDir(dir: string, ignore: string[] = []): boolean {
  try {
    return fs.readdirSync(dir).every((n) => ignore.includes(n));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
}
