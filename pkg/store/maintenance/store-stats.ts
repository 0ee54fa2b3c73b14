// The store's figures in one object: sizes, placement, cache, settings in force versus recorded.
import type { StoreParts } from './store-parts.js';
import type { StoreStats } from '../base/types.js';
import { writeSettingsKey, writeSettingsOf } from '../base/options.js';

/** The parts of a store this pass uses. */
export type StatsSource = Pick<StoreParts, 'vlog' | 'cache' | 'counters' | 'options' | 'effectiveInlineThreshold' | 'lmdbFileBytes'>;

export function buildStats(store: StatsSource): StoreStats {
  const c = store.counters;
  const o = store.options;
  const current = writeSettingsKey(writeSettingsOf(o));
  const recorded = Object.entries(c.settings);
  const segments = store.vlog.segments();
  const liveBytes = Object.values(c.segmentLive).reduce((a, b) => a + b, 0);
  return {
    events: c.events,
    eventsByKind: { ...c.byKind },
    inline: { events: c.inlineEvents, bytes: c.inlineBytes },
    valueLog: {
      events: c.vlogEvents,
      bytes: c.vlogBytes,
      liveBytes,
      segments: segments.length,
      fileBytes: store.vlog.totalBytes(),
    },
    lmdbFileBytes: store.lmdbFileBytes(),
    cache: store.cache.stats(),
    settings: {
      inForce: { ...writeSettingsOf(o), effectiveInlineThreshold: store.effectiveInlineThreshold() },
      recorded: recorded.map(([, r]) => r.settings),
      mixed: recorded.some(([key, r]) => key !== current && r.eventsWritten > 0),
    },
    gc: { runs: c.gcRuns, bytesReclaimed: c.gcBytesReclaimed, lastRunAt: c.gcLastRunAt },
  };
}
