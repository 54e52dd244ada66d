import type { IncomingMessage } from 'node:http';
import { HomeportError } from '../../../shared/contract';
import type { EngineHub } from '../engines';
import { engineErrorInfo } from '../docker/engine-message';
import type { StreamStarter } from '../streams/streams-service';
import { LineBatcher, LogDecoder } from './log-decoder';

type Params = Parameters<StreamStarter<'container.logs'>>[0];

function notFound(containerId: string): HomeportError {
  return new HomeportError({
    code: 'NOT_FOUND',
    message: `There is no container "${containerId}" on this host: it was removed.`,
    fix: 'Go back to the container list and pick one that exists.',
  });
}

/**
 * `container.logs`: the engine's `GET /containers/{id}/logs`, decoded into lines (demultiplexed
 * unless the container has a TTY) and sent in batches. The open call fails for an unknown
 * container; the stream ends by itself when the log does; close aborts the engine request.
 */
export function containerLogsStream(hub: EngineHub): StreamStarter<'container.logs'> {
  return async (p: Params, sink) => {
    const docker = hub.dockerOf(p.hostId);
    const container = docker.getContainer(p.containerId);
    let tty: boolean;
    try {
      const info = await container.inspect();
      tty = info.Config?.Tty === true;
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404) throw notFound(p.containerId);
      throw new HomeportError(engineErrorInfo(e));
    }

    const abort = new AbortController();
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      docker.modem.dial(
        {
          path: `/containers/${encodeURIComponent(p.containerId)}/logs?`,
          method: 'GET',
          isStream: true,
          abortSignal: abort.signal,
          statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
          options: {
            stdout: true,
            stderr: true,
            follow: p.follow,
            timestamps: p.timestamps,
            tail: p.tail === 'all' ? 'all' : String(p.tail),
            ...(p.since !== null ? { since: String(p.since) } : {}),
          },
        },
        (err: unknown, stream: unknown) => {
          if (err) {
            if ((err as { statusCode?: number }).statusCode === 404) reject(notFound(p.containerId));
            else reject(new HomeportError(engineErrorInfo(err)));
          } else resolve(stream as IncomingMessage);
        },
      );
    });

    let closed = false;
    const batcher = new LineBatcher((lines) => {
      if (!closed) sink.emit({ lines });
    });
    const decoder = new LogDecoder(tty, p.timestamps, batcher.push);
    res.on('data', (chunk: Buffer) => decoder.write(chunk));
    res.on('end', () => {
      if (closed) return;
      decoder.end();
      batcher.flush();
      closed = true;
      sink.end(null);
    });
    res.on('error', (e) => {
      if (closed) return;
      decoder.end();
      batcher.flush();
      closed = true;
      sink.end({
        code: 'DISCONNECTED',
        message: `The log stream broke off: ${e.message}`,
        fix: 'Check that the host is still connected, then resume.',
      });
    });
    return () => {
      closed = true;
      batcher.cancel();
      abort.abort();
      res.destroy();
    };
  };
}
