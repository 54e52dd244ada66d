import type { HostInfo, HostInput, MethodName } from '../../../shared/contract';
import type { Lab } from './lab';
import type { PrivateSshd } from './private-sshd';
import { until } from './wait';

/** `ok` from `contractCalls`: a contract call's value, or a throw with its error. */
type Ok = <T>(method: MethodName, input?: unknown, clientId?: string) => Promise<T>;

/** An sshd to reach: its address and the host key fingerprint a user would check and accept. */
export interface SshTarget {
  hostname: string;
  port: number;
  fingerprint: string;
}

/** The lab's main sshd (root login, the agent's key authorised). */
export function labSsh(lab: Lab): SshTarget {
  return { hostname: lab.ssh.host, port: lab.ssh.port, fingerprint: lab.ssh.hostKeyFingerprint };
}

/** A test's own sshd, by the first host key it offers. */
export function privateSsh(sshd: PrivateSshd): SshTarget {
  return { hostname: '127.0.0.1', port: sshd.port, fingerprint: sshd.hostKeys[0]!.fingerprint };
}

/**
 * Adds a host as a user does through the contract — root over SSH with the agent, the engine at
 * /var/run/docker.sock unless `over` says otherwise — waits for the unknown-key prompt, accepts the
 * fingerprint and waits until the host is connected.
 */
export async function addConnectedHost(ok: Ok, target: SshTarget, over: Partial<HostInput> = {}): Promise<HostInfo> {
  const host = await ok<HostInfo>('hosts.add', {
    name: 'lab',
    kind: 'ssh',
    address: `root@${target.hostname}:${target.port}`,
    socketPath: '/var/run/docker.sock',
    useAgent: true,
    keyId: null,
    identityFile: null,
    ...over,
  } satisfies HostInput);
  const status = async () => (await ok<HostInfo[]>('hosts.list')).find((h) => h.id === host.id)?.state.status;
  await until(`host key prompt of ${host.name}`, async () => (await status()) === 'needs-hostkey');
  await ok('hosts.acceptHostKey', { hostname: target.hostname, port: target.port, fingerprint: target.fingerprint });
  await until(`${host.name} connected`, async () => (await status()) === 'connected');
  return host;
}
