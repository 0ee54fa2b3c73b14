// `lode help [command]`: the list of commands, or one command's usage.
import type { Command } from '../command.js';

export function helpCommand(all: () => Command[]): Command {
  return {
    name: 'help',
    summary: 'List the commands, or show how to use one: lode help <command>.',
    usage: () => 'Usage: lode help [command]',
    async run(args, io) {
      const commands = all();
      if (args[0]) {
        const c = commands.find((x) => x.name === args[0]);
        if (!c) {
          io.stderr.write(`lode: no command "${args[0]}". Commands: ${commands.map((x) => x.name).join(', ')}\n`);
          return 2;
        }
        io.stdout.write(`${c.usage()}\n`);
        return 0;
      }
      const width = Math.max(...commands.map((c) => c.name.length));
      io.stdout.write(
        ['Usage: lode <command> [options]', '', 'Commands:', ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`), '']
          .concat(['Run `lode help <command>` for its options.', ''])
          .join('\n'),
      );
      return 0;
    },
  };
}
