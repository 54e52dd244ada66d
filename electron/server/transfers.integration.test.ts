import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiskUsageInfo, Envelope, HostOverviewInfo, VolumeDirInfo, VolumeTransferEventInfo, VolumeTransferInfo } from '../../shared/contract';
import { createServices, type Services } from '../services/app';
import { createConsoleLogger } from '../services/platform/logger';
import { listing, mountpointOf } from '../services/test-support/docker-fixtures';
import { loadLab, type Lab } from '../services/test-support/lab';
import { createHeadlessPlatform } from './headless-platform';
import { SESSION_COOKIE } from './auth';
import { createHeadlessServer, type HeadlessServer } from './server';
import { addConnectedHost, labSsh } from '../services/test-support/lab-host';
import { contractCalls, until } from '../services/test-support/wait';
import { loginCookie } from './test-support/browser';

// The headless server's volume transfer endpoints against the real services, over the lab's SSH
// host: auth and Origin enforced, a backup downloaded over HTTP and uploaded again into a new
// volume gives the same files; and the host overview through the contract. Volumes are our own
// (hp-overview-http-<pid>-*, so runs at the same time do not meet), removed in afterAll.

const TOKEN = 'transfer-test-token-0123456789';
const PREFIX = `hp-overview-http-${process.pid}`;
const SRC = `${PREFIX}-src`;
const DST = `${PREFIX}-dst`;
const NEVER = `${PREFIX}-never`;
const local = new Docker({ socketPath: '/var/run/docker.sock' });
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const rmVolume = (name: string) => {
  try {
    docker('volume', 'rm', '-f', name);
  } catch {
    // not there
  }
};

let lab: Lab;
let root: string;
let services: Services;
let server: HeadlessServer;
let hostId: string;
let cookie: string;
const events: Array<{ event: string; payload: unknown; target: unknown }> = [];

const { ok } = contractCalls(() => services);
/** Opens the transfer's stream and collects what it sends until stream.end. */
async function watch(transferId: string, clientId = 'c1') {
  const { streamId } = await ok<{ streamId: string }>('streams.open', { kind: 'volume.transfer', transferId }, clientId);
  const data = () => events.filter((e) => e.event === 'stream.data' && (e.payload as { streamId: string }).streamId === streamId).map((e) => (e.payload as { data: VolumeTransferEventInfo }).data);
  const ended = () => events.find((e) => e.event === 'stream.end' && (e.payload as { streamId: string }).streamId === streamId);
  return { data, end: () => until('stream.end', ended, 60_000).then((e) => (e.payload as { error: unknown }).error) };
}

beforeAll(async () => {
  lab = loadLab();
  rmVolume(SRC);
  rmVolume(DST);
  docker('volume', 'create', SRC);
  const dir = await mountpointOf(local, SRC);
  await mkdir(path.join(dir, 'docs', 'deep'), { recursive: true });
  await writeFile(path.join(dir, 'readme.txt'), 'hello from homeport\n');
  await writeFile(path.join(dir, 'docs', 'deep', 'notes.md'), '# notes\n');
  await writeFile(path.join(dir, 'docs', 'data.bin'), Buffer.alloc(200_000, 7));

  root = mkdtempSync(path.join(os.tmpdir(), 'homeport-transfer-test-'));
  const logger = createConsoleLogger('test');
  services = await createServices(createHeadlessPlatform({ dataDir: path.join(root, 'data'), version: '0.0.0-test', logger, homeDir: root, agentSocket: lab.agentSock }));
  services.events.subscribe((event, payload, target) => events.push({ event, payload, target }));
  server = await createHeadlessServer({ services, staticDir: root, host: '127.0.0.1', port: 0, token: TOKEN, logger });
  cookie = await loginCookie(server.loginUrl);
  hostId = (await addConnectedHost(ok, labSsh(lab))).id;
});

afterAll(async () => {
  await server?.close();
  await services?.dispose();
  if (root) rmSync(root, { recursive: true, force: true });
  rmVolume(SRC);
  rmVolume(DST);
  rmVolume(NEVER);
});

describe('host overview over SSH', () => {
  it('reports the engine version, OS, CPUs and memory the engine reports, and its disk use', async () => {
    const o = await ok<HostOverviewInfo>('engines.overview', { hostId });
    expect(o.engine.version).toBe(docker('version', '--format', '{{.Server.Version}}'));
    expect(o.engine.apiVersion).toBe(docker('version', '--format', '{{.Server.APIVersion}}'));
    expect(o.os.name).toBe(docker('info', '--format', '{{.OperatingSystem}}'));
    expect(o.cpus).toBe(Number(docker('info', '--format', '{{.NCPU}}')));
    expect(o.memoryBytes).toBe(Number(docker('info', '--format', '{{.MemTotal}}')));
    expect(o.containers.running).toBeGreaterThan(0); // lab-sleeper, labweb…

    const d = await ok<DiskUsageInfo>('engines.diskUsage', { hostId, refresh: true });
    expect(d.categories.map((c) => c.category)).toEqual(['images', 'containers', 'volumes', 'buildCache']);
    const volumes = d.categories.find((c) => c.category === 'volumes')!;
    expect(volumes.count).toBe(docker('volume', 'ls', '-q').split('\n').filter(Boolean).length);
    expect(volumes.sizeBytes).toBeGreaterThanOrEqual(200_000); // our own volume's files
    expect(volumes.reclaimableBytes).toBeLessThanOrEqual(volumes.sizeBytes);
    const images = d.categories.find((c) => c.category === 'images')!;
    expect(images.count).toBeGreaterThan(0);
    // Cached: a second call within 30 s is the same answer.
    const again = await ok<DiskUsageInfo>('engines.diskUsage', { hostId, refresh: false });
    expect(again.fetchedAt).toBe(d.fetchedAt);
  });
});

describe('volume transfers over HTTP', () => {
  it('refuses requests without the session, and from a foreign origin', async () => {
    const prepared = (await ok<VolumeTransferInfo>('volumes.prepareBackup', { hostId, name: SRC }))!;
    expect(prepared.url).toMatch(/^\/transfers\/t_/);
    const url = server.url + prepared.url;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { cookie: `${SESSION_COOKIE}=forged` } })).status).toBe(401);
    expect((await fetch(url, { headers: { cookie, 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    expect((await fetch(url, { headers: { cookie, origin: 'http://evil.example' } })).status).toBe(403);
    const put = await fetch(url, { method: 'PUT', headers: { cookie }, body: 'x' }); // no Origin
    expect(put.status).toBe(403);
    const foreign = await fetch(url, { method: 'PUT', headers: { cookie, origin: 'http://evil.example' }, body: 'x' });
    expect(foreign.status).toBe(403);
    // None of that used the transfer: it still downloads (and then only once).
    const res = await fetch(url, { headers: { cookie, 'sec-fetch-site': 'same-origin' } });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    expect((await fetch(url, { headers: { cookie } })).status).toBe(404);
  });

  it('downloads a backup with progress, and an upload of it restores the same files into a new volume', async () => {
    const prepared = (await ok<VolumeTransferInfo>('volumes.prepareBackup', { hostId, name: SRC }))!;
    expect(prepared.fileName).toMatch(new RegExp(`^${SRC}-\\d{8}-\\d{6}\\.tar\\.gz$`));
    const backupStream = await watch(prepared.transferId);
    const res = await fetch(server.url + prepared.url!, { headers: { cookie, 'sec-fetch-site': 'same-origin' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/gzip');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${prepared.fileName}"`);
    const archive = Buffer.from(await res.arrayBuffer());
    expect(gunzipSync(archive).length).toBeGreaterThan(200_000);
    expect(await backupStream.end()).toBeNull();
    const seen = backupStream.data();
    expect(seen.some((e) => e.type === 'progress')).toBe(true);
    const done = seen.find((e) => e.type === 'backup-done');
    expect(done).toMatchObject({ type: 'backup-done', fileName: prepared.fileName, result: { volume: SRC, gzipBytes: archive.length } });

    const restore = (await ok<VolumeTransferInfo>('volumes.prepareRestore', { hostId, name: DST, mode: 'new', fileName: prepared.fileName, sizeBytes: archive.length }))!;
    const restoreStream = await watch(restore.transferId);
    const up = await fetch(server.url + restore.url!, { method: 'PUT', headers: { cookie, origin: server.url, 'content-type': 'application/gzip' }, body: archive });
    const body = (await up.json()) as Envelope<{ volume: string; entries: number }>;
    expect(up.status).toBe(200);
    expect(body).toMatchObject({ ok: true, value: { volume: DST } });
    expect(await restoreStream.end()).toBeNull();
    expect(restoreStream.data().some((e) => e.type === 'restore-done')).toBe(true);
    expect(await listing(local, DST)).toBe(await listing(local, SRC));

    // And the new volume browses like the original, through the contract.
    const dir = await ok<VolumeDirInfo>('volumes.browse', { hostId, name: DST, path: '/docs' });
    expect(dir.entries.map((e) => `${e.type}:${e.name}`)).toEqual(['directory:deep', 'file:data.bin']);
  });

  it('refuses an upload bigger than announced, and a restore over an existing name in new mode', async () => {
    const big = (await ok<VolumeTransferInfo>('volumes.prepareRestore', { hostId, name: NEVER, mode: 'new', fileName: 'x.tar.gz', sizeBytes: 10 }))!;
    const s = await watch(big.transferId);
    const r = await fetch(server.url + big.url!, { method: 'PUT', headers: { cookie, origin: server.url }, body: Buffer.alloc(1000) });
    expect(r.status).toBe(413);
    expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(/bigger than the 10 bytes/);
    expect(await s.end()).toBeTruthy();

    const exists = (await ok<VolumeTransferInfo>('volumes.prepareRestore', { hostId, name: SRC, mode: 'new', fileName: 'x.tar.gz', sizeBytes: 3 }))!;
    const c = await fetch(server.url + exists.url!, { method: 'PUT', headers: { cookie, origin: server.url }, body: 'abc' });
    expect(c.status).toBe(409);
    expect(((await c.json()) as { error: { message: string } }).error.message).toContain(`A volume named "${SRC}" already exists`);
    expect(docker('volume', 'ls', '-q').split('\n')).not.toContain(NEVER);
  });
});
