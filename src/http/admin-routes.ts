// The admin API under /admin: backup, GC, export, import and stats of the running relay's store.
// Off unless an admin token is configured: then there are no /admin routes at all (404, as for
// any unknown path). With a token every request needs `Authorization: Bearer <token>`, compared
// in constant time; a missing or wrong token is a 401 before anything else is revealed.
// Every refusal is a JSON {error, message}.
import { createHash, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { createInterface } from 'node:readline';
import { EventStore, StoreError, backupStore, exportLines, importLines, type ExportOptions } from '../../pkg/store/index.js';
import { confineBackupPath } from '../backup-path.js';
import { sendError, sendJson, type HttpRequestContext, type RouteModule } from './router.js';
import type { HttpServices } from './services.js';

const MAX_JSON_BODY = 64 * 1024;

/** Constant-time token check: both sides hashed to equal-length digests first. */
export function tokenMatches(expected: string, header: string | undefined): boolean {
  const m = /^Bearer[ \t]+(.+)$/i.exec(header ?? '');
  const given = m ? m[1].trim() : '';
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b) && given.length > 0;
}

class BadRequest extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_JSON_BODY) throw new BadRequest(413, 'body-too-large', `the JSON body may be at most ${MAX_JSON_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new BadRequest(400, 'bad-json', `the body is not JSON: ${(err as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new BadRequest(400, 'bad-json', 'the body must be a JSON object');
  return v as Record<string, unknown>;
}

function ints(q: URLSearchParams, name: string): number[] | undefined {
  const raw = q.get(name);
  if (raw === null || raw === '') return undefined;
  const out = raw.split(',').map(Number);
  if (out.some((n) => !Number.isSafeInteger(n) || n < 0)) throw new BadRequest(400, 'bad-query', `${name} takes comma-separated non-negative integers`);
  return out;
}

function time(q: URLSearchParams, name: string): number | undefined {
  const raw = q.get(name);
  if (raw === null || raw === '') return undefined;
  if (/^\d+$/.test(raw)) return Number(raw);
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw new BadRequest(400, 'bad-query', `${name} takes a unix time in seconds or an ISO date`);
  return Math.floor(ms / 1000);
}

/** The same filters as `lode export`: since, until, kinds, authors. */
export function exportFiltersOf(q: URLSearchParams): ExportOptions {
  const authors = q.get('authors')?.split(',').filter(Boolean);
  if (authors?.some((a) => !/^[0-9a-f]{64}$/.test(a))) throw new BadRequest(400, 'bad-query', 'authors takes comma-separated 64-character lowercase hex keys');
  return { since: time(q, 'since'), until: time(q, 'until'), kinds: ints(q, 'kinds'), authors: authors?.length ? authors : undefined };
}

export function adminRoutes(s: HttpServices): RouteModule {
  const token = s.config.adminToken;
  if (!token) return { name: 'admin', routes: [] };
  const log = s.logger.child({ component: 'admin' });

  const handlers: Record<string, Partial<Record<'GET' | 'POST', (ctx: HttpRequestContext) => Promise<void>>>> = {
    '/admin/stats': {
      GET: async ({ res }) => sendJson(res, 200, { ...s.store.stats(), relay: s.relay.stats() }),
    },
    '/admin/gc': {
      POST: async ({ res }) => {
        const r = await s.store.gc();
        log.info({ gc: r }, 'admin gc');
        sendJson(res, 200, { segments_rewritten: r.segmentsRewritten, bytes_reclaimed: r.bytesReclaimed, entries_moved: r.entriesMoved, duration_ms: r.durationMs });
      },
    },
    '/admin/backup': {
      POST: async ({ req, res }) => {
        const body = await readJsonBody(req);
        const where = confineBackupPath(s.config.backupDir, body.path);
        if (!where.ok) return sendError(res, where.status, where.code, where.reason);
        if (!(s.store instanceof EventStore)) return sendError(res, 501, 'not-supported', 'this store does not support backups');
        const r = await backupStore(s.store, where.path);
        log.info({ path: r.path, bytes: r.sizeBytes, ms: r.durationMs, events: r.manifest.events }, 'admin backup');
        sendJson(res, 200, { path: r.path, size_bytes: r.sizeBytes, duration_ms: r.durationMs, events: r.manifest.events });
      },
    },
    '/admin/export': {
      GET: async ({ req, res, url }) => {
        const filters = exportFiltersOf(url.searchParams);
        const abort = new AbortController();
        res.on('close', () => abort.abort());
        res.writeHead(200, { 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Cache-Control': 'no-store' });
        let count = 0;
        try {
          for await (const line of exportLines(s.store, { ...filters, signal: abort.signal })) {
            count++;
            if (!res.write(`${line}\n`)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
            if (abort.signal.aborted) break;
          }
        } catch (err) {
          if (!abort.signal.aborted) throw err;
        }
        res.end();
        log.info({ count, aborted: abort.signal.aborted, remote: req.socket.remoteAddress }, 'admin export');
      },
    },
    '/admin/import': {
      POST: async ({ req, res, url }) => {
        const verify = url.searchParams.get('verify') !== 'false';
        const lines = createInterface({ input: req, crlfDelay: Infinity });
        // Signatures are checked on the relay's worker threads: the event loop keeps serving clients.
        const summary = await importLines(s.store, lines, { verify, verifier: s.relay.signatureVerifier });
        log.info({ read: summary.read, stored: summary.stored, invalid: summary.invalid, refused: summary.refused }, 'admin import');
        sendJson(res, 200, summary);
      },
    },
  };

  return {
    name: 'admin',
    routes: [
      {
        methods: ['GET', 'POST'],
        path: '/admin/*',
        async handle(ctx) {
          const { req, res, url } = ctx;
          if (!tokenMatches(token, req.headers.authorization)) {
            return sendError(res, 401, 'unauthorized', 'send the admin token as "Authorization: Bearer <token>"', { 'WWW-Authenticate': 'Bearer realm="lode admin"' });
          }
          const route = handlers[url.pathname];
          if (!route) return sendError(res, 404, 'not-found', `no admin endpoint ${url.pathname}; there are ${Object.keys(handlers).join(', ')}`);
          const method = (req.method ?? 'GET').toUpperCase() as 'GET' | 'POST';
          const handler = route[method];
          if (!handler) {
            const allowed = Object.keys(route).join(', ');
            return sendError(res, 405, 'method-not-allowed', `${method} is not served at ${url.pathname}; use ${allowed}`, { Allow: allowed });
          }
          try {
            await handler(ctx);
          } catch (err) {
            if (res.headersSent) throw err;
            if (err instanceof BadRequest) return sendError(res, err.status, err.code, err.message);
            if (err instanceof StoreError) {
              const status = err.code === 'NOT_EMPTY' ? 409 : err.code === 'BUSY' ? 503 : 500;
              log.error({ err, path: url.pathname }, 'admin request failed');
              return sendError(res, status, err.code.toLowerCase().replace(/_/g, '-'), err.message);
            }
            throw err;
          }
        },
      },
    ],
  };
}
