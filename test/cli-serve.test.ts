// The `lode` CLI as an operator runs it: a real child process (through tsx, so no build is needed).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../cmd/cli.js';
import { configSchema, envName, flagName } from '../src/config.js';

const root = resolve(import.meta.dirname, '..');
const entry = join(root, 'cmd', 'lode.ts');
// Absolute, because the child runs in a temp dir where a bare `tsx` would not resolve.
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lode-cli-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function lode(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, ['--import', tsxLoader, entry, ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.on('exit', (code, signal) => res({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Wait (bounded) until stdout has a JSON log line whose msg matches. */
async function logLine(run: Run, msg: RegExp, timeoutMs = 45_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const line of run.stdout().split('\n')) {
      if (!line.startsWith('{')) continue;
      const rec = JSON.parse(line) as Record<string, unknown>;
      if (typeof rec.msg === 'string' && msg.test(rec.msg)) return rec;
    }
    if (run.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no log line matching ${msg}; stdout: ${run.stdout().slice(-2000)} stderr: ${run.stderr().slice(-2000)}`);
}

// Each child compiles the sources through tsx, which takes seconds on a busy 2-core machine.
const spawnTimeout = 60_000;

describe('lode serve', () => {
  it('starts on LODE_PORT with the store in LODE_DATA_DIR, logs its URL and config, and exits 0 on SIGTERM', async () => {
    const run = lode(['serve'], { LODE_PORT: '0', LODE_DATA_DIR: join(dir, 'store'), LODE_ADMIN_TOKEN: 'very-secret-token' });
    try {
      const listening = await logLine(run, /listening on ws:\/\//);
      const url = listening.url as string;
      expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
      const configLine = await logLine(run, /effective config/);
      expect((configLine.config as { dataDir: string }).dataDir).toBe(join(dir, 'store'));
      expect(run.stdout()).not.toContain('very-secret-token');

      const health = (await (await fetch(`${url.replace('ws://', 'http://')}/health`)).json()) as { status: string };
      expect(health.status).toBe('ok');

      run.child.kill('SIGTERM');
      const { code } = await run.exited;
      expect(code).toBe(0);
      expect(run.stdout()).toMatch(/store closed/);
    } finally {
      run.child.kill('SIGKILL');
    }
  }, spawnTimeout);

  it('reads lode.config.json from the working directory, and flags beat env', async () => {
    writeFileSync(join(dir, 'lode.config.json'), JSON.stringify({ name: 'from-file', port: 1 }));
    const run = lode(['serve', '--port', '0'], { LODE_PORT: '2', LODE_DATA_DIR: join(dir, 'store') });
    try {
      const listening = await logLine(run, /listening on/);
      const url = (listening.url as string).replace('ws://', 'http://');
      const doc = (await (await fetch(url, { headers: { Accept: 'application/nostr+json' } })).json()) as { name: string };
      expect(doc.name).toBe('from-file');
      run.child.kill('SIGINT');
      expect((await run.exited).code).toBe(0);
    } finally {
      run.child.kill('SIGKILL');
    }
  }, spawnTimeout);

  it('exits non-zero with a message naming the key, source and allowed values on a bad setting', async () => {
    const run = lode(['serve'], { LODE_PORT: 'seventy', LODE_DATA_DIR: join(dir, 'store') });
    const { code } = await run.exited;
    expect(code).toBe(2);
    expect(run.stderr()).toContain('"port"');
    expect(run.stderr()).toContain('env LODE_PORT');
    expect(run.stderr()).toContain('an integer from 0 to 65535');
  }, spawnTimeout);

});

/** Run the CLI in this process (what lode.ts does, minus process.exit). */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) => ({ write: (chunk: string) => (append(String(chunk)), true) }) as unknown as NodeJS.WritableStream;
  const code = await main(args, {
    stdout: sink((s) => (out += s)),
    stderr: sink((s) => (err += s)),
    env: {},
    cwd: dir,
  });
  return { code, out, err };
}

describe('lode CLI dispatch', () => {
  it('serve refuses an unknown flag with exit code 2', async () => {
    const r = await cli(['serve', '--prot', '7447']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--prot');
  });

  it('help lists the commands', async () => {
    const r = await cli(['help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\s+serve\s+/m);
    expect(r.out).toMatch(/^\s+help\s+/m);
  });

  it('help serve shows every setting with its env var and flag', async () => {
    const r = await cli(['help', 'serve']);
    expect(r.code).toBe(0);
    for (const key of configSchema.keys()) {
      expect(r.out).toContain(flagName(key));
      expect(r.out).toContain(envName(key));
    }
  });

  it('an unknown command exits 2 and points at help', async () => {
    const r = await cli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('lode help');
  });
});
