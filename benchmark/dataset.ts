// The benchmark's data: generated tiers (signed once, cached on disk as JSONL keyed by seed and
// size) and replay sets of real events. Workloads read lines and send them verbatim.
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { verifyEvent } from 'nostr-tools/pure';
import { EventGenerator, type DatasetFacts, type GeneratorPlan, type UnsignedWithId } from './dataset-generate.js';
import { EventSigner, authorPublicKey, authorSecretKey, type SignRequest, type SignResponse } from './dataset-signer.js';

export const TIERS: Record<string, number> = { tiny: 400, '10k': 10_000, '100k': 100_000, '1m': 1_000_000 };

const FORMAT_VERSION = 1;
const DAY = 86_400;

export interface Dataset {
  tier: string;
  key: string;
  plan: GeneratorPlan;
  /** Preload set, oldest first, one event JSON per line (id first). */
  eventsFile: string;
  /** Newer events kept back for the write workloads. */
  freshFile: string;
  facts: DatasetFacts;
  fromCache: boolean;
  generationSeconds: number;
}

export interface DatasetOptions {
  tier: string;
  seed?: string;
  cacheDir: string;
  /** Signing threads; 0 signs on the main thread. Default: all cores for large sets. */
  workers?: number;
  log?: (line: string) => void;
}

export function tierSize(tier: string): number {
  const size = TIERS[tier.toLowerCase()];
  if (!size) throw new Error(`unknown tier "${tier}": use one of ${Object.keys(TIERS).join(', ')}`);
  return size;
}

export function planFor(tier: string, seed: string, now = Date.now() / 1000): GeneratorPlan {
  const size = tierSize(tier);
  const authors = size <= 10_000 ? Math.max(20, Math.min(500, Math.floor(size / 20))) : Math.floor(500 * Math.sqrt(size / 10_000));
  // created_at is anchored to the start of a 30-day period at least two days ago: recent
  // enough for any relay's created_at window, never in the future (fresh events run up to two
  // days past it), and stable so the on-disk cache stays valid for a month.
  const epoch = Math.floor((now - 2 * DAY) / (30 * DAY)) * 30 * DAY;
  const fresh = Math.max(100, Math.min(20_000, Math.floor(size / 2)));
  return { seed, size, fresh, authors, epoch, span: 60 * DAY };
}

/** The id of a JSONL line written by this module (id is the first field). */
export function lineId(line: string): string {
  if (line.startsWith('{"id":"')) return line.slice(7, 71);
  return (JSON.parse(line) as { id: string }).id;
}

export async function* readLines(file: string): AsyncGenerator<string> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) if (line.trim()) yield line;
}

export async function readAllLines(file: string, max = Infinity): Promise<string[]> {
  const out: string[] = [];
  for await (const line of readLines(file)) {
    if (out.length >= max) break;
    out.push(line);
  }
  return out;
}

/** Loads the tier from the cache, generating and signing it first when absent. */
export async function prepareDataset(options: DatasetOptions): Promise<Dataset> {
  const seed = options.seed ?? 'lode';
  const plan = planFor(options.tier, seed);
  const key = `${seed}-${plan.size}-${plan.fresh}-${plan.epoch}-v${FORMAT_VERSION}`;
  mkdirSync(options.cacheDir, { recursive: true });
  const base = path.join(options.cacheDir, key);
  const files = { events: `${base}.events.jsonl`, fresh: `${base}.fresh.jsonl`, facts: `${base}.facts.json` };
  const log = options.log ?? (() => {});
  if (existsSync(files.facts) && existsSync(files.events) && existsSync(files.fresh)) {
    const facts = JSON.parse(readFileSync(files.facts, 'utf8')) as DatasetFacts;
    return { tier: options.tier, key, plan, eventsFile: files.events, freshFile: files.fresh, facts, fromCache: true, generationSeconds: 0 };
  }
  const started = Date.now();
  const workers = options.workers ?? (plan.size >= 20_000 ? availableParallelism() : 0);
  log(`generating data set ${key} (${plan.size} + ${plan.fresh} fresh events, ${plan.authors} authors, ${workers} signing threads)`);
  const facts = await generate(plan, files, workers, log);
  writeFileSync(files.facts, JSON.stringify(facts));
  const generationSeconds = (Date.now() - started) / 1000;
  log(`data set ${key} ready in ${generationSeconds.toFixed(1)} s`);
  return { tier: options.tier, key, plan, eventsFile: files.events, freshFile: files.fresh, facts, fromCache: false, generationSeconds };
}

async function generate(
  plan: GeneratorPlan,
  files: { events: string; fresh: string },
  workers: number,
  log: (line: string) => void,
): Promise<DatasetFacts> {
  const pubkeys: string[] = [];
  for (let i = 0; i < plan.authors; i++) pubkeys.push(authorPublicKey(authorSecretKey(plan.seed, i)));
  const generator = new EventGenerator(plan, pubkeys);
  const stream = generator.events();
  const pool = new SignerPool(plan.seed, workers);
  // Write to temporary names and rename at the end, so an interrupted run leaves no half cache.
  const outEvents = createWriteStream(`${files.events}.part`);
  const outFresh = createWriteStream(`${files.fresh}.part`);
  const lineBytes = new Uint32Array(plan.size);
  const chunkSize = 2000;
  const inFlight: { events: UnsignedWithId[]; result: Promise<SignResponse> }[] = [];
  let written = 0;
  let chunk = 0;
  let exhausted = false;
  let checked = 0;
  try {
    while (!exhausted || inFlight.length > 0) {
      while (!exhausted && inFlight.length < Math.max(2, workers * 2)) {
        const events: UnsignedWithId[] = [];
        for (let n = stream.next(); ; n = stream.next()) {
          if (n.done) {
            exhausted = true;
            break;
          }
          events.push(n.value);
          if (events.length >= chunkSize) break;
        }
        if (events.length === 0) break;
        const request: SignRequest = { chunk: chunk++, ids: events.map((e) => e.id), authors: events.map((e) => e.author) };
        inFlight.push({ events, result: pool.sign(request) });
      }
      const next = inFlight.shift();
      if (!next) break;
      const { sigs } = await next.result;
      let preload = '';
      let fresh = '';
      for (let i = 0; i < next.events.length; i++) {
        const { author: _author, ...e } = next.events[i];
        const line = JSON.stringify({ id: e.id, pubkey: e.pubkey, created_at: e.created_at, kind: e.kind, tags: e.tags, content: e.content, sig: sigs[i] });
        if (written < plan.size) {
          lineBytes[written] = Buffer.byteLength(line);
          preload += line + '\n';
        } else fresh += line + '\n';
        if (written % 50_000 === 0 && checked < 25) {
          checked++;
          if (!verifyEvent(JSON.parse(line))) throw new Error(`generated event ${e.id} does not verify with nostr-tools`);
        }
        written++;
      }
      if (preload && !outEvents.write(preload)) await new Promise<void>((r) => outEvents.once('drain', () => r()));
      if (fresh && !outFresh.write(fresh)) await new Promise<void>((r) => outFresh.once('drain', () => r()));
      if (written % 100_000 < chunkSize) log(`  signed ${written} / ${plan.size + plan.fresh}`);
    }
  } finally {
    await pool.close();
    await Promise.all([closeStream(outEvents), closeStream(outFresh)]);
  }
  renameSync(`${files.events}.part`, files.events);
  renameSync(`${files.fresh}.part`, files.fresh);
  return generator.summarize(lineBytes);
}

function closeStream(stream: ReturnType<typeof createWriteStream>): Promise<void> {
  return new Promise((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

/** Signing on worker threads (or inline when size 0), answers in request order per worker. */
class SignerPool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, (r: SignResponse) => void>();
  private readonly inline?: EventSigner;
  private next = 0;

  constructor(seed: string, count: number) {
    if (count <= 0) {
      this.inline = new EventSigner(seed);
      return;
    }
    const isTs = import.meta.url.endsWith('.ts');
    const file = new URL(isTs ? './dataset-signer.ts' : './dataset-signer.js', import.meta.url);
    for (let i = 0; i < count; i++) {
      // Running from source (tsx/vitest), the worker registers tsx's loader before importing
      // the signer; `--import tsx` in a worker's execArgv does not reach worker threads on Node 20.
      const worker = isTs
        ? new Worker(
            `import(${JSON.stringify(tsxApiUrl())}).then((m) => { m.register(); return import(${JSON.stringify(file.href)}); })`,
            { eval: true, workerData: { role: 'dataset-signer', seed } },
          )
        : new Worker(file, { workerData: { role: 'dataset-signer', seed } });
      worker.on('message', (r: SignResponse) => {
        const resolve = this.waiting.get(r.chunk);
        this.waiting.delete(r.chunk);
        resolve?.(r);
      });
      worker.on('error', (err) => {
        throw new Error(`dataset signer thread failed: ${err.message}`);
      });
      this.workers.push(worker);
    }
  }

  sign(request: SignRequest): Promise<SignResponse> {
    if (this.inline) return Promise.resolve(this.inline.sign(request));
    return new Promise((resolve) => {
      this.waiting.set(request.chunk, resolve);
      this.workers[this.next++ % this.workers.length].postMessage(request);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

function tsxApiUrl(): string {
  // require.resolve finds the CommonJS entry; the ESM one sits beside it.
  const cjs = createRequire(import.meta.url).resolve('tsx/esm/api');
  return pathToFileURL(cjs.replace(/index\.cjs$/, 'index.mjs')).href;
}

export interface ReplaySet {
  sources: string[];
  lines: string[];
}

/**
 * Real events to replay: the repository's fixture sample and, when this checkout sits beside
 * the shared vectors, their full valid set. Missing files are skipped; duplicates removed.
 */
export async function loadReplaySet(paths: string[], max = 5000): Promise<ReplaySet> {
  const seen = new Set<string>();
  const lines: string[] = [];
  const sources: string[] = [];
  for (const file of paths) {
    if (!existsSync(file)) continue;
    sources.push(file);
    for await (const line of readLines(file)) {
      if (lines.length >= max) break;
      let id: string;
      try {
        const event = JSON.parse(line) as { id?: unknown };
        if (typeof event.id !== 'string') continue;
        id = event.id;
      } catch {
        continue; // a stray non-JSON line in a sample file is not an event
      }
      if (seen.has(id)) continue;
      seen.add(id);
      lines.push(line);
    }
  }
  return { sources, lines };
}
