import fc from 'fast-check';
import { getEventHash } from 'nostr-tools/pure';
import { describe, expect, it } from 'vitest';
import {
  canonicalEventJson,
  checkEventShape,
  computeId,
  hasValidId,
  nobleVerifier,
  serializeForId,
  verifyEvent,
  wasmVerifier,
} from '../pkg/nostr/index.js';
import { loadNip01Vectors, loadSampleLines } from './nostr-fixtures.js';

const vectors = loadNip01Vectors();

describe('NIP-01 event vectors', () => {
  it.each(vectors.valid.map((c) => [c.description, c] as const))('valid: %s', (_d, c) => {
    const checked = checkEventShape(c.event);
    expect(checked).toMatchObject({ ok: true });
    if (!checked.ok) return;
    expect(serializeForId(checked.value)).toBe(c.serialized);
    expect(computeId(checked.value)).toBe(c.event.id);
    expect(hasValidId(checked.value)).toBe(true);
    expect(verifyEvent(checked.value, wasmVerifier)).toBe(true);
    expect(verifyEvent(checked.value, nobleVerifier)).toBe(true);
  });

  it.each(vectors.wire_variants.map((c) => [c.description, c] as const))('wire variant: %s', (_d, c) => {
    const checked = checkEventShape(JSON.parse(c.raw));
    expect(checked).toMatchObject({ ok: true });
    if (!checked.ok) return;
    expect(computeId(checked.value)).toBe(c.expected_id);
    expect(verifyEvent(checked.value)).toBe(true);
    // the stored form is canonical whatever the wire text looked like
    const reference = vectors.valid.find((v) => v.event.id === c.expected_id);
    expect(canonicalEventJson(checked.value)).toBe(JSON.stringify(reference?.event));
  });

  it.each(vectors.invalid.map((c) => [c.description, c] as const))('invalid is refused: %s', (_d, c) => {
    const checked = checkEventShape(c.event);
    if (checked.ok) {
      expect(verifyEvent(checked.value, wasmVerifier)).toBe(false);
      expect(verifyEvent(checked.value, nobleVerifier)).toBe(false);
    } else {
      expect(checked.reason).toMatch(/^[a-z_]+(\[\d+\])*: /);
    }
  });
});

describe('serializeForId', () => {
  const base = { pubkey: vectors.test_pubkey, created_at: 1, kind: 1, tags: [] as string[][] };

  it('escapes the seven NIP-01 characters, other C0 controls as lowercase \\u00XX, and nothing else', () => {
    const named: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' };
    for (let c = 0; c < 0x20; c++) {
      const expected = named[c] ?? `\\u00${c.toString(16).padStart(2, '0')}`;
      expect(serializeForId({ ...base, content: String.fromCharCode(c) })).toContain(`"${expected}"]`);
    }
    expect(serializeForId({ ...base, content: '"\\' })).toContain('"\\"\\\\"]');
    for (const raw of ['\u007f', '/', '\u2028', '\u2029', 'é', '日', '🤙']) {
      expect(serializeForId({ ...base, content: raw })).toContain(`"${raw}"]`);
    }
  });

  it('has no whitespace and puts 0, pubkey, created_at, kind, tags, content in that order', () => {
    const s = serializeForId({ ...base, created_at: 1700000000, kind: 7, tags: [['e', 'x', ''], ['p']], content: 'c' });
    expect(s).toBe(`[0,"${vectors.test_pubkey}",1700000000,7,[["e","x",""],["p"]],"c"]`);
  });

  it('agrees with nostr-tools getEventHash on arbitrary Unicode content and tags', () => {
    const text = fc.string({ unit: 'binary', maxLength: 40 });
    fc.assert(
      fc.property(text, fc.array(fc.array(text, { minLength: 1, maxLength: 3 }), { maxLength: 3 }), (content, tags) => {
        const ev = { ...base, content, tags };
        expect(computeId(ev)).toBe(getEventHash(ev));
      }),
    );
  });
});

describe('canonicalEventJson', () => {
  it('reproduces every sample line byte for byte from the parsed event', () => {
    for (const line of loadSampleLines()) {
      expect(canonicalEventJson(JSON.parse(line))).toBe(line);
    }
  });

  it('writes the seven fields in canonical order and leaves out extras', () => {
    const ev = vectors.valid[0].event;
    const shuffled = { sig: ev.sig, extra: 1, content: ev.content, tags: ev.tags, kind: ev.kind, created_at: ev.created_at, pubkey: ev.pubkey, id: ev.id };
    const json = canonicalEventJson(shuffled);
    expect(Object.keys(JSON.parse(json))).toEqual(['id', 'pubkey', 'created_at', 'kind', 'tags', 'content', 'sig']);
    expect(json).toBe(JSON.stringify(ev));
  });
});
