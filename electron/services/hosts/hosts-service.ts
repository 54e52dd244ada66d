import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  DEFAULT_DOCKER_SOCKET,
  formatAddress,
  HomeportError,
  type AcceptHostKeyInput,
  type HostId,
  type HostInfo,
  type HostInput,
  type HostsApi,
  type HostTestResultInfo,
  type SshConfigScanInfo,
  type TerminalSize,
} from '../../../shared/contract';
import type { ClientChannel } from 'ssh2';
import type { EngineHub } from '../engines';
import { Emitter } from '../platform/emitter';
import type { Platform } from '../platform/platform';
import type { StartersOf } from '../streams/streams-service';
import { openDockerTransport, openLocalDockerTransport } from '../ssh/docker-transport';
import type { KeyVault } from '../ssh/key-vault';
import { fingerprintOf, type HostKeyVerdict, type KnownHosts } from '../ssh/known-hosts';
import { connectSsh, type SshTarget } from '../ssh/ssh-connect';
import { readSshConfig } from '../ssh/ssh-config';
import { HostConnection, type Link } from './host-connection';
import { addressOf, HostStore, newHostId, type HostRecord } from './host-store';
import { localAccess, sshAccess, type HostAccess } from './host-access';
import { createLink } from './link';
import { hostShellStream } from './shell-stream';

/** What the hosts announce. */
export interface HostsEvents {
  /** The whole list, after a host was added, changed or removed, or its connection changed state. */
  changed: HostInfo[];
}

/**
 * Hosts: the saved list, one HostConnection per host, host-key trust, and ~/.ssh/config import.
 * A host's connection starts as soon as it is added (or at start-up) and is shared by everything.
 */
export class HostsService implements HostsApi {
  private readonly store: HostStore;
  private readonly connections = new Map<HostId, HostConnection>();
  /** Keys servers presented that are not trusted yet, by `hostname:port`, awaiting the user. */
  private readonly presented = new Map<string, Buffer>();
  readonly events: Emitter<HostsEvents>;

  constructor(
    private readonly platform: Platform,
    private readonly knownHosts: KnownHosts,
    private readonly vault: KeyVault,
    private readonly hub: EngineHub,
  ) {
    this.store = new HostStore(platform.store, platform.secrets);
    this.events = new Emitter(platform.logger, 'hosts');
  }

  /** Connects every saved host (at start-up). */
  startAll(): void {
    for (const r of this.store.all()) this.ensureConnection(r).start();
  }

  async list(): Promise<HostInfo[]> {
    return this.store.all().map((r) => this.info(r));
  }

  async add(input: HostInput): Promise<HostInfo> {
    const record = this.store.fromInput(newHostId(), input, null);
    this.store.save(record);
    this.ensureConnection(record).start();
    this.changed();
    return this.info(record);
  }

  async update({ id, host }: { id: HostId; host: HostInput }): Promise<HostInfo> {
    const previous = this.store.get(id);
    const record = this.store.fromInput(id, host, previous);
    this.store.save(record);
    // New settings, new connection: the old one may be authenticated as someone else.
    this.dropConnection(id);
    this.ensureConnection(record).start();
    this.changed();
    return this.info(record);
  }

  async remove({ id }: { id: HostId }): Promise<void> {
    this.store.get(id);
    this.dropConnection(id);
    this.hub.hostRemoved(id);
    this.store.remove(id);
    this.changed();
  }

  async test({ id, host }: { id: HostId | null; host: HostInput }): Promise<HostTestResultInfo> {
    const previous = id ? this.store.get(id) : null;
    const record = this.store.fromInput(id ?? newHostId(), host, previous, { checkName: false });
    const t0 = performance.now();
    const link = await this.connector(record)();
    try {
      const v = await link.docker.version();
      return {
        transport: link.transport,
        engine: { version: v.Version, apiVersion: v.ApiVersion, os: `${v.Os}/${v.Arch}`, name: '' },
        elapsedMs: Math.round(performance.now() - t0),
      };
    } finally {
      link.close();
    }
  }

  async connect({ id }: { id: HostId }): Promise<void> {
    this.ensureConnection(this.store.get(id)).start();
  }

  async disconnect({ id }: { id: HostId }): Promise<void> {
    this.store.get(id);
    this.connections.get(id)?.stop();
  }

  async acceptHostKey({ hostname, port, fingerprint }: AcceptHostKeyInput): Promise<void> {
    const key = `${hostname}:${port}`;
    const blob = this.presented.get(key);
    if (!blob) {
      throw new HomeportError({
        code: 'NOT_FOUND',
        message: `No host key from ${hostname}:${port} is waiting for approval.`,
        fix: 'Connect to the host (or test it) first; Homeport then shows the key it presented.',
      });
    }
    if (fingerprintOf(blob) !== fingerprint) {
      throw new HomeportError({
        code: 'VALIDATION',
        message: `The fingerprint to accept does not match the key ${hostname}:${port} presented.`,
        fix: 'Connect again and compare the fingerprint shown.',
      });
    }
    this.knownHosts.accept(hostname, port, blob);
    this.presented.delete(key);
    this.platform.logger.info('host key accepted', { hostname, port, fingerprint });
    for (const r of this.store.all()) {
      const c = this.connections.get(r.id);
      if (r.kind === 'ssh' && r.hostname === hostname && r.port === port && c && c.state.status === 'needs-hostkey') c.start();
    }
  }

  async scanSshConfig(): Promise<SshConfigScanInfo> {
    const file = path.join(this.platform.homeDir, '.ssh', 'config');
    const parsed = await readSshConfig(file, this.platform.homeDir);
    const existing = this.store.all();
    return {
      path: file,
      problems: parsed.problems,
      hosts: parsed.hosts.map((h) => {
        const user = h.user ?? defaultUser();
        const match = existing.find((r) => r.kind === 'ssh' && r.hostname === h.hostname && r.port === h.port && r.user === user);
        return { alias: h.alias, hostname: h.hostname, user, port: h.port, identityFile: h.identityFile, existingHostId: match?.id ?? null };
      }),
    };
  }

  async importSshConfig({ aliases }: { aliases: string[] }): Promise<HostInfo[]> {
    const scan = await this.scanSshConfig();
    const added: HostInfo[] = [];
    for (const alias of aliases) {
      const h = scan.hosts.find((x) => x.alias === alias);
      if (!h) {
        throw new HomeportError({ code: 'NOT_FOUND', message: `"${alias}" is not a Host in ${scan.path}.`, fix: 'Scan the file again and pick from the list.' });
      }
      if (h.existingHostId) continue;
      added.push(
        await this.add({
          name: this.uniqueName(alias),
          kind: 'ssh',
          address: formatAddress(h.user, h.hostname, h.port),
          socketPath: DEFAULT_DOCKER_SOCKET,
          useAgent: true,
          keyId: null,
          identityFile: h.identityFile,
        }),
      );
    }
    return added;
  }

  /**
   * This computer is back online (or awake): hosts waiting to reconnect try now instead of at the
   * end of a backoff that grew while nothing could be reached (up to 30 s), so a host is not
   * reported unreachable for this computer's own outage.
   */
  reconnectNow(): void {
    for (const c of this.connections.values()) if (c.state.status === 'reconnecting') c.start();
  }

  /** The live connection of a host, for the engine hub and future services. */
  connection(id: HostId): HostConnection | undefined {
    return this.connections.get(id);
  }

  /**
   * Exec and files on a connected host (over its one SSH connection, or locally for a local
   * host); DISCONNECTED when it is not connected, NOT_FOUND for an unknown id.
   */
  access(id: HostId): HostAccess {
    const record = this.store.get(id);
    const c = this.connections.get(id);
    if (!c) throw new HomeportError({ code: 'DISCONNECTED', message: `${record.name} is not connected.`, fix: 'Connect it from Hosts.' });
    const ssh = c.ssh;
    return ssh ? sshAccess(ssh, record.socketPath) : localAccess(record.socketPath);
  }

  /** The host's name as the user gave it (for messages). */
  nameOf(id: HostId): string {
    return this.store.get(id).name;
  }

  /** An interactive shell on the host over its one SSH connection (for the `host.shell` stream). */
  async openShell(id: HostId, size: TerminalSize): Promise<ClientChannel> {
    this.store.get(id); // NOT_FOUND for an unknown host
    const c = this.connections.get(id);
    if (!c) throw new HomeportError({ code: 'DISCONNECTED', message: 'The host is not connected.', fix: 'Connect it from Hosts first.' });
    return c.shell(size);
  }

  dispose(): void {
    for (const c of this.connections.values()) c.stop();
    this.connections.clear();
  }

  private ensureConnection(record: HostRecord): HostConnection {
    let c = this.connections.get(record.id);
    if (!c) {
      const id = record.id;
      this.hub.hostAdded(id);
      c = new HostConnection(
        id,
        () => this.connector(this.store.get(id))(),
        {
          state: () => this.changed(),
          up: (link: Link) => this.hub.hostUp(id, link),
          down: () => this.hub.hostDown(id),
        },
        this.platform.logger,
      );
      this.connections.set(id, c);
    }
    return c;
  }

  private dropConnection(id: HostId): void {
    const c = this.connections.get(id);
    if (!c) return;
    c.stop();
    this.connections.delete(id);
  }

  private connector(record: HostRecord): () => Promise<Link> {
    if (record.kind === 'local') {
      return async () => {
        const t = await openLocalDockerTransport(record.socketPath);
        return createLink({ docker: t.docker, transport: t.transport, agent: t.agent, ssh: null });
      };
    }
    return async () => {
      const target = await this.target(record);
      const client = await connectSsh(target, {
        preferHostKeyTypes: this.knownHosts.knownKeyTypes(record.hostname, record.port),
        verifyHostKey: (blob: Buffer): HostKeyVerdict => {
          const verdict = this.knownHosts.check(record.hostname, record.port, blob);
          if (verdict.verdict === 'unknown') this.presented.set(`${record.hostname}:${record.port}`, blob);
          return verdict;
        },
      });
      try {
        const t = await openDockerTransport(client, record.socketPath);
        return createLink({ docker: t.docker, transport: t.transport, agent: t.agent, ssh: client });
      } catch (e) {
        client.end();
        throw e;
      }
    };
  }

  /** Credentials in OpenSSH's order: agent, then keys (stored, then identity file), then password. */
  private async target(record: HostRecord): Promise<SshTarget> {
    const keys: SshTarget['keys'] = [];
    if (record.keyId) {
      const m = this.vault.material(record.keyId);
      const info = this.vault.list().find((k) => k.id === record.keyId);
      keys.push({ label: info?.comment || record.keyId, privateKey: m.privateKey, passphrase: m.passphrase });
    }
    if (record.identityFile) {
      const file = record.identityFile.startsWith('~/') ? path.join(this.platform.homeDir, record.identityFile.slice(2)) : record.identityFile;
      try {
        keys.push({ label: file, privateKey: await readFile(file), passphrase: null });
      } catch (e) {
        throw new HomeportError({
          code: 'KEY_INVALID',
          message: `Cannot read the identity file ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'}).`,
          fix: 'Check the path in the host settings, or import the key into Homeport.',
        });
      }
    }
    return {
      hostname: record.hostname,
      port: record.port,
      user: record.user,
      agentSocket: record.useAgent ? this.platform.agentSocket : null,
      keys,
      password: this.store.password(record),
    };
  }

  private info(r: HostRecord): HostInfo {
    return {
      id: r.id,
      name: r.name,
      kind: r.kind,
      address: addressOf(r),
      user: r.user,
      hostname: r.hostname,
      port: r.port,
      socketPath: r.socketPath,
      useAgent: r.useAgent,
      keyId: r.keyId,
      identityFile: r.identityFile,
      hasPassword: r.passwordSealed !== null,
      state: this.connections.get(r.id)?.state ?? { status: 'disconnected' },
    };
  }

  /** Keys the user removed: hosts that used one forget it. */
  forgetKey(keyId: string): void {
    for (const r of this.store.all()) {
      if (r.keyId === keyId) this.store.save({ ...r, keyId: null });
    }
    this.changed();
  }

  private uniqueName(base: string): string {
    const names = new Set(this.store.all().map((r) => r.name.toLowerCase()));
    let name = base;
    for (let i = 2; names.has(name.toLowerCase()); i++) name = `${base}-${i}`;
    return name;
  }

  private changed(): void {
    this.events.emit('changed', this.store.all().map((r) => this.info(r)));
  }
}

function defaultUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? 'root';
  }
}

/** The hosts' stream kinds: a login shell on the host. */
export function hostStreams(hosts: HostsService): StartersOf<'hosts'> {
  return { 'host.shell': hostShellStream((hostId, size) => hosts.openShell(hostId, size)) };
}
