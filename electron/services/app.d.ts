import { EngineHub } from './engines/engine-hub';
import { HostsManager } from './hosts/hosts-service';
import type { Platform } from './platform/platform';
import { type ContractImpl, type Dispatch } from './rpc/dispatcher';
import { EventBus, type ClientId } from './rpc/event-bus';
export interface Services {
    impl: ContractImpl;
    events: EventBus;
    /** The handler table: allowlist, validation, envelope. Transports call only this. */
    dispatch: Dispatch;
    hosts: HostsManager;
    engines: EngineHub;
    /** A UI client went away (window closed, WebSocket dropped): close the streams it owned. */
    clientGone(clientId: ClientId): void;
    dispose(): Promise<void>;
}
/** Builds every service from what the host process provides, and connects the saved hosts. */
export declare function createServices(platform: Platform): Promise<Services>;
