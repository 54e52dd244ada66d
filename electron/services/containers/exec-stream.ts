import type Dockerode from 'dockerode';
import type { Duplex } from 'node:stream';
import { HomeportError, type TerminalInput } from '../../../shared/contract';
import { engineError } from '../docker/engine-common';
import { engineMessage } from '../docker/engine-message';
import { type EngineHub } from '../engines';
import { engineErrorInfo } from '../docker/engine-message';
import type { Logger } from '../platform/platform';
import type { StreamHandle, StreamStarter } from '../streams/streams-service';
import { TerminalOutput } from '../streams/terminal-output';

/**
 * The one command a container terminal runs: bash where the image has it, else sh. Fixed text —
 * nothing the user or the host supplies is ever spliced into it (the container is named by id
 * in the API path, not in a command). It first prints the shell's PID (the `exec`s keep it)
 * between two RS characters, which the stream takes off the output: Docker has no API to end an
 * exec, and closing its connection leaves the shell running (moby#9098), so closing the terminal
 * sends that PID a SIGHUP — as a hung-up terminal would.
 */
export const CONTAINER_SHELL_CMD = [
  '/bin/sh',
  '-c',
  String.raw`printf '\036homeport-pid:%s\036' "$$"; command -v bash >/dev/null 2>&1 && exec bash || exec sh`,
] as const;
/** How long the shell may take to start before `open` gives up. */
const START_TIMEOUT_MS = 15_000;
/** Hangs up the terminal's shell: its PID is an argument of a fixed script, never spliced into it. */
const HANGUP_CMD = (pid: number) => ['/bin/sh', '-c', 'kill -HUP "$1"', 'homeport-hangup', String(pid)];

/**
 * `container.exec`: an interactive shell in a running container on a TTY, through the Docker API
 * (exec create + a hijacked, bidirectional exec start). Input is keystrokes and resizes; the
 * stream ends by itself when the shell exits.
 */
export function containerExecStream(hub: EngineHub, logger: Logger): StreamStarter<'container.exec'> {
  return async ({ hostId, containerId, cols, rows }, sink) => {
    const docker = hub.dockerOf(hostId);
    let exec;
    try {
      exec = await docker.getContainer(containerId).exec({
        Cmd: [...CONTAINER_SHELL_CMD],
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: true,
        Env: ['TERM=xterm-256color'],
      });
    } catch (e) {
      throw execError(e, containerId);
    }
    let socket: Duplex;
    try {
      socket = (await exec.start({ hijack: true, stdin: true, Tty: true })) as Duplex;
    } catch (e) {
      throw execError(e, containerId);
    }
    const output = new TerminalOutput((text) => sink.emit(text));
    let stopped = false;
    let ended = false;
    // A resize that races the shell's exit fails harmlessly: nothing to report.
    const resize = (c: number, r: number) => exec.resize({ w: c, h: r }).catch(() => {});

    // The first bytes carry the shell's PID (see CONTAINER_SHELL_CMD). `open` answers only once
    // they have come — the shell is running, at the terminal's size — so nothing typed can reach
    // the TTY before the shell does. If the stream ends first, no shell could start at all.
    let pid: number | null = null;
    let head: Buffer | null = Buffer.alloc(0);
    let started!: (ok: boolean) => void;
    const ready = new Promise<boolean>((r) => (started = r));
    socket.on('data', (chunk: Buffer) => {
      if (!head) return output.write(chunk);
      head = Buffer.concat([head, chunk]);
      const m = /^\x1ehomeport-pid:(\d{1,10})\x1e/.exec(head.toString('latin1'));
      if (m) {
        pid = Number(m[1]);
        const rest = head.subarray(m[0].length);
        head = null;
        if (rest.length) output.write(rest);
        started(true);
      } else if (head.length > 4096) {
        started(false);
      }
    });
    // The connection to the engine broke (the host's SSH connection dropped): the shell may still
    // run, but this terminal is cut off from it, and must say so rather than end as if it exited.
    let broken: HomeportError | null = null;
    socket.on('error', (e: Error) => {
      broken ??= engineError(e);
      logger.warn('container terminal stream failed', { hostId, error: e.message });
    });
    const onEnd = () => {
      if (ended) return;
      ended = true;
      started(false);
      if (stopped || pid === null) return;
      output.flush(true);
      if (broken) {
        sink.end({
          code: broken.code === 'ENGINE' ? 'DISCONNECTED' : broken.code,
          message: `The terminal was cut off: ${broken.message}`,
          fix: 'Open the terminal again once the host is connected.',
        });
      } else sink.end(null); // the user's own `exit`, or the container stopped under the shell
    };
    socket.on('end', onEnd);
    socket.on('close', onEnd);

    await resize(cols, rows);
    const timer = setTimeout(() => started(false), START_TIMEOUT_MS);
    const ok = await ready;
    clearTimeout(timer);
    if (!ok) {
      stopped = true;
      socket.destroy();
      const said = head ? head.toString('utf8').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '').trim().slice(0, 300) : '';
      const code = await exec.inspect().then((i: { ExitCode?: number | null }) => i.ExitCode ?? null, () => null);
      throw new HomeportError({
        code: 'SHELL_FAILED',
        message: `No shell could start in ${containerId}${code !== null ? ` (exit code ${code})` : ''}${said ? `: ${said}` : ': the image may have no /bin/sh.'}`,
        fix: 'Minimal images (distroless, scratch) ship without a shell; use the Logs and Inspect tabs instead.',
      });
    }

    const handle: StreamHandle<'container.exec'> = {
      stop: () => {
        stopped = true;
        output.discard();
        socket.destroy();
        if (pid !== null && !ended) hangUp(docker.getContainer(containerId), pid, (e) => logger.warn('could not end a container shell', { hostId, error: engineMessage(e) }));
      },
      receive: (input: TerminalInput) => {
        if (input.type === 'resize') void resize(input.cols, input.rows);
        else socket.write(input.data);
      },
    };
    return handle;
  };
}

/** Sends the container shell SIGHUP through a second, detached exec (the kernel passes it on to the foreground job). */
function hangUp(container: Dockerode.Container, pid: number, onError: (e: unknown) => void): void {
  container
    .exec({ Cmd: HANGUP_CMD(pid), AttachStdout: false, AttachStderr: false })
    .then((e) => e.start({ Detach: true }))
    .catch(onError);
}

/** A clear error for an exec that could not start: a stopped or paused container, an unknown one, or the engine's own words. */
function execError(e: unknown, containerId: string): HomeportError {
  if (e instanceof HomeportError) return e;
  const status = (e as { statusCode?: number }).statusCode;
  const raw = engineMessage(e);
  if (status === 409) {
    const paused = /paused/i.test(raw);
    return new HomeportError({
      code: 'CONFLICT',
      message: `${containerId} is ${paused ? 'paused' : 'not running'}: a terminal needs a running container (Docker engine: ${raw}).`,
      fix: paused ? 'Unpause the container, then open the terminal again.' : 'Start the container, then open the terminal again.',
    });
  }
  if (status === 404) {
    return new HomeportError({ code: 'NOT_FOUND', message: `No container ${containerId} on this host (Docker engine: ${raw}).`, fix: 'It may have been removed; reload the list.' });
  }
  return new HomeportError(engineErrorInfo(e));
}
