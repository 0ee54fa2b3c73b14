// Temp stores and quick unsigned events for store tests (the store trusts its caller on ids and signatures).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { NostrEvent } from '../../pkg/nostr/types.js';
import { EventStore } from '../../pkg/store/event-store.js';
import type { StoreOptions } from '../../pkg/store/base/types.js';

export function tempDir(prefix = 'lode-store-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function openTestStore(dataDir: string, o: Partial<StoreOptions> = {}): Promise<EventStore> {
  return EventStore.open({ dataDir, gcInterval: 0, expirationSweepInterval: 0, syncWrites: false, eventCacheSize: 1 << 20, ...o });
}

export const pubkeyOf = (name: string) => createHash('sha256').update('pk:' + name).digest('hex');

let n = 0;
/** An event with a unique fake id; fields override the defaults. */
export function fakeEvent(fields: Partial<NostrEvent> = {}): NostrEvent {
  const id = createHash('sha256').update(`fake-${n++}-${process.pid}`).digest('hex');
  return { id, pubkey: pubkeyOf('alice'), created_at: 1_700_000_000, kind: 1, tags: [], content: 'hello', sig: '0'.repeat(128), ...fields };
}

export function sampleEvents(): NostrEvent[] {
  const text = readFileSync(new URL('../fixtures/events-sample.jsonl', import.meta.url), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as NostrEvent);
}

export async function collect(it: AsyncIterable<string>): Promise<NostrEvent[]> {
  const out: NostrEvent[] = [];
  for await (const j of it) out.push(JSON.parse(j) as NostrEvent);
  return out;
}
