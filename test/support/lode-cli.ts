// Runs the real `lode` CLI as a child process. The CLI is bundled once per test process with
// esbuild (packages stay external, so lmdb's native module loads from node_modules as usual):
// a spawned command then starts in about half a second instead of going through the tsx loader.
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
let bundle: Promise<string> | undefined;

/** Path of the bundled CLI (inside node_modules/.cache so bare imports resolve from the repo). */
export function lodeBundle(): Promise<string> {
  bundle ??= (async () => {
    // The signature-check worker is bundled beside the CLI, where the compiled verify pool looks for it.
    const dir = join(repoRoot, 'node_modules', '.cache', 'lode-test', String(process.pid));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
    await build({
      entryPoints: { lode: join(repoRoot, 'cmd', 'lode.ts'), 'verify-worker': join(repoRoot, 'src', 'verify-worker.ts') },
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      outdir: dir,
      logLevel: 'warning',
    });
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return join(dir, 'lode.js');
  })();
  return bundle;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `lode <args>`; resolves with the exit code and output (never rejects on a non-zero exit). */
export async function runLode(args: string[], o: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  const cli = await lodeBundle();
  return runProcess(process.execPath, [cli, ...args], o);
}

export function runProcess(
  file: string,
  args: string[],
  o: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolvePromise) => {
    const child = execFile(
      file,
      args,
      { cwd: o.cwd ?? repoRoot, env: { ...cleanEnv(), ...o.env }, timeout: o.timeoutMs ?? 30_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 99) : 0;
        resolvePromise({ code, stdout, stderr });
      },
    );
    if (o.input !== undefined) child.stdin?.end(o.input);
    else child.stdin?.end();
  });
}

/** The environment without LODE_* variables of the machine running the tests. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('LODE_')) env[k] = v;
  env.LODE_LOG_LEVEL = 'warn';
  return env;
}
