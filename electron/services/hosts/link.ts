import type Dockerode from 'dockerode';
import type http from 'node:http';
import type { Client } from 'ssh2';
import type { ErrorInfo, Transport } from '../../../shared/contract';
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
  };
}
