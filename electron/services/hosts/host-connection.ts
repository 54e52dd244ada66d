import type Dockerode from 'dockerode';
import type { Client, ClientChannel } from 'ssh2';
import {
  ConnectionState,
  HomeportError,
  parseKnownKeys,
  type EngineSummaryInfo,
  type ErrorCode,
  type ErrorInfo,
  type HostId,
  type TerminalSize,
} from '../../../shared/contract';
import { engineErrorInfo } from '../docker/engine-message';
import type { Link } from '../engines';
import type { Logger } from '../platform/platform';

/** What a connect yields is the engine hub's Link (the hub defines what it takes of a host). */
export type { Link };

export type Connector = () => Promise<Link>;

/** Causes that retrying will not fix: the connection waits for the user instead. */
const FATAL: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'AUTH_FAILED',
  'KEY_PASSPHRASE',
  'KEY_INVALID',
  'HOSTKEY_CHANGED',
  'SOCKET_PERMISSION',
  'NOT_DOCKER',
  'FORWARDING_DISABLED',
  'VALIDATION',
  'NOT_FOUND',
  'INTERNAL',
]);

export interface BackoffPolicy {
  delayMs(attempt: number): number;
}
/** 1 s, 2 s, 4 s … capped at 30 s, with ±20 % jitter so many hosts do not retry in step. */
export const defaultBackoff: BackoffPolicy = {
  delayMs: (attempt) => Math.min(30_000, 1000 * 2 ** Math.max(0, attempt - 1)) * (0.8 + Math.random() * 0.4),
};

export interface HostConnectionEvents {
  state(state: ConnectionState): void;
  /** A link is up: the owner starts the engine's event stream and lists containers. */
  up(link: Link, engine: EngineSummaryInfo): void;
  down(): void;
}

/**
 * One host's connection state machine (see ConnectionState in shared/model/host.ts). It owns
 * the single SSH connection to the host: everything else borrows `link`.
 */
export class HostConnection {
  private current: ConnectionState = ConnectionState.disconnected();
  private link: Link | null = null;
  private timer: NodeJS.Timeout | null = null;
  private attempt = 0;
  /** Bumped on every start/stop so late results of an abandoned attempt are dropped. */
  private generation = 0;

  constructor(
    readonly hostId: HostId,
    private readonly connector: Connector,
    private readonly events: HostConnectionEvents,
    private readonly logger: Logger,
    private readonly backoff: BackoffPolicy = defaultBackoff,
  ) {}

  get state(): ConnectionState {
    return this.current;
  }

  get docker(): Dockerode {
    if (this.link && this.current.status === 'connected') return this.link.docker;
    throw new HomeportError({
      code: 'DISCONNECTED',
      message: this.describeNotConnected(),
      fix: 'Wait for the host to reconnect, or open Hosts to see why it is not connected.',
    });
  }

  /** The connected link's SSH client (null for a local host); DISCONNECTED otherwise. */
  get ssh(): Client | null {
    if (this.link && this.current.status === 'connected') return this.link.ssh ?? null;
    throw new HomeportError({ code: 'DISCONNECTED', message: this.describeNotConnected(), fix: 'Wait for the host to reconnect, or open Hosts to see why it is not connected.' });
  }

  /** An interactive shell on the host, over this connection's SSH session (DISCONNECTED unless connected). */
  shell(size: TerminalSize): Promise<ClientChannel> {
    if (!this.link || this.current.status !== 'connected') {
      return Promise.reject(
        new HomeportError({
          code: 'DISCONNECTED',
          message: this.describeNotConnected(),
          fix: 'Wait for the host to reconnect, or open Hosts to see why it is not connected.',
        }),
      );
    }
    return this.link.shell(size);
  }

  /** Connect now (also from failed / waiting states); a no-op while connected or connecting. */
  start(): void {
    if (this.current.status === 'connected' || this.current.status === 'connecting') return;
    this.clearTimer();
    this.attempt = 0;
    void this.tryConnect(++this.generation);
  }

  stop(): void {
    this.generation++;
    this.clearTimer();
    const link = this.link;
    this.link = null;
    link?.close();
    if (this.current.status === 'connected') this.events.down();
    this.set(ConnectionState.disconnected());
  }

  private async tryConnect(gen: number): Promise<void> {
    this.attempt++;
    this.set(ConnectionState.connecting(this.attempt));
    let link: Link;
    let engine: EngineSummaryInfo;
    try {
      link = await this.connector();
      if (gen !== this.generation) return void link.close();
      try {
        const v = await link.docker.version();
        engine = { version: v.Version, apiVersion: v.ApiVersion, os: `${v.Os}/${v.Arch}`, name: (v as { KernelVersion?: string }).KernelVersion ?? '' };
      } catch (e) {
        link.close();
        throw e;
      }
    } catch (e) {
      if (gen !== this.generation) return;
      this.onFailure(errorInfoOf(e), gen);
      return;
    }
    if (gen !== this.generation) return void link.close();
    this.link = link;
    this.attempt = 0;
    link.onClose((error) => {
      if (gen !== this.generation || this.link !== link) return;
      this.link = null;
      this.events.down();
      this.logger.warn('host connection dropped', { hostId: this.hostId, reason: error?.message });
      this.onFailure(
        error ?? { code: 'DISCONNECTED', message: 'The connection to the host was lost.', fix: 'Homeport reconnects by itself.' },
        gen,
      );
    });
    // The owner gets the link before anyone hears "connected": whatever reacts to the
    // announcement (container monitors, the UI asking for containers) finds the engine there.
    this.events.up(link, engine);
    if (gen !== this.generation || this.link !== link) return; // dropped or stopped while being handed over
    this.set(ConnectionState.connected(link.transport, engine));
  }

  private onFailure(error: ErrorInfo, gen: number): void {
    if (error.code === 'HOSTKEY_UNKNOWN' && error.details) {
      const d = error.details;
      this.set(ConnectionState.needsHostKey(String(d.hostname), Number(d.port), String(d.keyType), String(d.fingerprint), parseKnownKeys(d.knownKeys)));
      return;
    }
    if (FATAL.has(error.code)) {
      this.set(ConnectionState.failed(error));
      return;
    }
    const delay = this.backoff.delayMs(this.attempt);
    this.set(ConnectionState.reconnecting(this.attempt, Date.now() + delay, error));
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      if (gen === this.generation) void this.tryConnect(gen);
    }, delay);
    this.timer.unref?.();
  }

  private set(state: ConnectionState): void {
    this.current = state;
    this.events.state(state);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private describeNotConnected(): string {
    const s = this.current;
    switch (s.status) {
      case 'connected':
        return 'The host is connected.';
      case 'connecting':
        return 'The host is still connecting.';
      case 'reconnecting':
        return `The host is not connected (${s.error.message}); retrying.`;
      case 'needs-hostkey':
        return 'The host key has not been accepted yet.';
      case 'failed':
        return `The host is not connected: ${s.error.message}`;
      case 'disconnected':
        return 'The host is disconnected.';
    }
  }
}

/** Turns anything thrown on the way to a host into ErrorInfo; unknown errors stay generic. */
export function errorInfoOf(e: unknown): ErrorInfo {
  if (e instanceof HomeportError) return e.toInfo();
  const err = e as { code?: string; message?: string; statusCode?: number; json?: { message?: string } };
  if (typeof err?.statusCode === 'number') return engineErrorInfo(e);
  return {
    code: 'UNREACHABLE',
    message: `Could not reach the host: ${err?.message ?? String(e)}`,
    fix: 'Check that the host is up and reachable from this computer.',
  };
}

