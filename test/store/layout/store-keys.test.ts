// The write path builds every index key of an event in one buffer (index-entries.ts); the query
// path seeks with the per-family prefixes of keys.ts. Both must describe the same bytes, or stored
// events become invisible to queries. Likewise the record written with its JSON inline must read back.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { indexKeysOf, type IndexedFields } from '../../../pkg/store/layout/index-entries.js';
import {
  createdAtPrefix,
  expirationKey,
  indexKey,
  kindPrefix,
  pubkeyKindPrefix,
  pubkeyPrefix,
  serialOfKey,
  tagPrefix,
} from '../../../pkg/store/layout/keys.js';
import { encodeRecord, plainPayloadBytes, RecordView } from '../../../pkg/store/layout/record.js';
import { decodePayload } from '../../../pkg/store/codec/codec.js';

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((a) => Buffer.from(a));
const tagValue = fc.oneof(fc.string({ maxLength: 300 }), fc.stringMatching(/^[0-9a-f]{64}$/), fc.string({ unit: 'grapheme', maxLength: 40 }));
const fieldsArb: fc.Arbitrary<IndexedFields> = fc.record(
  {
    kind: fc.integer({ min: 0, max: 65535 }),
    createdAt: fc.integer({ min: 0, max: 2 ** 40 }),
    idBytes: bytes32,
    pubkeyBytes: bytes32,
    tags: fc.array(fc.tuple(fc.constantFrom('e', 'p', 't', 'd', 'Z'), tagValue), { maxLength: 6 }),
    expiration: fc.integer({ min: 0, max: 2 ** 40 }),
  },
  { requiredKeys: ['kind', 'createdAt', 'idBytes', 'pubkeyBytes', 'tags'] },
);

describe('index keys', () => {
  it('equal the keys built from the query-side prefixes, family by family', () => {
    fc.assert(
      fc.property(fieldsArb, fc.integer({ min: 1, max: 2 ** 40 }), (f, serial) => {
        const want = [
          indexKey(pubkeyPrefix(f.pubkeyBytes), f.createdAt, f.idBytes, serial),
          indexKey(kindPrefix(f.kind), f.createdAt, f.idBytes, serial),
          indexKey(pubkeyKindPrefix(f.pubkeyBytes, f.kind), f.createdAt, f.idBytes, serial),
          indexKey(createdAtPrefix(), f.createdAt, f.idBytes, serial),
          ...f.tags.map(([l, v]) => indexKey(tagPrefix(l, v), f.createdAt, f.idBytes, serial)),
          ...(f.expiration !== undefined ? [expirationKey(f.expiration, serial)] : []),
        ];
        const got = indexKeysOf(f, serial);
        expect(got.map((k) => k.toString('hex'))).toEqual(want.map((k) => k.toString('hex')));
        for (const k of got.slice(0, got.length - (f.expiration !== undefined ? 1 : 0))) expect(serialOfKey(k)).toBe(serial);
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe('records', () => {
  it('a record written with its JSON inline reads back the same fields and payload', () => {
    fc.assert(
      fc.property(fieldsArb, fc.string({ unit: 'grapheme', maxLength: 500 }), (f, content) => {
        const tags = f.tags.filter(([, v]) => Buffer.byteLength(v) < 16_000);
        const json = JSON.stringify({ content });
        const rec = encodeRecord({ ...f, tags, id: f.idBytes, pubkey: f.pubkeyBytes, inlineJson: json });
        const view = new RecordView(rec);
        expect(view.inline).toBe(true);
        expect(view.kind).toBe(f.kind);
        expect(view.createdAt).toBe(f.createdAt);
        expect(view.idBytes.equals(f.idBytes)).toBe(true);
        expect(view.pubkeyBytes.equals(f.pubkeyBytes)).toBe(true);
        expect(view.expiration).toBe(f.expiration);
        expect(view.tags()).toEqual(tags);
        expect(view.inlinePayload().length).toBe(plainPayloadBytes(json));
        expect(decodePayload(view.inlinePayload())).toBe(json);
      }),
      { seed: 43, numRuns: 300 },
    );
  });
});
