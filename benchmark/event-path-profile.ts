// Where an EVENT's relay CPU goes, by stage, under the ingest load of the benchmark (C connections ×
// W events in flight, the 10k tier's pre-signed events): lode runs with V8's CPU profiler on every
// thread (--cpu-prof), the events are published, lode stops, and each profile sample is charged to
// the innermost stage its stack is in — frame parse, shape, id hash, duplicate check, policies, the
// verify pool hop (main thread) and the checks themselves (workers), store write, OK, fan-out, ws
// receive, promise plumbing, GC. Figures are µs of CPU per accepted event, per thread and summed;
// the relay's whole CPU from /proc is printed beside them (the profiler's own overhead is in it).
//
//   npm run build && npx tsx benchmark/event-path-profile.ts [--tier 10k] [--connections 8] [--window 16]
//       [--spawn-opt verifier=wasm] [--keep DIR]
//
// Linux (reads /proc for the relay's CPU). Needs dist/ (npm run build): the profile names files there.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { prepareDataset, readLines } from './dataset.js';
import { BENCH_SPAWN_DEFAULTS } from './profiles.js';
import { SpawnedRelay } from './spawn-relay.js';
import { closeClients, openClients, publishPipelined } from './workloads/publisher.js';

interface CallFrame {
  functionName: string;
  url: string;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Innermost match wins: a stage is the deepest frame on the stack that names one. */
const STAGES: [stage: string, test: (f: CallFrame) => boolean][] = [
  ['gc', (f) => f.functionName === '(garbage collector)'],
  ['shape', (f) => /event-shape\.js$/.test(f.url)],
  ['id hash', (f) => /serialize\.js$/.test(f.url) && /serializeForId|hasValidId|computeId|sha256/.test(f.functionName)],
  ['canonical json', (f) => f.functionName === 'canonicalEventJson'],
  ['verify (checks)', (f) => /native-verifier\.js$|libsecp256k1\.js$|signature\.js$|verify-worker\.js$|tiny-secp256k1|@noble/.test(f.url)],
  ['verify (pool hop)', (f) => /verify-pool\.js$/.test(f.url)],
  ['policies', (f) => /\/policies\//.test(f.url)],
  ['duplicate check', (f) => /event-store\.js$/.test(f.url) && f.functionName === 'has'],
  ['store write', (f) => /\/pkg\/store\/|node_modules\/lmdb\//.test(f.url)],
  ['OK', (f) => /connection\.js$/.test(f.url) && f.functionName === 'ok'],
  ['fan-out', (f) => /subscriptions\.js$/.test(f.url)],
  ['event handler', (f) => /handlers\/event\.js$/.test(f.url)],
  ['frame parse + dispatch', (f) => /handlers\/dispatch\.js$/.test(f.url)],
  ['ws receive', (f) => /ws\/lib\/(receiver|websocket)\.js$/.test(f.url) || f.functionName === 'onStreamRead'],
  ['ws send', (f) => /ws\/lib\/sender\.js$/.test(f.url) || f.functionName === 'writev' || f.functionName === 'writevGeneric'],
  ['promise plumbing', (f) => f.functionName === 'processTicksAndRejections' || f.functionName === 'runMicrotasks'],
  ['module load + compile', (f) => /^node:internal\/modules|loader|translators/.test(f.url) || f.functionName === 'compileSourceTextModule'],
  ['V8 (program)', (f) => f.functionName === '(program)'],
];

function stageTimes(profile: CpuProfile): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stageOf = new Map<number, string>();
  const classify = (id: number): string => {
    const known = stageOf.get(id);
    if (known) return known;
    let stage = 'other';
    for (let x: number | undefined = id; x !== undefined; x = parent.get(x)) {
      const f = byId.get(x)!.callFrame;
      const hit = STAGES.find(([, test]) => test(f));
      if (hit) {
        stage = hit[0];
        break;
      }
    }
    stageOf.set(id, stage);
    return stage;
  };
  const times = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    if (byId.get(id)!.callFrame.functionName === '(idle)') return;
    const stage = classify(id);
    times.set(stage, (times.get(stage) ?? 0) + profile.timeDeltas[i]);
  });
  return times;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      tier: { type: 'string', default: '10k' },
      connections: { type: 'string', default: '8' },
      window: { type: 'string', default: '16' },
      'spawn-opt': { type: 'string', multiple: true, default: [] },
      keep: { type: 'string' },
    },
  });
  const settings: Record<string, string> = { ...BENCH_SPAWN_DEFAULTS };
  for (const o of values['spawn-opt']) {
    const [k, ...v] = o.split('=');
    settings[k] = v.join('=');
  }
  const dataset = await prepareDataset({ tier: values.tier, seed: 'lode', cacheDir: path.resolve('benchmark/cache'), log: (l) => console.error(l) });
  const profDir = values.keep ?? mkdtempSync(path.join(tmpdir(), 'lode-event-prof-'));
  const relay = await SpawnedRelay.start({ command: 'dist', settings, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`] });
  let accepted = 0;
  let seconds = 0;
  let cpuSeconds = 0;
  try {
    const cpuBefore = relay.resources().cpuSeconds;
    const clients = await openClients(relay.url, Number(values.connections));
    const tally = await publishPipelined(clients, readLines(dataset.eventsFile), Number(values.window), performance.now() + 120_000);
    await closeClients(clients);
    cpuSeconds = relay.resources().cpuSeconds - cpuBefore;
    accepted = tally.accepted;
    seconds = tally.seconds;
  } finally {
    await relay.cleanup();
  }
  const files = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile')).sort();
  const threads = files.map((f, i) => ({ name: i === 0 ? 'main' : `worker ${i}`, times: stageTimes(JSON.parse(readFileSync(path.join(profDir, f), 'utf8')) as CpuProfile) }));
  if (!values.keep) rmSync(profDir, { recursive: true, force: true });

  const stages = [...new Set(threads.flatMap((t) => [...t.times.keys()]))];
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const perEvent = (us: number) => (accepted > 0 ? us / accepted : 0);
  const sum = (stage: string) => threads.reduce((a, t) => a + (t.times.get(stage) ?? 0), 0);
  stages.sort((a, b) => sum(b) - sum(a));
  const pad = (s: string, n: number) => s.padStart(n);
  console.log(`${accepted} events accepted in ${seconds.toFixed(2)} s (${Math.round(accepted / seconds)} events/s under the profiler); relay CPU from /proc ${((cpuSeconds * 1e6) / Math.max(1, accepted)).toFixed(0)} µs/event (whole process lifetime in the window)`);
  console.log(`settings: ${JSON.stringify(settings)}`);
  console.log('');
  console.log(`${'stage'.padEnd(24)}${threads.map((t) => pad(t.name, 10)).join('')}${pad('all', 10)}   (µs CPU per accepted event; startup included in module load)`);
  for (const stage of stages) {
    console.log(`${stage.padEnd(24)}${threads.map((t) => pad(perEvent(t.times.get(stage) ?? 0).toFixed(1), 10)).join('')}${pad(perEvent(sum(stage)).toFixed(1), 10)}`);
  }
  console.log(`${'total sampled'.padEnd(24)}${threads.map((t) => pad(perEvent(total(t.times)).toFixed(1), 10)).join('')}${pad(perEvent(threads.reduce((a, t) => a + total(t.times), 0)).toFixed(1), 10)}`);
  console.log('(the LMDB write thread and libuv I/O threads run native code the JS profiler does not see: /proc CPU minus sampled total)');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
