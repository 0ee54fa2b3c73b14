// Exit codes of the lode CLI, the same for every command, so scripts can branch on them.
export const ExitCode = {
  /** Done; nothing to report. */
  ok: 0,
  /** Ran, but found or produced problems (verify found damage, import rejected lines, …). */
  problems: 1,
  /** Bad arguments or settings; nothing was done. */
  usage: 2,
  /** The data dir is held by another process (a running relay); nothing was done. */
  locked: 3,
  /** Refused to overwrite or use something unsafe (non-empty target, invalid backup); nothing was done. */
  refused: 4,
  /** Failed part-way (I/O error, damaged store); see the message. */
  failed: 5,
} as const;

export const exitCodeHelp = [
  'Exit codes: 0 ok; 1 ran but found problems (verify damage, import rejects);',
  '2 bad arguments or settings; 3 data dir in use by another process (a running relay);',
  '4 refused (non-empty target, invalid backup); 5 failed part-way (see the message).',
].join('\n');
