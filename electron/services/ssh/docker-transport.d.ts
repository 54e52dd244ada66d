import http from 'node:http';
import type { Duplex } from 'node:stream';
import Docker from 'dockerode';
import type { Client } from 'ssh2';
import { type Transport } from '../../../shared/contract';
/**
 * Docker API calls carried over one SSH connection (DESIGN.md "Hosts, SSH and engines"):
 * each HTTP connection of a keep-alive `http.Agent` is an OpenSSH streamlocal channel to the
 * remote socket (no remote shell, no per-request session); where sshd forbids that, each is a
 * `docker system dial-stdio` exec channel instead. A local engine is reached on its unix socket.
 * When nothing works, the cause is diagnosed precisely (missing socket, permission, forwarding
 * disabled, not Docker) rather than reported as a bare "open failed".
 */
export interface DockerTransport {
    /** The agent every Docker request goes through; destroy it (or call close) when done. */
    agent: http.Agent;
    transport: Transport;
    docker: Docker;
    /** Close every channel/socket this transport opened (the SSH connection itself stays open). */
    close(): void;
}
export interface DockerTransportOptions {
    /** Try `docker system dial-stdio` before streamlocal. */
    preferDialStdio?: boolean;
    /** Names the host in messages, e.g. `root@nas:22`. */
    hostLabel?: string;
    /** How long the `/_ping` probe may take. Default 10 s. */
    probeTimeoutMs?: number;
    /**
     * Concurrent dial-stdio channels. Each is an SSH session, and sshd's MaxSessions (default 10)
     * caps them per connection; requests beyond this wait for a free one instead of failing.
     */
    dialStdioMaxSockets?: number;
    /** The docker CLI on the host for dial-stdio (a command name or absolute path). Default `docker`. */
    dockerCli?: string;
}
export declare function validateSocketPath(socketPath: string): void;
/** The remote command for the dial-stdio fallback; user text is validated and single-quoted, never spliced raw. */
export declare function dialStdioCommand(socketPath: string, dockerCli?: string): string;
type ConnCallback = (err: Error | null, stream: Duplex) => void;
/** Each HTTP connection is a `direct-streamlocal@openssh.com` channel to the remote socket. */
export declare class SshStreamLocalAgent extends http.Agent {
    private readonly client;
    private readonly socketPath;
    constructor(client: Client, socketPath: string);
    createConnection(_options: http.ClientRequestArgs, cb?: ConnCallback): Duplex | null | undefined;
}
/** Each HTTP connection is an exec channel running `docker system dial-stdio` on the host. */
export declare class SshDialStdioAgent extends http.Agent {
    private readonly client;
    /** The last dial-stdio process that ended, for diagnosis. */
    lastExit: {
        code: number | null;
        stderr: string;
    } | null;
    private readonly command;
    constructor(client: Client, socketPath: string, maxSockets?: number, dockerCli?: string);
    createConnection(_options: http.ClientRequestArgs, cb?: ConnCallback): Duplex | null | undefined;
}
/**
 * Reach the Docker engine behind `socketPath` on the SSH host: streamlocal first (or dial-stdio
 * first with `preferDialStdio`), the other as fallback, each proven with `GET /_ping`.
 */
export declare function openDockerTransport(client: Client, socketPath: string, opts?: DockerTransportOptions): Promise<DockerTransport>;
/** A local engine: dockerode straight on the unix socket, proven with the same probe. */
export declare function openLocalDockerTransport(socketPath: string, opts?: {
    probeTimeoutMs?: number;
}): Promise<DockerTransport>;
export {};
