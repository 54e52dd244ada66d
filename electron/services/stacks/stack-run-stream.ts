import type { ErrorInfo, StackAction } from '../../../shared/contract';
import { streamError, type StreamStarter } from '../streams/streams-service';
import type { StackRunResult, StacksService } from './stacks-service';

/**
 * `stack.run`: a compose action on the host, its output as lines; `stream.end` carries
 * COMMAND_FAILED naming the exit status when it failed — and, when the run put the previous
 * compose file back after a failed deploy, what became of that. An unknown stack, a disconnected
 * host or a missing compose fail the open call itself. Closing the stream stops the command.
 */
export function stackRunStream(stacks: StacksService): StreamStarter<'stack.run'> {
  return async ({ hostId, project, action, revertFile }, sink) => {
    const abort = new AbortController();
    const go = await stacks.run({ hostId, project, action, revertFile }, sink.emit, abort.signal);
    go().then(
      (r) => sink.end(r.code === 0 || abort.signal.aborted ? null : failure(action, r)),
      (e: unknown) => sink.end(streamError(e, `compose ${action}`)),
    );
    return () => abort.abort();
  };
}

function failure(action: StackAction, { code, argv, lastLine, reverted }: StackRunResult): ErrorInfo {
  const exitStatus = code ?? -1;
  if (reverted) {
    const failed = `The new file failed: ${lastLine || `exit status ${code ?? 'unknown (killed)'}`}`;
    const kept = `The file that failed is kept as ${reverted.kept}`;
    if (reverted.ok) {
      return {
        code: 'COMMAND_FAILED',
        message: `${failed}; the previous file was put back and redeployed.`,
        fix: `${kept}. Correct the cause (the output above says why) and save the file again.`,
        details: { exitStatus, reverted: true },
      };
    }
    const then = {
      file: `putting the previous file back failed too: ${reverted.why}`,
      up: `the previous file was put back, but redeploying it failed too: ${reverted.why}`,
      check: `the previous file was put back and redeployed, but ${reverted.why}`,
    }[reverted.step];
    return {
      code: 'COMMAND_FAILED',
      message: `${failed}; ${then}.`,
      fix: reverted.step === 'file' ? 'Open the compose file and put it right, then redeploy.' : `${kept}. The output above says what went wrong; fix the cause and run Up again.`,
      details: { exitStatus, reverted: false },
    };
  }
  const cmd = `${argv.slice(0, argv[0] === 'docker' ? 2 : 1).join(' ')} ${action === 'recreate' ? 'up --force-recreate' : action}`;
  return {
    code: 'COMMAND_FAILED',
    message: `${cmd} exited with status ${code ?? 'unknown (killed)'}${lastLine ? `: ${lastLine}` : ''}`,
    fix: 'The output above says why; fix the cause and run it again.',
    details: { exitStatus },
  };
}
