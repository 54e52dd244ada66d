import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import type { ClientRequest } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createGzip } from 'node:zlib';
import Docker from 'dockerode';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostInfo, VolumeTransferEventInfo, VolumeTransferInfo } from '../../shared/contract';
import { createServices, type Services } from '../services/app';
import { mountpointOf } from '../services/test-support/docker-fixtures';
import { startPrivateSshd, type PrivateSshd } from '../services/test-support/private-sshd';
import { requireLab, type Lab } from '../services/test-support/lab';
import { addConnectedHost, privateSsh } from '../services/test-support/lab-host';
import { contractCalls, until } from '../services/test-support/wait';
import { createHeadlessPlatform } from './headless-platform';
import { createHeadlessServer, type HeadlessServer } from './server';
import { loginCookie, putUpload, quietLogger, type UploadAnswer } from './test-support/browser';

// Restores and backups that do not finish — the browser goes away mid-upload, the window closes
// the transfer's stream, the archive is refused half-way, the SSH connection drops — must leave no
// helper container behind on the host, and a restore into a new volume must say what became of
// that volume. The host is reached over a private sshd (so a test can kill the connection without
// touching the lab's), which forwards to the lab's main engine. Volumes are ours
// (hp-xfer-<pid>-…), removed in afterAll; helpers are looked up by the volume they mount.

const TOKEN = 'transfer-helpers-token-0123456789';
const PREFIX = `hp-xfer-${process.pid}`;
const SRC = `${PREFIX}-src`;
const local = new Docker({ socketPath: '/var/run/docker.sock' });
const created: string[] = [SRC];

let lab: Lab;
let sshd: PrivateSshd;
let root: string;
let services: Services;
let server: HeadlessServer;
let hostId: string;
let cookie: string;
/** A .tar.gz of SRC: small files, then 24 MB that does not compress, then more small files. */
let archive: Buffer;
const events: Array<{ event: string; payload: unknown }> = [];
const { ok } = contractCalls(() => services);

/** Homeport's helper containers (running or not) that mount `volume`, as `docker ps -a` lists them. */
async function helpersOf(volume: string): Promise<string[]> {
  const list = await local.listContainers({ all: true, filters: { label: ['homeport.helper=1', `homeport.helper.volume=${volume}`] } });
  return list.map((c) => `${c.Names[0]?.slice(1)} (${c.State})`);
}

async function volumeExists(name: string): Promise<boolean> {
  return ((await local.listVolumes()).Volumes ?? []).some((v) => v.Name === name);
}

function fresh(tag: string): string {
  const name = `${PREFIX}-${tag}`;
  created.push(name);
  return name;
}

async function watch(transferId: string) {
  const { streamId } = await ok<{ streamId: string }>('streams.open', { kind: 'volume.transfer', transferId });
  const data = () => events.filter((e) => e.event === 'stream.data' && (e.payload as { streamId: string }).streamId === streamId).map((e) => (e.payload as { data: VolumeTransferEventInfo }).data);
  const ended = () => events.find((e) => e.event === 'stream.end' && (e.payload as { streamId: string }).streamId === streamId)?.payload as { error: { message: string; fix?: string } | null } | undefined;
  /** Bytes copied into the volume so far (the restore's helper is at work once this grows). */
  const copied = () => data().reduce((n, e) => (e.type === 'progress' && e.progress.phase === 'copying' ? Math.max(n, e.progress.bytes) : n), 0);
  return { streamId, data, copied, end: () => until('the transfer stream ended', ended, 60_000) };
}

/**
 * PUTs the archive as a browser does, but sends only its first `fraction` (the rest never comes
 * until `req` is ended or destroyed by the test).
 */
function partialUpload(url: string, fraction: number): { req: ClientRequest; answer: Promise<UploadAnswer> } {
  const { req, answer } = putUpload(server.url, url, cookie, archive.length);
  req.write(archive.subarray(0, Math.floor(archive.length * fraction)));
  return { req, answer };
}

/**
 * A restore of the archive into a new volume `fresh(tag)`, with only 60 % of the upload sent:
 * resolves once the helper is copying into the volume (mid-file, the rest never sent).
 */
async function restoreMidFile(tag: string) {
  const dst = fresh(tag);
  const t = (await ok<VolumeTransferInfo>('volumes.prepareRestore', { hostId, name: dst, mode: 'new', fileName: 'x.tar.gz', sizeBytes: archive.length }))!;
  const s = await watch(t.transferId);
  const up = partialUpload(t.url!, 0.6);
  await until('the restore copying into its helper', async () => s.copied() > 1_000_000 && (await helpersOf(dst)).length > 0, 60_000);
  return { dst, s, up };
}

/** A .tar.gz built entry by entry (tar itself will not write a `../` name). */
async function tarGz(entries: Array<{ name: string; type?: 'file' | 'directory'; content?: Buffer }>): Promise<Buffer> {
  const pack = tar.pack();
  const parts: Buffer[] = [];
  const gz = pack.pipe(createGzip());
  gz.on('data', (d: Buffer) => parts.push(d));
  const done = new Promise((resolve) => gz.on('end', resolve));
  for (const e of entries) {
    if (e.type === 'directory') pack.entry({ name: e.name, type: 'directory', mode: 0o755 });
    else pack.entry({ name: e.name, mode: 0o644 }, e.content ?? Buffer.alloc(0));
  }
  pack.finalize();
  await done;
  return Buffer.concat(parts);
}

async function hostStatus(): Promise<string | undefined> {
  return (await ok<HostInfo[]>('hosts.list')).find((h) => h.id === hostId)?.state.status;
}

beforeAll(async () => {
  lab = await requireLab();
  sshd = await startPrivateSshd(lab);
  execFileSync('docker', ['volume', 'create', SRC], { stdio: 'ignore' });
  const dir = await mountpointOf(local, SRC);
  await mkdir(path.join(dir, 'a-first'), { recursive: true });
  await writeFile(path.join(dir, 'a-first', 'one.txt'), 'one\n');
  await writeFile(path.join(dir, 'm-big.bin'), randomBytes(24_000_000));
  await writeFile(path.join(dir, 'z-last.txt'), 'last\n');
  // The oracle's archive comes from tar itself, in name order: the big file sits in the middle.
  archive = execFileSync('tar', ['-C', dir, '--sort=name', '-czf', '-', '.'], { maxBuffer: 64 * 1024 * 1024 });

  root = mkdtempSync(path.join(os.tmpdir(), 'homeport-xfer-helpers-'));
  services = await createServices(createHeadlessPlatform({ dataDir: path.join(root, 'data'), version: '0.0.0-test', logger: quietLogger, homeDir: root, agentSocket: lab.agentSock }));
  services.events.subscribe((event, payload) => events.push({ event, payload }));
  server = await createHeadlessServer({ services, staticDir: root, host: '127.0.0.1', port: 0, token: TOKEN, logger: quietLogger });
  cookie = await loginCookie(server.loginUrl);
  hostId = (await addConnectedHost(ok, privateSsh(sshd), { name: 'xfer' })).id;
}, 120_000);

afterAll(async () => {
  await server?.close();
  await services?.dispose();
  await sshd?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
  for (const v of created) {
    for (const c of await local.listContainers({ all: true, filters: { label: [`homeport.helper.volume=${v}`] } })) await local.getContainer(c.Id).remove({ force: true }).catch(() => {});
    await local.getVolume(v).remove().catch(() => {});
  }
});

describe('a restore that does not finish leaves no helper container behind', () => {
  it('the browser goes away mid-file: no helper, and the new volume Homeport created is removed again', async () => {
    // Mid-file: the helper is unpacking the big file when the browser goes.
    const { dst, s, up } = await restoreMidFile('gone');
    up.req.destroy();
    const end = await s.end();
    expect(end.error).not.toBeNull();
    expect(await helpersOf(dst)).toEqual([]);
    expect(await volumeExists(dst)).toBe(false);
    expect(end.error!.message).toMatch(/new volume .* was removed/i);
  });

  it('the window closes the transfer stream mid-file: no helper, and the new volume is removed again', async () => {
    const { dst, s, up } = await restoreMidFile('closed');
    await ok('streams.close', { streamId: s.streamId });
    // The upload gets its answer once the restore has stopped.
    const answer = await up.answer;
    up.req.destroy();
    expect(answer).toMatchObject({ status: expect.any(Number) });
    expect((answer as { status: number }).status).toBeGreaterThanOrEqual(400);
    expect(await helpersOf(dst)).toEqual([]);
    expect(await volumeExists(dst)).toBe(false);
  });

  it('an archive refused half-way (an entry after the big file): no helper, the new volume is removed, and the error says so', async () => {
    const dst = fresh('refused');
    // Files, the big one among them, then an entry that climbs out of the volume.
    const bad = await tarGz([
      { name: './a-first/', type: 'directory' },
      { name: './a-first/one.txt', content: Buffer.from('one\n') },
      { name: './m-big.bin', content: randomBytes(24_000_000) },
      { name: '../evil', content: Buffer.from('gotcha') },
    ]);
    const t = (await ok<VolumeTransferInfo>('volumes.prepareRestore', { hostId, name: dst, mode: 'new', fileName: 'x.tar.gz', sizeBytes: bad.length }))!;
    const s = await watch(t.transferId);
    const res = await fetch(server.url + t.url!, { method: 'PUT', headers: { cookie, origin: server.url }, body: bad });
    const body = (await res.json()) as { ok: false; error: { code: string; message: string } };
    expect(res.status).toBe(400);
    expect(body.error.message).toContain('../evil');
    expect(body.error.message).toMatch(/new volume .* was removed/i);
    expect(s.copied()).toBeGreaterThan(1_000_000); // refused half-way, not at the start
    expect((await s.end()).error).not.toBeNull();
    expect(await helpersOf(dst)).toEqual([]);
    expect(await volumeExists(dst)).toBe(false);
  });

  it('the browser cancels a backup download mid-way: no helper', async () => {
    const t = (await ok<VolumeTransferInfo>('volumes.prepareBackup', { hostId, name: SRC }))!;
    const s = await watch(t.transferId);
    const ac = new AbortController();
    const res = await fetch(server.url + t.url!, { headers: { cookie, 'sec-fetch-site': 'same-origin' }, signal: ac.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read();
    await until('the backup under way', async () => (await helpersOf(SRC)).length > 0, 30_000);
    ac.abort();
    expect((await s.end()).error).not.toBeNull();
    expect(await helpersOf(SRC)).toEqual([]);
  });

  it('Homeport shuts down mid-restore: the helper is removed before the connection closes', async () => {
    const dst = fresh('quit');
    // A Homeport of its own, so that quitting it leaves the others' connections alone.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'homeport-xfer-quit-'));
    const other = await createServices(createHeadlessPlatform({ dataDir: path.join(dir, 'data'), version: '0.0.0-test', logger: quietLogger, homeDir: dir, agentSocket: lab.agentSock }));
    try {
      const { ok: call } = contractCalls(() => other);
      const h = await addConnectedHost(call, privateSsh(sshd), { name: 'quit' });
      const t = (await call<VolumeTransferInfo>('volumes.prepareRestore', { hostId: h.id, name: dst, mode: 'new', fileName: 'x.tar.gz', sizeBytes: archive.length }))!;
      // The upload, fed straight to the services as the headless server would (half of it, then nothing).
      const body = new PassThrough();
      other.transfers.claim(t.transferId, 'restore');
      const run = other.transfers.runRestore(t.transferId, body).catch((e: unknown) => e);
      body.write(archive.subarray(0, Math.floor(archive.length * 0.6)));
      await until('the restore copying into its helper', async () => (await helpersOf(dst)).length > 0, 60_000);
      await other.dispose();
      expect(await run).toBeInstanceOf(Error);
      expect(await helpersOf(dst)).toEqual([]);
      expect(await volumeExists(dst)).toBe(false);
    } finally {
      await other.dispose().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  // Last: it kills the connection (the host reconnects by itself).
  it('the SSH connection drops mid-restore and mid-backup: the errors say what became of the new volume, and the helpers are removed once the host is back', async () => {
    const { dst, s, up } = await restoreMidFile('dropped');
    // And a backup whose download is read no further than its first bytes.
    const b = (await ok<VolumeTransferInfo>('volumes.prepareBackup', { hostId, name: SRC }))!;
    const bs = await watch(b.transferId);
    const ac = new AbortController();
    const res = await fetch(server.url + b.url!, { headers: { cookie, 'sec-fetch-site': 'same-origin' }, signal: ac.signal });
    await res.body!.getReader().read();
    await until('the backup under way', async () => (await helpersOf(SRC)).length > 0, 30_000);

    await sshd.kill();
    const end = await s.end();
    up.req.destroy();
    expect(end.error).not.toBeNull();
    // Homeport could not reach the host to clean up: the error says the new volume is still there.
    expect(await volumeExists(dst)).toBe(true);
    expect(end.error!.message).toMatch(/new volume .* is still there, with part of the backup in it/i);
    expect(end.error!.fix).toMatch(/remove the volume/i);
    expect((await bs.end()).error).not.toBeNull();
    ac.abort();
    // Nothing could remove the helpers meanwhile.
    expect(await helpersOf(dst)).toHaveLength(1);
    expect(await helpersOf(SRC)).toHaveLength(1);

    await sshd.restart();
    await until('reconnected', async () => (await hostStatus()) === 'connected', 60_000);
    await until('the helpers left behind removed after the reconnect', async () => (await helpersOf(dst)).length === 0 && (await helpersOf(SRC)).length === 0, 30_000);
  }, 180_000);
});
