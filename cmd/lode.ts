// Entry point of the `lode` command: run the CLI with this process's arguments and exit with its code.
import { main } from './cli.js';

main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`lode: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
