import { type ContainerRef, type EngineEventInfo, type HostContainersInfo, type HostId, type RemoveContainerInput } from '../../../shared/contract';
import type { Logger } from '../platform/platform';
import type { EventBus } from '../rpc/event-bus';
import { type Link } from '../hosts/host-connection';
/**
 * Every host's engine as the UI sees it: the container list kept current by each engine's event
 * stream, the container actions, and a fan-out of engine events for `engine.events` streams.
 */
export declare class EngineHub {
    private readonly bus;
    private readonly logger;
    private readonly engines;
    private readonly listeners;
    constructor(bus: EventBus, logger: Logger);
    hostAdded(hostId: HostId): void;
    hostRemoved(hostId: HostId): void;
    /** A connection came up: follow its events first, then list, so nothing falls between. */
    hostUp(hostId: HostId, link: Link): void;
    hostDown(hostId: HostId): void;
    list(): HostContainersInfo[];
    subscribe(hostId: HostId, listener: (e: EngineEventInfo) => void): () => void;
    start(ref: ContainerRef): Promise<void>;
    stop(ref: ContainerRef): Promise<void>;
    restart(ref: ContainerRef): Promise<void>;
    remove(input: RemoveContainerInput): Promise<void>;
    /** Lists now (or once more after the list in flight, if events arrived meanwhile). */
    refresh(hostId: HostId): Promise<void>;
    private schedule;
    private act;
    private info;
    private publish;
    dispose(): void;
}
