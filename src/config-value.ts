// How one config value is described, parsed from text or JSON, and explained when it is wrong.

export type ValueType = 'string' | 'int' | 'number' | 'boolean' | 'bytes' | 'enum' | 'intList' | 'url' | 'hex64';

export interface ValueSpec {
  type: ValueType;
  description: string;
  min?: number;
  max?: number;
  /** Allowed values of an `enum`. */
  choices?: readonly string[];
  /** URL schemes a `url` accepts. */
  schemes?: readonly string[];
  /** The key may be left unset (no default value). */
  optional?: boolean;
  /** Never logged or shown: redactConfig replaces it. */
  secret?: boolean;
}

export type Parsed = { ok: true; value: unknown } | { ok: false };

const byteUnits: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1000 ** 4,
  tib: 1024 ** 4,
};

/** Human wording of what a key accepts, used in every error about it. */
export function describeAllowed(spec: ValueSpec): string {
  const range = (unit: string): string => {
    if (spec.min !== undefined && spec.max !== undefined) return ` from ${spec.min} to ${spec.max}${unit}`;
    if (spec.min !== undefined) return ` of at least ${spec.min}${unit}`;
    if (spec.max !== undefined) return ` of at most ${spec.max}${unit}`;
    return '';
  };
  const unset = spec.optional ? ' (or empty to leave it unset)' : '';
  switch (spec.type) {
    case 'string':
      return `a string${unset}`;
    case 'int':
      return `an integer${range('')}${unset}`;
    case 'number':
      return `a number${range('')}${unset}`;
    case 'boolean':
      return 'true or false';
    case 'bytes':
      return `a byte size${range(' bytes')}, as a number or with a unit (e.g. 65536, 64KiB, 512MiB, 2GiB)${unset}`;
    case 'enum':
      return `one of: ${(spec.choices ?? []).join(', ')}`;
    case 'intList':
      return `a list of integers${range('')} (JSON array, or comma-separated in env and flags)`;
    case 'url':
      return `a URL starting with ${(spec.schemes ?? []).map((s) => `${s}//`).join(' or ')}${unset}`;
    case 'hex64':
      return `64 lowercase hex characters${unset}`;
  }
}

function inRange(spec: ValueSpec, n: number): boolean {
  return (spec.min === undefined || n >= spec.min) && (spec.max === undefined || n <= spec.max);
}

function toNumber(raw: unknown, fromText: boolean): number | undefined {
  if (typeof raw === 'number') return raw;
  if (fromText && typeof raw === 'string' && raw.trim() !== '') {
    const n = Number(raw.trim());
    return Number.isNaN(n) ? undefined : n;
  }
  return undefined;
}

function parseBytes(raw: unknown): number | undefined {
  if (typeof raw === 'number') return raw;
  if (typeof raw !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(raw);
  if (!m) return undefined;
  const unit = byteUnits[m[2].toLowerCase()];
  if (unit === undefined) return undefined;
  return Math.round(Number(m[1]) * unit);
}

/**
 * Parse one value. `fromText` is true for env vars and flags (everything is a
 * string there); a config file must use proper JSON types, except byte sizes
 * which may carry a unit.
 */
export function parseValue(spec: ValueSpec, raw: unknown, fromText: boolean): Parsed {
  if (spec.optional && (raw === null || (fromText && raw === ''))) return { ok: true, value: undefined };
  switch (spec.type) {
    case 'string':
      return typeof raw === 'string' ? { ok: true, value: raw } : { ok: false };
    case 'int':
    case 'number': {
      const n = toNumber(raw, fromText);
      if (n === undefined || !Number.isFinite(n) || !inRange(spec, n)) return { ok: false };
      if (spec.type === 'int' && !Number.isInteger(n)) return { ok: false };
      return { ok: true, value: n };
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      if (!fromText || typeof raw !== 'string') return { ok: false };
      const t = raw.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(t)) return { ok: true, value: true };
      if (['false', '0', 'no', 'off'].includes(t)) return { ok: true, value: false };
      return { ok: false };
    }
    case 'bytes': {
      const n = parseBytes(raw);
      if (n === undefined || !Number.isInteger(n) || !inRange(spec, n)) return { ok: false };
      return { ok: true, value: n };
    }
    case 'enum':
      return typeof raw === 'string' && (spec.choices ?? []).includes(raw) ? { ok: true, value: raw } : { ok: false };
    case 'intList': {
      let items: unknown[];
      if (Array.isArray(raw)) items = raw;
      else if (fromText && typeof raw === 'string') items = raw.trim() === '' ? [] : raw.split(',');
      else return { ok: false };
      const out: number[] = [];
      for (const item of items) {
        const n = toNumber(typeof item === 'string' ? item.trim() : item, fromText || typeof item === 'number');
        if (n === undefined || !Number.isInteger(n) || !inRange(spec, n)) return { ok: false };
        out.push(n);
      }
      return { ok: true, value: out };
    }
    case 'url': {
      if (typeof raw !== 'string') return { ok: false };
      try {
        const u = new URL(raw);
        if (spec.schemes && !spec.schemes.includes(u.protocol)) return { ok: false };
        return { ok: true, value: raw };
      } catch {
        return { ok: false };
      }
    }
    case 'hex64':
      return typeof raw === 'string' && /^[0-9a-f]{64}$/.test(raw) ? { ok: true, value: raw } : { ok: false };
  }
}

/** `dataDir` → `DATA_DIR` (env suffix). */
export function toUpperSnake(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** `dataDir` → `data-dir` (flag name). */
export function toKebab(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
