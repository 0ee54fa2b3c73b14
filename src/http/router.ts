// A small HTTP router: route modules contribute routes; unknown paths get a JSON 404, a known
// path with the wrong method a JSON 405, a throwing handler a JSON 500. CORS headers go on
// every answer so browser clients can read the NIP-11 document and /health.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

export interface HttpRequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
}

export interface Route {
  /** Methods served; HEAD is served wherever GET is. */
  methods: string[];
  /** Exact path, or a prefix ending in `/*` (e.g. `/admin/*`). */
  path: string;
  handle(ctx: HttpRequestContext): void | Promise<void>;
}

/** A feature's routes (info, health, metrics, later admin): one module each. */
export interface RouteModule {
  name: string;
  routes: Route[];
}

const corsBase: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': '*',
  'Access-Control-Max-Age': '86400',
};

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, contentType: string, text: string): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}

/** A JSON error body with a stable code and a reason a person can act on. */
export function sendError(res: ServerResponse, status: number, code: string, message: string, headers?: Record<string, string>): void {
  sendJson(res, status, { error: code, message }, headers);
}

function matches(route: Route, pathname: string): boolean {
  if (route.path.endsWith('/*')) {
    const base = route.path.slice(0, -2);
    return pathname === base || pathname.startsWith(`${base}/`);
  }
  return pathname === route.path;
}

export class HttpRouter {
  private readonly routes: Route[] = [];
  private readonly allowMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

  constructor(
    modules: RouteModule[],
    private readonly logger: Logger,
  ) {
    for (const m of modules) this.add(m);
  }

  add(module: RouteModule): void {
    for (const r of module.routes) {
      this.routes.push(r);
      for (const m of r.methods) this.allowMethods.add(m.toUpperCase());
    }
  }

  /** The `request` listener of an http.Server. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    void this.dispatch(req, res);
  };

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [k, v] of Object.entries(corsBase)) res.setHeader(k, v);
    res.setHeader('Access-Control-Allow-Methods', [...this.allowMethods].join(', '));
    const method = (req.method ?? 'GET').toUpperCase();
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://relay.invalid');
    } catch {
      return sendError(res, 400, 'bad-request', 'The request target is not a valid URL path.');
    }
    if (method === 'OPTIONS') {
      // CORS preflight: the headers above are the whole answer.
      res.writeHead(204, { 'Content-Length': 0 });
      res.end();
      return;
    }
    const candidates = this.routes.filter((r) => matches(r, url.pathname));
    if (candidates.length === 0) {
      return sendError(res, 404, 'not-found', `Nothing at ${url.pathname}. Try / (relay info), /health or /metrics.`);
    }
    const route = candidates.find((r) => r.methods.includes(method) || (method === 'HEAD' && r.methods.includes('GET')));
    if (!route) {
      const allowed = [...new Set(candidates.flatMap((r) => r.methods))].join(', ');
      return sendError(res, 405, 'method-not-allowed', `${method} is not served at ${url.pathname}; use ${allowed}.`, { Allow: allowed });
    }
    try {
      await route.handle({ req, res, url });
    } catch (err) {
      this.logger.error({ err, path: url.pathname, method }, 'http handler failed');
      if (!res.headersSent) sendError(res, 500, 'internal-error', 'The relay failed to answer this request; see its log.');
      else res.destroy();
    }
  }
}
