import { streamError, type StreamStarter } from '../streams/streams-service';
import type { StacksManager } from './stacks-service';

/**
 * `stack.run`: a compose action on the host, its output as lines; `stream.end` carries
 * COMMAND_FAILED naming the exit status when it failed. An unknown stack, a disconnected host or a
 * missing compose fail the open call itself. Closing the stream stops the command.
 */
export function stackRunStream(stacks: StacksManager): StreamStarter<'stack.run'> {
  return async ({ hostId, project, action }, sink) => {
    const abort = new AbortController();
    const go = await stacks.run({ hostId, project, action }, sink.emit, abort.signal);
    go().then(
      ({ code, argv, lastLine }) => {
        if (code === 0 || abort.signal.aborted) return sink.end(null);
        const cmd = `${argv.slice(0, argv[0] === 'docker' ? 2 : 1).join(' ')} ${action === 'recreate' ? 'up --force-recreate' : action}`;
        sink.end({
          code: 'COMMAND_FAILED',
          message: `${cmd} exited with status ${code ?? 'unknown (killed)'}${lastLine ? `: ${lastLine}` : ''}`,
          fix: 'The output above says why; fix the cause and run it again.',
          details: { exitStatus: code ?? -1 },
        });
      },
      (e: unknown) => sink.end(streamError(e, `compose ${action}`)),
    );
    return () => abort.abort();
  };
}
