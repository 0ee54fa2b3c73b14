// The NIP-11 relay information document, built from the config and the limits actually in force.
import { nip11Limitation } from '../limits.js';
import type { HttpServices } from './services.js';

/** NIPs this relay implements end to end. */
export const supportedNips = [1, 9, 11, 40, 42, 45, 70] as const;

export function relayInfoDocument(s: HttpServices): Record<string, unknown> {
  const { info } = s.config;
  const doc: Record<string, unknown> = { name: info.name, description: info.description };
  if (info.pubkey !== undefined) doc.pubkey = info.pubkey;
  if (info.contact !== undefined) doc.contact = info.contact;
  if (info.icon !== undefined) doc.icon = info.icon;
  doc.supported_nips = [...supportedNips];
  doc.software = s.pkg.software;
  doc.version = s.pkg.version;
  doc.limitation = nip11Limitation(s.relay.limits);
  return doc;
}
