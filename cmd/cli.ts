// The `lode` CLI: pick the command and run it; resolves to the exit code. Commands live in cmd/commands/.
import type { CliIo } from './command.js';
import { commands } from './commands/index.js';

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name = 'help', ...args] = argv;
  if (name === '--help' || name === '-h') return main(['help', ...args], io);
  if (name === '--version' || name === '-v') {
    const { packageInfo } = await import('../src/package-info.js');
    io.stdout.write(`${packageInfo().version}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`lode: unknown command "${name}". Run \`lode help\` for the list.\n`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(`${command.usage()}\n`);
    return 0;
  }
  return command.run(args, io);
}
