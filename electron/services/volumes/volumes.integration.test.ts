import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostId, type VolumeTransferProgressInfo } from '../../../shared/contract';
import { requireLab } from '../test-support/lab';
import { cleanupByLabel, LAB_IMAGE, listing, makeTarGz, mountpointOf, QUOTED_NAME, sink, TEST_LABEL, writeFixture, failure } from '../test-support/docker-fixtures';
import { backupVolume } from './backup';
import { browseVolume } from './browse';
import { restoreVolume } from './restore';
import { listVolumes, pruneVolumes, removeVolume } from './volumes';

// Volumes against the lab's main engine on its local socket (the SSH path is in ssh.integration.test.ts).
// Everything created here is named hp-res-<pid>… and labelled homeport.test=<pid>; the lab's own
// containers, volumes and networks are never touched.

const pid = process.pid;
const VOL = `hp-res-${pid}`;
const LABEL = `${TEST_LABEL}=${pid}`;
const hostId = HostId('lab');
let docker: Docker;
let original: string;
let backup: Buffer;

/** Helpers left behind for this file's volumes (others may be running their own meanwhile). */
const helpersLeft = async () =>
  (await docker.listContainers({ all: true, filters: { label: ['homeport.helper=1'] } })).filter((c) => c.Labels['homeport.helper.volume']?.startsWith(VOL)).length;

beforeAll(async () => {
  const lab = await requireLab();
  docker = new Docker({ socketPath: lab.engine1.socket });
  await docker.createVolume({ Name: VOL, Labels: { [TEST_LABEL]: String(pid) } });
  await writeFixture(docker, VOL);
  original = await listing(docker, VOL);
});

afterAll(async () => {
  if (docker) await cleanupByLabel(docker, LABEL);
  for (const v of [VOL, `${VOL}-evil`, `${VOL}-cap`, `${VOL}-prune`, `${VOL}-named`]) await docker?.getVolume(v).remove().catch(() => {});
});

describe('volumes', () => {
  it('lists volumes with their size and the containers using them', async () => {
    const user = await docker.createContainer({ Image: LAB_IMAGE, name: `hp-res-vuser-${pid}`, Labels: { [TEST_LABEL]: String(pid) }, HostConfig: { Mounts: [{ Type: 'volume', Source: VOL, Target: '/data' }] } });
    try {
      const list = await listVolumes(docker, hostId, { refreshSizes: true });
      const v = list.find((x) => x.name === VOL);
      expect(v).toMatchObject({ hostId, driver: 'local', anonymous: false, labels: { [TEST_LABEL]: String(pid) } });
      expect(v!.sizeBytes).toBeGreaterThan(3_000_000);
      expect(v!.containers).toEqual([{ id: user.id, name: `hp-res-vuser-${pid}`, state: 'created' }]);
    } finally {
      await user.remove({ force: true });
    }
  });

  it('browses the top level and a subdirectory read-only, and refuses to leave the volume', async () => {
    const top = await browseVolume(docker, VOL, '/', { helperImage: LAB_IMAGE });
    expect(top).toMatchObject({ volume: VOL, path: '/', source: 'archive', truncated: false });
    expect(top.entries.map((e) => e.name)).toEqual(['empty', 'sub', 'a.txt', 'abs-link', 'hard-a', 'link-to-a', 'private']);
    const byName = Object.fromEntries(top.entries.map((e) => [e.name, e]));
    expect(byName['a.txt']).toMatchObject({ type: 'file', sizeBytes: 6, path: '/a.txt', mode: 0o644 });
    expect(byName['link-to-a']).toMatchObject({ type: 'symlink', linkTarget: 'a.txt' });
    expect(byName['abs-link']).toMatchObject({ type: 'symlink', linkTarget: '/etc/passwd' });
    expect(byName['private']).toMatchObject({ mode: 0o600, uid: 1000, gid: 1000 });
    expect(byName['sub']!.type).toBe('directory');
    expect(byName['sub']!.sizeBytes).toBe(3_000_000 + 7 + 7); // random.bin + n.txt + the quoted one

    const sub = await browseVolume(docker, VOL, 'sub/./', { helperImage: LAB_IMAGE });
    expect(sub.path).toBe('/sub');
    expect(sub.entries.map((e) => e.name)).toEqual(['deep', QUOTED_NAME, 'random.bin']);
    expect(sub.entries[0]).toMatchObject({ path: '/sub/deep', mode: 0o750, sizeBytes: 7 });

    for (const bad of ['..', '/../etc', 'sub/../../etc', '/sub/..']) {
      const e = await failure(browseVolume(docker, VOL, bad, { helperImage: LAB_IMAGE }));
      expect(e.code).toBe('VALIDATION');
      expect(e.message).toContain('..');
    }
    expect((await failure(browseVolume(docker, VOL, '/a.txt', { helperImage: LAB_IMAGE }))).message).toContain('is a file');
    expect((await failure(browseVolume(docker, VOL, '/link-to-a', { helperImage: LAB_IMAGE }))).message).toContain('symbolic link');
    expect((await failure(browseVolume(docker, VOL, '/nope', { helperImage: LAB_IMAGE }))).code).toBe('NOT_FOUND');
    expect((await failure(browseVolume(docker, 'no such volume', '/'))).code).toBe('VALIDATION');
    expect((await failure(browseVolume(docker, `${VOL}-absent`, '/'))).code).toBe('NOT_FOUND');
    // browsing did not create the absent volume by mounting it
    expect((await docker.listVolumes()).Volumes.some((v) => v.Name === `${VOL}-absent`)).toBe(false);
    expect(await helpersLeft()).toBe(0);
  });

  it('lists a directory too big for the archive stream with find + stat instead', async () => {
    const viaFind = await browseVolume(docker, VOL, '/sub', { helperImage: LAB_IMAGE, maxBytes: 1024 });
    expect(viaFind).toMatchObject({ source: 'find', truncated: false, path: '/sub' });
    expect(viaFind.entries.map((e) => e.name)).toEqual(['deep', QUOTED_NAME, 'random.bin']);
    expect(viaFind.entries[2]).toMatchObject({ type: 'file', sizeBytes: 3_000_000 });
    expect(viaFind.entries[0]).toMatchObject({ type: 'directory', mode: 0o750 });
    expect(await helpersLeft()).toBe(0);
  });

  it('backs up → removes → restores into a new volume, giving back the same files', async () => {
    await listVolumes(docker, hostId); // df is cached: the backup knows the total from the start
    const events: VolumeTransferProgressInfo[] = [];
    const out = sink();
    const t0 = Date.now();
    const r = await backupVolume(docker, VOL, out.stream, (p) => events.push(p), undefined, { helperImage: LAB_IMAGE });
    backup = out.buffer();
    expect(backup.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(r).toMatchObject({ volume: VOL, gzipBytes: backup.length, runningContainers: [] });
    expect(r.tarBytes).toBeGreaterThan(3_000_000);
    expect(events.at(-1)).toMatchObject({ phase: 'copying', bytes: r.tarBytes });
    expect(events.at(-1)!.totalBytes).toBeGreaterThan(3_000_000);
    // throttled: never more than ~10 a second (plus the first and the last)
    expect(events.length).toBeLessThanOrEqual(2 + Math.ceil((Date.now() - t0) / 100));

    await removeVolume(docker, VOL);
    expect((await docker.listVolumes()).Volumes.some((v) => v.Name === VOL)).toBe(false);

    const restoreEvents: VolumeTransferProgressInfo[] = [];
    const res = await restoreVolume(docker, VOL, Readable.from([backup]), { mode: 'new', helperImage: LAB_IMAGE }, (p) => restoreEvents.push(p));
    expect(res).toMatchObject({ volume: VOL, mode: 'new' });
    expect(res.entries).toBe(12);
    expect(restoreEvents.at(-1)).toMatchObject({ phase: 'copying', bytes: backup.length });
    await docker.getVolume(VOL).inspect();
    expect(await listing(docker, VOL)).toBe(original);
    expect(await helpersLeft()).toBe(0);
  });

  it('cancels a backup cleanly', async () => {
    const ac = new AbortController();
    const out = sink();
    const e = await failure(backupVolume(docker, VOL, out.stream, () => ac.abort(), ac.signal, { helperImage: LAB_IMAGE }));
    expect(e.details).toMatchObject({ cancelled: true });
    expect(out.stream.destroyed).toBe(true);
    expect(await helpersLeft()).toBe(0);
  });

  it('refuses to restore "new" over an existing volume', async () => {
    const e = await failure(restoreVolume(docker, VOL, Readable.from([backup]), { mode: 'new', helperImage: LAB_IMAGE }, () => {}));
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toContain('already exists');
  });

  it('refuses to overwrite a volume a running container uses, naming it; overwrites it once stopped', async () => {
    const name = `hp-res-runner-${pid}`;
    const c = await docker.createContainer({
      Image: LAB_IMAGE,
      name,
      Cmd: ['sleep', '300'],
      Labels: { [TEST_LABEL]: String(pid) },
      HostConfig: { NetworkMode: 'none', Mounts: [{ Type: 'volume', Source: VOL, Target: '/data' }] },
    });
    await c.start();
    try {
      const e = await failure(restoreVolume(docker, VOL, Readable.from([backup]), { mode: 'overwrite', helperImage: LAB_IMAGE }, () => {}));
      expect(e.code).toBe('CONFLICT');
      expect(e.message).toContain(name);
      expect(e.message).toContain('running');
    } finally {
      await c.remove({ force: true });
    }
    // Change the volume, then overwrite it from the backup: the change must be gone.
    const mp = await mountpointOf(docker, VOL);
    await writeFile(path.join(mp, 'extra'), 'extra\n');
    await rm(path.join(mp, 'a.txt'));
    await mkdir(path.join(mp, 'newdir'));
    expect(await listing(docker, VOL)).not.toBe(original);
    const phases = new Set<string>();
    const r = await restoreVolume(docker, VOL, Readable.from([backup]), { mode: 'overwrite', helperImage: LAB_IMAGE }, (p) => phases.add(p.phase));
    expect(r.mode).toBe('overwrite');
    expect([...phases]).toEqual(['checking', 'emptying', 'copying']);
    expect(await listing(docker, VOL)).toBe(original);
    expect(await helpersLeft()).toBe(0);
  });

  it('refuses hostile archives, leaving nothing behind', async () => {
    const evil = await makeTarGz([{ name: 'ok.txt', content: 'fine' }, { name: '../evil', content: 'gotcha' }]);
    let e = await failure(restoreVolume(docker, `${VOL}-evil`, Readable.from([evil]), { mode: 'new', helperImage: LAB_IMAGE }, () => {}));
    expect(e.code).toBe('VALIDATION');
    expect(e.message).toContain('../evil');
    expect((await docker.listVolumes()).Volumes.some((v) => v.Name === `${VOL}-evil`)).toBe(false);

    // overwrite: refused before anything is emptied
    e = await failure(restoreVolume(docker, VOL, Readable.from([evil]), { mode: 'overwrite', helperImage: LAB_IMAGE }, () => {}));
    expect(e.code).toBe('VALIDATION');
    expect(await listing(docker, VOL)).toBe(original);

    for (const entries of [
      [{ name: '/etc/cron.d/x', content: 'x' }],
      [{ name: 'null', type: 'character-device' as const }],
      [{ name: 'l', type: 'symlink' as const, linkname: '/etc' }, { name: 'l/passwd', content: 'root::0:0' }],
    ]) {
      const bad = await makeTarGz(entries);
      const err = await failure(restoreVolume(docker, `${VOL}-evil`, Readable.from([bad]), { mode: 'new', helperImage: LAB_IMAGE }, () => {}));
      expect(err.code).toBe('VALIDATION');
    }
    const notGzip = await failure(restoreVolume(docker, `${VOL}-evil`, Readable.from([Buffer.from('\x1f\x8bnot really gzip')]), { mode: 'new', helperImage: LAB_IMAGE }, () => {}));
    expect(notGzip.message).toMatch(/not a valid/);
    expect((await docker.listVolumes()).Volumes.some((v) => v.Name === `${VOL}-evil`)).toBe(false);

    const capped = await failure(restoreVolume(docker, `${VOL}-cap`, Readable.from([backup]), { mode: 'new', helperImage: LAB_IMAGE, maxBytes: 1000 }, () => {}));
    expect(capped.code).toBe('VALIDATION');
    expect(capped.message).toContain('size limit');
    expect((await docker.listVolumes()).Volumes.some((v) => v.Name === `${VOL}-cap`)).toBe(false);
    expect(await helpersLeft()).toBe(0);
  });

  it('refuses to remove a volume in use (even by a stopped container), naming it', async () => {
    const name = `hp-res-holder-${pid}`;
    const c = await docker.createContainer({ Image: LAB_IMAGE, name, Labels: { [TEST_LABEL]: String(pid) }, HostConfig: { Mounts: [{ Type: 'volume', Source: VOL, Target: '/data' }] } });
    try {
      const e = await failure(removeVolume(docker, VOL));
      expect(e.code).toBe('CONFLICT');
      expect(e.message).toContain(name);
    } finally {
      await c.remove({ force: true });
    }
    expect((await failure(removeVolume(docker, `${VOL}-absent`))).code).toBe('NOT_FOUND');
    expect((await failure(removeVolume(docker, 'x?force=1'))).code).toBe('VALIDATION');
  });

  it('prunes unused volumes: anonymous ones by default, named ones only when asked', async () => {
    const pruneLabel = `${TEST_LABEL}.prune=${pid}`;
    const labels = { [`${TEST_LABEL}.prune`]: String(pid), [TEST_LABEL]: String(pid) };
    const anon = (await docker.createVolume({ Labels: labels })) as unknown as { name: string };
    await docker.createVolume({ Name: `${VOL}-prune`, Labels: labels });
    let r = await pruneVolumes(docker, { label: pruneLabel });
    expect(r.deleted).toEqual([anon.name]);
    await docker.getVolume(`${VOL}-prune`).inspect();
    r = await pruneVolumes(docker, { all: true, label: pruneLabel });
    expect(r.deleted).toEqual([`${VOL}-prune`]);
    expect(r.failed).toEqual([]);
  });
});
