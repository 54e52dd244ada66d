import { chmod, lchown, lstat, mkdir, readlink, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import Docker from 'dockerode';
import type { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostId } from '../../shared/contract';
import type { DockerTransport } from './ssh/docker-transport';
import { requireLab } from './test-support/lab';
import { listImages, pullImage } from './images/images';
import { listNetworks } from './networks/networks';
import { cleanupByLabel, dockerOverSsh, LAB_IMAGE, listing, mountpointOf, QUOTED_NAME, sink, TEST_LABEL, writeFixture } from './test-support/docker-fixtures';
import type { VolumeTransferProgressInfo } from '../../shared/contract';
import { backupVolume } from './volumes/backup';
import { browseVolume } from './volumes/browse';
import { restoreVolume } from './volumes/restore';
import { listVolumes, removeVolume } from './volumes/volumes';

// The same services as the app runs them: dockerode over ONE SSH connection to the lab's sshd
// (streamlocal forward to /var/run/docker.sock). The local socket is used only to set up and to
// check from outside.

const pid = process.pid;
const VOL = `hp-res-ssh-${pid}`;
const COPY = `hp-res-ssh-${pid}-copy`;
const TZ = `hp-res-ssh-${pid}-tz`;
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
  for (const v of [VOL, COPY, TZ, `${TZ}-plain`, `${TZ}-kept`]) await local.getVolume(v).remove().catch(() => {});
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

  it('restores what it backed up: a symlink that climbs above the volume root is kept as-is; setuid/setgid bits go unless kept', async () => {
    // An ordinary image-like volume: /etc/localtime style link pointing above the volume's root,
    // a setuid root binary, a setgid file and a setgid (group-sharing) directory.
    await local.createVolume({ Name: TZ, Labels: { [TEST_LABEL]: String(pid) } });
    const mp = await mountpointOf(local, TZ);
    await symlink('../usr/share/zoneinfo/UTC', path.join(mp, 'localtime'));
    await mkdir(path.join(mp, 'bin'));
    await writeFile(path.join(mp, 'bin', 'tool'), '#!/bin/sh\n');
    await chmod(path.join(mp, 'bin', 'tool'), 0o4755);
    await writeFile(path.join(mp, 'bin', 'grouptool'), '#!/bin/sh\n');
    await lchown(path.join(mp, 'bin', 'grouptool'), 0, 50);
    await chmod(path.join(mp, 'bin', 'grouptool'), 0o2755);
    await mkdir(path.join(mp, 'shared'));
    await lchown(path.join(mp, 'shared'), 1000, 1000);
    await chmod(path.join(mp, 'shared'), 0o2775);
    await writeFile(path.join(mp, 'shared', 'notes.txt'), 'hello\n');
    await lchown(path.join(mp, 'shared', 'notes.txt'), 1000, 1000);
    const before = await listing(local, TZ);

    const out = sink();
    await backupVolume(ssh, TZ, out.stream, () => {}, undefined, { helperImage: LAB_IMAGE });

    // Default: restorable, the link untouched, setuid/setgid bits of files cleared (and counted).
    const plain = await restoreVolume(ssh, `${TZ}-plain`, Readable.from([out.buffer()]), { mode: 'new', helperImage: LAB_IMAGE }, () => {});
    const pm = await mountpointOf(local, `${TZ}-plain`);
    expect(await readlink(path.join(pm, 'localtime'))).toBe('../usr/share/zoneinfo/UTC');
    expect((await lstat(path.join(pm, 'bin', 'tool'))).mode & 0o7777).toBe(0o755);
    expect((await lstat(path.join(pm, 'bin', 'grouptool'))).mode & 0o7777).toBe(0o755);
    expect(plain.setuidCleared).toBe(2);
    // The rest is as it was: owners, the directory's group-sharing bit, contents.
    expect(await listing(local, `${TZ}-plain`)).toBe(before.replace('bin/grouptool|file|2755', 'bin/grouptool|file|755').replace('bin/tool|file|4755', 'bin/tool|file|755'));

    // Kept when asked: byte for byte what was backed up.
    const kept = await restoreVolume(ssh, `${TZ}-kept`, Readable.from([out.buffer()]), { mode: 'new', helperImage: LAB_IMAGE, keepSetuid: true }, () => {});
    expect(kept.setuidCleared).toBe(0);
    expect(await listing(local, `${TZ}-kept`)).toBe(before);

    // Overwrite takes the same road.
    await writeFile(path.join(pm, 'extra'), 'x');
    await restoreVolume(ssh, `${TZ}-plain`, Readable.from([out.buffer()]), { mode: 'overwrite', helperImage: LAB_IMAGE, keepSetuid: true }, () => {});
    expect(await listing(local, `${TZ}-plain`)).toBe(before);
    const helpers = await local.listContainers({ all: true, filters: { label: ['homeport.helper=1'] } });
    expect(helpers.filter((c) => c.Labels['homeport.helper.volume']?.startsWith(TZ))).toEqual([]);
  });
});
