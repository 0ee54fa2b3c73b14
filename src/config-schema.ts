// Every config key the relay reads, in one place: type, range, default and meaning.
// The env var (LODE_<UPPER_SNAKE>) and flag (--<kebab>) names are derived from the key.
import { VERIFIER_CHOICES, type VerifierChoice } from '../pkg/nostr/index.js';
import { defaultStoreOptions, type StoreOptions } from '../pkg/store/index.js';
import { defaultLimits, type RelayLimits } from './limits.js';
import { logLevels, type LogLevel } from './logger.js';
import type { ValueSpec } from './config-value.js';

/** Process-level settings. */
export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string;
  /** Public ws(s):// URL of this relay (NIP-42 AUTH checks it); default ws://host:port. */
  relayUrl?: string;
  logLevel: LogLevel;
  adminToken?: string;
  backupDir: string;
  /** Signature-verification worker threads; 0 = on the main thread; unset = the relay's default. */
  verifyThreads?: number;
  /** Signature backend: auto (native when libsecp256k1 loads, else wasm), native, wasm or noble. */
  verifier: VerifierChoice;
  /** Header with the client IP when behind a reverse proxy (e.g. x-forwarded-for). */
  clientIpHeader?: string;
  /** Warn when the event cache hit ratio over a window stays below this. */
  cacheHitRatioWarn: number;
  /** Seconds per hit-ratio check window. */
  cacheHitRatioWindow: number;
  /** Encryption-at-rest key, 32 bytes as hex or base64 (secret). */
  encryptionKey?: string;
  /** File holding the encryption-at-rest key (hex or base64, or 32 raw bytes). */
  encryptionKeyFile?: string;
}

/** What NIP-11 and the HTML page say about this relay. */
export interface RelayInfoConfig {
  name: string;
  description: string;
  contact?: string;
  pubkey?: string;
  icon?: string;
}

/** Store settings that are plain config values (the encryption key is resolved from server keys). */
type StoreSettings = Omit<StoreOptions, 'dataDir' | 'encryptionKey'>;

export type StoreConfig = StoreSettings & {
  /** Resolved by loadConfig from encryptionKey / encryptionKeyFile; never set from a file directly. */
  encryptionKey?: Buffer;
};

export interface LodeConfig extends ServerConfig {
  info: RelayInfoConfig;
  limits: RelayLimits;
  store: StoreConfig;
}

export type ConfigGroup = 'server' | 'info' | 'limits' | 'store';

export interface KeySpec extends ValueSpec {
  group: ConfigGroup;
  defaultValue: unknown;
}

const serverSpecs: { [K in keyof ServerConfig]-?: ValueSpec & { defaultValue: ServerConfig[K] } } = {
  host: { type: 'string', defaultValue: '127.0.0.1', description: 'Address to listen on (0.0.0.0 for all interfaces).' },
  port: { type: 'int', min: 0, max: 65535, defaultValue: 7447, description: 'TCP port for WebSocket and HTTP (0 picks a free port).' },
  dataDir: { type: 'string', defaultValue: './data', description: 'Directory of the event store (created if missing).' },
  relayUrl: {
    type: 'url',
    schemes: ['ws:', 'wss:'],
    optional: true,
    defaultValue: undefined,
    description: 'Public URL clients use; NIP-42 AUTH events must name it. Default ws://HOST:PORT.',
  },
  logLevel: { type: 'enum', choices: logLevels, defaultValue: 'info', description: 'Least severe log level written.' },
  adminToken: {
    type: 'string',
    optional: true,
    secret: true,
    defaultValue: undefined,
    description: 'Bearer token for the /admin API (reserved: the admin API is not in this version yet). Never logged.',
  },
  backupDir: { type: 'string', defaultValue: './backups', description: 'Directory admin backups are confined to (reserved for the admin API).' },
  verifyThreads: {
    type: 'int',
    min: 0,
    max: 64,
    optional: true,
    defaultValue: undefined,
    description: 'Signature-verification worker threads; 0 verifies on the main thread; unset = min(2, CPU cores).',
  },
  verifier: {
    type: 'enum',
    choices: VERIFIER_CHOICES,
    defaultValue: 'auto',
    description:
      'Signature backend: auto = the system libsecp256k1 (native, ~7x faster) when it loads, else wasm; native refuses to start without it (apt-get install libsecp256k1-1); wasm; noble (pure JS).',
  },
  clientIpHeader: {
    type: 'string',
    optional: true,
    defaultValue: undefined,
    description: 'Behind a reverse proxy: header holding the client IP (e.g. x-forwarded-for), used for per-IP limits.',
  },
  cacheHitRatioWarn: {
    type: 'number',
    min: 0,
    max: 1,
    defaultValue: 0.5,
    description: 'Log a warning when the event cache hit ratio over a window is below this (0 disables).',
  },
  cacheHitRatioWindow: {
    type: 'int',
    min: 10,
    max: 86400,
    defaultValue: 300,
    description: 'Seconds per event-cache hit-ratio check.',
  },
  encryptionKey: {
    type: 'string',
    optional: true,
    secret: true,
    defaultValue: undefined,
    description:
      'Encrypt the store at rest with this 32-byte key (64 hex characters or base64). Prefer encryptionKeyFile; a store created with a key opens only with it. Never logged.',
  },
  encryptionKeyFile: {
    type: 'string',
    optional: true,
    defaultValue: undefined,
    description: 'File holding the encryption key (hex, base64 or 32 raw bytes; keep it mode 0600, outside the data dir).',
  },
};

const infoSpecs: { [K in keyof RelayInfoConfig]-?: ValueSpec & { defaultValue: RelayInfoConfig[K] } } = {
  name: { type: 'string', defaultValue: 'lode', description: 'Relay name (NIP-11 and the HTML page).' },
  description: {
    type: 'string',
    defaultValue: 'A Nostr relay with an embedded event store.',
    description: 'Relay description (NIP-11 and the HTML page).',
  },
  contact: { type: 'string', optional: true, defaultValue: undefined, description: 'Operator contact (NIP-11), e.g. mailto: URI.' },
  pubkey: { type: 'hex64', optional: true, defaultValue: undefined, description: "Operator's public key in hex (NIP-11)." },
  icon: {
    type: 'url',
    schemes: ['http:', 'https:'],
    optional: true,
    defaultValue: undefined,
    description: 'URL of the relay icon (NIP-11).',
  },
};

const storeSpecs: { [K in keyof StoreSettings]-?: ValueSpec } = {
  inlineThreshold: {
    type: 'bytes',
    min: 0,
    max: 16 * 1024 * 1024,
    description: 'Payloads up to this size stay inline in LMDB; larger go to the value log (new writes only).',
  },
  inlinePercentile: {
    type: 'number',
    min: 0.01,
    max: 1,
    optional: true,
    description: 'When set, the inline threshold follows this percentile of observed event sizes (new writes only).',
  },
  valueLogFileSize: {
    type: 'bytes',
    min: 1024 * 1024,
    max: 2 ** 31,
    description: 'Value-log segment size before rolling to a new segment (new segments only).',
  },
  eventCacheSize: { type: 'bytes', min: 0, max: 2 ** 40, description: 'Event cache bound in bytes of ready-to-send JSON; 0 disables.' },
  compression: { type: 'enum', choices: ['none', 'deflate', 'brotli'], description: 'Payload compression (new writes only).' },
  gcInterval: { type: 'int', min: 0, max: 7 * 86400, description: 'Seconds between value-log GC passes; 0 disables the timer.' },
  gcDiscardRatio: { type: 'number', min: 0.01, max: 1, description: 'Value-log segments whose stale share reaches this are rewritten.' },
  expirationSweepInterval: {
    type: 'int',
    min: 0,
    max: 7 * 86400,
    description: 'Seconds between NIP-40 expired-event sweeps; 0 disables the timer.',
  },
  syncWrites: { type: 'boolean', description: 'Acknowledge a write only once its commit is on disk.' },
  mapSize: { type: 'bytes', min: 16 * 1024 * 1024, max: 2 ** 44, description: 'LMDB map size (upper bound of the LMDB file).' },
};

const limitSpecs: { [K in keyof RelayLimits]-?: ValueSpec } = {
  maxMessageBytes: { type: 'bytes', min: 1024, max: 64 * 1024 * 1024, description: 'Largest accepted WebSocket message (NIP-11 max_message_length).' },
  maxEventTags: { type: 'int', min: 1, max: 1_000_000, description: 'Most tags an event may carry (NIP-11 max_event_tags).' },
  maxContentLength: { type: 'int', min: 1, max: 64 * 1024 * 1024, description: 'Longest event content in characters (NIP-11 max_content_length).' },
  maxSubscriptions: { type: 'int', min: 1, max: 100_000, description: 'Open subscriptions per connection (NIP-11 max_subscriptions).' },
  maxFilters: { type: 'int', min: 1, max: 10_000, description: 'Filters per REQ or COUNT (NIP-11 max_filters).' },
  maxFilterValues: {
    type: 'int',
    min: 0,
    max: 10_000_000,
    description: 'Most values one filter may list (ids, authors, kinds and tag values together); 0 = unlimited.',
  },
  maxLimit: { type: 'int', min: 1, max: 1_000_000, description: "A filter's limit is clamped to this (NIP-11 max_limit)." },
  defaultLimit: { type: 'int', min: 1, max: 1_000_000, description: 'Limit used when a filter has none (NIP-11 default_limit).' },
  maxSubIdLength: { type: 'int', min: 1, max: 4096, description: 'Longest subscription id (NIP-11 max_subid_length).' },
  createdAtLowerLimit: {
    type: 'int',
    min: 0,
    max: 2 ** 32,
    description: 'Seconds into the past an event created_at may lie (NIP-11 created_at_lower_limit).',
  },
  createdAtUpperLimit: {
    type: 'int',
    min: 0,
    max: 2 ** 32,
    description: 'Seconds into the future an event created_at may lie (NIP-11 created_at_upper_limit).',
  },
  minPowDifficulty: { type: 'int', min: 0, max: 256, description: 'NIP-13 leading zero bits required of event ids; 0 = off.' },
  maxConnectionsPerIp: { type: 'int', min: 0, max: 1_000_000, description: 'Simultaneous connections from one IP; 0 = unlimited.' },
  eventRatePerIp: { type: 'number', min: 0, max: 1_000_000, description: 'EVENT messages per second per IP (token bucket); 0 = off.' },
  eventBurstPerIp: { type: 'int', min: 1, max: 1_000_000, description: 'Burst size of the per-IP EVENT bucket.' },
  eventRatePerPubkey: { type: 'number', min: 0, max: 1_000_000, description: 'Accepted events per second per author; 0 = off.' },
  eventBurstPerPubkey: { type: 'int', min: 1, max: 1_000_000, description: 'Burst size of the per-author bucket.' },
  reqRatePerIp: { type: 'number', min: 0, max: 1_000_000, description: 'REQ and COUNT messages per second per IP; 0 = off.' },
  reqBurstPerIp: { type: 'int', min: 1, max: 1_000_000, description: 'Burst size of the per-IP REQ bucket.' },
  maxOutboundBufferBytes: {
    type: 'bytes',
    min: 64 * 1024,
    max: 2 ** 32,
    description: 'A client whose unsent data passes this is told why and disconnected.',
  },
  authRequired: { type: 'boolean', description: 'Require NIP-42 AUTH before EVENT, REQ and COUNT (NIP-11 auth_required).' },
  gatedKinds: {
    type: 'intList',
    min: 0,
    max: 65535,
    description: 'Kinds served only to an AUTHed author or p-tagged recipient (DMs, gift wraps).',
  },
  authWindowSeconds: { type: 'int', min: 1, max: 86400, description: "NIP-42: allowed distance of an AUTH event's created_at from now, in seconds." },
};

function withDefaults<T extends object>(
  group: ConfigGroup,
  specs: { [K in keyof T]-?: ValueSpec },
  defaults: T,
): [string, KeySpec][] {
  return Object.entries(specs as Record<string, ValueSpec>).map(([key, spec]) => [
    key,
    { ...spec, group, defaultValue: (defaults as Record<string, unknown>)[key] },
  ]);
}

/** Every key, in documentation order. Keys are unique across groups. */
export const configSchema: ReadonlyMap<string, KeySpec> = new Map<string, KeySpec>([
  ...Object.entries(serverSpecs).map(([k, s]): [string, KeySpec] => [k, { ...s, group: 'server' }]),
  ...Object.entries(infoSpecs).map(([k, s]): [string, KeySpec] => [k, { ...s, group: 'info' }]),
  ...withDefaults<RelayLimits>('limits', limitSpecs, defaultLimits),
  ...withDefaults<StoreSettings>('store', storeSpecs, defaultStoreOptions),
]);
