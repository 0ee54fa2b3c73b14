// Pipelined publishing shared by the write workloads: C connections, each with W events in
// flight (bounded window), pulling from one shared source until it ends or a deadline passes.
import { performance } from 'node:perf_hooks';
import { RelayClient } from '../client.js';
import { lineId } from '../dataset.js';
import { LatencyHistogram } from '../histogram.js';

export interface PublishTally {
  sent: number;
  accepted: number;
  duplicate: number;
  rejected: number;
  errors: number;
  seconds: number;
  ok: LatencyHistogram;
  /** A few refusal messages, to tell a policy rejection from a relay bug. */
  sampleRefusals: string[];
}

export function newTally(): PublishTally {
  return { sent: 0, accepted: 0, duplicate: 0, rejected: 0, errors: 0, seconds: 0, ok: new LatencyHistogram(), sampleRefusals: [] };
}

export function addTally(into: PublishTally, from: PublishTally): void {
  into.sent += from.sent;
  into.accepted += from.accepted;
  into.duplicate += from.duplicate;
  into.rejected += from.rejected;
  into.errors += from.errors;
  into.seconds += from.seconds;
  into.ok.merge(from.ok);
  for (const m of from.sampleRefusals) if (into.sampleRefusals.length < 5) into.sampleRefusals.push(m);
}

/** Counts one OK: duplicates are accepted by NIP-01 but not new writes, so they are kept apart. */
export function countOk(tally: PublishTally, result: { accepted: boolean; message: string; ms: number }): void {
  tally.sent++;
  tally.ok.record(result.ms);
  if (result.accepted && result.message.startsWith('duplicate:')) tally.duplicate++;
  else if (result.accepted) tally.accepted++;
  else if (result.message.startsWith('duplicate:')) tally.duplicate++;
  else if (/^(timeout|error: connection)/.test(result.message)) tally.errors++;
  else {
    tally.rejected++;
    if (tally.sampleRefusals.length < 5) tally.sampleRefusals.push(result.message);
  }
}

export async function openClients(url: string, count: number): Promise<RelayClient[]> {
  return Promise.all(Array.from({ length: count }, () => RelayClient.connect(url)));
}

export async function closeClients(clients: RelayClient[]): Promise<void> {
  await Promise.all(clients.map((c) => c.close()));
}

/**
 * Publishes every line from `source` over `clients` with `window` in flight per connection.
 * Stops taking new lines at `deadline` (performance.now() ms); in-flight ones still finish.
 */
export async function publishPipelined(
  clients: RelayClient[],
  source: Iterable<string> | AsyncIterable<string>,
  window: number,
  deadline = Infinity,
): Promise<PublishTally> {
  const tally = newTally();
  const iterator = Symbol.asyncIterator in source ? (source as AsyncIterable<string>)[Symbol.asyncIterator]() : toAsync(source as Iterable<string>);
  let done = false;
  const take = async (): Promise<string | undefined> => {
    if (done || performance.now() >= deadline) return undefined;
    const next = await iterator.next();
    if (next.done) {
      done = true;
      return undefined;
    }
    return next.value;
  };
  const started = performance.now();
  const lanes: Promise<void>[] = [];
  for (const client of clients) {
    for (let w = 0; w < window; w++) {
      lanes.push(
        (async () => {
          for (let line = await take(); line !== undefined; line = await take()) {
            if (!client.isOpen) {
              tally.errors++;
              continue;
            }
            countOk(tally, await client.publish(line, lineId(line)));
          }
        })(),
      );
    }
  }
  await Promise.all(lanes);
  tally.seconds = (performance.now() - started) / 1000;
  return tally;
}

async function* toAsync(items: Iterable<string>): AsyncGenerator<string> {
  yield* items;
}
