// JSONL import: batched puts through the store's own semantics; every line is accounted for.
import type { NostrEvent } from '../../nostr/types.js';
import { checkEventShape } from '../../nostr/event-shape.js';
import { hasValidId } from '../../nostr/serialize.js';
import { defaultVerifier } from '../../nostr/signature.js';
import type { EventStoreApi, ImportSummary } from '../base/types.js';

/** A signature check that may run elsewhere (the relay's worker pool) and answer later; any SignatureVerifier is one. */
export interface AsyncSignatureVerifier {
  verify(idHex: string, pubkeyHex: string, sigHex: string): boolean | Promise<boolean>;
}

export interface ImportOptions {
  /** Check ids and signatures (default true). Ids are checked even when signatures are not. */
  verify?: boolean;
  /** Default: the in-process verifier. A worker pool's verifier checks batches in parallel. */
  verifier?: AsyncSignatureVerifier;
  batchSize?: number;
  /** Most reject entries kept in the summary (counts stay exact beyond it). */
  maxRejectsListed?: number;
  onProgress?: (s: ImportSummary) => void;
  signal?: AbortSignal;
}

/**
 * Batches being checked or written at once. The store decides batches in the order they are handed
 * to it, so a later batch sees an earlier one's events (a deletion after its target, a newer
 * replaceable version) exactly as if they had been written one after the other.
 */
const BATCHES_IN_FLIGHT = 3;

function parseLine(line: string): unknown {
  const t = line.trim();
  const value: unknown = JSON.parse(t);
  // Accept relay-message forms too: ["EVENT", {...}] and ["EVENT", "sub", {...}].
  if (Array.isArray(value) && value[0] === 'EVENT') return value[value.length - 1];
  return value;
}

/**
 * Import JSONL lines (strings without newline) into the store. Lines are parsed and id-checked as
 * they are read; each full batch has its signatures checked and is written while the next batches
 * are read, up to BATCHES_IN_FLIGHT at once. The first failed write stops the import: batches after
 * it are not handed to the store, and the error is thrown once the batches in flight have settled.
 */
export async function importLines(store: EventStoreApi, lines: AsyncIterable<string> | Iterable<string>, o: ImportOptions = {}): Promise<ImportSummary> {
  const verify = o.verify ?? true;
  const verifier = o.verifier ?? defaultVerifier;
  const batchSize = o.batchSize ?? 1000;
  const maxListed = o.maxRejectsListed ?? 10_000;
  const s: ImportSummary = { read: 0, stored: 0, duplicate: 0, invalid: 0, refused: 0, rejects: [] };
  const reject = (line: number, status: ImportSummary['rejects'][number]['status'], reason: string) => {
    if (s.rejects.length < maxListed) s.rejects.push({ line, status, reason });
  };

  const inFlight: Promise<void>[] = [];
  let failure: { error: unknown } | undefined;
  /** Settles once the latest batch has been handed to the store (or given up): the next one waits for it. */
  let handedOver: Promise<void> = Promise.resolve();

  const writeBatch = async (events: NostrEvent[], eventLines: number[], ready: Promise<void>, markHanded: () => void): Promise<void> => {
    try {
      let toWrite = events;
      let toWriteLines = eventLines;
      if (verify) {
        const valid = await Promise.all(events.map((ev) => verifier.verify(ev.id, ev.pubkey, ev.sig)));
        toWrite = [];
        toWriteLines = [];
        valid.forEach((ok, i) => {
          if (ok) {
            toWrite.push(events[i]);
            toWriteLines.push(eventLines[i]);
          } else {
            s.invalid++;
            reject(eventLines[i], 'invalid', 'sig: signature verification failed');
          }
        });
      }
      await ready;
      if (failure || toWrite.length === 0) return;
      const written = store.putMany(toWrite);
      markHanded();
      const results = await written;
      results.forEach((r, i) => {
        if (r.status === 'stored') s.stored++;
        else if (r.status === 'duplicate') s.duplicate++;
        else {
          s.refused++;
          reject(toWriteLines[i], r.status, r.message ?? r.status);
        }
      });
      o.onProgress?.(s);
    } catch (error) {
      failure ??= { error };
    } finally {
      markHanded();
    }
  };

  let batch: NostrEvent[] = [];
  let batchLines: number[] = [];
  const submit = async (): Promise<void> => {
    if (!batch.length) return;
    const ready = handedOver;
    let markHanded!: () => void;
    handedOver = new Promise<void>((resolve) => (markHanded = resolve));
    inFlight.push(writeBatch(batch, batchLines, ready, markHanded));
    batch = [];
    batchLines = [];
    if (inFlight.length >= BATCHES_IN_FLIGHT) await inFlight.shift();
  };

  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (o.signal?.aborted || failure) break;
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
    // A stored id needs neither a signature check nor a write (as for the relay's EVENT): re-imports
    // of a file, or of an export with overlap, cost a lookup per known line.
    if (store.has(ev.id)) {
      s.duplicate++;
      continue;
    }
    batch.push(ev);
    batchLines.push(lineNo);
    if (batch.length >= batchSize) await submit();
  }
  if (!failure) await submit();
  await Promise.all(inFlight);
  if (failure) throw failure.error;
  // Signature and store verdicts arrive per batch, after later lines' parse errors: list by line.
  s.rejects.sort((a, b) => a.line - b.line);
  return s;
}
