/**
 * The one form in which Homeport sends a command to a host.
 *
 * An SSH exec request carries a string, and sshd hands it to the login user's shell (`$SHELL -c`).
 * Homeport's commands are POSIX shell text (quoted argv, `cd … &&`, `sh -c` for a monitor's own
 * command), but the login shell may not be POSIX: fish reads `\\` inside single quotes as one
 * backslash, csh/tcsh expand `!` even inside single quotes and refuse a newline in them. So the
 * POSIX text never meets the login shell: it travels octal-escaped inside one single-quoted word
 * made only of characters every shell (sh, bash, zsh, fish, csh, tcsh) keeps literally there, and
 * a fixed decoder — itself such a word — has /bin/sh turn it back and run it:
 *
 *   exec /bin/sh -c 'eval "$(printf %b "$1")"' sh '<text, with \0ooo for every other byte>'
 *
 * `exec` all the way down (login shell → sh → the command, when the text starts with `exec`)
 * keeps the process tree as it was without the wrapper, so a signal still reaches the command.
 */

/** Printable ASCII except `'` (ends the word), `\` (fish's escape, and printf's) and `!` (csh history). */
function literalEverywhere(byte: number): boolean {
  return byte >= 0x20 && byte <= 0x7e && byte !== 0x27 && byte !== 0x5c && byte !== 0x21;
}

export function portableCommand(posix: string): string {
  if (posix.includes('\0')) throw new Error('A command cannot contain a NUL character.');
  let encoded = '';
  for (const byte of Buffer.from(posix, 'utf8')) {
    // `\0ooo` is printf %b's octal escape (POSIX); a backslash followed by 0 is literal in fish's
    // and csh's single quotes alike.
    encoded += literalEverywhere(byte) ? String.fromCharCode(byte) : `\\0${byte.toString(8).padStart(3, '0')}`;
  }
  // The decoder is the same word for every command; `$(…)` drops only trailing newlines.
  return `exec /bin/sh -c 'eval "$(printf %b "$1")"' sh '${encoded}'`;
}
