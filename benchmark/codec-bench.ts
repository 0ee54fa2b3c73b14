// Payload codec benchmark: compression ratio and per-event encode/decode time on real events.
//
//   npx tsx benchmark/codec-bench.ts [events.jsonl]
//
// Default input: ../shared/vectors/events/all-valid.jsonl when present, else test/fixtures/events-sample.jsonl.
// Codecs from packages that lode does not depend on are measured when LODE_CODEC_BENCH_EXTRA names a
// node_modules folder holding them (npm i --prefix /tmp/x lz4-napi snappy snappyjs lz4js @bokuweb/zstd-wasm).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import * as zlib from 'node:zlib';
import { DEFLATE_DICTIONARY_V1 as NOSTR_DICTIONARY, decodePayload, encodePayload } from '../pkg/store/codec/codec.js';

interface Codec {
  name: string;
  encode(raw: Buffer): Buffer;
  decode(packed: Buffer): Buffer;
}

const MIN_SAVING = 0.1;
const CLASSES = [
  { name: '<1 KiB', max: 1024 },
  { name: '1-8 KiB', max: 8192 },
  { name: '>=8 KiB', max: Infinity },
];

function loadEvents(file: string): Buffer[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => Buffer.from(JSON.stringify(JSON.parse(l))));
}

function builtinCodecs(): Codec[] {
  const deflate = (level: number, dictionary?: Buffer): Codec => ({
    name: `deflate-${level}${dictionary ? '+dict' : ''}`,
    encode: (raw) => zlib.deflateRawSync(raw, { level, dictionary }),
    decode: (packed) => zlib.inflateRawSync(packed, { dictionary }),
  });
  const brotli = (quality: number): Codec => ({
    name: `brotli-${quality}`,
    encode: (raw) =>
      zlib.brotliCompressSync(raw, {
        params: {
          [zlib.constants.BROTLI_PARAM_QUALITY]: quality,
          [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
          [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
        },
      }),
    decode: (packed) => zlib.brotliDecompressSync(packed),
  });
  return [
    deflate(1),
    deflate(6),
    deflate(1, NOSTR_DICTIONARY),
    deflate(6, NOSTR_DICTIONARY),
    ...[1, 2, 3, 4, 5].map(brotli),
  ];
}

async function extraCodecs(): Promise<Codec[]> {
  const dir = process.env.LODE_CODEC_BENCH_EXTRA;
  if (!dir) return [];
  const req = createRequire(path.join(path.resolve(dir), 'x.js'));
  const out: Codec[] = [];
  const attempt = (name: string, make: () => Codec | Codec[]) => {
    try {
      const made = make();
      out.push(...(Array.isArray(made) ? made : [made]));
    } catch (err) {
      console.error(`skipping ${name}: ${(err as Error).message.split('\n')[0]}`);
    }
  };
  attempt('lz4-napi', () => {
    const lz4 = req('lz4-napi');
    return { name: 'lz4-napi (native)', encode: (r) => lz4.compressSync(r), decode: (p) => lz4.uncompressSync(p) };
  });
  attempt('snappy', () => {
    const snappy = req('snappy');
    return {
      name: 'snappy (native)',
      encode: (r) => snappy.compressSync(r),
      decode: (p) => snappy.uncompressSync(p, { asBuffer: true }) as Buffer,
    };
  });
  attempt('snappyjs', () => {
    const sj = req('snappyjs');
    return { name: 'snappyjs (pure JS)', encode: (r) => Buffer.from(sj.compress(r)), decode: (p) => Buffer.from(sj.uncompress(p)) };
  });
  attempt('lz4js', () => {
    const l = req('lz4js');
    return { name: 'lz4js (pure JS)', encode: (r) => Buffer.from(l.compress(r)), decode: (p) => Buffer.from(l.decompress(p)) };
  });
  try {
    const zstd = req('@bokuweb/zstd-wasm');
    await zstd.init();
    for (const level of [1, 3]) {
      out.push({
        name: `zstd-${level} (wasm)`,
        encode: (r) => Buffer.from(zstd.compress(r, level)),
        decode: (p) => Buffer.from(zstd.decompress(p)),
      });
    }
  } catch (err) {
    console.error(`skipping zstd-wasm: ${(err as Error).message.split('\n')[0]}`);
  }
  return out;
}

/**
 * Microseconds per call of fn, averaged over one pass through all items. Measured in process CPU
 * time (user + system), not wall time, so neighbours on a shared machine inflate it less; one
 * warm-up pass, then at least 3 passes (more while under 0.5 s of CPU), and the fastest is kept.
 */
function timePerItem<T>(items: T[], fn: (item: T) => unknown): number {
  if (items.length === 0) return NaN;
  for (const it of items) fn(it);
  const cpu = () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  let best = Infinity;
  const start = cpu();
  for (let pass = 0; pass < 3 || (pass < 20 && cpu() - start < 500_000); pass++) {
    const t0 = cpu();
    for (const it of items) fn(it);
    best = Math.min(best, cpu() - t0);
  }
  return best / items.length;
}

interface Row {
  codec: string;
  ratio: number;
  ratioWithSkip: number;
  byClass: number[];
  storedCompressed: number;
  encodeUs: number;
  decodeUs: number;
  decodeSmallUs: number;
}

function measure(codec: Codec, events: Buffer[]): Row {
  const packed = events.map((e) => codec.encode(e));
  packed.forEach((p, i) => {
    if (!codec.decode(p).equals(events[i])) throw new Error(`${codec.name} does not round-trip event ${i}`);
  });
  const raw = events.reduce((s, e) => s + e.length, 0);
  let withSkip = 0;
  let kept = 0;
  const classRaw = CLASSES.map(() => 0);
  const classPacked = CLASSES.map(() => 0);
  events.forEach((e, i) => {
    const useIt = packed[i].length <= e.length * (1 - MIN_SAVING);
    if (useIt) kept++;
    withSkip += 1 + (useIt ? packed[i].length : e.length);
    const c = CLASSES.findIndex((k) => e.length < k.max);
    classRaw[c] += e.length;
    classPacked[c] += packed[i].length;
  });
  return {
    codec: codec.name,
    ratio: packed.reduce((s, p) => s + p.length, 0) / raw,
    ratioWithSkip: withSkip / raw,
    byClass: classRaw.map((r, i) => (r ? classPacked[i] / r : NaN)),
    storedCompressed: kept / events.length,
    encodeUs: timePerItem(events, (e) => codec.encode(e)),
    decodeUs: timePerItem(packed, (p) => codec.decode(p)),
    decodeSmallUs: timePerItem(packed.filter((_, i) => events[i].length < CLASSES[0].max), (p) => codec.decode(p)),
  };
}

async function main(): Promise<void> {
  const shared = path.resolve('../shared/vectors/events/all-valid.jsonl');
  const file = process.argv[2] ?? (fs.existsSync(shared) ? shared : 'test/fixtures/events-sample.jsonl');
  const events = loadEvents(file);
  const raw = events.reduce((s, e) => s + e.length, 0);
  const counts = CLASSES.map((k, i) => events.filter((e) => e.length < k.max && (i === 0 || e.length >= CLASSES[i - 1].max)).length);
  const codecs = [...builtinCodecs(), ...(await extraCodecs())];
  const rows = codecs.map((c) => measure(c, events));
  // The codec module as shipped (flag byte, size floor, skip rule), for the chosen settings.
  for (const setting of ['deflate', 'brotli'] as const) {
    const json = events.map((e) => e.toString());
    const enc = json.map((j) => encodePayload(j, setting));
    const stored = enc.reduce((s, b) => s + b.length, 0);
    rows.push({
      codec: `lode codec.ts '${setting}'`,
      ratio: stored / raw,
      ratioWithSkip: stored / raw,
      byClass: CLASSES.map(() => NaN),
      storedCompressed: enc.filter((b) => b[0] !== 0).length / events.length,
      encodeUs: timePerItem(json, (j) => encodePayload(j, setting)),
      decodeUs: timePerItem(enc, (b) => decodePayload(b)),
      decodeSmallUs: timePerItem(enc.filter((_, i) => events[i].length < CLASSES[0].max), (b) => decodePayload(b)),
    });
  }

  const pct = (x: number) => (Number.isNaN(x) ? '–' : `${(x * 100).toFixed(1)} %`);
  const lines = [
    `input: ${path.basename(file)}: ${events.length} events, ${(raw / 1024 / 1024).toFixed(2)} MiB canonical JSON; ` +
      `size classes ${CLASSES.map((k, i) => `${k.name}: ${counts[i]}`).join(', ')}`,
    `machine: ${os.cpus()[0]?.model ?? 'unknown'} (${os.cpus().length} cores), Node ${process.version}, ${os.platform()} ${os.arch()}, ` +
      `load average at start ${os.loadavg()[0].toFixed(1)}`,
    '',
    `| codec | size after (all events) | after, with ${MIN_SAVING * 100} % skip rule + flag | ${CLASSES.map((k) => k.name).join(' | ')} | events compressed | encode µs/event | decode µs/event | decode µs/event <1 KiB |`,
    `|---|---:|---:|${CLASSES.map(() => '---:').join('|')}|---:|---:|---:|---:|`,
    ...rows.map(
      (r) =>
        `| ${r.codec} | ${pct(r.ratio)} | ${pct(r.ratioWithSkip)} | ${r.byClass.map(pct).join(' | ')} | ${pct(r.storedCompressed)} | ${r.encodeUs.toFixed(1)} | ${r.decodeUs.toFixed(1)} | ${r.decodeSmallUs.toFixed(1)} |`,
    ),
  ];
  console.log(lines.join('\n'));
}

await main();
