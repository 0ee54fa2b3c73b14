// The data the query differential test runs on: the 3,323 real events of the fixture, plus
// synthetic ones built to stress the index paths real data only touches now and then — the same
// tag value twice in one event (also in two cases), hundreds of tags, many events in one second,
// replacements, deletions by `e` and `a`, and expirations. The store takes them unsigned.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { NostrEvent } from '../../pkg/nostr/types.js';
import type { ValuePool } from './client-filters.js';

export function fixtureEvents(): NostrEvent[] {
  const text = readFileSync(new URL('../fixtures/events-all-valid.jsonl', import.meta.url), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as NostrEvent);
}

/** mulberry32: a small seeded generator, so a failing run can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const recase = (s: string) => (s === s.toLowerCase() ? s.charAt(0).toUpperCase() + s.slice(1) : s.toLowerCase());

/**
 * `count` synthetic events over the fixture's values (authors, tag values, timestamps), so random
 * filters drawn from the same pool reach them beside real events. `now` places expirations.
 * `sign` (for a relay that verifies) turns each into a signed event as it is made, so later
 * deletions name the signed ids and authors.
 */
export function syntheticEvents(
  pool: ValuePool,
  base: NostrEvent[],
  count: number,
  seed: number,
  now: number,
  sign: (ev: NostrEvent) => NostrEvent = (ev) => ev,
): NostrEvent[] {
  const rnd = random(seed);
  const pickOf = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const out: NostrEvent[] = [];
  const push = (ev: NostrEvent) => out.push(sign(ev));
  // A few crowded seconds: many events share these timestamps, so ties by id decide order and limits.
  const crowded = Array.from({ length: 5 }, () => pickOf(pool.createdAt));
  for (let i = 0; i < count; i++) {
    const id = createHash('sha256').update(`synthetic-${seed}-${i}`).digest('hex');
    const pubkey = rnd() < 0.8 ? pickOf(pool.authors.slice(0, 40)) : pickOf(pool.authors);
    const created_at = rnd() < 0.4 ? pickOf(crowded) : pickOf(pool.createdAt);
    const tags: string[][] = [];
    const shape = rnd();
    let kind = pickOf([1, 1, 1, 7, 6, 1985, 9735]);
    if (shape < 0.25) {
      // The same value more than once: exactly, and in another case.
      const t = pickOf(pool.tags.t);
      tags.push(['t', t], ['t', t], ['t', recase(t)], ['t', pickOf(pool.tags.t)]);
      const p = pickOf(pool.tags.p);
      tags.push(['p', p], ['p', p, 'wss://relay.example'], ['e', pickOf(pool.tags.e)], ['e', pickOf(pool.tags.e)]);
    } else if (shape < 0.35) {
      // Many tags: a big mention list and hashtag cloud.
      for (let j = 0; j < 150; j++) tags.push(['p', pickOf(pool.tags.p)]);
      for (let j = 0; j < 40; j++) tags.push(['t', pickOf(pool.tags.t)]);
      for (let j = 0; j < 20; j++) tags.push(['e', pickOf(pool.ids)]);
    } else if (shape < 0.5) {
      // Replaceable and addressable versions, often at one second, so the lowest-id tie rule decides.
      kind = pickOf([0, 3, 10002, 30023, 30023, 30000]);
      if (kind >= 30000) tags.push(['d', rnd() < 0.5 ? pickOf(pool.tags.d.slice(0, 10)) : `d-${i % 7}`]);
      tags.push(['t', pickOf(pool.tags.t)]);
    } else if (shape < 0.6) {
      // Deletions of earlier synthetic events by id and by address (own events only count).
      kind = 5;
      const target = out.length ? pickOf(out) : pickOf(base);
      if (rnd() < 0.6 || target.kind < 30000) tags.push(['e', target.id]);
      else tags.push(['a', `${target.kind}:${target.pubkey}:${target.tags.find((t) => t[0] === 'd')?.[1] ?? ''}`]);
      push({ id, pubkey: rnd() < 0.8 ? target.pubkey : pubkey, created_at: Math.max(created_at, target.created_at), kind, tags, content: '', sig: '0'.repeat(128) });
      continue;
    } else if (shape < 0.7) {
      // Expired (refused) or expiring later (stored and found).
      tags.push(['t', pickOf(pool.tags.t)], ['expiration', String(rnd() < 0.5 ? now - 60 : now + 86_400)]);
    } else {
      tags.push(['t', pickOf(pool.tags.t)], ['p', pickOf(pool.tags.p)], ['e', pickOf(pool.ids)]);
    }
    const content = rnd() < 0.1 ? 'x'.repeat(3000) : `synthetic ${i}`;
    push({ id, pubkey, created_at, kind, tags, content, sig: '0'.repeat(128) });
  }
  return out;
}

/**
 * A signer for syntheticEvents: each fake author gets a key derived from its name, and an event
 * signed under it keeps that key (a deletion by `target.pubkey` is signed by the same key).
 */
export function derivedKeySigner(finalize: (t: Omit<NostrEvent, 'id' | 'pubkey' | 'sig'>, sk: Uint8Array) => NostrEvent): (ev: NostrEvent) => NostrEvent {
  const keyOf = new Map<string, Uint8Array>();
  return (ev) => {
    const sk = keyOf.get(ev.pubkey) ?? createHash('sha256').update(`lode-query-fuzz:${ev.pubkey}`).digest();
    const { id, pubkey, created_at, kind, tags, content, sig } = finalize({ created_at: ev.created_at, kind: ev.kind, tags: ev.tags, content: ev.content }, sk);
    keyOf.set(pubkey, sk);
    return { id, pubkey, created_at, kind, tags, content, sig };
  };
}
