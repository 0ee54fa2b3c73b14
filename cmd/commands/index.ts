// Every CLI command, one file each; add a command by adding its file and one line here.
import type { Command } from '../command.js';
import { backupCommand } from './backup.js';
import { compactCommand } from './compact.js';
import { digestCommand } from './digest.js';
import { exportCommand } from './export.js';
import { gcCommand } from './gc.js';
import { helpCommand } from './help.js';
import { importCommand } from './import.js';
import { restoreCommand } from './restore.js';
import { serveCommand } from './serve.js';
import { statsCommand } from './stats.js';
import { verifyCommand } from './verify.js';

export const commands: Command[] = [
  serveCommand,
  exportCommand,
  importCommand,
  backupCommand,
  restoreCommand,
  verifyCommand,
  statsCommand,
  digestCommand,
  gcCommand,
  compactCommand,
];
commands.push(helpCommand(() => commands));
