import type { ClientChannel } from 'ssh2';
import type { HostId, TerminalInput } from '../../../shared/contract';
import type { StreamSink, StreamStarter } from '../streams/streams-service';
import { TerminalOutput } from '../streams/terminal-output';

/** `host.shell`: an interactive login shell on the host, a session channel on its one SSH connection. */
export function hostShellStream(openShell: (hostId: HostId, size: { cols: number; rows: number }) => Promise<ClientChannel>): StreamStarter<'host.shell'> {
  return async ({ hostId, cols, rows }, sink: StreamSink<'host.shell'>) => {
    const channel = await openShell(hostId, { cols, rows });
    const output = new TerminalOutput((text) => sink.emit(text));
    let stopped = false;
    // sshd reports how the shell ended (its exit status or signal) before closing the channel; a
    // channel closed without that was cut off with the connection.
    let exited = false;
    channel.on('data', (chunk: Buffer) => output.write(chunk));
    // With a PTY the shell's stderr arrives on the same stream; this catches anything sent apart.
    channel.stderr.on('data', (chunk: Buffer) => output.write(chunk));
    channel.on('exit', () => (exited = true));
    channel.on('close', () => {
      if (stopped) return;
      output.flush(true);
      if (exited) return sink.end(null);
      sink.end({
        code: 'DISCONNECTED',
        message: 'The SSH connection to the host was lost: the shell was cut off.',
        fix: 'Open the terminal again once the host is connected.',
      });
    });
    return {
      stop: () => {
        stopped = true;
        output.discard();
        channel.close();
      },
      receive: (input: TerminalInput) => {
        if (input.type === 'resize') channel.setWindow(input.rows, input.cols, 0, 0);
        else channel.write(input.data);
      },
    };
  };
}
