// Reads a relay's Prometheus /metrics for the figures only lode exposes (event cache, value
// log); relays without them get "n/a", never a made-up number.
export type Figure = number | 'n/a';

export interface StoreFigures {
  cacheHits: Figure;
  cacheMisses: Figure;
  /** hits / (hits + misses) since the relay started. */
  cacheHitRatio: Figure;
  inlineEvents: Figure;
  vlogEvents: Figure;
  /** Share of stored events whose payload is inline in LMDB (0–1). */
  inlineShare: Figure;
  vlogShare: Figure;
  lmdbBytes: Figure;
  vlogBytes: Figure;
  inlineBytes: Figure;
}

export type Samples = Map<string, number>;

/** Parses the Prometheus text format into `name{labels}` → value (labels as written, sorted). */
export function parsePrometheus(text: string): Samples {
  const samples: Samples = new Map();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const value = Number(m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : m[3]);
    if (Number.isNaN(value)) continue;
    samples.set(m[1] + normalizeLabels(m[2] ?? ''), value);
  }
  return samples;
}

function normalizeLabels(block: string): string {
  if (!block || block === '{}') return '';
  const pairs = [...block.slice(1, -1).matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => `${m[1]}="${m[2]}"`);
  return `{${pairs.sort().join(',')}}`;
}

function figure(samples: Samples | undefined, key: string): Figure {
  const value = samples?.get(key);
  return value === undefined ? 'n/a' : value;
}

/** Fetches /metrics; undefined when the relay has none (404, not Prometheus, unreachable). */
export async function scrapeMetrics(httpUrl: string, timeoutMs = 5000): Promise<Samples | undefined> {
  try {
    const res = await fetch(`${httpUrl.replace(/\/$/, '')}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    if (!res.ok) return undefined;
    const samples = parsePrometheus(text);
    return samples.size > 0 ? samples : undefined;
  } catch {
    return undefined;
  }
}

export function storeFigures(samples: Samples | undefined): StoreFigures {
  const hits = figure(samples, 'lode_event_cache_hits_total');
  const misses = figure(samples, 'lode_event_cache_misses_total');
  const inline = figure(samples, 'lode_store_inline_events');
  const vlog = figure(samples, 'lode_store_vlog_events');
  const stored = typeof inline === 'number' && typeof vlog === 'number' ? inline + vlog : 0;
  return {
    cacheHits: hits,
    cacheMisses: misses,
    cacheHitRatio: figure(samples, 'lode_event_cache_hit_ratio'),
    inlineEvents: inline,
    vlogEvents: vlog,
    inlineShare: stored > 0 ? round(Number(inline) / stored) : 'n/a',
    vlogShare: stored > 0 ? round(Number(vlog) / stored) : 'n/a',
    lmdbBytes: figure(samples, 'lode_store_bytes{type="lmdb"}'),
    vlogBytes: figure(samples, 'lode_store_bytes{type="vlog"}'),
    inlineBytes: figure(samples, 'lode_store_bytes{type="inline"}'),
  };
}

/** lode's signature backend from lode_verifier_info{backend="…"}; 'n/a' for relays without it. */
export function verifierBackend(samples: Samples | undefined): string {
  for (const key of samples?.keys() ?? []) {
    const m = /^lode_verifier_info\{backend="([^"]*)"\}$/.exec(key);
    if (m) return m[1];
  }
  return 'n/a';
}

/**
 * The cache hit ratio within a window (between two scrapes), which is what a workload saw;
 * the relay's own gauge is cumulative since start.
 */
export function windowHitRatio(before: Samples | undefined, after: Samples | undefined): Figure {
  const h0 = before?.get('lode_event_cache_hits_total');
  const m0 = before?.get('lode_event_cache_misses_total');
  const h1 = after?.get('lode_event_cache_hits_total');
  const m1 = after?.get('lode_event_cache_misses_total');
  if (h0 === undefined || m0 === undefined || h1 === undefined || m1 === undefined) return 'n/a';
  const lookups = h1 - h0 + (m1 - m0);
  return lookups > 0 ? round((h1 - h0) / lookups) : 'n/a';
}

function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
