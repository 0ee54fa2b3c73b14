// The protocol's data shapes, shared by every layer.

/** A signed Nostr event in its stored form: exactly these seven fields. */
export interface NostrEvent {
  id: string;
  pubkey: string;
  created_at: number;
  kind: number;
  tags: string[][];
  content: string;
  sig: string;
}

/**
 * A NIP-01 REQ/COUNT filter. Tag conditions are `#<letter>` keys; they match
 * the first value (index 1) of a tag whose name is that single letter.
 */
export interface Filter {
  ids?: string[];
  authors?: string[];
  kinds?: number[];
  since?: number;
  until?: number;
  limit?: number;
  [tag: `#${string}`]: string[] | undefined;
}

export type KindClass = 'regular' | 'replaceable' | 'ephemeral' | 'addressable';

/** A check that either yields a value or a reason a person can act on. */
export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };
