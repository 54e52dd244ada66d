import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostImagesInfo, HostNetworksInfo, HostVolumesInfo, PullProgressInfo } from '../../shared/contract';
import { createServices, type Services } from './app';
import { createTestPlatform, type TestPlatform } from './test-support/temp-platform';
import { loadLab, type Lab } from './test-support/lab';
import { addConnectedHost, labSsh } from './test-support/lab-host';
import { contractCalls, until } from './test-support/wait';

// Images, volumes and networks as the UI reaches them — through the dispatcher, over the lab's SSH
// host — and the `image.pull` stream from the lab registry (127.0.0.1:5555). The registry tag is
// left as the lab had it.

let lab: Lab;
let tp: TestPlatform;
let services: Services;
let hostId: string;
const events: Array<{ event: string; payload: unknown; target: unknown }> = [];
const PULL_REF = '127.0.0.1:5555/lab/busybox:1.1';
const docker = (...args: string[]) => execFileSync('docker', ['-H', 'unix:///var/run/docker.sock', ...args], { encoding: 'utf8' }).trim();
const tags = () => docker('images', '--format', '{{.Repository}}:{{.Tag}}').split('\n');
let existed = false;

const { call, ok } = contractCalls(() => services);

beforeAll(async () => {
  lab = loadLab();
  existed = tags().includes(PULL_REF);
  tp = createTestPlatform({ agentSocket: lab.agentSock });
  services = await createServices(tp.platform);
  services.events.subscribe((event, payload, target) => events.push({ event, payload, target }));
  hostId = (await addConnectedHost(ok, labSsh(lab))).id;
});

afterAll(async () => {
  await services?.dispose();
  tp?.cleanup();
  const present = tags().includes(PULL_REF);
  if (existed && !present) docker('pull', PULL_REF);
  if (!existed && present) docker('rmi', PULL_REF);
});

const imagesOf = async () => (await ok<HostImagesInfo[]>('images.list')).find((h) => h.hostId === hostId)!;

describe('resources through the contract', () => {
  it('pulls over the image.pull stream, lists the image, then removes it', async () => {
    if (existed) docker('rmi', PULL_REF); // only a tag: the lab's other tags keep the image
    const { streamId } = await ok<{ streamId: string }>('streams.open', { kind: 'image.pull', hostId, ref: PULL_REF }, 'puller');
    const end = await until('stream.end', () => events.find((e) => e.event === 'stream.end' && (e.payload as { streamId: string }).streamId === streamId));
    expect(end).toMatchObject({ target: 'puller', payload: { error: null } });
    const data = events.filter((e) => e.event === 'stream.data' && (e.payload as { streamId: string }).streamId === streamId);
    expect(data.length).toBeGreaterThan(0);
    expect(data.every((d) => d.target === 'puller')).toBe(true);
    const last = (data.at(-1)!.payload as { data: PullProgressInfo }).data;
    expect(last.message).toMatch(/Downloaded newer image|up to date/);
    // The stream ended by itself: closing it now finds nothing.
    expect((await call('streams.close', { streamId }, 'puller')).ok).toBe(false);

    const mine = await imagesOf();
    expect(mine.error).toBeNull();
    const img = mine.images.find((i) => i.repoTags.includes(PULL_REF));
    expect(img).toMatchObject({ hostId, dangling: false });

    const removed = await ok<{ untagged: string[] }>('images.remove', { hostId, id: PULL_REF, force: false });
    expect(removed.untagged).toContain(PULL_REF);
    expect((await imagesOf()).images.some((i) => i.repoTags.includes(PULL_REF))).toBe(false);
  });

  it('ends the pull stream with the error, message and fix, when the registry has no such image', async () => {
    const { streamId } = await ok<{ streamId: string }>('streams.open', { kind: 'image.pull', hostId, ref: '127.0.0.1:5555/lab/no-such-image:9' });
    const end = await until('stream.end', () => events.find((e) => e.event === 'stream.end' && (e.payload as { streamId: string }).streamId === streamId));
    const error = (end.payload as { error: { code: string; message: string; fix?: string } | null }).error;
    expect(error).toMatchObject({ code: 'ENGINE', message: expect.stringMatching(/no-such-image/) });
    expect(error?.fix).toBeTruthy();
  });

  it('closing a pull stream aborts the pull and ends the stream once, without an error', async () => {
    const { streamId } = await ok<{ streamId: string }>('streams.open', { kind: 'image.pull', hostId, ref: PULL_REF }, 'quitter');
    await ok('streams.close', { streamId }, 'quitter');
    await new Promise((r) => setTimeout(r, 1500));
    const ends = events.filter((e) => e.event === 'stream.end' && (e.payload as { streamId: string }).streamId === streamId);
    expect(ends).toEqual([{ event: 'stream.end', payload: { streamId, error: null }, target: 'quitter' }]);
  });

  it('rejects refs and names that are not Docker refs before they reach the engine', async () => {
    for (const ref of ['', 'UPPER/case', 'a b', 'x;rm -rf /', '-flag', 'busybox:tag with space']) {
      expect(await call('streams.open', { kind: 'image.pull', hostId, ref })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
    expect(await call('volumes.remove', { hostId, name: '../etc' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await call('images.remove', { hostId, id: 'x y', force: false })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('lists volumes and networks per host', async () => {
    const vols = (await ok<HostVolumesInfo[]>('volumes.list')).find((h) => h.hostId === hostId)!;
    expect(vols.error).toBeNull();
    expect(Array.isArray(vols.volumes)).toBe(true);
    const nets = (await ok<HostNetworksInfo[]>('networks.list')).find((h) => h.hostId === hostId)!;
    expect(nets.error).toBeNull();
    expect(nets.networks.find((n) => n.name === 'host')).toMatchObject({ builtIn: true, driver: 'host' });
  });

  it('answers DISCONNECTED for a host that is not connected', async () => {
    await ok('hosts.disconnect', { id: hostId });
    const r = await call('images.prune', { hostId });
    expect(r).toMatchObject({ ok: false, error: { code: 'DISCONNECTED' } });
    expect((await ok<HostImagesInfo[]>('images.list')).find((h) => h.hostId === hostId)?.error?.code).toBe('DISCONNECTED');
  });
});
