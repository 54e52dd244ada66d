import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionState, HostInfo, HostInput } from '../../../shared/contract';
import { createServices, type Services } from '../app';
import { createTestPlatform, type TestPlatform } from '../test-support/temp-platform';
import { KNOWN_HOSTS_STORE_KEY, knownHostsName, type StoredHostKey } from '../ssh/known-hosts';
import { requireLab, type Lab } from '../test-support/lab';
import { startPrivateSshd, type PrivateSshd } from '../test-support/private-sshd';
import { contractCalls, until } from '../test-support/wait';

// A server Homeport knows by its ED25519 key that now offers only an RSA key is not an ordinary
// first contact: the user is warned that the key type changed and told how to verify it. And a
// server that offers several types is asked for the type Homeport already knows.

let lab: Lab;
let tp: TestPlatform;
let services: Services;
let rsaOnly: PrivateSshd;
let both: PrivateSshd;
let rsaOnlyUserFile: PrivateSshd;
const { call, ok } = contractCalls(() => services);

// Some ED25519 key that is not the server's: what Homeport remembered for it before.
const OLD_ED25519 = () => lab.ssh.hostPublicKey.split(' ')[1]!;

const input = (name: string, port: number, over: Partial<HostInput> = {}): HostInput => ({
  name,
  kind: 'ssh',
  address: `root@127.0.0.1:${port}`,
  socketPath: '/var/run/docker.sock',
  useAgent: true,
  keyId: null,
  identityFile: null,
  ...over,
});
const stateOf = async (name: string): Promise<ConnectionState | undefined> => (await ok<HostInfo[]>('hosts.list')).find((h) => h.name === name)?.state;

beforeAll(async () => {
  lab = await requireLab();
  [rsaOnly, both, rsaOnlyUserFile] = await Promise.all([
    startPrivateSshd(lab, { hostKeyTypes: ['rsa'] }),
    startPrivateSshd(lab, { hostKeyTypes: ['ed25519', 'rsa'] }),
    startPrivateSshd(lab, { hostKeyTypes: ['rsa'] }),
  ]);
  tp = createTestPlatform({ agentSocket: lab.agentSock });
  const stored: StoredHostKey[] = [
    { host: knownHostsName('127.0.0.1', rsaOnly.port), keyType: 'ssh-ed25519', key: OLD_ED25519(), addedAt: 0 },
    { host: knownHostsName('127.0.0.1', both.port), keyType: 'ssh-rsa', key: both.hostKeys.find((k) => k.type === 'rsa')!.blob.toString('base64'), addedAt: 0 },
  ];
  tp.platform.store.set(KNOWN_HOSTS_STORE_KEY, stored);
  // The third server is known only from the user's own ~/.ssh/known_hosts.
  mkdirSync(path.join(tp.home, '.ssh'), { recursive: true });
  writeFileSync(path.join(tp.home, '.ssh', 'known_hosts'), `[127.0.0.1]:${rsaOnlyUserFile.port} ssh-ed25519 ${OLD_ED25519()}\n`);
  services = await createServices(tp.platform);
});

afterAll(async () => {
  await services?.dispose();
  tp?.cleanup();
  await Promise.all([rsaOnly?.stop(), both?.stop(), rsaOnlyUserFile?.stop()]);
});

describe('host key type switch', () => {
  it('warns that the key type changed (known ED25519, offered only RSA), apart from an ordinary unknown key', async () => {
    const rsa = rsaOnly.hostKeys[0]!;
    await ok('hosts.add', input('type-switch', rsaOnly.port));
    const s = await until('waiting for the host key', async () => {
      const st = await stateOf('type-switch');
      return st?.status === 'needs-hostkey' && st;
    });
    expect(s).toMatchObject({ keyType: 'ssh-rsa', fingerprint: rsa.fingerprint, knownKeys: [{ keyType: 'ssh-ed25519', fingerprint: lab.ssh.hostKeyFingerprint }] });

    const r = await call('hosts.test', { id: null, host: input('type-switch-test', rsaOnly.port) });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('HOSTKEY_UNKNOWN');
    expect(r.error.message).toMatch(/WARNING/);
    expect(r.error.message).toContain('RSA');
    expect(r.error.message).toContain('ED25519');
    expect(r.error.message).toContain(lab.ssh.hostKeyFingerprint);
    expect(r.error.fix).toContain('ssh-keygen -lf /etc/ssh/ssh_host_rsa_key.pub');
    expect(r.error.details).toMatchObject({ knownKeys: `ssh-ed25519 ${lab.ssh.hostKeyFingerprint}` });
  });

  it('after the user verified and accepted the RSA key, it connects', async () => {
    await ok('hosts.acceptHostKey', { hostname: '127.0.0.1', port: rsaOnly.port, fingerprint: rsaOnly.hostKeys[0]!.fingerprint });
    await until('connected', async () => (await stateOf('type-switch'))?.status === 'connected');
  });

  it('warns the same way when the known key is in ~/.ssh/known_hosts', async () => {
    await ok('hosts.add', input('type-switch-user-file', rsaOnlyUserFile.port));
    const s = await until('waiting for the host key', async () => {
      const st = await stateOf('type-switch-user-file');
      return st?.status === 'needs-hostkey' && st;
    });
    expect(s).toMatchObject({ keyType: 'ssh-rsa', knownKeys: [{ keyType: 'ssh-ed25519', fingerprint: lab.ssh.hostKeyFingerprint }] });
  });

  it('an ordinary first contact has no known keys', async () => {
    const fresh = await startPrivateSshd(lab, { hostKeyTypes: ['rsa'] });
    try {
      const r = await call('hosts.test', { id: null, host: input('fresh', fresh.port) });
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.code).toBe('HOSTKEY_UNKNOWN');
      expect(r.error.message).not.toMatch(/WARNING/);
      expect(r.error.details?.knownKeys ?? '').toBe('');
    } finally {
      await fresh.stop();
    }
  });

  it('asks a server that offers several key types for the type it knows (RSA here, though ED25519 is offered first)', async () => {
    const r = await call('hosts.test', { id: null, host: input('both', both.port) });
    expect(r).toMatchObject({ ok: true });
    await ok('hosts.add', input('both', both.port));
    await until('connected', async () => (await stateOf('both'))?.status === 'connected');
  });
});
