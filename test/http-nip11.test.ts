import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLodeServer, type LodeServerHarness } from './support/lode-server.js';

const operatorPubkey = 'a'.repeat(64);

describe('NIP-11 relay information document', () => {
  let h: LodeServerHarness;
  beforeAll(async () => {
    h = await startLodeServer((c) => {
      c.info.name = 'test relay';
      c.info.description = 'for tests';
      c.info.contact = 'mailto:ops@example.org';
      c.info.pubkey = operatorPubkey;
      c.info.icon = 'https://example.org/icon.png';
      c.limits.maxLimit = 321;
      c.limits.defaultLimit = 123;
      c.limits.maxSubscriptions = 7;
      c.limits.maxMessageBytes = 50_000;
      c.limits.maxEventTags = 99;
      c.limits.maxContentLength = 4_321;
      c.limits.maxSubIdLength = 33;
      c.limits.minPowDifficulty = 4;
      c.limits.createdAtLowerLimit = 3600;
      c.limits.createdAtUpperLimit = 60;
      c.limits.authRequired = true;
    });
  });
  afterAll(() => h.dispose());

  it('is served for Accept: application/nostr+json with its content type and CORS headers', async () => {
    const res = await h.http('/', { headers: { Accept: 'application/nostr+json' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/nostr\+json/);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toBeTruthy();
    expect(res.headers.get('access-control-allow-methods')).toContain('GET');
  });

  it('says who runs the relay, what it supports and what software it is', async () => {
    const doc = (await (await h.http('/', { headers: { Accept: 'application/nostr+json' } })).json()) as Record<string, unknown>;
    expect(doc.name).toBe('test relay');
    expect(doc.description).toBe('for tests');
    expect(doc.contact).toBe('mailto:ops@example.org');
    expect(doc.pubkey).toBe(operatorPubkey);
    expect(doc.icon).toBe('https://example.org/icon.png');
    expect(doc.supported_nips).toEqual([1, 9, 11, 40, 42, 45, 70]);
    expect(typeof doc.software).toBe('string');
    expect(doc.version).toBe((await import('../package.json', { with: { type: 'json' } })).default.version);
  });

  it('advertises the limits actually in force, not the defaults', async () => {
    const doc = (await (await h.http('/', { headers: { Accept: 'application/nostr+json' } })).json()) as {
      limitation: Record<string, unknown>;
    };
    expect(h.server.relay.limits.maxLimit).toBe(321);
    expect(doc.limitation).toMatchObject({
      max_message_length: 50_000,
      max_subscriptions: 7,
      max_limit: 321,
      default_limit: 123,
      max_subid_length: 33,
      max_event_tags: 99,
      max_content_length: 4_321,
      min_pow_difficulty: 4,
      auth_required: true,
      restricted_writes: true,
      created_at_lower_limit: 3600,
      created_at_upper_limit: 60,
    });
  });

  it('answers a CORS preflight with 204 and the allow headers', async () => {
    const res = await h.http('/', {
      method: 'OPTIONS',
      headers: { Origin: 'https://client.example', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'accept' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toContain('GET');
    expect(res.headers.get('access-control-allow-headers')).toBeTruthy();
  });
});

describe('HTML page at /', () => {
  let h: LodeServerHarness;
  beforeAll(async () => {
    h = await startLodeServer((c) => {
      c.info.name = 'Evil <script>alert(1)</script> relay';
      c.info.description = 'Tom & "Jerry" <b>bold</b>';
    });
  });
  afterAll(() => h.dispose());

  it('shows name, description, the ws URL and live counts to a browser', async () => {
    const res = await h.http('/', { headers: { Accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain(h.server.url.replace('ws://', ''));
    expect(html).toContain('ws://');
    expect(html).toMatch(/id="connections">\d+</);
    expect(html).toMatch(/id="subscriptions">\d+</);
    expect(html).toMatch(/id="events">\d+</);
  });

  it('escapes operator text so it cannot inject markup', async () => {
    const html = await (await h.http('/')).text();
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('Evil &#60;script&#62;alert(1)&#60;/script&#62; relay');
    expect(html).not.toContain('<b>bold</b>');
    expect(html).toContain('Tom &#38; &#34;Jerry&#34;');
  });
});

describe('unknown paths and methods', () => {
  let h: LodeServerHarness;
  beforeAll(async () => {
    h = await startLodeServer();
  });
  afterAll(() => h.dispose());

  it('answer a JSON 404 that says where to look', async () => {
    const res = await h.http('/no/such/thing');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).toBe('not-found');
    expect(body.message).toContain('/health');
  });

  it('answer a JSON 405 with Allow for a known path and wrong method', async () => {
    const res = await h.http('/health', { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toContain('GET');
    expect(((await res.json()) as { error: string }).error).toBe('method-not-allowed');
  });
});
