// Structural check of an incoming event (NIP-01 types, hex lengths, kind
// range, tag shape). It runs before hashing, so every later stage can trust
// the types; it says which field is wrong and how.

import { isHex128, isHex64 } from './hex.js';
import type { Checked, NostrEvent } from './types.js';

/** Highest kind NIP-01 allows (kinds are 16-bit). */
export const MAX_KIND = 65535;

type StringWithWellFormed = string & { isWellFormed(): boolean };

/**
 * False for strings holding a lone UTF-16 surrogate. Such a string has no
 * UTF-8 form, so implementations disagree on its canonical bytes (escape vs
 * U+FFFD) and nobody else could reproduce the id: refuse it up front.
 */
export function isWellFormedText(s: string): boolean {
  return (s as StringWithWellFormed).isWellFormed();
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function fail(reason: string): Checked<NostrEvent> {
  return { ok: false, reason };
}

/** Checks `tags` and answers a reason, or undefined when it is well formed. */
export function tagsProblem(tags: unknown): string | undefined {
  if (tags === undefined) return 'tags: missing';
  if (!Array.isArray(tags)) return 'tags: must be an array of arrays of strings';
  for (let i = 0; i < tags.length; i++) {
    const tag: unknown = tags[i];
    if (!Array.isArray(tag)) return `tags[${i}]: must be an array of strings`;
    if (tag.length === 0) return `tags[${i}]: must not be empty (a tag needs at least a name)`;
    for (let j = 0; j < tag.length; j++) {
      const item: unknown = tag[j];
      if (typeof item !== 'string') return `tags[${i}][${j}]: must be a string`;
      if (!isWellFormedText(item)) return `tags[${i}][${j}]: contains a lone UTF-16 surrogate (not valid Unicode)`;
    }
  }
  return undefined;
}

/**
 * Checks that `x` is a NIP-01 event in shape (not that its id or signature
 * are right). On success `value` is a new object holding only the seven
 * fields, in the canonical key order id, pubkey, created_at, kind, tags,
 * content, sig; unknown extra fields are dropped. Tag arrays are shared with
 * the input, not copied.
 */
export function checkEventShape(x: unknown): Checked<NostrEvent> {
  if (!isPlainObject(x)) return fail('event: must be a JSON object');
  const { id, pubkey, created_at, kind, tags, content, sig } = x;

  if (id === undefined) return fail('id: missing');
  if (!isHex64(id)) return fail('id: must be 64 lowercase hex characters');
  if (pubkey === undefined) return fail('pubkey: missing');
  if (!isHex64(pubkey)) return fail('pubkey: must be 64 lowercase hex characters');

  if (created_at === undefined) return fail('created_at: missing');
  if (typeof created_at !== 'number' || !Number.isSafeInteger(created_at) || created_at < 0) {
    return fail('created_at: must be a non-negative integer (unix seconds)');
  }
  if (kind === undefined) return fail('kind: missing');
  if (typeof kind !== 'number' || !Number.isInteger(kind) || kind < 0 || kind > MAX_KIND) {
    return fail(`kind: must be an integer from 0 to ${MAX_KIND}`);
  }

  const tagReason = tagsProblem(tags);
  if (tagReason !== undefined) return fail(tagReason);

  if (content === undefined) return fail('content: missing');
  if (typeof content !== 'string') return fail('content: must be a string');
  if (!isWellFormedText(content)) return fail('content: contains a lone UTF-16 surrogate (not valid Unicode)');

  if (sig === undefined) return fail('sig: missing');
  if (!isHex128(sig)) return fail('sig: must be 128 lowercase hex characters');

  return {
    ok: true,
    value: { id, pubkey, created_at, kind, tags: tags as string[][], content, sig },
  };
}
