// The relay's config: defaults ← lode.config.json ← LODE_* env ← --flags, validated at start.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { configSchema, type KeySpec, type LodeConfig } from './config-schema.js';
import { describeAllowed, parseValue, toKebab, toUpperSnake } from './config-value.js';
import { parseEncryptionKey, readEncryptionKeyFile } from './encryption-key.js';

export type { LodeConfig, ServerConfig, RelayInfoConfig, StoreConfig } from './config-schema.js';
export { configSchema } from './config-schema.js';

export type ConfigErrorCode = 'invalid-value' | 'unknown-key' | 'bad-file' | 'bad-argument';

export type SourceKind = 'default' | 'file' | 'env' | 'flag';

/** Where a value came from: `file /x/lode.config.json`, `env LODE_PORT`, `flag --port`. */
export interface ConfigSource {
  kind: SourceKind;
  name: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly code: ConfigErrorCode,
    message: string,
    readonly key?: string,
    readonly source?: ConfigSource,
  ) {
    super(message);
  }
}

export interface LoadConfigInput {
  /** Flags after the command name, e.g. ['--port', '7447']. */
  argv?: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Look for ./lode.config.json when no file is named (default true). */
  findFile?: boolean;
}

export interface LoadedConfig {
  config: LodeConfig;
  /** The source of every key's effective value. */
  sources: Record<string, ConfigSource>;
  /** The config file read, if any. */
  file?: string;
  /** Things worth a log line that are not errors (e.g. an unknown LODE_* variable). */
  warnings: string[];
}

const fileName = 'lode.config.json';
/** Variables with the LODE_ prefix that are not config keys but are not typos either. */
const nonKeyEnv = new Set(['LODE_CONFIG']);

export const envName = (key: string): string => `LODE_${toUpperSnake(key)}`;
export const flagName = (key: string): string => `--${toKebab(key)}`;

const byEnv = new Map([...configSchema.keys()].map((k) => [envName(k), k]));
const byFlag = new Map([...configSchema.keys()].map((k) => [flagName(k), k]));

function describeSource(s: ConfigSource): string {
  return s.kind === 'default' ? 'the default' : `${s.kind} ${s.name}`;
}

function setValue(
  values: Map<string, unknown>,
  sources: Record<string, ConfigSource>,
  key: string,
  spec: KeySpec,
  raw: unknown,
  source: ConfigSource,
): void {
  const parsed = parseValue(spec, raw, source.kind === 'env' || source.kind === 'flag');
  if (!parsed.ok) {
    const shown = spec.secret ? '[redacted]' : JSON.stringify(raw);
    throw new ConfigError(
      'invalid-value',
      `Invalid config value for "${key}" from ${describeSource(source)}: ${shown} is not allowed; expected ${describeAllowed(spec)}.`,
      key,
      source,
    );
  }
  values.set(key, parsed.value);
  sources[key] = source;
}

/** Split `--key value`, `--key=value`, bare boolean `--key` and `--no-key`. */
function parseFlags(argv: string[]): { configPath?: string; pairs: { flag: string; key: string; raw: string }[] } {
  const pairs: { flag: string; key: string; raw: string }[] = [];
  let configPath: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      throw new ConfigError('bad-argument', `Unexpected argument "${arg}"; settings are given as --name value (see \`lode help serve\`).`);
    }
    const eq = arg.indexOf('=');
    let flag = eq >= 0 ? arg.slice(0, eq) : arg;
    let raw: string | undefined = eq >= 0 ? arg.slice(eq + 1) : undefined;
    if (flag === '--config') {
      raw ??= argv[++i];
      if (raw === undefined) throw new ConfigError('bad-argument', 'Flag --config needs a file path.');
      configPath = raw;
      continue;
    }
    let key = byFlag.get(flag);
    if (key === undefined && flag.startsWith('--no-') && raw === undefined) {
      const positive = `--${flag.slice(5)}`;
      const k = byFlag.get(positive);
      if (k !== undefined && configSchema.get(k)?.type === 'boolean') {
        key = k;
        flag = positive;
        raw = 'false';
      }
    }
    if (key === undefined) {
      throw new ConfigError('unknown-key', `Unknown flag ${flag}; run \`lode help serve\` for the list of settings.`, undefined, {
        kind: 'flag',
        name: flag,
      });
    }
    if (raw === undefined) {
      const next = argv[i + 1];
      if (configSchema.get(key)?.type === 'boolean' && (next === undefined || next.startsWith('--'))) raw = 'true';
      else if (next === undefined) {
        throw new ConfigError('bad-argument', `Flag ${flag} needs a value; expected ${describeAllowed(configSchema.get(key)!)}.`, key, {
          kind: 'flag',
          name: flag,
        });
      } else raw = argv[++i];
    }
    pairs.push({ flag, key, raw });
  }
  return { configPath, pairs };
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError('bad-file', `Cannot read config file ${path}: ${(err as Error).message}.`, undefined, {
      kind: 'file',
      name: path,
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ConfigError('bad-file', `Config file ${path} is not valid JSON: ${(err as Error).message}.`, undefined, {
      kind: 'file',
      name: path,
    });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError('bad-file', `Config file ${path} must hold a JSON object of settings.`, undefined, { kind: 'file', name: path });
  }
  return data as Record<string, unknown>;
}

/** Resolve the effective config from all four layers; throws ConfigError on the first bad value. */
export function loadConfig(input: LoadConfigInput = {}): LoadedConfig {
  const env = input.env ?? process.env;
  const cwd = input.cwd ?? process.cwd();
  const values = new Map<string, unknown>();
  const sources: Record<string, ConfigSource> = {};
  const warnings: string[] = [];

  for (const [key, spec] of configSchema) {
    values.set(key, spec.defaultValue);
    sources[key] = { kind: 'default', name: 'default' };
  }

  const { configPath, pairs } = parseFlags(input.argv ?? []);

  // File: --config beats LODE_CONFIG beats ./lode.config.json (only that one may be absent).
  const explicit = configPath ?? (env.LODE_CONFIG || undefined);
  const implicit = resolve(cwd, fileName);
  const file = explicit !== undefined ? resolve(cwd, explicit) : input.findFile !== false && existsSync(implicit) ? implicit : undefined;
  if (file !== undefined) {
    for (const [key, raw] of Object.entries(readConfigFile(file))) {
      const spec = configSchema.get(key);
      const source: ConfigSource = { kind: 'file', name: file };
      if (spec === undefined) {
        throw new ConfigError('unknown-key', `Unknown setting "${key}" in config file ${file}; see README.md "Configure" for valid keys.`, key, source);
      }
      setValue(values, sources, key, spec, raw, source);
    }
  }

  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('LODE_') || raw === undefined) continue;
    const key = byEnv.get(name);
    if (key === undefined) {
      if (!nonKeyEnv.has(name)) warnings.push(`Ignoring environment variable ${name}: it is not a lode setting.`);
      continue;
    }
    setValue(values, sources, key, configSchema.get(key)!, raw, { kind: 'env', name });
  }

  for (const { flag, key, raw } of pairs) setValue(values, sources, key, configSchema.get(key)!, raw, { kind: 'flag', name: flag });

  const config = assemble(values);
  checkRelations(config, sources);
  config.dataDir = resolve(cwd, config.dataDir);
  config.backupDir = resolve(cwd, config.backupDir);
  if (config.encryptionKeyFile !== undefined) config.encryptionKeyFile = resolve(cwd, config.encryptionKeyFile);
  resolveEncryptionKey(config, sources, warnings);
  return { config, sources, file, warnings };
}

/** Rules between keys that no single key's range can express. */
function checkRelations(config: LodeConfig, sources: Record<string, ConfigSource>): void {
  const { defaultLimit, maxLimit } = config.limits;
  if (defaultLimit > maxLimit) {
    // Lowering maxLimit alone also lowers the default limit; an explicit defaultLimit above it is a mistake.
    if (sources.defaultLimit.kind === 'default') {
      config.limits.defaultLimit = maxLimit;
      return;
    }
    throw new ConfigError(
      'invalid-value',
      `Invalid config value for "defaultLimit" from ${describeSource(sources.defaultLimit)}: ${defaultLimit} exceeds maxLimit (${maxLimit}); set it to at most ${maxLimit}.`,
      'defaultLimit',
      sources.defaultLimit,
    );
  }
}

/** encryptionKey / encryptionKeyFile → config.store.encryptionKey (32 bytes). */
function resolveEncryptionKey(config: LodeConfig, sources: Record<string, ConfigSource>, warnings: string[]): void {
  const { encryptionKey: text, encryptionKeyFile: path } = config;
  if (text !== undefined && path !== undefined) {
    throw new ConfigError(
      'invalid-value',
      `Both "encryptionKey" (from ${describeSource(sources.encryptionKey)}) and "encryptionKeyFile" (from ${describeSource(sources.encryptionKeyFile)}) are set; give the key one way only.`,
      'encryptionKey',
      sources.encryptionKey,
    );
  }
  if (text !== undefined) {
    const key = parseEncryptionKey(text);
    if (!key) {
      throw new ConfigError(
        'invalid-value',
        `Invalid config value for "encryptionKey" from ${describeSource(sources.encryptionKey)}: [redacted] is not allowed; expected 64 hex characters or base64 of 32 bytes (e.g. from \`openssl rand -hex 32\`).`,
        'encryptionKey',
        sources.encryptionKey,
      );
    }
    config.store.encryptionKey = key;
  } else if (path !== undefined) {
    const file = readEncryptionKeyFile(path);
    if (!file.key) {
      throw new ConfigError(
        'invalid-value',
        `Invalid config value for "encryptionKeyFile" from ${describeSource(sources.encryptionKeyFile)}: ${path}: ${file.problem}.`,
        'encryptionKeyFile',
        sources.encryptionKeyFile,
      );
    }
    if (file.warning) warnings.push(file.warning);
    config.store.encryptionKey = file.key;
  }
}

/** Build the grouped config from flat key → value. */
function assemble(values: Map<string, unknown>): LodeConfig {
  const groups: Record<string, Record<string, unknown>> = { server: {}, info: {}, limits: {}, store: {} };
  for (const [key, spec] of configSchema) {
    const v = values.get(key);
    if (v !== undefined) groups[spec.group][key] = Array.isArray(v) ? [...v] : v;
  }
  return { ...groups.server, info: groups.info, limits: groups.limits, store: groups.store } as unknown as LodeConfig;
}

/** The config with every secret replaced, safe to log or show. */
export function redactConfig(config: LodeConfig): LodeConfig {
  const copy = structuredClone(config) as unknown as Record<string, unknown>;
  const store = copy.store as Record<string, unknown>;
  if (store.encryptionKey !== undefined) store.encryptionKey = '[redacted]';
  for (const [key, spec] of configSchema) {
    if (!spec.secret) continue;
    const holder = spec.group === 'server' ? copy : (copy[spec.group] as Record<string, unknown>);
    if (holder[key] !== undefined) holder[key] = '[redacted]';
  }
  return copy as unknown as LodeConfig;
}

/** Defaults only: what a fresh install runs with. Tests override fields from here. */
export function defaultConfig(overrides: { dataDir?: string } = {}): LodeConfig {
  const { config } = loadConfig({ env: {}, argv: [], findFile: false });
  if (overrides.dataDir !== undefined) config.dataDir = resolve(overrides.dataDir);
  return config;
}
