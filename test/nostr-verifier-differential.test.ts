// The three signature backends — native (system libsecp256k1 via koffi), wasm (libsecp256k1 in
// WebAssembly) and noble (pure JS) — give the same answer on the BIP-340 vectors, on 3,323 real
// events, and on every kind of damage: each flipped bit, wrong lengths, non-hex, keys off the curve
// or past the field, r ≥ p, s ≥ n. Native needs libsecp256k1 (`apt-get install libsecp256k1-1`):
// without it these tests fail under CI=true and are skipped elsewhere (with a message saying so).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  loadNativeVerifier,
  nobleVerifier,
  wasmVerifier,
  type NostrEvent,
  type SignatureVerifier,
} from '../pkg/nostr/index.js';
import { loadBip340Rows } from './nostr-fixtures.js';

const native = loadNativeVerifier();
const mustRun = process.env.CI === 'true';
const skip = !native.ok && !mustRun;
if (skip) {
  console.warn(
    `nostr-verifier-differential: native backend tests skipped — ${native.reason} to enable them ` +
      '(under CI=true they fail instead).',
  );
}
const title = skip
  ? 'native vs wasm vs noble (skipped: no libsecp256k1; apt-get install libsecp256k1-1 to run)'
  : 'native vs wasm vs noble';

/** The native verifier, or a failure naming the reason (reached only under CI=true without the library). */
function nativeVerifier(): SignatureVerifier {
  if (!native.ok) throw new Error(`native verifier required under CI=true but unavailable: ${native.reason}`);
  return native.verifier;
}

const P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn; // field size
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n; // group order
const hex32 = (x: bigint) => x.toString(16).padStart(64, '0');

const events = readFileSync(new URL('./fixtures/events-all-valid.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.length > 0)
  .map((l) => JSON.parse(l) as NostrEvent);
const rows32 = loadBip340Rows().filter((r) => r.message.length === 64);

interface Answers {
  native: boolean;
  wasm: boolean;
  noble: boolean;
}

function answers(id: string, pubkey: string, sig: string): Answers {
  return {
    native: nativeVerifier().verify(id, pubkey, sig),
    wasm: wasmVerifier.verify(id, pubkey, sig),
    noble: nobleVerifier.verify(id, pubkey, sig),
  };
}

const all = (x: boolean): Answers => ({ native: x, wasm: x, noble: x });

/** `hex` with bit `bit` (0 = most significant bit of the first byte) flipped. */
function flipBit(hex: string, bit: number): string {
  const at = bit >> 2;
  const d = parseInt(hex[at], 16) ^ (8 >> (bit & 3));
  return hex.slice(0, at) + d.toString(16) + hex.slice(at + 1);
}

describe.skipIf(skip)(title, () => {
  it('libsecp256k1 loads', () => {
    expect(native.ok ? 'loaded' : native.reason).toBe('loaded');
  });

  it('the fixtures are what the tests below count on', () => {
    expect(events.length).toBe(3323);
    expect(rows32.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  });

  it.each(rows32.map((r) => [r.index, r.comment || 'valid', r] as const))('BIP-340 vector %i (%s)', (_i, _c, row) => {
    // The CSV is upper-case; hexToBytes takes either case, so both spellings must give the vector's answer.
    expect(answers(row.message, row.publicKey, row.signature)).toEqual(all(row.valid));
    expect(answers(row.message.toLowerCase(), row.publicKey.toLowerCase(), row.signature.toLowerCase())).toEqual(
      all(row.valid),
    );
  });

  // In four parts, so that noble (~1 ms a check on a loaded core) keeps each test far from the timeout.
  const QUARTER = Math.ceil(3323 / 4);
  it.each([0, 1, 2, 3])('all three verify every real event, part %i of 0–3', (part) => {
    const slice = events.slice(part * QUARTER, (part + 1) * QUARTER);
    const disagree = slice.filter((ev) => {
      const a = answers(ev.id, ev.pubkey, ev.sig);
      return !(a.native && a.wasm && a.noble);
    });
    expect(disagree.map((ev) => ev.id)).toEqual([]);
    expect(slice.length).toBeGreaterThan(800);
  });

  it('all three refuse every event under another event’s signature or pubkey', () => {
    const wrong: string[] = [];
    for (let i = 0; i < events.length; i += 29) {
      const ev = events[i];
      const other = events[(i + 1) % events.length];
      if (other.pubkey === ev.pubkey) continue;
      for (const [id, pubkey, sig] of [
        [ev.id, ev.pubkey, other.sig],
        [ev.id, other.pubkey, ev.sig],
        [other.id, ev.pubkey, ev.sig],
      ]) {
        const a = answers(id, pubkey, sig);
        if (a.native || a.wasm || a.noble) wrong.push(`${ev.id}: ${JSON.stringify(a)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  // Two events of different authors and kinds: every bit of id (256), pubkey (256) and sig (512).
  const flipped = [1111, 3322].map((i) => events[i]);
  it.each(flipped.map((ev) => [ev.kind, ev.id.slice(0, 12), ev] as const))(
    'each of the 1,024 single-bit flips of a kind %i event (%s…) is refused by all three',
    (_k, _id, ev) => {
      const disagree: string[] = [];
      const check = (field: string, bit: number, a: Answers) => {
        if (a.native || a.wasm || a.noble) disagree.push(`${field} bit ${bit}: ${JSON.stringify(a)}`);
      };
      for (let bit = 0; bit < 256; bit++) check('id', bit, answers(flipBit(ev.id, bit), ev.pubkey, ev.sig));
      for (let bit = 0; bit < 256; bit++) check('pubkey', bit, answers(ev.id, flipBit(ev.pubkey, bit), ev.sig));
      for (let bit = 0; bit < 512; bit++) check('sig', bit, answers(ev.id, ev.pubkey, flipBit(ev.sig, bit)));
      expect(disagree).toEqual([]);
      expect(answers(ev.id, ev.pubkey, ev.sig)).toEqual(all(true)); // the unflipped event is valid
    },
  );

  const ev = events[42];
  const [id, pub, sig] = [ev.id, ev.pubkey, ev.sig];
  const [r, s] = [sig.slice(0, 64), sig.slice(64)];

  // [what, id, pubkey, sig, the answer all three must give]
  const damaged: [string, string, string, string, boolean][] = [
    ['upper-case hex (decoded like lower-case)', id.toUpperCase(), pub.toUpperCase(), sig.toUpperCase(), true],
    ['short id', id.slice(2), pub, sig, false],
    ['long id', id + '00', pub, sig, false],
    ['odd-length id', id.slice(1), pub, sig, false],
    ['empty id', '', pub, sig, false],
    ['short pubkey', id, pub.slice(2), sig, false],
    ['long pubkey', id, pub + '00', sig, false],
    ['short sig', id, pub, sig.slice(2), false],
    ['long sig', id, pub, sig + '00', false],
    ['odd-length sig', id, pub, sig.slice(1), false],
    ['non-hex digit in id', 'g' + id.slice(1), pub, sig, false],
    ['non-hex digit at the end of pubkey', id, pub.slice(0, 63) + 'x', sig, false],
    ['space inside sig', id, pub, sig.slice(0, 60) + ' ' + sig.slice(61), false],
    ['0x-prefixed pubkey', id, '0x' + pub.slice(2), sig, false],
    ['non-ASCII in sig', id, pub, 'é' + sig.slice(1), false],
    ['all-zero pubkey (x = 0: 7 is not a square mod p)', id, '0'.repeat(64), sig, false],
    ['pubkey x off the curve (BIP-340 vector 5)', id, 'eefdea4cdb677750a420fee807eacf21eb9898ae79b9768766e4faa04a2d4a34', sig, false],
    ['pubkey x = p', id, hex32(P), sig, false],
    ['pubkey x = p + 1 (≡ 1, which is on the curve)', id, hex32(P + 1n), sig, false],
    ['pubkey x = 2^256 − 1', id, 'f'.repeat(64), sig, false],
    ['r = p', id, pub, hex32(P) + s, false],
    ['r = 2^256 − 1', id, pub, 'f'.repeat(64) + s, false],
    ['s = n', id, pub, r + hex32(N), false],
    ['s = n + 1', id, pub, r + hex32(N + 1n), false],
    ['s = 2^256 − 1', id, pub, r + 'f'.repeat(64), false],
    ['all-zero sig', id, pub, '0'.repeat(128), false],
  ];

  it.each(damaged.map(([what, m, p, g, expected]) => [what, expected, m, p, g] as const))(
    '%s: all three answer %s without throwing',
    (_what, expected, m, p, g) => {
      expect(answers(id, pub, sig)).toEqual(all(true)); // the undamaged triple is valid
      expect(answers(m, p, g)).toEqual(all(expected));
    },
  );

  it('x = 0 is no curve point and x = 1 is one (why the zero key fails and vector 14 needs p + 1)', () => {
    // Euler's criterion: y² = x³ + 7 has a solution iff (x³ + 7)^((p−1)/2) ≡ 1 (mod p).
    const pow = (b: bigint, e: bigint) => {
      let out = 1n;
      for (b %= P; e > 0n; e >>= 1n, b = (b * b) % P) if (e & 1n) out = (out * b) % P;
      return out;
    };
    expect(pow(7n, (P - 1n) / 2n)).toBe(P - 1n);
    expect(pow(8n, (P - 1n) / 2n)).toBe(1n);
  });

  // The one rule where the backends differ: @noble/curves refuses r = 0 and s = 0 before any
  // arithmetic (stricter than BIP-340, see nobleVerifier), while libsecp256k1 (native and wasm)
  // accepts both ranges and lets the equation decide. No input can show the difference: r = 0 is
  // never the x of a curve point (the test above), and s = 0 satisfies the equation only if
  // k ≡ −e·d (mod n) where e hashes x(kG) itself — a hash preimage. So all three answer false,
  // and this test pins that down for the real events' r and s and BIP-340 vector 9 (r = 0).
  it('r = 0 and s = 0: noble refuses by range, libsecp256k1 by the equation; all answer false', () => {
    for (const e of events.slice(0, 20)) {
      const [er, es] = [e.sig.slice(0, 64), e.sig.slice(64)];
      expect(answers(e.id, e.pubkey, '0'.repeat(64) + es)).toEqual(all(false));
      expect(answers(e.id, e.pubkey, er + '0'.repeat(64))).toEqual(all(false));
    }
    const v9 = rows32[9];
    expect(v9.signature.slice(0, 64)).toBe('0'.repeat(64));
    expect(answers(v9.message, v9.publicKey, v9.signature)).toEqual(all(false));
  });

  it('non-string input is refused, not passed on', () => {
    const loose = (v: SignatureVerifier) => v.verify as (a: unknown, b: unknown, c: unknown) => boolean;
    for (const v of [nativeVerifier(), wasmVerifier, nobleVerifier]) {
      expect(loose(v)(undefined, pub, sig)).toBe(false);
      expect(loose(v)(id, 42, sig)).toBe(false);
      expect(loose(v)(id, pub, Buffer.from(sig, 'hex'))).toBe(false);
      expect(loose(v)(id, { length: 64 }, sig)).toBe(false);
    }
  });
});
