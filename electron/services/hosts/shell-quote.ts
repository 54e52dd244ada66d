/**
 * POSIX single-quote quoting for the one place a remote shell is unavoidable: an SSH exec request
 * carries a command string, not argv. (The text is POSIX sh; ssh/remote-command.ts carries it past
 * the login shell, which may be fish or csh, to /bin/sh.) Rule: no user- or host-supplied text is
 * ever spliced into a command string; every word is quoted here. Inside single quotes a POSIX
 * shell gives no character a meaning except `'` itself, which is written as `'\''` (close the
 * quote, an escaped quote, reopen).
 */
export function shellQuote(word: string): string {
  if (word.includes('\u0000')) throw new Error('A command argument cannot contain a NUL byte.');
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** argv → one command string where every word, the program name included, is quoted. */
export function shellCommand(argv: readonly string[], opts: { cwd?: string | null; env?: Readonly<Record<string, string>> } = {}): string {
  if (argv.length === 0) throw new Error('An empty command cannot run.');
  const envWords: string[] = [];
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    // Names are ours (DOCKER_HOST…), never the user's; checked anyway so the quoting stays the only path.
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new Error(`Not an environment variable name: ${k}`);
    envWords.push(shellQuote(`${k}=${v}`));
  }
  // `env` takes NAME=value words as data (never evaluated), then runs argv[0] by PATH lookup.
  // `exec`: the program replaces the shell, so a signal sent to the session reaches it.
  const run = ['exec', ...(envWords.length ? ['env', ...envWords] : []), ...argv.map(shellQuote)].join(' ');
  // `cd --` so a directory starting with "-" is not read as an option.
  return opts.cwd ? `cd -- ${shellQuote(opts.cwd)} && ${run}` : run;
}
