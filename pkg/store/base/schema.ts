// The LMDB environment and its databases, declared in one place.
import { open, type Database, type RootDatabase } from 'lmdb';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface StoreDatabases {
  env: RootDatabase;
  /** serial(8) → record (metadata + inline payload or value-log pointer). */
  events: Database<Buffer, Buffer>;
  /** id(32) → serial(8). */
  ids: Database<Buffer, Buffer>;
  /** Key-only composite indexes; see keys.ts for the layouts. */
  index: Database<Buffer, Buffer>;
  /** address kind·pubkey·d → serial(8) of the version in force. */
  addresses: Database<Buffer, Buffer>;
  /** NIP-09 markers: id(32) → deleter pubkey(32); address key → deletion created_at (u64). */
  deletedIds: Database<Buffer, Buffer>;
  deletedAddresses: Database<Buffer, Buffer>;
  /** Store-level metadata (counters, write-settings records, format version) as JSON. */
  meta: Database<unknown, string>;
  /**
   * One versioned key whose version is the sequence number of the last committed write batch. Each
   * batch is written only if it still holds the number the batch was decided after, so a batch decided
   * on top of one that failed can never land. Absent when opened read-only.
   */
  writeSeq?: Database<string, string>;
}

export const WRITE_SEQ_KEY = 'seq';

export const FORMAT_VERSION = 1;

export interface OpenDatabaseOptions {
  mapSize: number;
  syncWrites: boolean;
  readOnly?: boolean;
  /** lmdb-js page encryption key (32 UTF-8 bytes), from payload-cipher.ts deriveStoreKeys. */
  encryptionKey?: string;
}

export function openDatabases(dataDir: string, opts: OpenDatabaseOptions): StoreDatabases {
  const path = join(dataDir, 'lmdb');
  if (!opts.readOnly) mkdirSync(path, { recursive: true, mode: 0o700 });
  // Owner-only files (lmdb-js defaults to 0664): events may include gated DMs. permissionsMode is
  // read by lmdb-js but missing from its typings.
  const fileMode: object = { permissionsMode: 0o600 };
  const env = open({
    ...fileMode,
    path,
    maxDbs: 12,
    mapSize: opts.mapSize,
    noSync: !opts.syncWrites,
    readOnly: opts.readOnly,
    // One file per store directory, like strfry's; page cache does the rest.
    noSubdir: false,
    compression: false,
    encoding: 'msgpack',
    ...(opts.encryptionKey ? { encryptionKey: opts.encryptionKey } : {}),
  });
  const bin = { keyEncoding: 'binary', encoding: 'binary' } as const;
  return {
    env,
    events: env.openDB<Buffer, Buffer>('events', bin),
    ids: env.openDB<Buffer, Buffer>('ids', bin),
    index: env.openDB<Buffer, Buffer>('index', bin),
    addresses: env.openDB<Buffer, Buffer>('addresses', bin),
    deletedIds: env.openDB<Buffer, Buffer>('deleted-ids', bin),
    deletedAddresses: env.openDB<Buffer, Buffer>('deleted-addresses', bin),
    meta: env.openDB<unknown, string>('meta', { encoding: 'json' }),
    writeSeq: opts.readOnly ? undefined : env.openDB<string, string>('write-seq', { useVersions: true, encoding: 'string' }),
  };
}
