import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import Docker from 'dockerode';
import type { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostId } from '../../../shared/contract';
import type { DockerTransport } from '../ssh/docker-transport';
import { requireLab } from '../ssh/test-lab';
import { listImages, pullImage } from './images';
import { listNetworks } from './networks';
import { cleanupByLabel, dockerOverSsh, LAB_IMAGE, listing, mountpointOf, QUOTED_NAME, sink, TEST_LABEL, writeFixture } from './test-support';
import type { VolumeTransferProgressInfo } from './types';
import { backupVolume, browseVolume, listVolumes, removeVolume, restoreVolume } from './volumes';

// The same services as the app runs them: dockerode over ONE SSH connection to the lab's sshd
// (streamlocal forward to /var/run/docker.sock). The local socket is used only to set up and to
// check from outside.

const pid = process.pid;
const VOL = `hp-res-ssh-${pid}`;
const COPY = `hp-res-ssh-${pid}-copy`;
const hostId = HostId('lab-ssh');
let local: Docker;
let client: Client;
let transport: DockerTransport;
let ssh: Docker;

beforeAll(async () => {
  const lab = await requireLab();
  local = new Docker({ socketPath: lab.engine1.socket });
  ({ client, transport } = await dockerOverSsh(lab));
  ssh = transport.docker;
  await local.createVolume({ Name: VOL, Labels: { [TEST_LABEL]: String(pid) } });
  await writeFixture(local, VOL);
});

afterAll(async () => {
  transport?.close();
  client?.end();
  if (!local) return;
  await cleanupByLabel(local, `${TEST_LABEL}=${pid}`);
  for (const v of [VOL, COPY]) await local.getVolume(v).remove().catch(() => {});
});

describe('resources over SSH', () => {
  it('travels over the streamlocal forward', () => {
    expect(transport.transport).toBe('streamlocal');
  });

  it('lists images, volumes and networks', async () => {
    const [images, volumes, networks] = await Promise.all([listImages(ssh, hostId), listVolumes(ssh, hostId), listNetworks(ssh, hostId)]);
    expect(images.find((i) => i.repoTags.includes(LAB_IMAGE))?.containers).toContain('lab-sleeper');
    expect(volumes.find((v) => v.name === VOL)).toMatchObject({ hostId, containers: [] });
    expect(networks.find((n) => n.name === 'labapi_default')?.containers.map((c) => c.name)).toContain('labapi_api_1');
  });

  it('pulls with progress', async () => {
    const events: unknown[] = [];
    const r = await pullImage(ssh, '127.0.0.1:5555/lab/busybox:1.0', (p) => events.push(p));
    expect(r.id).toBe((await local.getImage(LAB_IMAGE).inspect()).Id);
    expect(events.length).toBeGreaterThan(0);
  });

  it('browses, backs up and restores a volume, giving back the same files', async () => {
    const top = await browseVolume(ssh, VOL, '/', { helperImage: LAB_IMAGE });
    expect(top.entries.map((e) => e.name)).toContain('sub');
    // the find fallback runs a helper process and attaches to it: over SSH too
    const viaFind = await browseVolume(ssh, VOL, '/sub', { helperImage: LAB_IMAGE, maxBytes: 1024 });
    expect(viaFind.source).toBe('find');
    expect(viaFind.entries.map((e) => e.name)).toEqual(['deep', QUOTED_NAME, 'random.bin']);
    const before = await listing(local, VOL);

    const out = sink();
    const events: VolumeTransferProgressInfo[] = [];
    const t0 = performance.now();
    const b = await backupVolume(ssh, VOL, out.stream, (p) => events.push(p), undefined, { helperImage: LAB_IMAGE });
    const backupMs = performance.now() - t0;
    expect(b.gzipBytes).toBe(out.buffer().length);
    expect(events.at(-1)!.bytes).toBe(b.tarBytes);

    await restoreVolume(ssh, COPY, Readable.from([out.buffer()]), { mode: 'new', helperImage: LAB_IMAGE }, () => {});
    expect(await listing(local, COPY)).toBe(before);

    // and over the original, once it is gone
    await removeVolume(ssh, VOL);
    const t1 = performance.now();
    await restoreVolume(ssh, VOL, Readable.from([out.buffer()]), { mode: 'new', helperImage: LAB_IMAGE }, () => {});
    const restoreMs = performance.now() - t1;
    expect(await listing(local, VOL)).toBe(before);

    // overwrite (check, empty with a helper process, fill) over SSH
    const mp = await mountpointOf(local, COPY);
    await writeFile(path.join(mp, 'a.txt'), 'changed\n');
    await writeFile(path.join(mp, 'extra'), 'extra\n');
    expect(await listing(local, COPY)).not.toBe(before);
    const t2 = performance.now();
    await restoreVolume(ssh, COPY, Readable.from([out.buffer()]), { mode: 'overwrite', helperImage: LAB_IMAGE }, () => {});
    const overwriteMs = performance.now() - t2;
    expect(await listing(local, COPY)).toBe(before);
    console.log(`over SSH: overwrite restore in ${overwriteMs.toFixed(0)} ms`);
    console.log(`over SSH: backup ${b.tarBytes} tar bytes in ${backupMs.toFixed(0)} ms; restore in ${restoreMs.toFixed(0)} ms`);
    const helpers = await local.listContainers({ all: true, filters: { label: ['homeport.helper=1'] } });
    expect(helpers.filter((c) => c.Labels['homeport.helper.volume']?.startsWith(VOL))).toEqual([]);
  });
});
