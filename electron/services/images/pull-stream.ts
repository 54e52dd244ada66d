import type { EngineHub } from '../engines';
import { streamError, type StreamStarter } from '../streams/streams-service';
import { pullImage } from './images';

/** `image.pull`: progress as data; the stream ends by itself when the pull does; close aborts it. */
export function imagePullStream(hub: EngineHub): StreamStarter<'image.pull'> {
  return ({ hostId, ref }, sink) => {
    // Resolved now, so a disconnected host fails the open call itself.
    const docker = hub.dockerOf(hostId);
    const abort = new AbortController();
    pullImage(docker, ref, sink.emit, abort.signal).then(
      () => sink.end(null),
      (e: unknown) => sink.end(streamError(e, 'The pull')),
    );
    return () => abort.abort();
  };
}
