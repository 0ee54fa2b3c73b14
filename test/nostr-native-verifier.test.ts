// The native backend's plumbing: finding libsecp256k1 (and the reason when it is absent), the
// 'auto' | 'native' | 'wasm' | 'noble' choice, the parsed-pubkey cache, and verification inside
// VerifyPool's worker threads. Tests that need the library fail under CI=true without it and are
// skipped elsewhere (`apt-get install libsecp256k1-1` enables them); the rest always run.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  LIBSECP256K1_CANDIDATES,
  NostrProtocolError,
  createNativeVerifier,
  loadLibsecp256k1,
  loadNativeVerifier,
  nobleVerifier,
  resolveVerifier,
  verifierByName,
  wasmVerifier,
  type Libsecp256k1,
  type NostrEvent,
  type VerifierChoice,
} from '../pkg/nostr/index.js';
import { VerifyPool } from '../src/verify-pool.js';

const native = loadNativeVerifier();
const skip = !native.ok && process.env.CI !== 'true';
const needsLib = skip ? ' (skipped: no libsecp256k1; apt-get install libsecp256k1-1 to run)' : '';
if (skip) console.warn(`nostr-native-verifier: library tests skipped — ${native.reason} to enable them (under CI=true they fail instead).`);

const events = readFileSync(new URL('./fixtures/events-all-valid.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.length > 0)
  .map((l) => JSON.parse(l) as NostrEvent);

function codeOf(attempt: () => unknown): string | undefined {
  try {
    attempt();
  } catch (e) {
    return e instanceof NostrProtocolError ? e.code : `not a NostrProtocolError: ${String(e)}`;
  }
  return undefined;
}

describe('finding libsecp256k1', () => {
  it('tries the Debian runtime package’s versioned name first, then the -dev package’s bare name', () => {
    expect(LIBSECP256K1_CANDIDATES.slice(0, 2)).toEqual(['libsecp256k1.so.1', 'libsecp256k1.so']);
  });

  it('LODE_LIBSECP256K1 names the only file tried, and a missing one says what to install', () => {
    const load = loadLibsecp256k1({ LODE_LIBSECP256K1: '/nonexistent/libsecp256k1.so.9' });
    expect(load.ok).toBe(false);
    if (load.ok) return;
    expect(load.reason).toContain('LODE_LIBSECP256K1=/nonexistent/libsecp256k1.so.9');
    expect(load.reason).toContain('apt-get install libsecp256k1-1');
  });

  it('a library without the secp256k1 calls is refused with the missing function named', () => {
    const load = loadLibsecp256k1({ LODE_LIBSECP256K1: 'libc.so.6' });
    expect(load.ok ? 'loaded' : load.reason).toMatch(/libc\.so\.6: .*secp256k1_context_create/);
  });

  it('without the library: auto falls back to wasm, native is a coded error naming the package', () => {
    // A fresh process, so that the per-thread load sees the override from its first call.
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const index = new URL('../pkg/nostr/index.ts', import.meta.url).href;
    const script = `
      const { resolveVerifier, verifierByName, loadNativeVerifier } = await import(${JSON.stringify(index)});
      const attempt = (f) => { try { f(); return 'no error'; } catch (e) { return e.code + ': ' + e.message; } };
      console.log(JSON.stringify({
        auto: resolveVerifier('auto').name,
        native: attempt(() => resolveVerifier('native')),
        byName: attempt(() => verifierByName('native')),
        load: loadNativeVerifier().ok,
      }));`;
    const out = execFileSync(process.execPath, ['--import', tsx, '--input-type=module', '-e', script], {
      env: { ...process.env, LODE_LIBSECP256K1: '/nonexistent/libsecp256k1.so.1' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    const got = JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(got.auto).toBe('wasm');
    expect(got.load).toBe(false);
    expect(got.native).toMatch(/^verifier-unavailable: signature verifier "native" is unavailable: .*apt-get install libsecp256k1-1/);
    expect(got.byName).toBe(got.native);
  });
});

describe('choosing a backend', () => {
  it.each(['noble', 'wasm'] as const)('%s resolves to itself, with or without the library', (name) => {
    expect(resolveVerifier(name)).toBe(verifierByName(name));
    expect(resolveVerifier(name).name).toBe(name);
  });

  it.each(['', 'libsecp', 'toString', 'AUTO'])('refuses the setting %j, naming the choices', (choice) => {
    expect(codeOf(() => resolveVerifier(choice as VerifierChoice))).toBe('unknown-verifier');
    expect(() => resolveVerifier(choice as VerifierChoice)).toThrow(/use one of auto, noble, wasm, native/);
  });

  it.skipIf(skip)(`with the library, auto and native are the native backend${needsLib}`, () => {
    expect(native.ok ? 'loaded' : native.reason).toBe('loaded');
    expect(resolveVerifier('auto').name).toBe('native');
    expect(resolveVerifier('native')).toBe(verifierByName('native'));
    expect(loadNativeVerifier()).toBe(native); // loaded once per thread
  });
});

/** The loaded library with its parse calls counted. */
function countingLib(): { lib: Libsecp256k1; parses: () => number } {
  const load = loadLibsecp256k1();
  if (!load.ok) throw new Error(load.reason);
  let n = 0;
  const lib: Libsecp256k1 = {
    path: load.value.path,
    parseXonly: (out, pub) => (n++, load.value.parseXonly(out, pub)),
    verify: (sig, msg, pub) => load.value.verify(sig, msg, pub),
  };
  return { lib, parses: () => n };
}

// Three events by three different authors.
const byAuthor = [...new Map(events.map((ev) => [ev.pubkey, ev])).values()].slice(0, 3);
const [A, B, C] = byAuthor;

describe.skipIf(skip)(`the parsed-pubkey cache${needsLib}`, () => {
  it('parses a pubkey once, however often it signs', () => {
    const { lib, parses } = countingLib();
    const v = createNativeVerifier(lib);
    for (let i = 0; i < 50; i++) expect(v.verify(A.id, A.pubkey, A.sig)).toBe(true);
    expect(parses()).toBe(1);
    // A cached key does not make a bad signature pass, nor a foreign one.
    expect(v.verify(A.id, A.pubkey, B.sig)).toBe(false);
    expect(v.verify(B.id, A.pubkey, B.sig)).toBe(false);
    expect(parses()).toBe(1);
  });

  it('size 0 parses on every call', () => {
    const { lib, parses } = countingLib();
    const v = createNativeVerifier(lib, { pubkeyCacheSize: 0 });
    for (let i = 0; i < 5; i++) expect(v.verify(A.id, A.pubkey, A.sig)).toBe(true);
    expect(parses()).toBe(5);
  });

  it('when full, the oldest key goes first and answers stay right', () => {
    const { lib, parses } = countingLib();
    const v = createNativeVerifier(lib, { pubkeyCacheSize: 2 });
    const run = (ev: NostrEvent) => expect(v.verify(ev.id, ev.pubkey, ev.sig)).toBe(true);
    run(A);
    run(B);
    run(A); // hit
    expect(parses()).toBe(2);
    run(C); // evicts A, the first in
    run(B); // still there
    expect(parses()).toBe(3);
    run(A); // parsed again, evicting B
    expect(parses()).toBe(4);
    run(C);
    expect(parses()).toBe(4);
  });

  it('keys that do not parse are not kept, and upper-case spellings are keys of their own', () => {
    const { lib, parses } = countingLib();
    const v = createNativeVerifier(lib);
    const offCurve = 'eefdea4cdb677750a420fee807eacf21eb9898ae79b9768766e4faa04a2d4a34';
    for (let i = 0; i < 3; i++) expect(v.verify(A.id, offCurve, A.sig)).toBe(false);
    expect(parses()).toBe(3);
    expect(v.verify(A.id, 'zz'.repeat(32), A.sig)).toBe(false);
    expect(parses()).toBe(3); // non-hex never reaches the library
    expect(v.verify(A.id, A.pubkey.toUpperCase(), A.sig)).toBe(true);
    expect(v.verify(A.id, A.pubkey, A.sig)).toBe(true);
    expect(parses()).toBe(5);
  });
});

/** `hex` with its last digit changed. */
const lastDigitFlipped = (hex: string) => hex.slice(0, -1) + (hex.at(-1) === '0' ? '1' : '0');

describe.skipIf(skip)(`VerifyPool with the native backend${needsLib}`, () => {
  const pools: VerifyPool[] = [];
  afterAll(() => Promise.all(pools.map((p) => p.close())));
  const pool = (threads: number) => {
    // Without the library every worker would fail on start and be replaced; fail here instead.
    if (!native.ok) throw new Error(native.reason);
    // As the relay will: resolve the setting on the main thread, hand the backend's name to the workers.
    const p = new VerifyPool({ threads, verifier: resolveVerifier('native').name, maxBatch: 64 });
    pools.push(p);
    return p;
  };

  it.each([
    ['two worker threads', 2],
    ['inline (threads: 0)', 0],
  ])('%s: verifies the 3,323 real events and refuses damaged ones', async (_name, threads) => {
    const p = pool(threads);
    const good = await Promise.all(events.map((ev) => p.verify(ev.id, ev.pubkey, ev.sig)));
    expect(good.filter((ok) => !ok)).toEqual([]);
    expect(good.length).toBe(3323);
    const sample = events.filter((_, i) => i % 50 === 0);
    const bad = await Promise.all(
      sample.flatMap((ev, i) => [
        p.verify(ev.id, ev.pubkey, lastDigitFlipped(ev.sig)),
        p.verify(lastDigitFlipped(ev.id), ev.pubkey, ev.sig),
        p.verify(ev.id, ev.pubkey, sample[(i + 1) % sample.length].sig),
        p.verify(ev.id.slice(2), ev.pubkey, ev.sig),
        p.verify(ev.id, 'not hex', ev.sig),
      ]),
    );
    expect(bad.filter((ok) => ok)).toEqual([]);
    expect(bad.length).toBe(sample.length * 5);
  });

  it('the workers agree with wasm and noble on a mixed batch', async () => {
    const p = pool(2);
    const triples = events.slice(0, 200).map((ev, i) => (i % 4 === 0 ? [ev.id, ev.pubkey, lastDigitFlipped(ev.sig)] : [ev.id, ev.pubkey, ev.sig]));
    const got = await Promise.all(triples.map(([id, pub, sig]) => p.verify(id, pub, sig)));
    expect(got).toEqual(triples.map(([id, pub, sig]) => wasmVerifier.verify(id, pub, sig)));
    expect(got).toEqual(triples.map(([id, pub, sig]) => nobleVerifier.verify(id, pub, sig)));
    expect(got.filter(Boolean).length).toBe(150);
  });
});
