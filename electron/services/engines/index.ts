/**
 * Every host's Docker engine: the hub the other features reach the engines through (it keeps the
 * container lists current from each engine's events), the engine's overview and disk usage, its
 * live events, and the image, volume and network lists that follow those events.
 */
export { EngineHub } from './engine-hub';
export { EnginesService, engineStreams } from './engines-service';
export { ResourceWatch } from './resource-watch';
export { listEveryHost } from './every-host';
export type { RawEngineEvent } from './engine-events';
// What every feature that talks to an engine shares: its errors in words a user knows, quoting and
// checking names, the user's containers (not Homeport's helpers), progress at a steady pace.
export { engineMessage } from './engine-message';
export {
  abortedError,
  containerName,
  engineError,
  hasLabel,
  HELPER_LABEL,
  invalid,
  linkGone,
  listUserContainers,
  nameList,
  notFound,
  quote,
  refInfo,
  statusOf,
  throttle,
  validateName,
} from './engine-common';
