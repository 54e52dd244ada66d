import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { buildCreatePlan, demuxLogs, planNetworks, type ImageDefaults } from './upgrade-config';

const ID = 'abcdef123456' + '0'.repeat(52);

function inspect(p: { Config?: Record<string, unknown>; HostConfig?: Record<string, unknown>; Mounts?: unknown[]; Networks?: Record<string, unknown> } = {}): Dockerode.ContainerInspectInfo {
  return {
    Id: ID,
    Name: '/app',
    Image: 'sha256:' + '1'.repeat(64),
    Config: { Hostname: ID.slice(0, 12), Image: 'app:1', Env: [], Labels: {}, ...p.Config },
    HostConfig: { NetworkMode: 'default', ...p.HostConfig },
    Mounts: p.Mounts ?? [],
    NetworkSettings: { Networks: p.Networks ?? {} },
  } as unknown as Dockerode.ContainerInspectInfo;
}

const image: ImageDefaults = {
  Env: ['PATH=/usr/bin', 'IMG=1'],
  Cmd: ['serve'],
  Entrypoint: ['/entry.sh'],
  WorkingDir: '/srv',
  User: 'app',
  Labels: { 'org.opencontainers.image.version': '1' },
  ExposedPorts: { '80/tcp': {} },
  Volumes: { '/var/lib/app': {} },
  Healthcheck: { Test: ['CMD', 'true'] },
  StopSignal: 'SIGQUIT',
};

describe('buildCreatePlan', () => {
  it('leaves out what the old image set, so the new image\'s defaults apply', () => {
    const { body } = buildCreatePlan(
      inspect({
        Config: {
          Env: ['PATH=/usr/bin', 'IMG=1', 'MINE=x'],
          Cmd: ['serve'],
          Entrypoint: ['/entry.sh'],
          WorkingDir: '/srv',
          User: 'app',
          Labels: { 'org.opencontainers.image.version': '1', 'my.label': 'y', 'homeport.upgrade.previous-id': 'old' },
          ExposedPorts: { '80/tcp': {}, '9000/tcp': {} },
          Volumes: { '/var/lib/app': {} },
          Healthcheck: { Test: ['CMD', 'true'] },
          StopSignal: 'SIGQUIT',
        },
      }),
      image,
      'app:2',
      { 'homeport.upgrade.previous-id': ID },
    );
    expect(body).toMatchObject({ Image: 'app:2', Env: ['MINE=x'], Labels: { 'my.label': 'y', 'homeport.upgrade.previous-id': ID }, ExposedPorts: { '9000/tcp': {} }, Volumes: {} });
    for (const k of ['Cmd', 'Entrypoint', 'WorkingDir', 'User', 'Healthcheck', 'StopSignal', 'Hostname']) expect(body).not.toHaveProperty(k);
  });

  it('keeps what the user set: command, entrypoint (with its command as it was), user, workdir, healthcheck, hostname', () => {
    const { body } = buildCreatePlan(
      inspect({ Config: { Hostname: 'web01', Cmd: null, Entrypoint: ['/bin/sh', '-c'], WorkingDir: '/data', User: '1000', Healthcheck: { Test: ['NONE'] }, ExposedPorts: { '80/tcp': {} } }, HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] } } }),
      image,
      'app:2',
      {},
    );
    expect(body).toMatchObject({ Hostname: 'web01', Entrypoint: ['/bin/sh', '-c'], WorkingDir: '/data', User: '1000', Healthcheck: { Test: ['NONE'] }, ExposedPorts: { '80/tcp': {} } });
    expect(body).not.toHaveProperty('Cmd');
    const cmdOnly = buildCreatePlan(inspect({ Config: { Cmd: ['serve', '--debug'], Entrypoint: ['/entry.sh'] } }), image, 'app:2', {}).body;
    expect(cmdOnly.Cmd).toEqual(['serve', '--debug']);
    expect(cmdOnly).not.toHaveProperty('Entrypoint');
  });

  it('copies HostConfig, names anonymous volumes, and rewrites legacy links', () => {
    const { body } = buildCreatePlan(
      inspect({
        HostConfig: { Binds: ['data:/data', '/etc/app:/etc/app:ro'], Mounts: [{ Type: 'bind', Source: '/x', Target: '/x' }], RestartPolicy: { Name: 'always' }, Links: ['/db:/app/db'], Memory: 1 << 28 },
        Mounts: [
          { Type: 'volume', Name: 'data', Destination: '/data', RW: true },
          { Type: 'volume', Name: 'f00', Destination: '/var/lib/app', RW: true },
          { Type: 'volume', Name: 'r0', Destination: '/ro', RW: false },
          { Type: 'bind', Source: '/x', Destination: '/x', RW: true },
        ],
      }),
      image,
      'app:2',
      {},
    );
    expect(body.HostConfig).toMatchObject({
      Binds: ['data:/data', '/etc/app:/etc/app:ro', 'f00:/var/lib/app', 'r0:/ro:ro'],
      Mounts: [{ Type: 'bind', Source: '/x', Target: '/x' }],
      RestartPolicy: { Name: 'always' },
      Links: ['db:db'],
      Memory: 1 << 28,
    });
  });
});

describe('planNetworks', () => {
  it('puts the primary network in create and the others after, without the engine\'s short-id alias', () => {
    const plan = planNetworks(
      inspect({
        HostConfig: { NetworkMode: 'front' },
        Networks: {
          front: { NetworkID: 'n1', Aliases: [ID.slice(0, 12), 'web'], IPAMConfig: null },
          back: { NetworkID: 'n2', Aliases: null, IPAMConfig: { IPv4Address: '10.9.0.5' } },
        },
      }),
    );
    expect(plan).toEqual({ primary: { name: 'front', endpoint: { Aliases: ['web'] } }, others: [{ name: 'back', endpoint: { IPAMConfig: { IPv4Address: '10.9.0.5' } } }] });
    expect(planNetworks(inspect({ HostConfig: { NetworkMode: 'host' }, Networks: { host: {} } }))).toEqual({ primary: null, others: [] });
    expect(planNetworks(inspect({ HostConfig: { NetworkMode: 'default' }, Networks: { bridge: { NetworkID: 'b' } } })).primary).toEqual({ name: 'bridge', endpoint: {} });
  });
});

describe('demuxLogs', () => {
  it('reads framed and raw (TTY) logs', () => {
    const frame = (kind: number, text: string) => {
      const b = Buffer.from(text);
      const h = Buffer.alloc(8);
      h[0] = kind;
      h.writeUInt32BE(b.length, 4);
      return Buffer.concat([h, b]);
    };
    expect(demuxLogs(Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n')]), false)).toBe('out\nerr\n');
    expect(demuxLogs(Buffer.from('plain\n'), true)).toBe('plain\n');
  });
});
