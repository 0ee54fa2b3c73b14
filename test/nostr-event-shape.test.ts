import { describe, expect, it } from 'vitest';
import { checkEventShape } from '../pkg/nostr/index.js';
import { loadNip01Vectors, loadSampleEvents } from './nostr-fixtures.js';

const good = loadNip01Vectors().valid[0].event;

function reasonFor(patch: Record<string, unknown>): string {
  const checked = checkEventShape({ ...good, ...patch });
  if (checked.ok) throw new Error(`expected a refusal for ${JSON.stringify(patch)}`);
  return checked.reason;
}

describe('checkEventShape', () => {
  it('accepts every real sample event and returns an equal copy', () => {
    for (const ev of loadSampleEvents()) {
      const checked = checkEventShape(ev);
      expect(checked).toEqual({ ok: true, value: ev });
    }
  });

  it('returns a new object with only the seven fields, in canonical key order', () => {
    const input = { extra: 'x', sig: good.sig, content: good.content, tags: good.tags, kind: good.kind, created_at: good.created_at, pubkey: good.pubkey, id: good.id, relays: [] };
    const checked = checkEventShape(input);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.value).not.toBe(input);
    expect(Object.keys(checked.value)).toEqual(['id', 'pubkey', 'created_at', 'kind', 'tags', 'content', 'sig']);
    expect(input).toHaveProperty('extra', 'x'); // the input is left alone
  });

  it.each([null, [], 'event', 42, undefined])('refuses a non-object (%j)', (x) => {
    expect(checkEventShape(x)).toEqual({ ok: false, reason: 'event: must be a JSON object' });
  });

  it.each(['id', 'pubkey', 'created_at', 'kind', 'tags', 'content', 'sig'])('names a missing %s', (field) => {
    const ev: Record<string, unknown> = { ...good };
    delete ev[field];
    expect(checkEventShape(ev)).toEqual({ ok: false, reason: `${field}: missing` });
  });

  it.each([
    ['id', good.id.toUpperCase()],
    ['id', good.id.slice(1)],
    ['id', good.id + '0'],
    ['id', 'g' + good.id.slice(1)],
    ['id', 1234],
    ['pubkey', good.pubkey.slice(0, 63) + 'F'],
    ['pubkey', ''],
  ])('refuses a bad %s (%j)', (field, value) => {
    expect(reasonFor({ [field]: value })).toBe(`${field}: must be 64 lowercase hex characters`);
  });

  it.each([good.sig.toUpperCase(), good.sig.slice(2), good.sig + 'aa', null])('refuses a bad sig (%j)', (sig) => {
    expect(reasonFor({ sig })).toBe('sig: must be 128 lowercase hex characters');
  });

  it.each([-1, 1.5, '1700000000', Number.MAX_SAFE_INTEGER + 1, NaN, Infinity, null])('refuses created_at %j', (v) => {
    expect(reasonFor({ created_at: v })).toBe('created_at: must be a non-negative integer (unix seconds)');
  });

  it('accepts created_at 0 and the largest safe integer', () => {
    expect(checkEventShape({ ...good, created_at: 0 }).ok).toBe(true);
    expect(checkEventShape({ ...good, created_at: Number.MAX_SAFE_INTEGER }).ok).toBe(true);
  });

  it.each([-1, 65536, 1.5, '1', null, 2 ** 32])('refuses kind %j', (kind) => {
    expect(reasonFor({ kind })).toBe('kind: must be an integer from 0 to 65535');
  });

  it('accepts kinds 0 and 65535', () => {
    expect(checkEventShape({ ...good, kind: 0 }).ok).toBe(true);
    expect(checkEventShape({ ...good, kind: 65535 }).ok).toBe(true);
  });

  it.each([
    [{}, 'tags: must be an array of arrays of strings'],
    ['p', 'tags: must be an array of arrays of strings'],
    [['t', 'x'], 'tags[0]: must be an array of strings'],
    [[['t'], []], 'tags[1]: must not be empty (a tag needs at least a name)'],
    [[['t', 'a'], ['p', 'b', 3]], 'tags[1][2]: must be a string'],
    [[['t', null]], 'tags[0][1]: must be a string'],
    [[[1]], 'tags[0][0]: must be a string'],
  ])('refuses tags %j', (tags, reason) => {
    expect(reasonFor({ tags })).toBe(reason);
  });

  it('accepts tags with empty strings and single-element tags', () => {
    expect(checkEventShape({ ...good, tags: [['-'], ['e', '', ''], ['']] }).ok).toBe(true);
  });

  it.each([42, null, ['x'], { text: 'x' }])('refuses content %j', (content) => {
    expect(reasonFor({ content })).toBe('content: must be a string');
  });

  it('refuses lone UTF-16 surrogates, which have no UTF-8 form to hash', () => {
    // JSON.parse turns "\ud83e" (valid JSON) into a lone surrogate
    const fromWire = JSON.parse(`{"content":"a\\ud83eb","tags":[["t","\\udc00"]]}`) as { content: string; tags: string[][] };
    expect(reasonFor({ content: fromWire.content })).toBe('content: contains a lone UTF-16 surrogate (not valid Unicode)');
    expect(reasonFor({ tags: fromWire.tags })).toBe('tags[0][1]: contains a lone UTF-16 surrogate (not valid Unicode)');
    expect(checkEventShape({ ...good, content: '\ud83e\udd19' }).ok).toBe(true); // a proper pair is fine
  });
});
