// Signs generated events: derives each author's key from the data set's seed and makes a
// BIP-340 signature over the event id. Runs inline for small sets and in worker_threads for
// large ones, because signing dominates data-set generation (ids are computed by the caller).
//
// Why tiny-secp256k1 (already a project dependency) and not nostr-tools' finalizeEvent: on this
// machine the pure-JS signer does ~100 signatures/s per core, the wasm one ~1,300/s; 1M events
// would take hours the first way. Ids come from the same canonical serialization nostr-tools
// uses, and dataset.ts checks a sample with nostr-tools' verifyEvent.
import { createHash } from 'node:crypto';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import * as secp from 'tiny-secp256k1';

export interface SignRequest {
  chunk: number;
  ids: string[];
  authors: number[];
}

export interface SignResponse {
  chunk: number;
  sigs: string[];
}

/** The secret key of author `index` in the data set with this seed (valid scalar, deterministic). */
export function authorSecretKey(seed: string, index: number): Uint8Array {
  let attempt = 0;
  for (;;) {
    const key = new Uint8Array(
      createHash('sha256').update(`lode-bench/${seed}/author/${index}/${attempt}`).digest(),
    );
    if (secp.isPrivate(key)) return key;
    attempt++;
  }
}

export function authorPublicKey(secretKey: Uint8Array): string {
  return Buffer.from(secp.xOnlyPointFromScalar(secretKey)).toString('hex');
}

/** Signs ids with the keys of their authors; keeps derived keys for reuse across chunks. */
export class EventSigner {
  private readonly keys = new Map<number, Uint8Array>();

  constructor(private readonly seed: string) {}

  sign(request: SignRequest): SignResponse {
    const sigs = new Array<string>(request.ids.length);
    for (let i = 0; i < request.ids.length; i++) {
      const author = request.authors[i];
      let key = this.keys.get(author);
      if (!key) {
        key = authorSecretKey(this.seed, author);
        this.keys.set(author, key);
      }
      // No auxiliary randomness: the same data set gives the same signatures everywhere.
      const sig = secp.signSchnorr(Buffer.from(request.ids[i], 'hex'), key);
      sigs[i] = Buffer.from(sig).toString('hex');
    }
    return { chunk: request.chunk, sigs };
  }
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === 'dataset-signer') {
  const signer = new EventSigner((workerData as { seed: string }).seed);
  parentPort!.on('message', (request: SignRequest) => {
    parentPort!.postMessage(signer.sign(request));
  });
}
