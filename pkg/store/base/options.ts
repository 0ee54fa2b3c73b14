// Store settings: defaults, validation, and the subset that only affects new writes.
import type { StoreOptions } from './types.js';
import { StoreError } from './errors.js';

const MB = 1024 * 1024;

export const defaultStoreOptions: StoreOptions = {
  dataDir: './data',
  inlineThreshold: 1024,
  inlinePercentile: undefined,
  valueLogFileSize: 128 * MB,
  eventCacheSize: 256 * MB,
  compression: 'none',
  gcInterval: 300,
  gcDiscardRatio: 0.5,
  expirationSweepInterval: 60,
  syncWrites: true,
  mapSize: 64 * 1024 * MB,
};

/** The settings recorded in the store's metadata: they shape how new writes are laid out. */
export type WriteSettings = Pick<StoreOptions, 'inlineThreshold' | 'inlinePercentile' | 'compression' | 'valueLogFileSize'>;

export function writeSettingsOf(o: StoreOptions): WriteSettings {
  const s: WriteSettings = {
    inlineThreshold: o.inlineThreshold,
    compression: o.compression,
    valueLogFileSize: o.valueLogFileSize,
  };
  if (o.inlinePercentile !== undefined) s.inlinePercentile = o.inlinePercentile;
  return s;
}

export function writeSettingsKey(s: WriteSettings): string {
  return JSON.stringify([s.inlineThreshold, s.inlinePercentile ?? null, s.compression, s.valueLogFileSize]);
}

function bad(key: string, value: unknown, allowed: string): never {
  throw new StoreError('BAD_OPTIONS', `store option ${key}=${JSON.stringify(value)} is invalid: ${allowed}`);
}

function intInRange(key: string, v: unknown, min: number, max: number): void {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) bad(key, v, `an integer from ${min} to ${max}`);
}

export function resolveStoreOptions(partial: Partial<StoreOptions> & { dataDir: string }): StoreOptions {
  const o: StoreOptions = { ...defaultStoreOptions };
  for (const [k, v] of Object.entries(partial)) if (v !== undefined) (o as unknown as Record<string, unknown>)[k] = v;
  if (typeof o.dataDir !== 'string' || o.dataDir === '') bad('dataDir', o.dataDir, 'a directory path');
  intInRange('inlineThreshold', o.inlineThreshold, 0, 16 * MB);
  if (o.inlinePercentile !== undefined && (typeof o.inlinePercentile !== 'number' || !(o.inlinePercentile > 0 && o.inlinePercentile <= 1)))
    bad('inlinePercentile', o.inlinePercentile, 'a fraction in (0, 1], e.g. 0.99');
  intInRange('valueLogFileSize', o.valueLogFileSize, 1024 * 1024, 2 ** 31);
  intInRange('eventCacheSize', o.eventCacheSize, 0, Number.MAX_SAFE_INTEGER);
  if (!['none', 'deflate', 'brotli'].includes(o.compression)) bad('compression', o.compression, "one of 'none', 'deflate', 'brotli'");
  if (typeof o.gcInterval !== 'number' || !(o.gcInterval >= 0)) bad('gcInterval', o.gcInterval, 'seconds ≥ 0 (0 disables the timer)');
  if (typeof o.gcDiscardRatio !== 'number' || !(o.gcDiscardRatio > 0 && o.gcDiscardRatio <= 1))
    bad('gcDiscardRatio', o.gcDiscardRatio, 'a fraction in (0, 1]');
  if (typeof o.expirationSweepInterval !== 'number' || !(o.expirationSweepInterval >= 0))
    bad('expirationSweepInterval', o.expirationSweepInterval, 'seconds ≥ 0');
  if (typeof o.syncWrites !== 'boolean') bad('syncWrites', o.syncWrites, 'true or false');
  intInRange('mapSize', o.mapSize, 16 * MB, Number.MAX_SAFE_INTEGER);
  if (o.encryptionKey !== undefined && (!Buffer.isBuffer(o.encryptionKey) || o.encryptionKey.length !== 32)) {
    throw new StoreError('BAD_OPTIONS', 'store option encryptionKey is invalid: a Buffer of exactly 32 bytes');
  }
  return o;
}
