import { randomBytes } from 'node:crypto';
import {
  formatAddress,
  HomeportError,
  parseAddress,
  type HostId,
  type HostInput,
  type HostKind,
  type KeyId,
} from '../../../shared/contract';
import type { DocumentStore, SecretBox } from '../platform/platform';

/** A host as stored on disk. The password is sealed by the SecretBox, never stored in clear. */
export interface HostRecord {
  id: HostId;
  name: string;
  kind: HostKind;
  user: string;
  hostname: string;
  port: number;
  socketPath: string;
  useAgent: boolean;
  keyId: KeyId | null;
  identityFile: string | null;
  passwordSealed: string | null;
}

const KEY = 'hosts';

export const newHostId = (): HostId => `h_${randomBytes(9).toString('base64url')}` as HostId;

export function addressOf(r: HostRecord): string {
  return r.kind === 'local' ? 'local' : formatAddress(r.user, r.hostname, r.port);
}

/** Hosts on disk; every change is written through at once (small data, rare writes). */
export class HostStore {
  constructor(
    private readonly store: DocumentStore,
    private readonly secrets: SecretBox,
  ) {}

  all(): HostRecord[] {
    const v = this.store.get(KEY);
    return Array.isArray(v) ? (v as HostRecord[]) : [];
  }

  get(id: HostId): HostRecord {
    const r = this.all().find((h) => h.id === id);
    if (!r) throw new HomeportError({ code: 'NOT_FOUND', message: `No host with id ${id}.`, fix: 'Reload the host list; it may have been removed.' });
    return r;
  }

  /**
   * Builds a record from validated input; `previous` keeps the stored password when input.password
   * is undefined and the destination (user, host name, port) is unchanged.
   */
  fromInput(id: HostId, input: HostInput, previous: HostRecord | null, opts = { checkName: true }): HostRecord {
    const taken = opts.checkName && this.all().find((h) => h.id !== id && h.name.toLowerCase() === input.name.toLowerCase());
    if (taken) {
      throw new HomeportError({
        code: 'CONFLICT',
        message: `A host named "${input.name}" already exists.`,
        fix: 'Choose another name.',
        details: { field: 'name' },
      });
    }
    const parts = input.kind === 'ssh' ? parseAddress(input.address) : { user: '', hostname: 'localhost', port: 0 };
    if (!parts) {
      throw new HomeportError({ code: 'VALIDATION', message: 'The address is not user@host[:port].', fix: 'Write it as root@nas.lan or root@nas.lan:2222.', details: { field: 'address' } });
    }
    // A stored password belongs to the destination it was typed for. When the login user, host
    // name or port changes, it is dropped rather than offered to a server it was never meant for
    // (a typo, a reused address, a host someone else runs); the user types it again if it applies.
    const sameDestination =
      previous !== null &&
      previous.kind === 'ssh' &&
      input.kind === 'ssh' &&
      previous.user === parts.user &&
      previous.hostname.toLowerCase() === parts.hostname.toLowerCase() &&
      previous.port === parts.port;
    let passwordSealed = sameDestination ? previous.passwordSealed : null;
    if (input.password !== undefined) {
      passwordSealed = input.password === '' ? null : this.secrets.encrypt(Buffer.from(input.password, 'utf8')).toString('base64');
    }
    return {
      id,
      name: input.name,
      kind: input.kind,
      ...parts,
      socketPath: input.socketPath,
      useAgent: input.useAgent,
      keyId: input.keyId,
      identityFile: input.identityFile,
      passwordSealed: input.kind === 'ssh' ? passwordSealed : null,
    };
  }

  password(r: HostRecord): string | null {
    return r.passwordSealed ? this.secrets.decrypt(Buffer.from(r.passwordSealed, 'base64')).toString('utf8') : null;
  }

  save(record: HostRecord): void {
    const all = this.all();
    const i = all.findIndex((h) => h.id === record.id);
    if (i >= 0) all[i] = record;
    else all.push(record);
    this.store.set(KEY, all);
  }

  remove(id: HostId): void {
    this.store.set(
      KEY,
      this.all().filter((h) => h.id !== id),
    );
  }
}
