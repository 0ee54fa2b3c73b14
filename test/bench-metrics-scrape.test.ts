// The benchmark reads lode's figures from Prometheus text; other relays must show "n/a".
import { describe, expect, it } from 'vitest';
import { parsePrometheus, storeFigures, verifierBackend, windowHitRatio } from '../benchmark/metrics-scrape.js';

const TEXT = `# HELP lode_event_cache_hits_total Event cache lookups served from memory.
# TYPE lode_event_cache_hits_total counter
lode_event_cache_hits_total 950
lode_event_cache_misses_total 50
lode_event_cache_hit_ratio 0.95
lode_store_inline_events 900
lode_store_vlog_events 100
lode_store_bytes{type="lmdb"} 4096
lode_store_bytes{type="vlog"} 1024
lode_store_bytes{type="inline"} 2048
nostr_client_messages_total{verb="EVENT"} 12
lode_req_eose_seconds_bucket{le="+Inf"} 7
lode_verifier_info{backend="native"} 1
`;

describe('metrics scrape', () => {
  it('parses samples with and without labels', () => {
    const s = parsePrometheus(TEXT);
    expect(s.get('lode_event_cache_hits_total')).toBe(950);
    expect(s.get('lode_store_bytes{type="vlog"}')).toBe(1024);
    expect(s.get('nostr_client_messages_total{verb="EVENT"}')).toBe(12);
    expect(s.get('lode_req_eose_seconds_bucket{le="+Inf"}')).toBe(7);
  });

  it("derives lode's hit ratio and inline/value-log shares", () => {
    const f = storeFigures(parsePrometheus(TEXT));
    expect(f.cacheHitRatio).toBe(0.95);
    expect(f.inlineShare).toBe(0.9);
    expect(f.vlogShare).toBe(0.1);
    expect(f.lmdbBytes).toBe(4096);
  });

  it("reads lode's signature backend from lode_verifier_info", () => {
    expect(verifierBackend(parsePrometheus(TEXT))).toBe('native');
    expect(verifierBackend(parsePrometheus('nostr_events_total{kind="1"} 5\n'))).toBe('n/a');
    expect(verifierBackend(undefined)).toBe('n/a');
  });

  it('reports n/a for a relay without these metrics or without /metrics at all', () => {
    const other = storeFigures(parsePrometheus('nostr_events_total{kind="1"} 5\n'));
    expect(other.cacheHitRatio).toBe('n/a');
    expect(other.inlineShare).toBe('n/a');
    expect(storeFigures(undefined).vlogBytes).toBe('n/a');
  });

  it('computes the hit ratio of a window from counter deltas, n/a when nothing was looked up', () => {
    const before = parsePrometheus('lode_event_cache_hits_total 100\nlode_event_cache_misses_total 100\n');
    const after = parsePrometheus('lode_event_cache_hits_total 190\nlode_event_cache_misses_total 110\n');
    expect(windowHitRatio(before, after)).toBe(0.9);
    expect(windowHitRatio(before, before)).toBe('n/a');
    expect(windowHitRatio(undefined, after)).toBe('n/a');
  });

  it('skips comments and malformed lines instead of failing', () => {
    const s = parsePrometheus('# comment\ngarbage line here\nx_total notanumber\ny 3\n');
    expect([...s.entries()]).toEqual([['y', 3]]);
  });
});
