// Where the admin API may write a backup: inside the configured backup dir, nowhere else.
// Checked twice: lexically (no `..` segments, no absolute path outside the dir) and on disk
// (realpath of the deepest existing ancestor must still be inside the real backup dir, so a
// symlink planted inside cannot lead out of it).
import * as fs from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

export type BackupPathCheck =
  | { ok: true; path: string }
  | { ok: false; status: 400 | 403 | 409; code: string; reason: string };

function inside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** The deepest ancestor of `p` (or `p` itself) that exists. */
function existingAncestor(p: string): string {
  let cur = p;
  while (!fs.existsSync(cur)) {
    const up = dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  return cur;
}

export function confineBackupPath(backupDir: string, requested: unknown): BackupPathCheck {
  if (typeof requested !== 'string' || requested.trim() === '') {
    return { ok: false, status: 400, code: 'bad-path', reason: 'body must be JSON {"path": "<name inside the backup dir>"}' };
  }
  if (requested.includes('\0')) return { ok: false, status: 400, code: 'bad-path', reason: 'path contains a NUL byte' };
  if (requested.split(/[\\/]+/).includes('..')) {
    return { ok: false, status: 400, code: 'bad-path', reason: 'path may not contain ".." segments; give a name inside the backup dir' };
  }
  const root = resolve(backupDir);
  const target = resolve(root, requested);
  if (!inside(root, target)) {
    return { ok: false, status: 403, code: 'path-outside-backup-dir', reason: `backups are confined to the backup dir ${root}; ${requested} is outside it` };
  }
  fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  const realRoot = fs.realpathSync(root);
  const anchor = existingAncestor(target);
  const realAnchor = fs.realpathSync(anchor);
  if (realAnchor !== realRoot && !inside(realRoot, realAnchor)) {
    return { ok: false, status: 403, code: 'path-outside-backup-dir', reason: `${requested} leads outside the backup dir through a symbolic link` };
  }
  if (anchor === target) {
    const st = fs.lstatSync(target);
    if (st.isSymbolicLink() || !st.isDirectory() || fs.readdirSync(target).length > 0) {
      return { ok: false, status: 409, code: 'exists', reason: `${requested} already exists in the backup dir; choose a new name` };
    }
  }
  // Built from the real root so a later swap of a path component cannot redirect the write.
  return { ok: true, path: realRoot + sep + relative(root, target) };
}
