/** The networks of every host: list, inspect, remove the unused ones. */
export { NetworksService } from './networks-service';
export { listNetworks } from './networks';
