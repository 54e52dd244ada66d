/**
 * Every host's Docker engine: the hub the other features reach the engines through (it keeps the
 * container lists current from each engine's events), the engine's overview and disk usage, its
 * live events, and the image, volume and network lists that follow those events.
 */
export { EngineHub, type Link } from './engine-hub';
export { EnginesService, engineStreams } from './engines-service';
export { ResourceWatch } from './resource-watch';
export { listEveryHost } from './every-host';
export type { RawEngineEvent } from './engine-events';
