import type Dockerode from 'dockerode';
import type http from 'node:http';
import type { Client, ClientChannel } from 'ssh2';
import { HomeportError, type ErrorInfo, type TerminalSize, type Transport } from '../../../shared/contract';
import type { Link } from './host-connection';

/**
 * Wraps a Docker client and what carries it (an ssh2 Client, or nothing for a local socket) as a
 * Link whose end is reported exactly once, whatever ended it.
 */
export function createLink(opts: { docker: Dockerode; transport: Transport; agent: http.Agent | null; ssh: Client | null }): Link {
  const listeners: Array<(error: ErrorInfo | null) => void> = [];
  let ended = false;
  let lastError: ErrorInfo | null = null;
  const end = (error: ErrorInfo | null) => {
    if (ended) return;
    ended = true;
    opts.agent?.destroy();
    opts.ssh?.end();
    for (const l of listeners) l(error);
  };
  opts.ssh?.on('error', (e: Error & { level?: string }) => {
    lastError = {
      code: 'UNREACHABLE',
      message: `The SSH connection failed: ${e.message}`,
      fix: 'Homeport reconnects by itself; check the host if this repeats.',
    };
  });
  opts.ssh?.on('close', () => end(lastError));
  return {
    docker: opts.docker,
    transport: opts.transport,
    ssh: opts.ssh,
    onClose: (l) => void listeners.push(l),
    fail: (error) => end(error),
    close: () => {
      // A deliberate close is not a drop: nobody is told.
      ended = true;
      opts.agent?.destroy();
      opts.ssh?.end();
    },
    shell: (size) => openShell(opts.ssh, size),
  };
}

/**
 * A login shell on a PTY (`xterm-256color`, the size the terminal has) as one more session
 * channel on the host's SSH connection: no new handshake, nothing run but the user's own shell.
 */
function openShell(ssh: Client | null, { cols, rows }: TerminalSize): Promise<ClientChannel> {
  if (!ssh) {
    return Promise.reject(
      new HomeportError({
        code: 'VALIDATION',
        message: 'This host is the local Docker engine, reached without SSH: Homeport has no shell to open on it.',
        fix: 'Use a terminal on this computer, or add the machine as an SSH host.',
      }),
    );
  }
  return new Promise((resolve, reject) => {
    ssh.shell({ term: 'xterm-256color', cols, rows, width: 0, height: 0 }, (err, channel) => {
      if (err) {
        reject(
          new HomeportError({
            code: 'SHELL_FAILED',
            message: `The SSH server refused a shell session: ${err.message}`,
            fix: "Check the server's sshd settings (MaxSessions, ForceCommand, the user's login shell).",
          }),
        );
      } else resolve(channel);
    });
  });
}
