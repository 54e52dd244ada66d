import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostInfo, HostInput } from '../../../shared/contract';
import { createServices, type Services } from '../app';
import { createTestPlatform, type TestPlatform } from '../test-support/temp-platform';
import { KNOWN_HOSTS_STORE_KEY, knownHostsName, type StoredHostKey } from '../ssh/known-hosts';
import { requireLab, type Lab } from '../test-support/lab';
import { startPrivateSshd, type PrivateSshd } from '../test-support/private-sshd';
import { contractCalls, until } from '../test-support/wait';

// A stored password belongs to the destination it was given for. Edit the address of a host (or
// test the edited form) and the old password must not travel to the new server: a second, private
// sshd logs every password attempt made to it, so the test can see whether one arrived.

let lab: Lab;
let tp: TestPlatform;
let services: Services;
let other: PrivateSshd;
const { call, ok } = contractCalls(() => services);

const NAME = `secrets-${process.pid}`;
const input = (over: Partial<HostInput> = {}): HostInput => ({
  name: NAME,
  kind: 'ssh',
  address: `${lab.users.password.user}@127.0.0.1:${lab.ssh.port}`,
  socketPath: '/var/run/docker.sock',
  useAgent: false,
  keyId: null,
  identityFile: null,
  ...over,
});
const host = async () => (await ok<HostInfo[]>('hosts.list')).find((h) => h.name === NAME)!;
const passwordLines = () => other.log().split('\n').filter((l) => /password for/i.test(l));

beforeAll(async () => {
  lab = await requireLab();
  other = await startPrivateSshd(lab);
  tp = createTestPlatform({ agentSocket: null });
  // Both servers' host keys are already trusted: this test is about passwords, not host keys.
  const trusted: StoredHostKey[] = [
    { host: knownHostsName('127.0.0.1', lab.ssh.port), keyType: lab.ssh.hostKeyType, key: lab.ssh.hostPublicKey.split(' ')[1]!, addedAt: 0 },
    { host: knownHostsName('127.0.0.1', other.port), keyType: 'ssh-ed25519', key: other.hostKeys[0]!.blob.toString('base64'), addedAt: 0 },
  ];
  tp.platform.store.set(KNOWN_HOSTS_STORE_KEY, trusted);
  services = await createServices(tp.platform);
});

afterAll(async () => {
  await services?.dispose();
  tp?.cleanup();
  await other?.stop();
});

describe('a stored password does not follow a changed address', () => {
  let id: HostInfo['id'];

  it('logs in with the stored password at the address it was given for', async () => {
    id = (await ok<HostInfo>('hosts.add', input({ password: lab.users.password.password }))).id;
    await until('connected with the password', async () => (await host()).state.status === 'connected');
    expect((await host()).hasPassword).toBe(true);
  });

  it('keeps the password when only the name or the socket changes', async () => {
    const h = await ok<HostInfo>('hosts.update', { id, host: input({ socketPath: '/run/docker.sock' }) });
    expect(h.hasPassword).toBe(true);
    await ok<HostInfo>('hosts.update', { id, host: input() });
    await until('connected again', async () => (await host()).state.status === 'connected');
  });

  it('"Test connection" with a new address does not send the stored password there', async () => {
    const r = await call('hosts.test', { id, host: input({ address: `${lab.users.password.user}@127.0.0.1:${other.port}` }) });
    // The server saw the attempt (the connection was made), but no password was offered to it.
    await until('the private sshd logged the connection', () => /Connection from 127\.0\.0\.1/.test(other.log()));
    expect(passwordLines()).toEqual([]);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('AUTH_FAILED');
      expect(r.error.message).toContain('no credentials');
    }
    // The host as saved still has its password for its own address.
    expect((await host()).hasPassword).toBe(true);
  });

  it('saving a new address drops the stored password, so the user is asked for it again', async () => {
    const h = await ok<HostInfo>('hosts.update', { id, host: input({ address: `${lab.users.password.user}@127.0.0.1:${other.port}` }) });
    expect(h.hasPassword).toBe(false);
    const failed = await until('the connection fails for want of credentials', async () => {
      const s = (await host()).state;
      return s.status === 'failed' && s;
    });
    expect(failed.error.code).toBe('AUTH_FAILED');
    expect(passwordLines()).toEqual([]);
    // Changing it back does not bring the old password back either: it is gone.
    expect((await ok<HostInfo>('hosts.update', { id, host: input() })).hasPassword).toBe(false);
  });

  it('a password typed for the new address is used there', async () => {
    const h = await ok<HostInfo>('hosts.update', {
      id,
      host: input({ address: `${lab.users.password.user}@127.0.0.1:${other.port}`, password: lab.users.password.password }),
    });
    expect(h.hasPassword).toBe(true);
    await until('connected with the new password', async () => (await host()).state.status === 'connected');
    expect(passwordLines().some((l) => /Accepted password for/.test(l))).toBe(true);
  });

  it('a changed login user is a new destination too', async () => {
    const h = await ok<HostInfo>('hosts.update', {
      id,
      host: input({ address: `${lab.users.noDocker.user}@127.0.0.1:${other.port}` }),
    });
    expect(h.hasPassword).toBe(false);
    await ok('hosts.remove', { id });
  });
});
