// Name, version and homepage of this package, read from package.json wherever the code runs
// from (src/ under tsx, dist/src/ when built): walk up to the first package.json named "lode".
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageInfo {
  name: string;
  version: string;
  /** Where the software lives (NIP-11 `software`). */
  software: string;
}

let cached: PackageInfo | undefined;

export function packageInfo(): PackageInfo {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as {
        name?: string;
        version?: string;
        homepage?: string;
        repository?: string | { url?: string };
      };
      if (pkg.name === 'lode') {
        const repo = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
        cached = {
          name: pkg.name,
          version: pkg.version ?? '0.0.0',
          software: (pkg.homepage ?? repo ?? 'lode').replace(/^git\+/, '').replace(/\.git$/, ''),
        };
        return cached;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  cached = { name: 'lode', version: '0.0.0', software: 'lode' };
  return cached;
}
