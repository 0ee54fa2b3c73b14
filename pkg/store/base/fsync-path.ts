// fsync a file or a directory by path: for a directory, so a file created, renamed or deleted in
// it survives a crash.
import * as fs from 'node:fs';

export async function fsyncPath(path: string): Promise<void> {
  const handle = await fs.promises.open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
