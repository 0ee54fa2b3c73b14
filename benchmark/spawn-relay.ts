// Runs lode as a child process on a free port with its own data directory, and measures it
// from outside: RSS (current and peak) and CPU seconds from /proc, disk bytes of the data dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { lodeRuntimeFlags } from './runtime-flags.js';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, lstatSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type LodeCommand = 'dist' | 'source';

export interface SpawnOptions {
  /** 'dist' runs dist/cmd/lode.js (after npm run build); 'source' runs cmd/lode.ts through tsx. */
  command?: LodeCommand;
  /** lode settings by flag name without dashes, e.g. { 'event-cache-size': '64MB' }; passed as LODE_* env. */
  settings?: Record<string, string>;
  /** Reuse a data directory; default a fresh temporary one (removed by cleanup()). */
  dataDir?: string;
  /** Where the relay's stdout and stderr go. */
  logFile?: string;
  readyTimeoutMs?: number;
  /** Extra Node flags before the entry (e.g. --cpu-prof for benchmark/event-path-profile.ts). */
  nodeArgs?: string[];
}

export interface ResourceFigures {
  rssPeakBytes: number;
  rssBytes: number;
  cpuSeconds: number;
}

export class SpawnError extends Error {
  constructor(
    readonly code: 'no-entry' | 'exited' | 'not-ready',
    message: string,
  ) {
    super(message);
    this.name = 'SpawnError';
  }
}

const CLOCK_TICKS = 100; // USER_HZ on Linux; /proc/<pid>/stat counts in these ticks

export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'lode') return dir;
    dir = path.dirname(dir);
  }
  throw new SpawnError('no-entry', 'cannot find the lode package root above benchmark/');
}

/** dist when the build exists and is newer than every source file, else source. */
export function defaultCommand(root = repoRoot()): LodeCommand {
  const built = path.join(root, 'dist/cmd/lode.js');
  if (!existsSync(built)) return 'source';
  const builtAt = statSync(built).mtimeMs;
  for (const folder of ['cmd', 'src', 'pkg']) {
    if (newestMtime(path.join(root, folder)) > builtAt) return 'source';
  }
  return 'dist';
}

function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** "64MB" → bytes (1024-based); other values pass through unchanged. */
export function settingValue(value: string): string {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)$/i.exec(value.trim());
  if (!m) return value.trim();
  const unit = m[2].toLowerCase()[0];
  const scale = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return String(Math.round(Number(m[1]) * scale));
}

export function settingsEnv(settings: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(settings)) {
    env[`LODE_${key.replace(/^-+/, '').replace(/[-.]/g, '_').toUpperCase()}`] = settingValue(value);
  }
  return env;
}

/** Allocated bytes under a directory (sparse LMDB maps count only what is on disk). */
export function diskBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += diskBytes(full);
    else if (entry.isFile()) total += lstatSync(full).blocks * 512;
  }
  return total;
}

function readProc(pid: number): { rss: number; hwm: number; cpu: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0) * 1024;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpu = (Number(rest[11]) + Number(rest[12])) / CLOCK_TICKS;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM'), cpu };
  } catch {
    return undefined; // the process is gone
  }
}

export class SpawnedRelay {
  private child?: ChildProcess;
  private sampler?: NodeJS.Timeout;
  private port = 0;
  private rssPeak = 0;
  private rssNow = 0;
  private cpuCurrent = 0;
  /** CPU seconds of earlier lifetimes (restarts), so totals cover the whole run. */
  private cpuEarlier = 0;
  private exitNote = '';
  readonly dataDir: string;
  readonly command: LodeCommand;
  private readonly ownsDataDir: boolean;

  private constructor(private readonly options: SpawnOptions) {
    this.command = options.command ?? defaultCommand();
    this.ownsDataDir = !options.dataDir;
    this.dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'lode-bench-'));
  }

  static async start(options: SpawnOptions = {}): Promise<SpawnedRelay> {
    const relay = new SpawnedRelay(options);
    await relay.launch();
    return relay;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get settings(): Record<string, string> {
    return { ...(this.options.settings ?? {}) };
  }

  resources(): ResourceFigures {
    this.sample();
    return { rssPeakBytes: this.rssPeak, rssBytes: this.rssNow, cpuSeconds: round(this.cpuEarlier + this.cpuCurrent) };
  }

  diskBytes(): number {
    return diskBytes(this.dataDir);
  }

  private async launch(): Promise<void> {
    const root = repoRoot();
    // The runtime flags npm start and bin/lode.js give the relay (README, "Run it").
    const args = [
      ...lodeRuntimeFlags(),
      ...(this.options.nodeArgs ?? []),
      ...(this.command === 'dist' ? [path.join(root, 'dist/cmd/lode.js'), 'serve'] : ['--import', 'tsx', path.join(root, 'cmd/lode.ts'), 'serve']),
    ];
    if (!existsSync(args[args.length - 2])) throw new SpawnError('no-entry', `lode entry ${args[args.length - 2]} is missing (run npm run build for dist)`);
    this.port ||= await freePort();
    const log = this.options.logFile ? openSync(this.options.logFile, 'a') : 'ignore';
    const env = {
      ...process.env,
      ...settingsEnv(this.options.settings ?? {}),
      LODE_HOST: '127.0.0.1',
      LODE_PORT: String(this.port),
      LODE_DATA_DIR: this.dataDir,
    };
    this.exitNote = '';
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', log, log] });
    if (typeof log === 'number') closeSync(log);
    this.child = child;
    child.once('exit', (code, signal) => {
      this.exitNote = `exited with ${signal ?? code}`;
    });
    this.sampler = setInterval(() => this.sample(), 200);
    this.sampler.unref();
    await this.waitReady(this.options.readyTimeoutMs ?? 30_000);
  }

  private async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exitNote) {
        throw new SpawnError('exited', `lode ${this.exitNote} before it was ready${this.options.logFile ? `; see ${this.options.logFile}` : ''}`);
      }
      try {
        const res = await fetch(`${this.httpUrl}/health`, { signal: AbortSignal.timeout(1000) });
        await res.arrayBuffer();
        if (res.status < 500) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await this.stop();
    throw new SpawnError('not-ready', `lode did not answer /health on ${this.httpUrl} within ${timeoutMs} ms`);
  }

  private sample(): void {
    const pid = this.child?.pid;
    if (!pid || this.exitNote) return;
    const figures = readProc(pid);
    if (!figures) return;
    this.rssNow = figures.rss;
    this.rssPeak = Math.max(this.rssPeak, figures.rss, figures.hwm);
    this.cpuCurrent = figures.cpu;
  }

  /** Graceful stop (SIGTERM, then SIGKILL after 15 s). The data directory stays. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.sample();
    if (this.sampler) clearInterval(this.sampler);
    if (!this.exitNote) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    }
    this.cpuEarlier += this.cpuCurrent;
    this.cpuCurrent = 0;
    this.child = undefined;
  }

  /** Stop and start again on the same port and data directory (cold process caches). */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  /** Stop and remove the temporary data directory (never a directory the caller passed in). */
  async cleanup(): Promise<void> {
    await this.stop();
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
