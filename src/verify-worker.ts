// Worker thread body for VerifyPool: verifies batches of (id, pubkey, sig) triples.
// Message in: { seq, items: [id0, pubkey0, sig0, id1, …] }; out: { seq, results: Uint8Array (1 = valid) }.
import { parentPort, workerData } from 'node:worker_threads';
import { verifierByName, type VerifierName } from '../pkg/nostr/index.js';

const verifier = verifierByName(((workerData as { verifier?: VerifierName } | undefined)?.verifier ?? 'wasm'));

parentPort!.on('message', (msg: { seq: number; items: string[] }) => {
  const n = Math.floor(msg.items.length / 3);
  const results = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    results[i] = verifier.verify(msg.items[3 * i], msg.items[3 * i + 1], msg.items[3 * i + 2]) ? 1 : 0;
  }
  parentPort!.postMessage({ seq: msg.seq, results }, [results.buffer]);
});
