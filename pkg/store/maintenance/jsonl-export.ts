// Streaming JSONL export: one canonical event JSON per line, the format strfry and ORLY exports use.
import type { Filter } from '../../nostr/types.js';
import type { EventStoreApi } from '../base/types.js';

export interface ExportOptions {
  since?: number;
  until?: number;
  kinds?: number[];
  authors?: string[];
  signal?: AbortSignal;
  /** Called every `progressEvery` lines with the running count. */
  onProgress?: (exported: number) => void;
  progressEvery?: number;
}

/**
 * Lines (without newline) of every matching event, newest first. One unbounded query: the store's
 * cursors read in batches and never hold a read transaction across the event loop, so a long export
 * neither buffers the store nor blocks the writer.
 */
export async function* exportLines(store: EventStoreApi, o: ExportOptions = {}): AsyncGenerator<string> {
  const filter: Filter = {};
  if (o.kinds) filter.kinds = o.kinds;
  if (o.authors) filter.authors = o.authors;
  if (o.since !== undefined) filter.since = o.since;
  if (o.until !== undefined) filter.until = o.until;
  let exported = 0;
  const every = o.progressEvery ?? 10_000;
  for await (const json of store.query([filter], { maxLimit: Number.MAX_SAFE_INTEGER, signal: o.signal })) {
    exported++;
    if (o.onProgress && exported % every === 0) o.onProgress(exported);
    yield json;
  }
  o.onProgress?.(exported);
}
