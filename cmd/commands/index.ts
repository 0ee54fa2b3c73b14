// Every CLI command, one file each; add a command by adding its file and one line here.
import type { Command } from '../command.js';
import { helpCommand } from './help.js';
import { serveCommand } from './serve.js';

export const commands: Command[] = [serveCommand];
commands.push(helpCommand(() => commands));
