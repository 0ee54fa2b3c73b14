// `lode serve`: run the relay until SIGINT/SIGTERM; a second signal forces the exit.
import { ConfigError, configSchema, envName, flagName, loadConfig } from '../../src/config.js';
import { describeAllowed } from '../../src/config-value.js';
import { createLogger } from '../../src/logger.js';
import type { Command } from '../command.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run the relay (WebSocket + HTTP on one port) over the store in the data dir.',
  usage() {
    const lines = [...configSchema].map(([key, spec]) => {
      const def = spec.secret || spec.defaultValue === undefined ? '' : ` (default ${JSON.stringify(spec.defaultValue)})`;
      return `  ${flagName(key)} <${spec.type}>  ${envName(key)}\n      ${spec.description} Allowed: ${describeAllowed(spec)}${def}.`;
    });
    return [
      'Usage: lode serve [--config FILE] [--<setting> VALUE ...]',
      '',
      'Settings come from defaults, then lode.config.json (in the working directory, or --config FILE,',
      'or LODE_CONFIG), then LODE_* environment variables, then flags; later ones win.',
      'Boolean flags may be given bare (--auth-required) or negated (--no-sync-writes).',
      '',
      'Settings (flag, environment variable):',
      ...lines,
    ].join('\n');
  },
  async run(args, io) {
    let loaded;
    try {
      loaded = loadConfig({ argv: args, env: io.env, cwd: io.cwd });
    } catch (err) {
      if (err instanceof ConfigError) {
        io.stderr.write(`lode: ${err.message}\n`);
        return 2;
      }
      throw err;
    }
    const { config, warnings, file } = loaded;
    const logger = createLogger({ level: config.logLevel });
    for (const w of warnings) logger.warn(w);
    if (file) logger.info({ file }, 'read config file');

    let server;
    try {
      // Loaded here so help and config errors do not pay for the store and relay modules.
      const { startServer } = await import('../../src/server.js');
      server = await startServer(config, { logger });
    } catch (err) {
      // A setting this machine cannot honour (verifier=native without libsecp256k1) is a settings error.
      if ((err as { code?: string }).code === 'verifier-unavailable') {
        logger.fatal({ err }, `cannot start: ${(err as Error).message}`);
        io.stderr.write(`lode: ${(err as Error).message}\n`);
        return 2;
      }
      logger.fatal({ err }, `cannot start: ${(err as Error).message}`);
      return 1;
    }
    logger.info(
      { url: server.url, relayUrl: server.relayUrl, http: server.httpUrl, dataDir: config.dataDir, verifier: server.relay.signatureBackend.name },
      `lode is listening on ${server.url} (signatures: ${server.relay.signatureBackend.name})`,
    );

    return new Promise<number>((resolve) => {
      let stopping = false;
      const onSignal = (signal: NodeJS.Signals) => {
        if (stopping) {
          logger.warn({ signal }, 'second signal: exiting now without waiting for in-flight work');
          resolve(130);
          return;
        }
        stopping = true;
        logger.info({ signal }, 'shutting down: no new connections, finishing in-flight writes (signal again to force)');
        server.close().then(
          () => resolve(0),
          (err: unknown) => {
            logger.error({ err }, 'shutdown failed');
            resolve(1);
          },
        );
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
  },
};
