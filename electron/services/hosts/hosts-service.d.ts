import { type AcceptHostKeyInput, type HostId, type HostInfo, type HostInput, type HostsService, type HostTestResult, type SshConfigScanInfo } from '../../../shared/contract';
import type { EngineHub } from '../engines/engine-hub';
import type { Platform } from '../platform/platform';
import type { EventBus } from '../rpc/event-bus';
import type { KeyVault } from '../ssh/key-vault';
import { type KnownHosts } from '../ssh/known-hosts';
import { HostConnection } from './host-connection';
/**
 * Hosts: the saved list, one HostConnection per host, host-key trust, and ~/.ssh/config import.
 * A host's connection starts as soon as it is added (or at start-up) and is shared by everything.
 */
export declare class HostsManager implements HostsService {
    private readonly platform;
    private readonly knownHosts;
    private readonly vault;
    private readonly hub;
    private readonly bus;
    private readonly store;
    private readonly connections;
    /** Keys servers presented that are not trusted yet, by `hostname:port`, awaiting the user. */
    private readonly presented;
    constructor(platform: Platform, knownHosts: KnownHosts, vault: KeyVault, hub: EngineHub, bus: EventBus);
    /** Connects every saved host (at start-up). */
    startAll(): void;
    list(): Promise<HostInfo[]>;
    add(input: HostInput): Promise<HostInfo>;
    update({ id, host }: {
        id: HostId;
        host: HostInput;
    }): Promise<HostInfo>;
    remove({ id }: {
        id: HostId;
    }): Promise<void>;
    test({ id, host }: {
        id: HostId | null;
        host: HostInput;
    }): Promise<HostTestResult>;
    connect({ id }: {
        id: HostId;
    }): Promise<void>;
    disconnect({ id }: {
        id: HostId;
    }): Promise<void>;
    acceptHostKey({ hostname, port, fingerprint }: AcceptHostKeyInput): Promise<void>;
    scanSshConfig(): Promise<SshConfigScanInfo>;
    importSshConfig({ aliases }: {
        aliases: string[];
    }): Promise<HostInfo[]>;
    /** The live connection of a host, for the engine hub and future services. */
    connection(id: HostId): HostConnection | undefined;
    dispose(): void;
    private ensureConnection;
    private dropConnection;
    private connector;
    /** Credentials in OpenSSH's order: agent, then keys (stored, then identity file), then password. */
    private target;
    private info;
    /** Keys the user removed: hosts that used one forget it. */
    forgetKey(keyId: string): void;
    private uniqueName;
    private changed;
}
