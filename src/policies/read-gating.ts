// Read gating (DMs and gift wraps): events of a gated kind are served — stored, live and in
// COUNT — only to a connection AUTHed as their author or as a p-tagged recipient.
//
// Exact behaviour:
// - A filter that names a gated kind in `kinds`, from a connection with no AUTH, refuses the whole
//   REQ/COUNT with CLOSED "auth-required:" so the client knows to authenticate.
// - AUTHed, a filter whose kinds are all gated and whose `authors` and `#p` both exclude every
//   AUTHed pubkey could only ever return hidden events: CLOSED "restricted:".
// - Every other filter runs; gated events the client may not see are skipped silently (a filter
//   without `kinds` never learns they exist), via QueryOptions.accept and the live fan-out check.
import type { EventMeta } from '../../pkg/store/index.js';
import type { Filter, NostrEvent } from '../../pkg/nostr/index.js';
import type { FilterPolicy } from './types.js';

export const gatedKindsNeedAuth: FilterPolicy = (filters, { limits, client }) => {
  const gated = limits.gatedKinds;
  if (gated.length === 0) return undefined;
  const authed = client.authedPubkeys;
  for (const f of filters) {
    if (!f.kinds || !f.kinds.some((k) => gated.includes(k))) continue;
    if (authed.size === 0) {
      return `auth-required: kinds ${gated.join(', ')} are only served to their author or recipient; authenticate first`;
    }
    if (f.kinds.every((k) => gated.includes(k)) && !canMatchVisible(f, authed)) {
      return `restricted: kinds ${gated.join(', ')} are only served to their author or recipient`;
    }
  }
  return undefined;
};

function canMatchVisible(f: Filter, authed: ReadonlySet<string>): boolean {
  const byAuthor = f.authors === undefined || f.authors.some((a) => authed.has(a));
  const p = f['#p'];
  const byRecipient = p === undefined || p.some((v) => authed.has(v));
  return byAuthor || byRecipient;
}

/** May a reader AUTHed as `authed` see this event? (the store's EventMeta form) */
export function metaReadable(meta: EventMeta, gated: readonly number[], authed: ReadonlySet<string>): boolean {
  if (!gated.includes(meta.kind)) return true;
  if (authed.has(meta.pubkey)) return true;
  for (const [letter, value] of meta.tags) if (letter === 'p' && authed.has(value)) return true;
  return false;
}

/** The same check on a full event (live fan-out). */
export function eventReadable(ev: NostrEvent, gated: readonly number[], authed: ReadonlySet<string>): boolean {
  if (!gated.includes(ev.kind)) return true;
  if (authed.has(ev.pubkey)) return true;
  for (const tag of ev.tags) if (tag[0] === 'p' && tag.length > 1 && authed.has(tag[1])) return true;
  return false;
}
