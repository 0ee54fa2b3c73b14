import { finalizeEvent, generateSecretKey } from 'nostr-tools/pure';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NostrEvent } from '../pkg/nostr/types.js';
import { RawClient } from './support/relay-harness.js';
import { startLodeServer, type LodeServerHarness } from './support/lode-server.js';

/** The value of one sample line (`name{labels} value`) in a Prometheus text page; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

function note(content: string): NostrEvent {
  return finalizeEvent({ kind: 1, created_at: Math.floor(Date.now() / 1000), tags: [], content }, generateSecretKey()) as NostrEvent;
}

describe('/health', () => {
  let h: LodeServerHarness;
  beforeAll(async () => {
    h = await startLodeServer();
  });
  afterAll(() => h.dispose());

  it('reports status, uptime, live counts and store figures', async () => {
    const client = await RawClient.open(h.server.url);
    try {
      expect((await client.publish(note('health'))).accepted).toBe(true);
      await client.req('open-sub', { kinds: [1], limit: 1 });
      const res = await h.http('/health');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      const body = (await res.json()) as Record<string, any>;
      expect(body.status).toBe('ok');
      expect(body.uptime_s).toBeGreaterThanOrEqual(0);
      expect(body.connections).toBe(1);
      expect(body.subscriptions).toBe(1);
      expect(body.store.events).toBe(1);
      expect(body.store.bytes.lmdb).toBeGreaterThan(0);
      expect(body.store.bytes.inline).toBeGreaterThan(0);
      expect(typeof body.store.bytes.vlog).toBe('number');
      expect(body.store.cache.hit_ratio).toBeGreaterThanOrEqual(0);
      expect(body.store.cache.hit_ratio).toBeLessThanOrEqual(1);
    } finally {
      client.close();
      await client.closed;
    }
  });
});

describe('/metrics', () => {
  let h: LodeServerHarness;
  beforeAll(async () => {
    h = await startLodeServer();
  });
  afterAll(() => h.dispose());

  const metrics = async (): Promise<string> => {
    const res = await h.http('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    return res.text();
  };

  it('exposes every documented metric name', async () => {
    const text = await metrics();
    for (const name of [
      'nostr_client_messages_total',
      'nostr_relay_messages_total',
      'nostr_events_total',
      'lode_ok_total',
      'lode_req_eose_seconds',
      'lode_write_seconds',
      'lode_verify_seconds',
      'lode_connections',
      'lode_subscriptions',
      'lode_event_cache_hits_total',
      'lode_event_cache_misses_total',
      'lode_event_cache_hit_ratio',
      'lode_store_events',
      'lode_store_bytes',
      'lode_store_inline_events',
      'lode_store_vlog_events',
      'lode_gc_runs_total',
      'lode_gc_bytes_reclaimed_total',
      'lode_writer_batches_total',
      'lode_writer_batched_events_total',
      'lode_writer_batch_size',
      'process_cpu_seconds_total',
    ]) {
      expect(text, name).toContain(`# TYPE ${name} `);
    }
    expect(sample(text, 'lode_store_bytes{type="lmdb"}')).toBeGreaterThan(0);
    expect(sample(text, 'lode_store_bytes{type="vlog"}')).toBeGreaterThanOrEqual(0);
  });

  it('counters move after a client publishes and queries', async () => {
    const before = await metrics();
    const client = await RawClient.open(h.server.url);
    try {
      const ev = note('metrics');
      expect((await client.publish(ev)).accepted).toBe(true);
      expect((await client.publish(ev)).message).toMatch(/^duplicate:/);
      const { events } = await client.req('m1', { ids: [ev.id] });
      expect(events.map((e) => e.id)).toEqual([ev.id]);

      const after = await metrics();
      const delta = (series: string) => (sample(after, series) ?? 0) - (sample(before, series) ?? 0);
      expect(delta('nostr_client_messages_total{verb="EVENT"}')).toBe(2);
      expect(delta('nostr_client_messages_total{verb="REQ"}')).toBe(1);
      expect(delta('nostr_relay_messages_total{verb="OK"}')).toBe(2);
      expect(delta('nostr_relay_messages_total{verb="EOSE"}')).toBe(1);
      expect(delta('nostr_events_total{kind="1"}')).toBe(1);
      expect(delta('lode_ok_total{outcome="accepted"}')).toBe(1);
      expect(delta('lode_ok_total{outcome="duplicate"}')).toBe(1);
      expect(delta('lode_write_seconds_count')).toBe(1);
      expect(delta('lode_verify_seconds_count')).toBe(1);
      expect(delta('lode_req_eose_seconds_count')).toBe(1);
      expect(delta('lode_store_events')).toBe(1);
      expect(delta('lode_store_inline_events')).toBe(1);
      expect(delta('lode_writer_batched_events_total')).toBe(1);
      expect(delta('lode_writer_batches_total')).toBe(1);
      expect(delta('lode_writer_batch_size_count')).toBe(1);
      expect(delta('lode_writer_batch_size_sum')).toBe(1);
      expect(sample(after, 'lode_connections')).toBe(1);
      expect(sample(after, 'lode_subscriptions')).toBe(1);
      const lookups = delta('lode_event_cache_hits_total') + delta('lode_event_cache_misses_total');
      expect(lookups).toBeGreaterThanOrEqual(1);
    } finally {
      client.close();
      await client.closed;
    }
  });

  it('each server has its own registry, so two servers count separately', async () => {
    const other = await startLodeServer();
    try {
      const client = await RawClient.open(other.server.url);
      await client.publish(note('only on the other server'));
      client.close();
      await client.closed;
      const mine = await metrics();
      const theirs = await (await other.http('/metrics')).text();
      expect(sample(theirs, 'lode_store_events')).toBe(1);
      // One event each (the test above stored one here): a shared registry would show 2 on both.
      expect(sample(theirs, 'nostr_events_total{kind="1"}')).toBe(1);
      expect(sample(mine, 'nostr_events_total{kind="1"}')).toBe(1);
    } finally {
      await other.dispose();
    }
  });
});
