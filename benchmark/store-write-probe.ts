// Probe behind the "what would close the put gap" note in RESULTS.md (Store, in-process): how much
// main-thread time the LMDB writes of 1000-event batches take when issued as synchronous puts inside
// env.transaction() (how WriteTxn writes today) versus as lmdb-js async puts, which lmdb-js's own
// write thread executes and commits (one transaction per event turn).
//
//   npx tsx benchmark/store-write-probe.ts [--events 50000]
//
// Same records and index keys as the store writes (encodeRecord, indexKeysOf); no Nostr semantics.
import { open } from 'lmdb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateEvents } from './store-bench-dataset.js';
import { indexKeysOf, indexableTags } from '../pkg/store/layout/index-entries.js';
import { encodeRecord } from '../pkg/store/layout/record.js';
import { serialKey } from '../pkg/store/layout/keys.js';

const i = process.argv.indexOf('--events');
const N = i > 0 ? Number(process.argv[i + 1]) : 50_000;
const EMPTY = Buffer.alloc(0);
const writes = [...generateEvents(N, 7, undefined, false)].map((e, n) => {
  const f = { kind: e.kind, createdAt: e.created_at, idBytes: Buffer.from(e.id, 'hex'), pubkeyBytes: Buffer.from(e.pubkey, 'hex'), tags: indexableTags(e.tags) };
  const record = encodeRecord({ ...f, id: f.idBytes, pubkey: f.pubkeyBytes, inline: Buffer.from(JSON.stringify(e)) });
  return { serial: serialKey(n + 1), id: f.idBytes, record, keys: indexKeysOf(f, n + 1) };
});

for (const mode of ['sync puts in env.transaction()', 'async puts (lmdb-js write thread)']) {
  const dir = mkdtempSync(join(tmpdir(), 'lode-write-probe-'));
  const env = open({ path: dir, mapSize: 2 ** 34, compression: false, maxDbs: 4 });
  const bin = { keyEncoding: 'binary', encoding: 'binary' } as const;
  const events = env.openDB<Buffer, Buffer>('events', bin);
  const ids = env.openDB<Buffer, Buffer>('ids', bin);
  const index = env.openDB<Buffer, Buffer>('index', bin);
  const putBatch = (from: number): Promise<unknown> => {
    let last: Promise<unknown> = Promise.resolve();
    for (let k = from; k < Math.min(from + 1000, N); k++) {
      const w = writes[k];
      events.put(w.serial, w.record);
      ids.put(w.id, w.serial);
      for (const key of w.keys) last = index.put(key, EMPTY);
    }
    return last;
  };
  let mainThreadMs = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let b = 0; b < N; b += 1000) {
    if (mode.startsWith('sync')) {
      await env.transaction(() => {
        const s = performance.now();
        void putBatch(b);
        mainThreadMs += performance.now() - s;
      });
    } else {
      const s = performance.now();
      const done = putBatch(b);
      mainThreadMs += performance.now() - s;
      await done;
    }
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  console.log(
    `${mode.padEnd(36)} main thread ${((mainThreadMs * 1000) / N).toFixed(1)} µs/event in LMDB writes; ` +
      `process CPU ${((cpu.user + cpu.system) / N).toFixed(1)} µs/event; ${Math.round(N / wall)} events/s wall (durable commits)`,
  );
  await env.close();
  rmSync(dir, { recursive: true, force: true });
}
