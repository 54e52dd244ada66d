import type { StreamStarter } from '../streams/streams-service';
import type { EngineHub } from './engine-hub';

/** `engine.events`: the host's engine events, live. */
export function engineEventsStream(hub: EngineHub): StreamStarter<'engine.events'> {
  return ({ hostId }, sink) => hub.subscribe(hostId, sink.emit);
}
