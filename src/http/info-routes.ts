// `/`: the NIP-11 document for `Accept: application/nostr+json`, the HTML page for everyone else.
import { renderHomePage } from './home-page.js';
import { relayInfoDocument } from './nip11.js';
import { sendText, type RouteModule } from './router.js';
import type { HttpServices } from './services.js';

export function infoRoutes(s: HttpServices): RouteModule {
  return {
    name: 'info',
    routes: [
      {
        methods: ['GET'],
        path: '/',
        handle({ req, res }) {
          const accept = req.headers.accept ?? '';
          if (accept.includes('application/nostr+json')) {
            const text = `${JSON.stringify(relayInfoDocument(s))}\n`;
            res.writeHead(200, {
              'Content-Type': 'application/nostr+json; charset=utf-8',
              'Content-Length': Buffer.byteLength(text),
              'Cache-Control': 'no-store',
              Vary: 'Accept',
            });
            res.end(text);
            return;
          }
          // Without a configured public URL, show the address the browser itself used.
          const wsUrl = s.config.relayUrl ?? (req.headers.host ? `ws://${req.headers.host}` : s.relayUrl);
          const { connections, subscriptions } = s.relay.stats();
          const page = renderHomePage(s, wsUrl, { connections, subscriptions, events: s.store.stats().events });
          res.setHeader('Vary', 'Accept');
          sendText(res, 200, 'text/html; charset=utf-8', page);
        },
      },
      {
        methods: ['GET'],
        path: '/favicon.ico',
        handle({ res }) {
          res.writeHead(204);
          res.end();
        },
      },
    ],
  };
}
