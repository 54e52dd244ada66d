import type { EngineHub } from '../engines';
import { streamError, type StreamStarter } from '../streams/streams-service';
import type { ContainerUpgrader } from './upgrade';

/**
 * `container.upgrade`: steps and pull progress as data; `stream.end` carries the error (whose
 * message says the old container was put back). Closing the stream aborts a pull still running;
 * once the old container is touched the change runs to its end, so nothing is left half-done.
 */
export function containerUpgradeStream(upgrader: ContainerUpgrader, hub: EngineHub): StreamStarter<'container.upgrade'> {
  return (params, sink) => {
    // Resolved now, so a disconnected or unknown host fails the open call itself.
    hub.dockerOf(params.hostId);
    const abort = new AbortController();
    upgrader.upgrade(params, sink.emit, abort.signal).then(
      () => sink.end(null),
      (e: unknown) => sink.end(streamError(e, 'The upgrade')),
    );
    return () => abort.abort();
  };
}
