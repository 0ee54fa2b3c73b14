// `/metrics`: Prometheus text exposition of this server's registry.
import { sendText, type RouteModule } from './router.js';
import type { HttpServices } from './services.js';

export function metricsRoutes(s: HttpServices): RouteModule {
  return {
    name: 'metrics',
    routes: [
      {
        methods: ['GET'],
        path: '/metrics',
        async handle({ res }) {
          sendText(res, 200, s.metrics.contentType, await s.metrics.render());
        },
      },
    ],
  };
}
