// fast-check arbitraries for frames a hostile or broken client may send a relay: invalid JSON and
// UTF-8, binary frames, wrong types in every position of every verb, huge and odd numbers, deep
// nesting, oversized frames, filters with thousands of values, bogus AUTH. Each frame carries a
// label (its category) so a failure names what kind of input caused it.
import fc from 'fast-check';
import { finalizeEvent, generateSecretKey } from 'nostr-tools/pure';

/** JSON text spliced in verbatim (numbers JSON.stringify cannot write, deep nesting). */
export class RawJson {
  constructor(readonly text: string) {}
}

/** An AUTH event built at send time, when the connection's challenge is known. */
export interface AuthForge {
  forge: 'valid' | 'wrong-relay' | 'wrong-challenge' | 'bad-sig' | 'bad-id' | 'expired' | 'wrong-kind' | 'no-tags';
}

export interface HostileFrame {
  label: string;
  binary: boolean;
  payload: string | Buffer | AuthForge;
}

export interface FrameLimits {
  /** The relay's maxMessageBytes: oversized frames are a little above it, others below. */
  maxMessageBytes: number;
  /** Largest list in a "thousands of values" filter. */
  maxFilterValues: number;
}

/** JSON text of a value that may hold RawJson pieces. */
export function jsonText(v: unknown): string {
  if (v instanceof RawJson) return v.text;
  if (Array.isArray(v)) return `[${v.map(jsonText).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${JSON.stringify(k)}:${jsonText(x)}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

const text = (label: string, payload: string): HostileFrame => ({ label, binary: false, payload });

// ---- values ---------------------------------------------------------------------------------

const hex = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
const hex64 = hex(64);

/** Numbers at and past the edges: JSON-legal texts JSON.stringify never writes. */
const oddNumber = fc
  .constantFrom(
    '1e308', '-1e308', '1e999', '-1e999', '1e-400', '-0', '0.0', '18446744073709551616', '-18446744073709551616',
    '9007199254740993', '4294967296', '65536', '65535.5', '1.5', '-1', '0.1e1', '123456789012345678901234567890',
  )
  .map((t) => new RawJson(t));
const numberLikeString = fc.constantFrom('NaN', 'Infinity', '-Infinity', '-0', '1e308', '0x10', ' 1', '1 ', '', '١');
const deepArray = fc.integer({ min: 100, max: 3_000 }).map((d) => new RawJson('['.repeat(d) + ']'.repeat(d)));
const deepObject = fc.integer({ min: 100, max: 2_000 }).map((d) => new RawJson('{"a":'.repeat(d) + '1' + '}'.repeat(d)));
const longString = fc.integer({ min: 1_000, max: 20_000 }).map((n) => 'x'.repeat(n));
const oddString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', '\u0000', '\uFEFF', '"', '\\', '\uD800', '\uDFFF', '🦀', '__proto__', 'constructor', '\n\r\t'),
);

/** A value of a type the position does not expect (or an odd one of the right type). */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 6 },
  { arbitrary: oddNumber, weight: 4 },
  { arbitrary: numberLikeString, weight: 2 },
  { arbitrary: oddString, weight: 3 },
  { arbitrary: fc.constantFrom(null, true, false, 0, -1, [], {}, [[]], [{}], [null]), weight: 3 },
  { arbitrary: longString, weight: 1 },
  { arbitrary: deepArray, weight: 1 },
  { arbitrary: deepObject, weight: 1 },
);

const subId = fc.oneof(
  { arbitrary: fc.string({ minLength: 1, maxLength: 12 }), weight: 6 },
  { arbitrary: oddString, weight: 2 },
  { arbitrary: fc.constantFrom('x'.repeat(64), 'y'.repeat(65), 'z'.repeat(5000)), weight: 1 },
);

// ---- filters ----------------------------------------------------------------------------------

const filterKey = fc.constantFrom(
  'ids', 'authors', 'kinds', '#e', '#p', '#t', '#d', 'since', 'until', 'limit', 'search', '#', '#ab', '#1', '', '__proto__', 'constructor',
);

const goodFilterValue = (key: string): fc.Arbitrary<unknown> => {
  switch (key) {
    case 'ids':
    case 'authors':
    case '#e':
    case '#p':
      return fc.array(hex64, { maxLength: 4 });
    case 'kinds':
      return fc.array(fc.integer({ min: 0, max: 65_535 }), { maxLength: 5 });
    case 'since':
    case 'until':
      return fc.integer({ min: 0, max: 2_000_000_000 });
    case 'limit':
      return fc.integer({ min: 0, max: 1_000 });
    default:
      return fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 });
  }
};

/** A filter object whose fields are mostly right and sometimes wrong. */
const filter: fc.Arbitrary<unknown> = fc
  .array(fc.tuple(filterKey, fc.boolean()), { maxLength: 5 })
  .chain((fields) =>
    fc.tuple(...fields.map(([k, wrong]) => (wrong ? wrongValue : goodFilterValue(k)).map((v) => [k, v] as const))),
  )
  .map((pairs) => {
    const f: Record<string, unknown> = {};
    for (const [k, v] of pairs) Object.defineProperty(f, k, { value: v, enumerable: true, writable: true, configurable: true });
    return f;
  });

/** Filters with thousands of values in one condition (they must parse and run, just big). */
function bigFilter(maxValues: number): fc.Arbitrary<unknown> {
  return fc.integer({ min: 500, max: maxValues }).chain((n) =>
    fc.constantFrom(
      { kinds: Array.from({ length: Math.min(n, 60_000) }, (_, i) => 5 + i).filter((k) => k !== 1059) },
      { '#t': Array.from({ length: n }, (_, i) => `tag${i}`) },
      { '#e': Array.from({ length: Math.min(n, 1_500) }, (_, i) => i.toString(16).padStart(64, '0')) },
      { authors: Array.from({ length: Math.min(n, 1_500) }, (_, i) => (i * 7919).toString(16).padStart(64, 'a')) },
      { '#t': Array.from({ length: n }, (_, i) => `t${i}`), limit: 0 },
    ),
  );
}

// ---- events -----------------------------------------------------------------------------------

/** A few genuinely signed events to mutate (signing inside a property would dominate its time). */
const signedPool = (() => {
  const sk = generateSecretKey();
  const now = Math.floor(Date.now() / 1000);
  return [1, 7, 4, 1059, 0, 30023, 20001, 5].map((kind, i) => {
    const { id, pubkey, created_at, tags, content, sig } = finalizeEvent(
      { kind, created_at: now - i, tags: kind === 30023 ? [['d', 'x']] : [['t', 'fuzz']], content: `fuzz base ${i}` },
      sk,
    );
    return { id, pubkey, created_at, kind, tags, content, sig };
  });
})();

const eventField = fc.constantFrom('id', 'pubkey', 'created_at', 'kind', 'tags', 'content', 'sig');

const weirdTags = fc.oneof(
  fc.constant([[]]),
  fc.constant([['t']]),
  fc.array(fc.array(wrongValue, { maxLength: 3 }), { maxLength: 3 }),
  fc.integer({ min: 2_001, max: 5_000 }).map((n) => Array.from({ length: n }, () => ['t', 'x'])),
  fc.constant([['p', '\uD800']]),
  fc.constant([['e', 'x'.repeat(40_000)]]),
);

/** An event object: a signed one with one field wrong, removed, mutated, or with extras. */
const mutatedEvent: fc.Arbitrary<unknown> = fc.tuple(fc.constantFrom(...signedPool), eventField, fc.nat(6), wrongValue, weirdTags).map(
  ([base, field, how, value, tags]) => {
    const ev: Record<string, unknown> = { ...base };
    switch (how) {
      case 0:
        ev[field] = value;
        break;
      case 1:
        delete ev[field];
        break;
      case 2:
        ev.content = `${String(ev.content)}!`; // id no longer matches
        break;
      case 3:
        ev.sig = (ev.sig as string).replace(/^./, (c) => (c === '0' ? '1' : '0')); // signature no longer verifies
        break;
      case 4:
        ev.tags = tags;
        break;
      case 5:
        Object.defineProperty(ev, '__proto__', { value: { kind: 1 }, enumerable: true });
        ev.extra = value;
        break;
      default:
        break; // the genuine event (accepted, or a duplicate)
    }
    return ev;
  },
);

// ---- messages ---------------------------------------------------------------------------------

const verbMessage: fc.Arbitrary<unknown[]> = fc.oneof<fc.Arbitrary<unknown[]>[]>(
  fc.tuple(fc.constant('EVENT'), mutatedEvent),
  fc.tuple(fc.constant('EVENT'), wrongValue),
  fc.tuple(fc.constant('EVENT'), mutatedEvent, wrongValue),
  fc.constant<unknown[]>(['EVENT']),
  fc.tuple(fc.constantFrom('REQ', 'COUNT'), subId, fc.array(filter, { maxLength: 3 })).map(([v, id, fs]) => [v, id, ...fs]),
  fc.tuple(fc.constantFrom('REQ', 'COUNT'), wrongValue, filter),
  fc.tuple(fc.constantFrom('REQ', 'COUNT'), subId, fc.array(fc.constant({}), { minLength: 11, maxLength: 30 })).map(([v, id, fs]) => [v, id, ...fs]),
  fc.tuple(fc.constant('CLOSE'), fc.oneof(subId, wrongValue)),
  fc.tuple(fc.constant('CLOSE'), subId, wrongValue),
  fc.tuple(fc.constant('AUTH'), fc.oneof(wrongValue, mutatedEvent)),
  fc.tuple(fc.constant('AUTH'), mutatedEvent, wrongValue),
  fc.tuple(fc.constantFrom('event', 'Req', 'NOTICE', 'OK', 'EOSE', 'CLOSED', '', 'EVENT ', 'x'.repeat(500), '__proto__', 'constructor', 'toString'), wrongValue),
  fc.array(wrongValue, { minLength: 1, maxLength: 4 }).map((a) => [a[0], ...a.slice(1)]),
);

const validMessageText = verbMessage.map(jsonText);

const badUtf8Bytes = fc.constantFrom(
  [0xff], [0xfe, 0xff], [0xc3, 0x28], [0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0xf0, 0x9f, 0x98],
);

const KNOWN_VERBS = new Set<unknown>(['EVENT', 'REQ', 'COUNT', 'CLOSE', 'AUTH']);

/** Every category, weighted so the cheap ones dominate and the costly ones still appear. */
export function hostileFrame(limits: FrameLimits): fc.Arbitrary<HostileFrame> {
  const max = limits.maxMessageBytes;
  return fc.oneof(
    { weight: 30, arbitrary: verbMessage.map((m) => text(`verb:${KNOWN_VERBS.has(m[0]) ? String(m[0]) : 'other'}`, jsonText(m))) },
    {
      weight: 6,
      arbitrary: fc.oneof(
        fc.string({ unit: 'binary', maxLength: 60 }),
        fc.tuple(validMessageText, fc.nat()).map(([t, n]) => t.slice(0, n % Math.max(1, t.length))),
        validMessageText.map((t) => `${t},`),
        validMessageText.map((t) => `\uFEFF${t}`),
        fc.constantFrom('[NaN]', "['REQ']", '["REQ", "x", {}] // comment', '[1,]', '[', ']', '{', 'null', 'true', '0', '""', '[] []', '\u0000'),
      ).map((t) => text('invalid-json', t)),
    },
    { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 2 }).filter((v) => !Array.isArray(v)).map((v) => text('not-an-array', jsonText(v))) },
    {
      weight: 6,
      arbitrary: fc.tuple(validMessageText, badUtf8Bytes, fc.nat(), fc.boolean()).map(([t, bad, at, binary]) => {
        const b = Buffer.from(t);
        const i = at % (b.length + 1);
        return { label: binary ? 'binary-bad-utf8' : 'text-bad-utf8', binary, payload: Buffer.concat([b.subarray(0, i), Buffer.from(bad), b.subarray(i)]) };
      }),
    },
    {
      weight: 3,
      arbitrary: fc.oneof(fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)), validMessageText.map((t) => Buffer.from(t))).map(
        (payload): HostileFrame => ({ label: 'binary', binary: true, payload }),
      ),
    },
    {
      weight: 3,
      arbitrary: fc.tuple(fc.integer({ min: 1_000, max: Math.floor(max / 2) - 10 }), fc.nat(4)).map(([d, where]) => {
        const deep = '['.repeat(d) + ']'.repeat(d);
        const frames = [deep, `["REQ","deep",{"#t":${deep}}]`, `["EVENT",{"tags":${deep}}]`, `["AUTH",${deep}]`, `["COUNT","d",${deep}]`];
        return text('deep-nesting', frames[where]);
      }),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.integer({ min: max + 1, max: max * 3 }), fc.nat(3)).map(([n, where]) => {
        const pad = 'x'.repeat(n);
        const frames = [pad, `["REQ","big",{"#t":["${pad}"]}]`, `["EVENT",{"id":"${'ab'.repeat(32)}","content":"${pad}"}]`, `["COUNT","big",{"#t":["${pad}"]}]`];
        return text('oversized', frames[where]);
      }),
    },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('REQ', 'COUNT'), bigFilter(limits.maxFilterValues)).map(([v, f]) => text('big-filter', jsonText([v, 'big', f]))) },
    {
      weight: 4,
      arbitrary: fc
        .constantFrom<AuthForge['forge']>('valid', 'wrong-relay', 'wrong-challenge', 'bad-sig', 'bad-id', 'expired', 'wrong-kind', 'no-tags')
        .map((forge): HostileFrame => ({ label: `auth:${forge}`, binary: false, payload: { forge } })),
    },
  );
}

/** The AUTH message for a forge, given the connection's challenge and the relay's URL. */
export function forgeAuth(forge: AuthForge['forge'], challenge: string, relayUrl: string): string {
  const now = Math.floor(Date.now() / 1000);
  const sk = generateSecretKey();
  const tags =
    forge === 'no-tags'
      ? []
      : [
          ['relay', forge === 'wrong-relay' ? 'wss://elsewhere.example' : relayUrl],
          ['challenge', forge === 'wrong-challenge' ? 'f'.repeat(32) : challenge],
        ];
  const ev = finalizeEvent({ kind: forge === 'wrong-kind' ? 1 : 22242, created_at: forge === 'expired' ? now - 3_600 : now, tags, content: '' }, sk);
  const out: Record<string, unknown> = { id: ev.id, pubkey: ev.pubkey, created_at: ev.created_at, kind: ev.kind, tags: ev.tags, content: ev.content, sig: ev.sig };
  if (forge === 'bad-sig') out.sig = `${ev.sig.slice(0, 127)}${ev.sig.endsWith('0') ? '1' : '0'}`;
  if (forge === 'bad-id') out.id = `${ev.id.slice(0, 63)}${ev.id.endsWith('0') ? '1' : '0'}`;
  return JSON.stringify(['AUTH', out]);
}
