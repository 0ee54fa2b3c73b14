// The Node flags lode runs with are written once, in bin/lode.js's shebang line (the launcher
// `npm start` and `npx lode` use). The benchmark reads them from there, so what it measures is
// what operators run.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const LAUNCHER = new URL('../bin/lode.js', import.meta.url);

/** The flags after `node` on bin/lode.js's `#!/usr/bin/env -S node …` line. */
export function lodeRuntimeFlags(): string[] {
  const first = readFileSync(LAUNCHER, 'utf8').split('\n', 1)[0];
  const m = /^#!\/usr\/bin\/env -S node((?: --[\w-]+(?:=\S+)?)*)\s*$/.exec(first);
  if (!m) throw new Error(`bin/lode.js: expected "#!/usr/bin/env -S node [--flag…]" as its first line, found ${JSON.stringify(first)}`);
  return m[1].split(' ').filter(Boolean);
}

/**
 * Re-runs this process with lode's runtime flags when they are missing (an in-process benchmark
 * must run the store under the same V8 settings as the relay); returns when they are in force.
 */
export function ensureRuntimeFlags(): void {
  const missing = lodeRuntimeFlags().filter((f) => !process.execArgv.includes(f));
  if (missing.length === 0) return;
  const r = spawnSync(process.execPath, [...missing, ...process.execArgv, process.argv[1], ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
