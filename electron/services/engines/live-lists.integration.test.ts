import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerInfo, HostContainersInfo, HostImagesInfo, HostNetworksInfo, HostVolumesInfo } from '../../../shared/contract';
import { createServices, type Services } from '../app';
import { createTestPlatform, type TestPlatform } from '../test-support/temp-platform';
import { loadLab, type Lab } from '../test-support/lab';
import { addConnectedHost, labSsh } from '../test-support/lab-host';
import { contractCalls, until } from '../test-support/wait';

// Lists that follow the engine: volumes, images and networks made or removed OUTSIDE Homeport (the
// docker CLI on the lab engine) reach the UI as `*.changed` events, the way containers do; and a
// container's list entry carries when it started and stopped, so the UI can age its status text.
// Everything here is named hp-live-<pid>… and removed afterwards.

const pid = process.pid;
const VOL = `hp-live-vol-${pid}`;
const NET = `hp-live-net-${pid}`;
const TAG = `hp-live-img-${pid}:1`;
const CTR = `hp-live-ctr-${pid}`;
let lab: Lab;
let tp: TestPlatform;
let services: Services;
let hostId: string;
const events: Array<{ event: string; payload: unknown }> = [];
const docker = (...args: string[]) => execFileSync('docker', ['-H', 'unix:///var/run/docker.sock', ...args], { encoding: 'utf8' }).trim();
const quietly = (...args: string[]) => {
  try {
    execFileSync('docker', ['-H', 'unix:///var/run/docker.sock', ...args], { stdio: 'ignore' });
  } catch {
    // not there
  }
};
const { ok } = contractCalls(() => services);

/** The newest `event` payload for our host after `from` that satisfies `test`. */
function latest<T extends { hostId: string }>(event: string, from: number, test: (p: T) => boolean): T | undefined {
  return events
    .slice(from)
    .filter((e) => e.event === event && (e.payload as T).hostId === hostId)
    .map((e) => e.payload as T)
    .reverse()
    .find(test);
}

beforeAll(async () => {
  lab = loadLab();
  tp = createTestPlatform({ agentSocket: lab.agentSock });
  services = await createServices(tp.platform);
  services.events.subscribe((event, payload) => events.push({ event, payload }));
  hostId = (await addConnectedHost(ok, labSsh(lab))).id;
  // The lists as the UI loads them first; what follows must come without asking again.
  await Promise.all([ok('volumes.list'), ok('images.list'), ok('networks.list')]);
}, 120_000);

afterAll(async () => {
  await services?.dispose();
  tp?.cleanup();
  quietly('rm', '-f', CTR);
  quietly('volume', 'rm', '-f', VOL);
  quietly('network', 'rm', NET);
  quietly('rmi', TAG);
}, 60_000);

describe('lists that follow the engine', () => {
  it('a volume created and removed with the docker CLI comes and goes as volumes.changed', async () => {
    let from = events.length;
    docker('volume', 'create', '--label', 'made.by=cli', VOL);
    const added = await until('volumes.changed with the new volume', () => latest<HostVolumesInfo>('volumes.changed', from, (p) => p.volumes.some((v) => v.name === VOL)), 20_000);
    expect(added.error).toBeNull();
    expect(added.volumes.find((v) => v.name === VOL)).toMatchObject({ hostId, labels: { 'made.by': 'cli' }, containers: [] });
    from = events.length;
    docker('volume', 'rm', VOL);
    await until('volumes.changed without it', () => latest<HostVolumesInfo>('volumes.changed', from, (p) => !p.volumes.some((v) => v.name === VOL)), 20_000);
  }, 60_000);

  it('a network created, joined and removed with the docker CLI follows as networks.changed', async () => {
    let from = events.length;
    docker('network', 'create', NET);
    await until('networks.changed with the new network', () => latest<HostNetworksInfo>('networks.changed', from, (p) => p.networks.some((n) => n.name === NET)), 20_000);
    from = events.length;
    docker('run', '-d', '--name', CTR, '--network', NET, lab.image, 'sleep', '3600');
    const joined = await until(
      'networks.changed naming the container',
      () => latest<HostNetworksInfo>('networks.changed', from, (p) => !!p.networks.find((n) => n.name === NET)?.containers.some((c) => c.name === CTR)),
      20_000,
    );
    expect(joined.error).toBeNull();
    docker('rm', '-f', CTR);
    from = events.length;
    docker('network', 'rm', NET);
    await until('networks.changed without it', () => latest<HostNetworksInfo>('networks.changed', from, (p) => !p.networks.some((n) => n.name === NET)), 20_000);
  }, 60_000);

  it('an image tagged and untagged with the docker CLI follows as images.changed', async () => {
    let from = events.length;
    docker('tag', lab.image, TAG);
    const tagged = await until('images.changed with the tag', () => latest<HostImagesInfo>('images.changed', from, (p) => p.images.some((i) => i.repoTags.includes(TAG))), 20_000);
    expect(tagged.error).toBeNull();
    from = events.length;
    docker('rmi', TAG);
    await until('images.changed without the tag', () => latest<HostImagesInfo>('images.changed', from, (p) => !p.images.some((i) => i.repoTags.includes(TAG))), 20_000);
  }, 60_000);

  it('a container in the list carries when it started, and when it stopped with which exit code', async () => {
    let from = events.length;
    docker('run', '-d', '--name', CTR, '--network', 'none', lab.image, 'sleep', '3600');
    const running = await until(
      'containers.changed with it running',
      () => latest<HostContainersInfo>('containers.changed', from, (p) => p.containers.some((c) => c.name === CTR && c.state === 'running')),
      20_000,
    );
    const startedAt = Date.parse(docker('inspect', '-f', '{{.State.StartedAt}}', CTR));
    expect(running.containers.find((c) => c.name === CTR)).toMatchObject<Partial<ContainerInfo>>({ startedAt, finishedAt: null, exitCode: null });

    from = events.length;
    docker('kill', CTR);
    const stopped = await until(
      'containers.changed with it exited',
      () => latest<HostContainersInfo>('containers.changed', from, (p) => p.containers.some((c) => c.name === CTR && c.state === 'exited')),
      20_000,
    );
    const finishedAt = Date.parse(docker('inspect', '-f', '{{.State.FinishedAt}}', CTR));
    expect(stopped.containers.find((c) => c.name === CTR)).toMatchObject<Partial<ContainerInfo>>({ startedAt, finishedAt, exitCode: 137 });

    // Started again: a new start time, the last run's end kept.
    from = events.length;
    docker('start', CTR);
    const again = await until(
      'containers.changed with it running again',
      () => latest<HostContainersInfo>('containers.changed', from, (p) => p.containers.some((c) => c.name === CTR && c.state === 'running')),
      20_000,
    );
    const restartedAt = Date.parse(docker('inspect', '-f', '{{.State.StartedAt}}', CTR));
    expect(restartedAt).toBeGreaterThan(startedAt);
    expect(again.containers.find((c) => c.name === CTR)).toMatchObject<Partial<ContainerInfo>>({ startedAt: restartedAt });
    docker('rm', '-f', CTR);
  }, 60_000);
});
