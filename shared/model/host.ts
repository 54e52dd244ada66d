import type { ErrorInfo } from './errors';
import type { HostId, KeyId } from './ids';

export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

export type HostKind = 'ssh' | 'local';
export type Transport = 'streamlocal' | 'dial-stdio' | 'local';

export interface EngineSummaryInfo {
  version: string;
  apiVersion: string;
  os: string;
  name: string;
}

/**
 * A host connection is a state machine:
 *
 *   disconnected ─▶ connecting ─▶ connected ─(drop)─▶ reconnecting ─▶ connecting …
 *                       │  └──▶ needs-hostkey (unknown key: waits for the user)
 *                       └─────▶ failed (a cause retrying cannot fix: auth, changed host key…)
 */
/** A host key Homeport already trusts for a host, shown by type and fingerprint. */
export interface KnownHostKeyInfo {
  keyType: string;
  fingerprint: string;
}

/**
 * Error details carry scalars only: known keys travel in HOSTKEY_UNKNOWN's `details.knownKeys` as
 * `type fingerprint` pairs separated by commas (neither part contains a space or a comma).
 */
export function formatKnownKeys(keys: readonly KnownHostKeyInfo[]): string {
  return keys.map((k) => `${k.keyType} ${k.fingerprint}`).join(',');
}

export function parseKnownKeys(text: unknown): KnownHostKeyInfo[] {
  if (typeof text !== 'string' || text === '') return [];
  return text
    .split(',')
    .map((pair) => pair.trim().split(' '))
    .filter((p): p is [string, string] => p.length === 2 && p[0] !== '' && p[1] !== '')
    .map(([keyType, fingerprint]) => ({ keyType, fingerprint }));
}

export type ConnectionState =
  | { status: 'disconnected' }
  | { status: 'connecting'; attempt: number }
  | { status: 'connected'; since: number; transport: Transport; engine: EngineSummaryInfo }
  | { status: 'reconnecting'; attempt: number; retryAt: number; error: ErrorInfo }
  | {
      status: 'needs-hostkey';
      hostname: string;
      port: number;
      keyType: string;
      fingerprint: string;
      /**
       * Keys of other types already known for this host. Not empty: the server no longer offers
       * the key type it was known by, which the UI warns about (not an ordinary first contact).
       */
      knownKeys?: KnownHostKeyInfo[];
    }
  | { status: 'failed'; error: ErrorInfo };

export const ConnectionState = {
  disconnected: (): ConnectionState => ({ status: 'disconnected' }),
  connecting: (attempt: number): ConnectionState => ({ status: 'connecting', attempt }),
  connected: (transport: Transport, engine: EngineSummaryInfo, since = Date.now()): ConnectionState => ({
    status: 'connected',
    since,
    transport,
    engine,
  }),
  reconnecting: (attempt: number, retryAt: number, error: ErrorInfo): ConnectionState => ({
    status: 'reconnecting',
    attempt,
    retryAt,
    error,
  }),
  needsHostKey: (hostname: string, port: number, keyType: string, fingerprint: string, knownKeys: KnownHostKeyInfo[] = []): ConnectionState => ({
    status: 'needs-hostkey',
    hostname,
    port,
    keyType,
    fingerprint,
    knownKeys,
  }),
  failed: (error: ErrorInfo): ConnectionState => ({ status: 'failed', error }),
};

/** What the UI sees of a host. Passwords and keys are shown only as "set" / an id. */
export interface HostInfo {
  id: HostId;
  name: string;
  kind: HostKind;
  /** `user@hostname:port` for SSH hosts, `local` for a local engine. */
  address: string;
  user: string;
  hostname: string;
  port: number;
  socketPath: string;
  useAgent: boolean;
  keyId: KeyId | null;
  identityFile: string | null;
  hasPassword: boolean;
  state: ConnectionState;
}

/** Input for adding or editing a host. */
export interface HostInput {
  name: string;
  kind: HostKind;
  /** `user@hostname[:port]`; ignored for local hosts. */
  address: string;
  socketPath: string;
  useAgent: boolean;
  keyId: KeyId | null;
  /** A private key file on this computer (as IdentityFile in ~/.ssh/config). */
  identityFile: string | null;
  /** Write-only. `undefined` keeps the stored password, `''` clears it. */
  password?: string | undefined;
}

export interface HostTestResultInfo {
  transport: Transport;
  engine: EngineSummaryInfo;
  /** Milliseconds to connect, authenticate and ask the engine for its version. */
  elapsedMs: number;
}

export interface KeyInfo {
  id: KeyId;
  type: string;
  comment: string;
  /** `SHA256:…`, as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  /** The public line to paste into the server's authorized_keys. Public by definition. */
  publicLine: string;
  hasPassphrase: boolean;
  createdAt: number;
}

export interface SshConfigHostInfo {
  alias: string;
  hostname: string;
  user: string;
  port: number;
  identityFile: string | null;
  /** Set when a host with this address already exists in Homeport. */
  existingHostId: HostId | null;
}

export interface SshConfigProblemInfo {
  line: number;
  message: string;
}

export interface SshConfigScanInfo {
  path: string;
  hosts: SshConfigHostInfo[];
  problems: SshConfigProblemInfo[];
}

export interface AcceptHostKeyInput {
  hostname: string;
  port: number;
  fingerprint: string;
}

/** `user@hostname[:port]` → parts; IPv6 literals in brackets (`root@[::1]:22`). */
export function parseAddress(address: string): { user: string; hostname: string; port: number } | null {
  const m = /^([A-Za-z0-9._][A-Za-z0-9._-]*)@(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(address.trim());
  if (!m) return null;
  const port = m[3] === undefined ? 22 : Number(m[3]);
  if (port < 1 || port > 65535) return null;
  const hostname = m[2]!.startsWith('[') ? m[2]!.slice(1, -1) : m[2]!;
  return { user: m[1]!, hostname, port };
}

export function formatAddress(user: string, hostname: string, port: number): string {
  const h = hostname.includes(':') ? `[${hostname}]` : hostname;
  return port === 22 ? `${user}@${h}` : `${user}@${h}:${port}`;
}
