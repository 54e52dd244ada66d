import type Dockerode from 'dockerode';
import { ConnectionState, type EngineSummary, type ErrorInfo, type HostId, type Transport } from '../../../shared/contract';
import type { Logger } from '../platform/platform';
/** What a successful connect yields: a Docker API client over the host's one SSH connection. */
export interface Link {
    docker: Dockerode;
    transport: Transport;
    /** Fires once when the underlying connection is gone. */
    onClose(listener: (error: ErrorInfo | null) => void): void;
    /** Declares the link dead (e.g. the engine's event stream ended): closes it and fires onClose. */
    fail(error: ErrorInfo): void;
    close(): void;
}
export type Connector = () => Promise<Link>;
export interface BackoffPolicy {
    delayMs(attempt: number): number;
}
/** 1 s, 2 s, 4 s … capped at 30 s, with ±20 % jitter so many hosts do not retry in step. */
export declare const defaultBackoff: BackoffPolicy;
export interface HostConnectionEvents {
    state(state: ConnectionState): void;
    /** A link is up: the owner starts the engine's event stream and lists containers. */
    up(link: Link, engine: EngineSummary): void;
    down(): void;
}
/**
 * One host's connection state machine (see ConnectionState in shared/model/host.ts). It owns
 * the single SSH connection to the host: everything else borrows `link`.
 */
export declare class HostConnection {
    readonly hostId: HostId;
    private readonly connector;
    private readonly events;
    private readonly logger;
    private readonly backoff;
    private current;
    private link;
    private timer;
    private attempt;
    /** Bumped on every start/stop so late results of an abandoned attempt are dropped. */
    private generation;
    constructor(hostId: HostId, connector: Connector, events: HostConnectionEvents, logger: Logger, backoff?: BackoffPolicy);
    get state(): ConnectionState;
    get docker(): Dockerode;
    /** Connect now (also from failed / waiting states); a no-op while connected or connecting. */
    start(): void;
    stop(): void;
    private tryConnect;
    private onFailure;
    private set;
    private clearTimer;
    private describeNotConnected;
}
/** Turns anything thrown on the way to a host into ErrorInfo; unknown errors stay generic. */
export declare function errorInfoOf(e: unknown): ErrorInfo;
/** The engine's own message, kept verbatim (issue #2: "with the engine's own message"). */
export declare function engineErrorInfo(e: unknown): ErrorInfo;
