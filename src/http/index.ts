// The HTTP side of the relay's port. Add a feature (e.g. /admin) as one more RouteModule here.
import { adminRoutes } from './admin-routes.js';
import { healthRoutes } from './health-routes.js';
import { infoRoutes } from './info-routes.js';
import { metricsRoutes } from './metrics-routes.js';
import { HttpRouter, type RouteModule } from './router.js';
import type { HttpServices } from './services.js';

export type { HttpServices } from './services.js';
export { HttpRouter, sendJson, sendError, sendText, type Route, type RouteModule, type HttpRequestContext } from './router.js';

/** The standard route modules, in match order. */
export function standardRouteModules(s: HttpServices): RouteModule[] {
  return [infoRoutes(s), healthRoutes(s), metricsRoutes(s), adminRoutes(s)];
}

export function createHttpRouter(s: HttpServices, extra: RouteModule[] = []): HttpRouter {
  return new HttpRouter([...standardRouteModules(s), ...extra], s.logger);
}
