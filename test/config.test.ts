import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, configSchema, envName, flagName, loadConfig, redactConfig, defaultConfig } from '../src/config.js';
import { defaultLimits } from '../src/limits.js';
import { defaultStoreOptions } from '../pkg/store/base/options.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lode-config-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeFile(name: string, data: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof data === 'string' ? data : JSON.stringify(data));
  return path;
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('defaults', () => {
  it('listen on 127.0.0.1:7447 with the store in ./data', () => {
    const { config, file } = loadConfig({ env: {}, argv: [], cwd: dir });
    expect(file).toBeUndefined();
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(7447);
    expect(config.dataDir).toBe(join(dir, 'data'));
  });

  it('cover every relay limit and store option with the owning layer’s defaults', () => {
    const { config } = loadConfig({ env: {}, argv: [], cwd: dir });
    expect(config.limits).toEqual({ ...defaultLimits });
    const { dataDir: _ignored, inlinePercentile: _unset, ...store } = defaultStoreOptions;
    expect(config.store).toEqual(store);
    for (const key of Object.keys(defaultLimits)) expect(configSchema.get(key)?.group).toBe('limits');
    for (const key of Object.keys(defaultStoreOptions).filter((k) => k !== 'dataDir')) expect(configSchema.get(key)?.group).toBe('store');
  });

  it('derive env and flag names from each key', () => {
    expect(envName('dataDir')).toBe('LODE_DATA_DIR');
    expect(envName('maxSubIdLength')).toBe('LODE_MAX_SUB_ID_LENGTH');
    expect(flagName('eventCacheSize')).toBe('--event-cache-size');
  });
});

describe('layering: defaults ← file ← env ← flags', () => {
  it('each later layer wins, and each key records its source', () => {
    writeFile('lode.config.json', { port: 1111, name: 'from file', maxLimit: 300, syncWrites: false });
    const { config, sources, file } = loadConfig({
      cwd: dir,
      env: { LODE_PORT: '2222', LODE_NAME: 'from env' },
      argv: ['--port', '3333'],
    });
    expect(file).toBe(join(dir, 'lode.config.json'));
    expect(config.port).toBe(3333);
    expect(sources.port).toEqual({ kind: 'flag', name: '--port' });
    expect(config.info.name).toBe('from env');
    expect(sources.name).toEqual({ kind: 'env', name: 'LODE_NAME' });
    expect(config.limits.maxLimit).toBe(300);
    expect(config.limits.defaultLimit).toBe(300); // follows a lowered maxLimit when not set itself
    expect(sources.maxLimit.kind).toBe('file');
    expect(config.store.syncWrites).toBe(false);
    expect(config.host).toBe('127.0.0.1');
    expect(sources.host.kind).toBe('default');
  });

  it('--config and LODE_CONFIG name a file elsewhere; --config wins', () => {
    const a = writeFile('a.json', { port: 4001 });
    const b = writeFile('b.json', { port: 4002 });
    expect(loadConfig({ cwd: '/', env: { LODE_CONFIG: a }, argv: [] }).config.port).toBe(4001);
    expect(loadConfig({ cwd: '/', env: { LODE_CONFIG: a }, argv: ['--config', b] }).config.port).toBe(4002);
  });

  it('parses flag forms: --k v, --k=v, bare boolean, --no-boolean, lists and byte units', () => {
    const { config } = loadConfig({
      cwd: dir,
      env: {},
      argv: ['--data-dir=/srv/lode', '--auth-required', '--no-sync-writes', '--gated-kinds', '4,1059,14', '--event-cache-size', '64MiB'],
    });
    expect(config.dataDir).toBe('/srv/lode');
    expect(config.limits.authRequired).toBe(true);
    expect(config.store.syncWrites).toBe(false);
    expect(config.limits.gatedKinds).toEqual([4, 1059, 14]);
    expect(config.store.eventCacheSize).toBe(64 * 1024 * 1024);
  });

  it('env values are parsed by type (numbers, booleans, enums)', () => {
    const { config } = loadConfig({
      cwd: dir,
      env: { LODE_HOST: '0.0.0.0', LODE_SYNC_WRITES: 'false', LODE_COMPRESSION: 'brotli', LODE_GC_DISCARD_RATIO: '0.7' },
      argv: [],
    });
    expect(config.host).toBe('0.0.0.0');
    expect(config.store.syncWrites).toBe(false);
    expect(config.store.compression).toBe('brotli');
    expect(config.store.gcDiscardRatio).toBe(0.7);
  });

  it('an unknown LODE_* variable is a warning, not an error', () => {
    const { warnings } = loadConfig({ cwd: dir, env: { LODE_PROT: '1' }, argv: [] });
    expect(warnings.join('\n')).toContain('LODE_PROT');
  });
});

describe('bad values name the key, the source and what is allowed', () => {
  it('from the file', () => {
    const path = writeFile('lode.config.json', { port: 'seven' });
    const err = configError(() => loadConfig({ cwd: dir, env: {}, argv: [] }));
    expect(err.key).toBe('port');
    expect(err.source).toEqual({ kind: 'file', name: path });
    expect(err.message).toContain('"port"');
    expect(err.message).toContain(path);
    expect(err.message).toContain('an integer from 0 to 65535');
  });

  it('from the environment', () => {
    const err = configError(() => loadConfig({ cwd: dir, env: { LODE_COMPRESSION: 'zip' }, argv: [] }));
    expect(err.key).toBe('compression');
    expect(err.message).toContain('env LODE_COMPRESSION');
    expect(err.message).toContain('one of: none, deflate, brotli');
  });

  it('from a flag', () => {
    const err = configError(() => loadConfig({ cwd: dir, env: {}, argv: ['--max-limit', '0'] }));
    expect(err.key).toBe('maxLimit');
    expect(err.message).toContain('flag --max-limit');
    expect(err.message).toContain('an integer from 1 to');
  });

  it('unknown keys in the file and unknown flags are refused', () => {
    writeFile('lode.config.json', { prot: 7447 });
    expect(configError(() => loadConfig({ cwd: dir, env: {}, argv: [] })).code).toBe('unknown-key');
    rmSync(join(dir, 'lode.config.json'));
    const err = configError(() => loadConfig({ cwd: dir, env: {}, argv: ['--prot', '1'] }));
    expect(err.code).toBe('unknown-key');
    expect(err.message).toContain('--prot');
  });

  it('a file that is not JSON, or is missing when named, is refused', () => {
    writeFile('lode.config.json', '{ port: 1 ');
    expect(configError(() => loadConfig({ cwd: dir, env: {}, argv: [] })).code).toBe('bad-file');
    expect(configError(() => loadConfig({ cwd: dir, env: {}, argv: ['--config', join(dir, 'nope.json')] })).code).toBe('bad-file');
  });

  it('a flag without its value and a stray positional are refused', () => {
    expect(configError(() => loadConfig({ cwd: dir, env: {}, argv: ['--port'] })).code).toBe('bad-argument');
    expect(configError(() => loadConfig({ cwd: dir, env: {}, argv: ['7447'] })).code).toBe('bad-argument');
  });

  it('defaultLimit above maxLimit names the key that was set', () => {
    const err = configError(() => loadConfig({ cwd: dir, env: { LODE_DEFAULT_LIMIT: '900' }, argv: [] }));
    expect(err.key).toBe('defaultLimit');
    expect(err.message).toContain('maxLimit');
  });

  it('relay url, pubkey and byte sizes are checked', () => {
    expect(configError(() => loadConfig({ cwd: dir, env: { LODE_RELAY_URL: 'http://x' }, argv: [] })).key).toBe('relayUrl');
    expect(configError(() => loadConfig({ cwd: dir, env: { LODE_PUBKEY: 'abc' }, argv: [] })).key).toBe('pubkey');
    expect(configError(() => loadConfig({ cwd: dir, env: { LODE_MAP_SIZE: '12 parsecs' }, argv: [] })).key).toBe('mapSize');
  });
});

describe('redaction', () => {
  it('hides the admin token and leaves everything else', () => {
    const { config } = loadConfig({ cwd: dir, env: { LODE_ADMIN_TOKEN: 's3cret-token' }, argv: [] });
    const shown = redactConfig(config);
    expect(JSON.stringify(shown)).not.toContain('s3cret-token');
    expect(shown.adminToken).toBe('[redacted]');
    expect(shown.port).toBe(config.port);
    expect(config.adminToken).toBe('s3cret-token');
  });

  it('a bad secret value is not echoed in the error', () => {
    writeFile('lode.config.json', { adminToken: 12345678 });
    const err = configError(() => loadConfig({ cwd: dir, env: {}, argv: [] }));
    expect(err.key).toBe('adminToken');
    expect(err.message).not.toContain('12345678');
  });
});

describe('defaultConfig', () => {
  it('is the defaults with the data dir given', () => {
    const c = defaultConfig({ dataDir: dir });
    expect(c.dataDir).toBe(dir);
    expect(c.port).toBe(7447);
  });
});

describe('README', () => {
  it('documents every setting with its key, env var and flag', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const key of configSchema.keys()) {
      expect(readme, key).toContain(`| \`${key}\` | \`${envName(key)}\` | \`${flagName(key)}\` |`);
    }
  });
});
