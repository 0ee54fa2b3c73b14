// `/health`: is the relay up, and the store figures an operator looks at first.
import { sendJson, type RouteModule } from './router.js';
import type { HttpServices } from './services.js';

export interface HealthReport {
  status: 'ok' | 'stopping';
  version: string;
  uptime_s: number;
  connections: number;
  subscriptions: number;
  /** The signature backend; fallback_reason when verifier=auto could not use native. */
  verifier: { backend: string; setting: string; fallback_reason?: string };
  store: {
    events: number;
    bytes: { lmdb: number; vlog: number; inline: number };
    cache: { hit_ratio: number; hits: number; misses: number; bytes: number };
    gc: { runs: number; bytes_reclaimed: number };
  };
}

export function healthReport(s: HttpServices): HealthReport {
  const { connections, subscriptions } = s.relay.stats();
  const st = s.store.stats();
  return {
    status: s.isClosing() ? 'stopping' : 'ok',
    version: s.pkg.version,
    uptime_s: Math.floor((Date.now() - s.startedAt) / 1000),
    connections,
    subscriptions,
    verifier: {
      backend: s.relay.signatureBackend.name,
      setting: s.relay.signatureBackend.choice,
      ...(s.relay.signatureBackend.fallbackReason ? { fallback_reason: s.relay.signatureBackend.fallbackReason } : {}),
    },
    store: {
      events: st.events,
      bytes: { lmdb: st.lmdbFileBytes, vlog: st.valueLog.fileBytes, inline: st.inline.bytes },
      cache: { hit_ratio: st.cache.hitRatio, hits: st.cache.hits, misses: st.cache.misses, bytes: st.cache.bytes },
      gc: { runs: st.gc.runs, bytes_reclaimed: st.gc.bytesReclaimed },
    },
  };
}

export function healthRoutes(s: HttpServices): RouteModule {
  return {
    name: 'health',
    routes: [
      {
        methods: ['GET'],
        path: '/health',
        handle({ res }) {
          const report = healthReport(s);
          // 503 while stopping, so a load balancer stops sending clients here.
          sendJson(res, report.status === 'ok' ? 200 : 503, report);
        },
      },
    ],
  };
}
