// Structured logs: pino JSON lines for machines, pretty lines only when a person watches a TTY.
import { pino, type Logger, type LevelWithSilent } from 'pino';
import pinoPretty from 'pino-pretty';

export type { Logger } from 'pino';

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number] & LevelWithSilent;

export interface LoggerOptions {
  level: LogLevel;
  /** Force pretty (true) or JSON (false); by default pretty only when stdout is a TTY. */
  pretty?: boolean;
  /** Where lines go; defaults to stdout. Tests pass a stream to read what was logged. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const base = { level: options.level, base: { app: 'lode' } };
  const pretty = options.pretty ?? (options.destination === undefined && process.stdout.isTTY === true);
  if (pretty) {
    // The prettifier runs in-process as a plain stream (no worker thread), so
    // nothing is lost when the process exits right after a log line.
    const stream = pinoPretty({
      colorize: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,app',
      destination: options.destination ?? 1,
      sync: true,
    });
    return pino(base, stream);
  }
  if (options.destination) return pino(base, options.destination);
  return pino(base, pino.destination({ dest: 1, sync: true }));
}

/** A logger that writes nothing, for tools and tests that do not care. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
