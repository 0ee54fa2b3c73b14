// An event ready to write: everything that can be computed outside the write transaction, packed
// into ONE buffer. Batches of prepared events live until their commit (two or three batches at once
// while commits are pipelined), so every extra object per event is copied by each young-generation
// GC; a dozen small buffers per event cost more in GC than building them did. The views below are
// made on use and die young.
import type { NostrEvent, KindClass } from '../../nostr/types.js';
import type { VlogPointer } from '../vlog/value-log.js';

/** Layout of `block`: serial key (8) · id (32) · pubkey (32) · index keys back to back · record. */
const SERIAL_END = 8;
const ID_END = 40;
export const PREPARED_HEADER_BYTES = 72;

export class PreparedEvent {
  constructor(
    readonly event: NostrEvent,
    readonly cls: KindClass,
    readonly serial: number,
    readonly block: Buffer,
    /** End offset in `block` of each index key; the record runs from the last one to the end. */
    private readonly keyEnds: number[],
    readonly payloadBytes: number,
    readonly expiration: number | undefined,
    /** Address key for replaceable/addressable kinds. */
    readonly address: Buffer | undefined,
    /** Value-log location when the payload is kept out of line. */
    readonly pointer: VlogPointer | undefined,
  ) {}

  get serialKey(): Buffer {
    return this.block.subarray(0, SERIAL_END);
  }
  get idBytes(): Buffer {
    return this.block.subarray(SERIAL_END, ID_END);
  }
  get pubkeyBytes(): Buffer {
    return this.block.subarray(ID_END, PREPARED_HEADER_BYTES);
  }
  get indexKeyCount(): number {
    return this.keyEnds.length;
  }
  indexKey(i: number): Buffer {
    return this.block.subarray(i === 0 ? PREPARED_HEADER_BYTES : this.keyEnds[i - 1], this.keyEnds[i]);
  }
  get record(): Buffer {
    return this.block.subarray(this.keyEnds[this.keyEnds.length - 1]);
  }
}
