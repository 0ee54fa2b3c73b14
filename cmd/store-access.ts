// How commands reach the store: the config (same layering as `lode serve`), the store opened
// read-only (safe next to a running relay) or for writing (takes the data-dir lock, so it refuses
// while a relay runs), and one mapping from errors to messages and exit codes.
import { EventStore, StoreError } from '../pkg/store/index.js';
import { ConfigError, loadConfig, type LodeConfig } from '../src/config.js';
import type { CliIo } from './command.js';
import { SignatureBackendError } from '../src/signature-backend.js';
import { parseCommandArgs, UsageError, type OptionSpec, type ParsedArgs } from './cli-args.js';
import { ExitCode } from './exit-codes.js';

export function loadCommandConfig(configArgv: string[], io: CliIo): LodeConfig {
  const { config } = loadConfig({ argv: configArgv, env: io.env, cwd: io.cwd });
  return config;
}

/**
 * 'read': no lock, LMDB read-only, safe while the relay runs. 'write': takes the data-dir lock
 * (refused with LOCKED, naming the relay's PID, while it runs); background timers off.
 */
export function openStore(config: LodeConfig, mode: 'read' | 'write', purpose: string, extra: { lock?: boolean } = {}): Promise<EventStore> {
  return EventStore.open({
    ...config.store,
    dataDir: config.dataDir,
    gcInterval: 0,
    expirationSweepInterval: 0,
    readOnly: mode === 'read',
    lock: extra.lock,
    lockPurpose: `lode ${purpose}`,
  });
}

/** A command invocation after its flags are parsed and its config loaded. */
export interface ConfiguredArgs extends ParsedArgs {
  config: LodeConfig;
}

/**
 * run() of a command that works on the configured data dir: parse its flags (at most one
 * positional, required when `needs` says what it is for), run the body with the config (file,
 * LODE_*, flags) loaded on first use of `config` — a body that checks its own flags first reads it
 * after them, so usage errors come before config errors — and turn errors into exit codes (guarded).
 */
export function configuredRun(
  spec: Record<string, OptionSpec>,
  needs: string | undefined,
  body: (args: ConfiguredArgs, io: CliIo) => Promise<number>,
): (args: string[], io: CliIo) => Promise<number> {
  return (args, io) =>
    guarded(io, async () => {
      const parsed = parseCommandArgs(args, spec, needs ? 1 : 0);
      if (needs && !parsed.positionals[0]) throw new UsageError(needs);
      let config: LodeConfig | undefined;
      return body(
        {
          ...parsed,
          get config() {
            return (config ??= loadCommandConfig(parsed.configArgv, io));
          },
        },
        io,
      );
    });
}

/** Run a command body; known errors become one line on stderr and a meaningful exit code. */
export async function guarded(io: CliIo, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    const { code, message } = describeFailure(err);
    io.stderr.write(`lode: ${message}\n`);
    return code;
  }
}

export function describeFailure(err: unknown): { code: number; message: string } {
  if (err instanceof UsageError) return { code: ExitCode.usage, message: `${err.message} (see \`lode help\`)` };
  if (err instanceof ConfigError) return { code: ExitCode.usage, message: err.message };
  // verifier=native on a machine without libsecp256k1: a setting this machine cannot honour.
  if (err instanceof SignatureBackendError) return { code: ExitCode.usage, message: err.message };
  if (err instanceof StoreError) {
    switch (err.code) {
      case 'LOCKED':
        return { code: ExitCode.locked, message: err.message };
      case 'NOT_EMPTY':
      case 'BACKUP_INVALID':
        return { code: ExitCode.refused, message: err.message };
      case 'BAD_OPTIONS':
        return { code: ExitCode.usage, message: err.message };
      default:
        return { code: ExitCode.failed, message: `${err.message} [${err.code}]` };
    }
  }
  const e = err as NodeJS.ErrnoException;
  return { code: ExitCode.failed, message: e?.code ? `${e.message} [${e.code}]` : String(e?.stack ?? e) };
}
