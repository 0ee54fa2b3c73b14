// NIP-42 relay tag check. URLs are compared leniently: case-insensitive host, default ports
// made explicit, http(s) taken as ws(s), and a trailing slash ignored — clients differ on all of
// these. Anything that does not parse as a URL never matches.

function normalize(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  const scheme = { 'ws:': 'ws', 'http:': 'ws', 'wss:': 'wss', 'https:': 'wss' }[url.protocol];
  if (!scheme) return undefined;
  const port = url.port || (scheme === 'wss' ? '443' : '80');
  const path = url.pathname.replace(/\/+$/, '');
  return `${scheme}://${url.hostname.toLowerCase()}:${port}${path}${url.search}`;
}

/** True when `claimed` (from an AUTH event's relay tag) names the relay at `ours`. */
export function sameRelayUrl(claimed: string, ours: string): boolean {
  const a = normalize(claimed);
  return a !== undefined && a === normalize(ours);
}
