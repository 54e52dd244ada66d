import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import Docker from 'dockerode';
import type { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerTransport } from '../ssh/docker-transport';
import { cleanupByLabel, dockerOverSsh, LAB_IMAGE, listing, mountpointOf, sink, TEST_LABEL, writeFixture } from '../test-support/docker-fixtures';
import { type Lab, requireLab } from '../test-support/lab';
import { HomeportError } from '../../../shared/contract';
import { Restic } from './restic';

// A lab volume read as a tar through the engine over the lab's real sshd (one SSH connection, as
// the app holds it), streamed into the real restic on this computer, dumped back and unpacked into
// a new volume: the files must come back as they were.

const pid = process.pid;
const VOL = `hp-restic-${pid}`;
const COPY = `hp-restic-${pid}-copy`;
const BIG = `hp-restic-${pid}-big`;
const labels = { [TEST_LABEL]: String(pid) };
let local: Docker;
let client: Client;
let transport: DockerTransport;
let dir: string;
let lab: Lab;

beforeAll(async () => {
  lab = await requireLab();
  local = new Docker({ socketPath: lab.engine1.socket });
  ({ client, transport } = await dockerOverSsh(lab));
  await local.createVolume({ Name: VOL, Labels: labels });
  await local.createVolume({ Name: COPY, Labels: labels });
  await writeFixture(local, VOL);
  await local.createVolume({ Name: BIG, Labels: labels });
  // Big enough that the copy is still running when the connection is cut.
  await writeFile(path.join(await mountpointOf(local, BIG), 'big.bin'), randomBytes(96 * 1024 * 1024));
  dir = mkdtempSync(path.join(tmpdir(), `homeport-restic-ssh-${pid}-`));
});

afterAll(async () => {
  transport?.close();
  client?.end();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (local) await cleanupByLabel(local, `${TEST_LABEL}=${pid}`);
});

describe('a volume over SSH into restic', { timeout: 120_000 }, () => {
  it('backs up the tar of a volume read over SSH and restores it file for file', async () => {
    const restic = new Restic({ repository: path.join(dir, 'repo'), password: randomBytes(12).toString('hex') });
    await restic.init();

    // A created, never started container that mounts the volume read-only: the engine's archive of it.
    const ssh = transport.docker;
    const reader = await ssh.createContainer({ Image: LAB_IMAGE, Labels: labels, HostConfig: { Binds: [`${VOL}:/v:ro`] } });
    const tar = (await reader.getArchive({ path: '/v/.' })) as unknown as Readable;
    const r = await restic.backup(tar, { filename: `${VOL}.tar`, tags: ['host:lab', `volume:${VOL}`], host: 'lab' });
    expect(r.totalBytesProcessed).toBeGreaterThan(3_000_000);
    expect((await restic.snapshots([`volume:${VOL}`])).map((s) => s.paths)).toEqual([[`/${VOL}.tar`]]);

    const out = sink();
    await restic.dump(r.snapshotId, `${VOL}.tar`, out.stream);
    expect(out.buffer().length).toBe(r.totalBytesProcessed);

    const writer = await local.createContainer({ Image: LAB_IMAGE, Labels: labels, HostConfig: { Binds: [`${COPY}:/v`] } });
    await writer.putArchive(out.buffer(), { path: '/v' });
    expect(await listing(local, COPY)).toBe(await listing(local, VOL));
  });

  it('a connection lost in the middle of the tar leaves no snapshot', async () => {
    const restic = new Restic({ repository: path.join(dir, 'repo-lost'), password: randomBytes(12).toString('hex') });
    await restic.init();
    // Its own SSH connection, so cutting it leaves the other tests' one alone.
    const own = await dockerOverSsh(lab);
    try {
      const reader = await own.transport.docker.createContainer({ Image: LAB_IMAGE, Labels: labels, HostConfig: { Binds: [`${BIG}:/v:ro`] } });
      const tar = (await reader.getArchive({ path: '/v/.' })) as unknown as Readable;
      let seen = 0;
      tar.on('data', (c: Buffer) => {
        seen += c.length;
        // The host is lost once part of the data has arrived.
        if (seen > 8 * 1024 * 1024 && seen - c.length <= 8 * 1024 * 1024) own.client.destroy();
      });
      let e: unknown;
      await restic.backup(tar, { filename: `${BIG}.tar`, tags: [`volume:${BIG}`] }).catch((x: unknown) => (e = x));
      expect(e).toBeInstanceOf(HomeportError);
      expect((e as HomeportError).details?.reason).toBe('source');
      expect((e as HomeportError).message).toContain('no snapshot was saved');
      expect(seen).toBeLessThan(96 * 1024 * 1024);
    } finally {
      own.transport.close();
      own.client.end();
    }
    await restic.unlockStale();
    expect(await restic.snapshots()).toEqual([]);
  });
});
