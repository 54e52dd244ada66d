import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostId } from '../../../shared/contract';
import { until } from '../test-support/wait';
import { loadLab } from '../test-support/lab';
import { ContainerTimes, toContainerInfo } from './container-list';

// The engine answers a container list from a copy it updates a moment after its events, so a
// list made right after a `die` can still say "running" and no later event corrects it (seen on
// the containers screen: a killed container stayed "running"). Here the stale list is the real
// list taken before the kill, and the container is really dead when it is read again.
const name = `hp-ctimes-${process.pid}`;
let docker: Docker;

beforeAll(async () => {
  const lab = loadLab();
  docker = new Docker({ socketPath: lab.engine1.socket });
  await docker.getContainer(name).remove({ force: true }).catch(() => {});
  const c = await docker.createContainer({ name, Image: `${lab.image}:latest`, Cmd: ['sleep', '3600'], Labels: { 'homeport.test': String(process.pid) }, HostConfig: { NetworkMode: 'none' } });
  await c.start();
});

afterAll(async () => {
  await docker?.getContainer(name).remove({ force: true }).catch(() => {});
});

describe('container state in the list', () => {
  it('a list that still says "running" after the container died shows it exited once it is read again', async () => {
    const hostId = HostId('h_ctimes');
    const times = new ContainerTimes();
    const mine = async () => (await docker.listContainers({ all: true, filters: { name: [name] } })).filter((c) => c.Names?.includes(`/${name}`));
    const before = await mine();
    expect(before[0]?.State).toBe('running');
    await times.of(docker, before);
    expect(toContainerInfo(hostId, before[0]!, undefined, undefined, times.stateOf(before[0]!)).state).toBe('running');

    await docker.getContainer(name).kill();
    await until('the engine to say the container exited', async () => (await docker.getContainer(name).inspect()).State.Status === 'exited', 20_000);
    // The `die` event makes the hub read the container again; the list it got is the stale one.
    times.forget(before[0]!.Id);
    const r = await times.of(docker, before);
    const info = toContainerInfo(hostId, before[0]!, r.get(before[0]!.Id), undefined, times.stateOf(before[0]!));
    expect(info.state).toBe('exited');
    expect(info.exitCode).toBe(137);

    // A later, fresh list agrees, and the container is not read again for it.
    const after = await mine();
    expect(after[0]?.State).toBe('exited');
    await times.of(docker, after);
    expect(times.stateOf(after[0]!)).toBe('exited');
  });
});
