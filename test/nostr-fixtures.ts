// Loads the pkg/nostr test fixtures (see test/fixtures/SOURCES.md).

import { readFileSync } from 'node:fs';
import type { NostrEvent } from '../pkg/nostr/types.js';

function fixtureText(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

export interface Nip01Vectors {
  test_pubkey: string;
  valid: { description: string; serialized: string; event: NostrEvent }[];
  wire_variants: { description: string; expected_id: string; raw: string }[];
  invalid: { description: string; event: Record<string, unknown> }[];
}

export function loadNip01Vectors(): Nip01Vectors {
  return JSON.parse(fixtureText('nip01-event-vectors.json')) as Nip01Vectors;
}

export interface Bip340Row {
  index: number;
  publicKey: string;
  message: string;
  signature: string;
  valid: boolean;
  comment: string;
}

/** Rows of the BIP-340 CSV (the comment column may itself contain commas). */
export function loadBip340Rows(): Bip340Row[] {
  const lines = fixtureText('bip340-test-vectors.csv').trim().split(/\r?\n/).slice(1);
  return lines.map((line) => {
    const f = line.split(',');
    return {
      index: Number(f[0]),
      publicKey: f[2],
      message: f[4],
      signature: f[5],
      valid: f[6] === 'TRUE',
      comment: f.slice(7).join(','),
    };
  });
}

/** The raw lines of events-sample.jsonl (canonical JSON, one event each). */
export function loadSampleLines(): string[] {
  return fixtureText('events-sample.jsonl').split('\n').filter((l) => l.length > 0);
}

export function loadSampleEvents(): NostrEvent[] {
  return loadSampleLines().map((l) => JSON.parse(l) as NostrEvent);
}
