// The page a browser sees at `/`: who this relay is, how to connect, live counts.
// Every piece of operator-supplied text is HTML-escaped.
import type { HttpServices } from './services.js';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface HomePageFigures {
  connections: number;
  subscriptions: number;
  events: number;
}

export function renderHomePage(s: HttpServices, wsUrl: string, figures: HomePageFigures): string {
  const { info } = s.config;
  const e = escapeHtml;
  const contact = info.contact ? `<p>Contact: ${e(info.contact)}</p>` : '';
  const pubkey = info.pubkey ? `<p>Operator pubkey: <code>${e(info.pubkey)}</code></p>` : '';
  // The counts refresh from /health; the script carries no config text, so nothing to escape there.
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(info.name)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#222}
code{background:#f2f2f2;padding:.1rem .3rem;border-radius:3px}
dl{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}
dt{color:#666}
</style>
</head>
<body>
<h1>${e(info.name)}</h1>
<p>${e(info.description)}</p>
<p>This is a <a href="https://github.com/nostr-protocol/nips">Nostr</a> relay. Add it to your Nostr client with this address:</p>
<p><code id="ws-url">${e(wsUrl)}</code></p>
${contact}${pubkey}
<h2>Now</h2>
<dl>
<dt>Connections</dt><dd id="connections">${figures.connections}</dd>
<dt>Subscriptions</dt><dd id="subscriptions">${figures.subscriptions}</dd>
<dt>Stored events</dt><dd id="events">${figures.events}</dd>
</dl>
<p><small>${e(s.pkg.name)} ${e(s.pkg.version)} · <a href="/health">health</a> · <a href="/metrics">metrics</a> ·
relay information: request <code>/</code> with <code>Accept: application/nostr+json</code></small></p>
<script>
setInterval(async () => {
  try {
    const h = await (await fetch('/health')).json();
    document.getElementById('connections').textContent = h.connections;
    document.getElementById('subscriptions').textContent = h.subscriptions;
    document.getElementById('events').textContent = h.store.events;
  } catch {}
}, 5000);
</script>
</body>
</html>
`;
}
