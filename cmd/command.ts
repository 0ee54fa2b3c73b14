// The shape of one CLI command: a name, one line of help, a usage text, and run() → exit code.
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface Command {
  name: string;
  /** One line for `lode help`. */
  summary: string;
  /** Full text for `lode help <name>`. */
  usage(): string;
  /** Resolves to the process exit code. */
  run(args: string[], io: CliIo): Promise<number>;
}
