/** The containers of every host: list and actions, inspect, logs, stats, a terminal, upgrades. */
export { ContainersService, containerStreams } from './containers-service';
