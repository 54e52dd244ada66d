import {
  parseAddress,
  type ConnectionState,
  type HomeportError,
  type HostInfo,
  type HostKind,
  type KeyInfo,
} from '../../../../shared/contract';

export function canConnect(state: ConnectionState): boolean {
  return state.status === 'disconnected' || state.status === 'failed';
}

export function canDisconnect(state: ConnectionState): boolean {
  return !canConnect(state);
}

/** The inline message for the Address field, or null when it is fine. */
export function addressError(kind: HostKind, address: string): string | null {
  if (kind === 'local') return null;
  const a = address.trim();
  if (!a) return 'Enter the SSH address, e.g. root@192.168.1.10 or deploy@nas.lan:2222.';
  if (!a.includes('@')) return 'Include the login user: user@host or user@host:port.';
  const port = /:(\d+)$/.exec(a);
  if (port && (Number(port[1]) < 1 || Number(port[1]) > 65535)) return 'The port must be between 1 and 65535.';
  if (!parseAddress(a)) return 'Write the address as user@host or user@host:port (IPv6 in brackets: root@[::1]:22).';
  return null;
}

export function nameError(name: string): string | null {
  if (!name.trim()) return 'Give the host a name.';
  if (name.trim().length > 64) return 'Keep the name under 64 characters.';
  return null;
}

export function keyLabel(key: KeyInfo): string {
  return key.comment || `${key.type} ${key.fingerprint.slice(7, 19)}…`;
}

/** "ssh-agent · key homeport@nas · identity ~/.ssh/id_ed25519 · password set" as parts. */
export function authSummary(host: HostInfo, keys: readonly KeyInfo[]): string[] {
  if (host.kind === 'local') return ['local socket'];
  const parts: string[] = [];
  if (host.useAgent) parts.push('ssh-agent');
  if (host.keyId) {
    const key = keys.find((k) => k.id === host.keyId);
    parts.push(key ? `key ${keyLabel(key)}` : 'key (removed)');
  }
  if (host.identityFile) parts.push(`identity ${host.identityFile}`);
  if (host.hasPassword) parts.push('password set');
  if (parts.length === 0) parts.push('no credentials');
  return parts;
}

export type HostField = 'name' | 'kind' | 'address' | 'socketPath' | 'useAgent' | 'keyId' | 'identityFile' | 'password';
const FIELDS: readonly HostField[] = ['name', 'kind', 'address', 'socketPath', 'useAgent', 'keyId', 'identityFile', 'password'];

/** The form field a VALIDATION error points at (`details.field`, maybe prefixed with `host.`). */
export function validationField(err: Pick<HomeportError, 'code' | 'details'>): HostField | null {
  if (err.code !== 'VALIDATION') return null;
  const raw = err.details?.field;
  if (typeof raw !== 'string') return null;
  const field = raw.replace(/^host\./, '').split('.')[0] as HostField;
  return FIELDS.includes(field) ? field : null;
}

/**
 * Whether an edited address still names the saved host's destination (login user, host name,
 * port). The services drop a stored password when it does not, so the dialog asks for it again.
 */
export function sameDestination(host: Pick<HostInfo, 'kind' | 'user' | 'hostname' | 'port'>, address: string): boolean {
  const a = parseAddress(address.trim());
  return host.kind === 'ssh' && a !== null && a.user === host.user && a.hostname.toLowerCase() === host.hostname.toLowerCase() && a.port === host.port;
}
