import type { Client, ClientChannel } from 'ssh2';
import { CappedOutput } from './bounded-output';
import { portableCommand } from './remote-command';

/**
 * Running commands over a host's existing SSH connection (ssh2 Client.exec).
 *
 * Every piece of text that is not a fixed part of Homeport's own command is passed through
 * `shQuote`: one POSIX single-quoted word, in which sh interprets nothing. A user's monitor
 * command (which *is* shell text by design) is run as `sh -c <one quoted word>`, so it reaches
 * `sh` exactly as typed. The remote side hands the command string to the user's login shell,
 * which may not be POSIX (fish, csh): `portableCommand` carries the POSIX text past it unchanged.
 */

/** One POSIX shell word that stands for `arg` exactly: `'…'`, with each `'` written as `'\''`. */
export function shQuote(arg: string): string {
  if (arg.includes('\0')) throw new Error('A shell argument cannot contain a NUL character.');
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** An argv as one command line of quoted words. */
export function shJoin(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('An empty command.');
  return argv.map(shQuote).join(' ');
}

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}


/** Runs argv on the connection; resolves when the channel closes; the signal closes the channel. */
export function sshExecArgv(client: Client, argv: readonly string[], signal: AbortSignal): Promise<ExecResult> {
  const command = portableCommand(`exec ${shJoin(argv)}`);
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('aborted'));
    let channel: ClientChannel | null = null;
    const onAbort = () => {
      channel?.close();
      reject(new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      client.exec(command, (err: Error | undefined, ch: ClientChannel) => {
        if (err) {
          signal.removeEventListener('abort', onAbort);
          return reject(err);
        }
        channel = ch;
        if (signal.aborted) return void ch.close();
        // Output kept per stream is capped (the rest is read and dropped, and the result says so):
        // a chatty command cannot exhaust memory.
        const out = new CappedOutput();
        const errs = new CappedOutput();
        let code: number | null = null;
        ch.on('data', (d: Buffer) => out.push(d));
        ch.stderr.on('data', (d: Buffer) => errs.push(d));
        ch.on('exit', (c: number | null) => (code = typeof c === 'number' ? c : null));
        ch.on('close', () => {
          signal.removeEventListener('abort', onAbort);
          resolve({ code, stdout: out.text(), stderr: errs.text() });
        });
      });
    } catch (e) {
      signal.removeEventListener('abort', onAbort);
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}

/** A user's shell command (an ssh-command monitor), run by `sh -c` as one quoted word. */
export function sshExecShell(client: Client, command: string, signal: AbortSignal): Promise<ExecResult> {
  return sshExecArgv(client, ['sh', '-c', command], signal);
}
