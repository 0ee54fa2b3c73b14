// Command arguments: the command's own options and positionals, and everything else handed on to
// the config loader (--data-dir, --config, store settings such as --inline-threshold), which
// validates it and names the bad key.
import { configSchema, flagName } from '../src/config.js';

export interface OptionSpec {
  type: 'boolean' | 'string';
  short?: string;
}

export interface ParsedArgs {
  options: Record<string, string | boolean | undefined>;
  positionals: string[];
  /** Flags for loadConfig. */
  configArgv: string[];
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const configFlagType = new Map([...configSchema].map(([key, spec]) => [flagName(key), spec.type]));

export function parseCommandArgs(args: string[], spec: Record<string, OptionSpec>, maxPositionals = Infinity): ParsedArgs {
  const options: ParsedArgs['options'] = {};
  const positionals: string[] = [];
  const configArgv: string[] = [];
  const byShort = new Map<string, string>(Object.entries(spec).flatMap(([name, s]): [string, string][] => (s.short ? [[`-${s.short}`, name]] : [])));
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq >= 0 ? arg.slice(0, eq) : arg;
    const inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    const name = byShort.get(flag) ?? (flag.startsWith('--') ? flag.slice(2) : undefined);
    const own = name !== undefined ? spec[name] : undefined;
    if (own && name !== undefined) {
      if (own.type === 'boolean') options[name] = inline === undefined ? true : inline !== 'false';
      else {
        const value = inline ?? args[++i];
        if (value === undefined) throw new UsageError(`option ${flag} needs a value`);
        options[name] = value;
      }
      continue;
    }
    if (name !== undefined && name.startsWith('no-') && spec[name.slice(3)]?.type === 'boolean') {
      options[name.slice(3)] = false;
      continue;
    }
    if (!flag.startsWith('--')) throw new UsageError(`unknown option ${flag}`);
    // A setting for the config loader: pass the flag and, for non-boolean settings, its value.
    configArgv.push(arg);
    const type = flag === '--config' ? 'string' : configFlagType.get(flag);
    if (inline === undefined && type !== undefined && type !== 'boolean' && args[i + 1] !== undefined) configArgv.push(args[++i]);
  }
  if (positionals.length > maxPositionals) throw new UsageError(`unexpected argument ${positionals[maxPositionals]}`);
  return { options, positionals, configArgv };
}

/** "1,7,30023" → [1, 7, 30023]; a bad list is a UsageError naming the option. */
export function intList(value: string | boolean | undefined, option: string): number[] | undefined {
  if (value === undefined || value === false) return undefined;
  const parts = String(value).split(',').filter((s) => s !== '');
  const out = parts.map(Number);
  if (!parts.length || out.some((n) => !Number.isSafeInteger(n) || n < 0)) throw new UsageError(`--${option} takes comma-separated non-negative integers, got ${JSON.stringify(value)}`);
  return out;
}

/** A unix time in seconds, or an ISO date. */
export function timeArg(value: string | boolean | undefined, option: string): number | undefined {
  if (value === undefined || value === false) return undefined;
  const s = String(value);
  if (/^\d+$/.test(s)) return Number(s);
  const ms = Date.parse(s);
  if (Number.isNaN(ms)) throw new UsageError(`--${option} takes a unix time in seconds or an ISO date, got ${JSON.stringify(s)}`);
  return Math.floor(ms / 1000);
}

export function hexList(value: string | boolean | undefined, option: string): string[] | undefined {
  if (value === undefined || value === false) return undefined;
  const out = String(value).split(',').filter((s) => s !== '');
  if (!out.length || out.some((h) => !/^[0-9a-f]{64}$/.test(h))) throw new UsageError(`--${option} takes comma-separated 64-character lowercase hex keys`);
  return out;
}

export function positiveInt(value: string | boolean | undefined, option: string): number | undefined {
  if (value === undefined || value === false) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`--${option} takes a positive integer, got ${JSON.stringify(value)}`);
  return n;
}
