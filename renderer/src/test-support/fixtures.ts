import {
  HostId,
  KeyId,
  type ContainerInfo,
  type HostContainersInfo,
  type HostInfo,
  type KeyInfo,
} from '../../../shared/contract';

export function host(p: Partial<HostInfo> & { name: string }): HostInfo {
  return {
    id: HostId(`h_${p.name.replace(/[^A-Za-z0-9]/g, '')}0000`),
    kind: 'ssh',
    address: `root@${p.name}.lan`,
    user: 'root',
    hostname: `${p.name}.lan`,
    port: 22,
    socketPath: '/var/run/docker.sock',
    useAgent: true,
    keyId: null,
    identityFile: null,
    hasPassword: false,
    state: {
      status: 'connected',
      since: 0,
      transport: 'streamlocal',
      engine: { version: '27.3.1', apiVersion: '1.47', os: 'linux', name: p.name },
    },
    ...p,
  };
}

let n = 0;
export function container(h: HostInfo, p: Partial<ContainerInfo> & { name: string }): ContainerInfo {
  n++;
  return {
    id: `c${String(n).padStart(11, '0')}`,
    hostId: h.id,
    image: 'busybox:latest',
    state: 'running',
    status: 'Up 3 minutes',
    // No times: the list shows the engine's text as it is.
    startedAt: null,
    finishedAt: null,
    exitCode: null,
    ports: [],
    project: null,
    service: null,
    createdAt: 1_700_000_000_000,
    ...p,
  };
}

export function hostContainers(h: HostInfo, containers: ContainerInfo[], p: Partial<HostContainersInfo> = {}): HostContainersInfo {
  return { hostId: h.id, containers, error: null, loading: false, ...p };
}

export function key(p: Partial<KeyInfo> & { comment: string }): KeyInfo {
  return {
    id: KeyId(`k_${p.comment.replace(/[^A-Za-z0-9]/g, '')}0000`),
    type: 'ssh-ed25519',
    fingerprint: 'SHA256:' + 'A'.repeat(43),
    publicLine: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample ${p.comment}`,
    hasPassphrase: false,
    createdAt: 1_700_000_000_000,
    ...p,
  };
}
