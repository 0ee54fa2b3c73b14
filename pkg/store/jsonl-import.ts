// JSONL import: batched puts through the store's own semantics; every line is accounted for.
import type { NostrEvent } from '../nostr/types.js';
import { checkEventShape } from '../nostr/event-shape.js';
import { hasValidId } from '../nostr/serialize.js';
import { defaultVerifier, type SignatureVerifier } from '../nostr/signature.js';
import type { EventStoreApi, ImportSummary } from './types.js';

export interface ImportOptions {
  /** Check ids and signatures (default true). Ids are checked even when signatures are not. */
  verify?: boolean;
  verifier?: SignatureVerifier;
  batchSize?: number;
  /** Most reject entries kept in the summary (counts stay exact beyond it). */
  maxRejectsListed?: number;
  onProgress?: (s: ImportSummary) => void;
  signal?: AbortSignal;
}

function parseLine(line: string): unknown {
  const t = line.trim();
  const value: unknown = JSON.parse(t);
  // Accept relay-message forms too: ["EVENT", {...}] and ["EVENT", "sub", {...}].
  if (Array.isArray(value) && value[0] === 'EVENT') return value[value.length - 1];
  return value;
}

/** Import JSONL lines (strings without newline) into the store. */
export async function importLines(store: EventStoreApi, lines: AsyncIterable<string> | Iterable<string>, o: ImportOptions = {}): Promise<ImportSummary> {
  const verify = o.verify ?? true;
  const verifier = o.verifier ?? defaultVerifier;
  const batchSize = o.batchSize ?? 1000;
  const maxListed = o.maxRejectsListed ?? 10_000;
  const s: ImportSummary = { read: 0, stored: 0, duplicate: 0, invalid: 0, refused: 0, rejects: [] };
  const reject = (line: number, status: ImportSummary['rejects'][number]['status'], reason: string) => {
    if (s.rejects.length < maxListed) s.rejects.push({ line, status, reason });
  };
  let batch: NostrEvent[] = [];
  let batchLines: number[] = [];
  const flush = async () => {
    if (!batch.length) return;
    const results = await store.putMany(batch);
    results.forEach((r, i) => {
      if (r.status === 'stored') s.stored++;
      else if (r.status === 'duplicate') s.duplicate++;
      else {
        s.refused++;
        reject(batchLines[i], r.status, r.message ?? r.status);
      }
    });
    batch = [];
    batchLines = [];
    o.onProgress?.(s);
  };
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (o.signal?.aborted) break;
    if (line.trim() === '') continue;
    s.read++;
    let parsed: unknown;
    try {
      parsed = parseLine(line);
    } catch (e) {
      s.invalid++;
      reject(lineNo, 'parse-error', `not JSON: ${(e as Error).message}`);
      continue;
    }
    const shape = checkEventShape(parsed);
    if (!shape.ok) {
      s.invalid++;
      reject(lineNo, 'invalid', shape.reason);
      continue;
    }
    const ev = shape.value;
    if (!hasValidId(ev)) {
      s.invalid++;
      reject(lineNo, 'invalid', 'id: does not match the sha256 of the canonical serialization');
      continue;
    }
    if (verify && !verifier.verify(ev.id, ev.pubkey, ev.sig)) {
      s.invalid++;
      reject(lineNo, 'invalid', 'sig: signature verification failed');
      continue;
    }
    batch.push(ev);
    batchLines.push(lineNo);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return s;
}
