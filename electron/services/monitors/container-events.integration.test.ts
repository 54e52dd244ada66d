import { execFileSync } from 'node:child_process';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostInfo, MonitorInfo } from '../../../shared/contract';
import { createServices, type Services } from '../app';
import { requireLab, type Lab } from '../test-support/lab';
import { createTestPlatform, type TestPlatform } from '../test-support/temp-platform';
import { contractCalls, until } from '../test-support/wait';

// Container monitors take their events from the engine hub's one event stream per host, the
// stream the containers list already follows: with container monitors running, their host has
// exactly one engine events request open, and every change still reaches the monitors through it.
// Counted at dockerode, where each `GET /events` the services make starts (the calls go through
// to the real engine over the lab's sshd).

const P = `hp-evstream-${process.pid}`;
const NAMES = [`${P}-a`, `${P}-b`, `${P}-c`];
const engine1 = (...args: string[]) => execFileSync('docker', ['-H', 'unix:///var/run/docker.sock', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** Every events request the services have open, with the engine client that made it. */
const open = new Set<{ docker: Dockerode; stream: NodeJS.ReadableStream }>();
const originalGetEvents = Dockerode.prototype.getEvents;

let lab: Lab;
let tp: TestPlatform;
let services: Services;

beforeAll(async () => {
  lab = await requireLab();
  for (const n of NAMES) {
    try {
      engine1('rm', '-f', n);
    } catch {
      // not there
    }
    engine1('run', '-d', '--network', 'host', '--name', n, '--label', 'homeport.lab=1', `${lab.image}:latest`, 'sleep', '600');
  }
  Dockerode.prototype.getEvents = function (this: Dockerode, ...args: unknown[]) {
    const result = (originalGetEvents as (...a: unknown[]) => unknown).apply(this, args);
    if (result instanceof Promise) {
      void result.then(
        (stream: NodeJS.ReadableStream) => {
          const entry = { docker: this, stream };
          open.add(entry);
          const gone = () => open.delete(entry);
          stream.once('end', gone);
          stream.once('close', gone);
          stream.once('error', gone);
        },
        () => {},
      );
    }
    return result;
  } as typeof Dockerode.prototype.getEvents;
  tp = createTestPlatform({ agentSocket: lab.agentSock });
  services = await createServices(tp.platform, { monitors: { referenceTargets: [] } });
});

afterAll(async () => {
  await services?.dispose();
  tp?.cleanup();
  Dockerode.prototype.getEvents = originalGetEvents;
  for (const n of NAMES) {
    try {
      engine1('rm', '-f', n);
    } catch {
      // gone already
    }
  }
});

describe('container monitors and the engine event stream', () => {
  it('share the one events request the hub keeps for their host, and see every change through it', async () => {
    const calls = contractCalls(() => services);
    const host = await calls.ok<HostInfo>('hosts.add', { name: 'events', kind: 'ssh', address: `root@127.0.0.1:${lab.ssh.port}`, socketPath: '/var/run/docker.sock', useAgent: true, keyId: null, identityFile: null });
    await until('the host key question', async () => (await calls.ok<HostInfo[]>('hosts.list')).find((h) => h.id === host.id)?.state.status === 'needs-hostkey');
    await calls.ok('hosts.acceptHostKey', { hostname: '127.0.0.1', port: lab.ssh.port, fingerprint: lab.ssh.hostKeyFingerprint });
    await until('the host connected', async () => (await calls.ok<HostInfo[]>('hosts.list')).find((h) => h.id === host.id)?.state.status === 'connected', 30_000);

    const ids: string[] = [];
    for (const n of NAMES) ids.push((await calls.ok<MonitorInfo>('monitors.add', { type: 'container', name: n, hostId: host.id, container: n, retries: 0 })).id);
    const states = async () => new Map<string, string>((await calls.ok<MonitorInfo[]>('monitors.list')).map((m) => [m.id, m.state]));
    await until('every container monitor up', async () => {
      const now = await states();
      return ids.every((id) => now.get(id) === 'up');
    }, 30_000);

    const engine = services.engines.dockerOf(host.id);
    const forHost = () => [...open].filter((e) => e.docker === engine).length;
    expect(forHost()).toBe(1);

    // A change reaches the monitor through that stream (a 60 s interval: only an event can be this quick).
    engine1('stop', '-t', '0', NAMES[1]!);
    await until('the stopped container down', async () => (await states()).get(ids[1]!) === 'down', 15_000);
    expect((await states()).get(ids[0]!)).toBe('up');
    expect(forHost()).toBe(1);
  }, 90_000);
});
