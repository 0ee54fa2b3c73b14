import { verifySchnorr } from 'tiny-secp256k1';
import { describe, expect, it } from 'vitest';
import {
  NostrProtocolError,
  defaultVerifier,
  nobleVerifier,
  verifierByName,
  verifyEvent,
  wasmVerifier,
  type NostrEvent,
  type VerifierName,
} from '../pkg/nostr/index.js';
import { computeId } from '../pkg/nostr/serialize.js';
import { loadBip340Rows, loadSampleEvents } from './nostr-fixtures.js';

const backends = [nobleVerifier, wasmVerifier];
const rows32 = loadBip340Rows().filter((r) => r.index <= 14);
const sample = loadSampleEvents();

/** Flips one hex digit of `hex` at position `at`. */
function flipHex(hex: string, at: number): string {
  const d = parseInt(hex[at], 16) ^ 1;
  return hex.slice(0, at) + d.toString(16) + hex.slice(at + 1);
}

describe.each(backends.map((b) => [b.name, b] as const))('%s verifier', (_name, verifier) => {
  it.each(rows32.map((r) => [r.index, r.comment || 'valid', r] as const))(
    'BIP-340 vector %i (%s)',
    (_i, _c, row) => {
      const answer = verifier.verify(row.message.toLowerCase(), row.publicKey.toLowerCase(), row.signature.toLowerCase());
      expect(answer).toBe(row.valid);
    },
  );

  it('verifies every sample event', () => {
    const failed = sample.filter((ev) => !verifyEvent(ev, verifier)).map((ev) => ev.id);
    expect(failed).toEqual([]);
    expect(sample.length).toBeGreaterThan(200);
  });

  it('refuses sample events with tampered content, sig or pubkey', () => {
    for (const ev of sample.slice(0, 40)) {
      // content changed: the id no longer matches
      expect(verifyEvent({ ...ev, content: ev.content + ' ' }, verifier)).toBe(false);
      // content changed and id recomputed: the signature no longer matches
      const reId = { ...ev, content: ev.content + ' ' };
      reId.id = computeId(reId);
      expect(verifyEvent(reId, verifier)).toBe(false);
      // one signature digit flipped, in r and in s
      expect(verifyEvent({ ...ev, sig: flipHex(ev.sig, 10) }, verifier)).toBe(false);
      expect(verifyEvent({ ...ev, sig: flipHex(ev.sig, 100) }, verifier)).toBe(false);
      // signature of another event
      const other = sample[(sample.indexOf(ev) + 1) % sample.length];
      expect(verifier.verify(ev.id, ev.pubkey, other.sig)).toBe(false);
    }
  });

  const ok = rows32[1];
  const [msg, pub, sig] = [ok.message.toLowerCase(), ok.publicKey.toLowerCase(), ok.signature.toLowerCase()];

  it.each([
    ['short id', msg.slice(2), pub, sig],
    ['long id', msg + '00', pub, sig],
    ['odd-length id', msg + '0', pub, sig],
    ['non-hex id', 'zz' + msg.slice(2), pub, sig],
    ['non-hex at the end of pubkey', msg, pub.slice(0, 62) + 'xx', sig],
    ['empty pubkey', msg, '', sig],
    ['short sig', msg, pub, sig.slice(0, 126)],
    ['non-hex sig', msg, pub, sig.slice(0, 64) + '-'.repeat(64)],
    ['pubkey not on the curve', msg, 'eefdea4cdb677750a420fee807eacf21eb9898ae79b9768766e4faa04a2d4a34', sig],
    ['pubkey x >= field size', msg, 'f'.repeat(64), sig],
    ['r >= field size', msg, pub, 'f'.repeat(64) + sig.slice(64)],
    ['s >= curve order', msg, pub, sig.slice(0, 64) + 'f'.repeat(64)],
    ['all-zero sig', msg, pub, '0'.repeat(128)],
  ])('answers false, without throwing, for %s', (_what, m, p, s) => {
    expect(verifier.verify(msg, pub, sig)).toBe(true); // the unaltered triple is valid
    expect(() => verifier.verify(m, p, s)).not.toThrow();
    expect(verifier.verify(m, p, s)).toBe(false);
  });

  it('answers false for non-string input', () => {
    const loose = verifier.verify as (a: unknown, b: unknown, c: unknown) => boolean;
    expect(loose(undefined, pub, sig)).toBe(false);
    expect(loose(msg, 42, sig)).toBe(false);
    expect(loose(msg, pub, Buffer.from(sig, 'hex'))).toBe(false);
  });
});

describe('verifier selection', () => {
  it('the raw wasm backend throws on a pubkey off the curve; the wrapper answers false', () => {
    const row5 = rows32[5];
    const bytes = (h: string) => Buffer.from(h, 'hex');
    expect(() => verifySchnorr(bytes(row5.message), bytes(row5.publicKey), bytes(row5.signature))).toThrow();
    expect(wasmVerifier.verify(row5.message.toLowerCase(), row5.publicKey.toLowerCase(), row5.signature.toLowerCase())).toBe(false);
  });

  it('defaults to the wasm backend and finds both by name', () => {
    expect(defaultVerifier).toBe(wasmVerifier);
    expect(verifierByName('noble')).toBe(nobleVerifier);
    expect(verifierByName('wasm')).toBe(wasmVerifier);
    expect(verifyEvent(sample[0])).toBe(true);
  });

  it.each(['libsecp', 'toString', ''])('refuses an unknown backend name %j with a coded error', (name) => {
    const attempt = () => verifierByName(name as VerifierName);
    expect(attempt).toThrow(NostrProtocolError);
    expect(attempt).toThrow(/use one of noble, wasm/);
    try {
      attempt();
    } catch (e) {
      expect((e as NostrProtocolError).code).toBe('unknown-verifier');
    }
  });

  it('does not touch the event it checks', () => {
    const ev: NostrEvent = structuredClone(sample[3]);
    const before = JSON.stringify(ev);
    verifyEvent(ev, nobleVerifier);
    verifyEvent(ev, wasmVerifier);
    expect(JSON.stringify(ev)).toBe(before);
  });
});
