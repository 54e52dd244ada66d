import type Dockerode from 'dockerode';
import type { ContainerInfo, EngineEventInfo, HostId, PortInfo } from '../../../shared/contract';
/** Engine list entry → the DTO the UI sees (plain data; labels other than compose's stay behind). */
export declare function toContainerInfo(hostId: HostId, c: Dockerode.ContainerInfo): ContainerInfo;
/** Docker lists a port once per address family (0.0.0.0 and ::); show it once. */
export declare function toPorts(ports: Dockerode.Port[]): PortInfo[];
export declare function sortContainers(list: ContainerInfo[]): ContainerInfo[];
interface RawEvent {
    Type?: string;
    Action?: string;
    status?: string;
    id?: string;
    time?: number;
    timeNano?: number;
    Actor?: {
        ID?: string;
        Attributes?: Record<string, string>;
    };
}
export declare function toEngineEvent(hostId: HostId, e: RawEvent): EngineEventInfo;
/**
 * Follows the engine's event stream (`GET /events`) over the host's connection: the container
 * list is refreshed when the engine says something changed — never by polling.
 */
export declare class EngineEventStream {
    private readonly docker;
    private readonly onEvent;
    private readonly onEnd;
    private stream;
    private closed;
    constructor(docker: Dockerode, onEvent: (e: RawEvent) => void, onEnd: (error: Error | null) => void);
    open(): Promise<void>;
    close(): void;
    private finish;
}
export {};
