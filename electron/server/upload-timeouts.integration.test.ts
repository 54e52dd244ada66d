import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VolumeTransferInfo } from '../../shared/contract';
import { createServices, type Services } from '../services/app';
import { listing, mountpointOf } from '../services/test-support/docker-fixtures';
import { requireLab, type Lab } from '../services/test-support/lab';
import { addConnectedHost, privateSsh } from '../services/test-support/lab-host';
import { startPrivateSshd, type PrivateSshd } from '../services/test-support/private-sshd';
import { contractCalls, until } from '../services/test-support/wait';
import { createHeadlessPlatform } from './headless-platform';
import { createHeadlessServer, type HeadlessServer } from './server';
import { loginCookie, putUpload, quietLogger } from './test-support/browser';

// Restore uploads that take long, against the real restore over the lab's SSH host.
// - A slow upload (a big file on a slow link) must not be cut off by a whole-request deadline:
//   Node's default `requestTimeout` is 300 s, so this test uploads for about 5½ minutes. It is
//   slow on purpose and cheap (a few bytes every 2 s).
// - What still protects the server: a connection that sends nothing for the idle time is closed
//   (the restore is aborted), and headers that do not arrive in time end the connection.
// Volumes are ours (hp-upload-<pid>-…), removed in afterAll. The host is the lab's engine behind
// an sshd of this test's own: the upload takes minutes, and a test that restarts the sshd it
// uses meanwhile would cut the restore off.

const TOKEN = 'upload-timeouts-token-0123456789';
const PREFIX = `hp-upload-${process.pid}`;
const SRC = `${PREFIX}-src`;
const SLOW = `${PREFIX}-slow`;
const STALLED = `${PREFIX}-stalled`;
const local = new Docker({ socketPath: '/var/run/docker.sock' });

let lab: Lab;
let sshd: PrivateSshd;
let root: string;
let services: Services;
/** Default timeouts, as users run it. */
let server: HeadlessServer;
/** Short idle and header timeouts, so their tests are quick. */
let strict: HeadlessServer;
let hostId: string;
let archive: Buffer;
const events: Array<{ event: string; payload: unknown }> = [];
const { ok } = contractCalls(() => services);

const rmVolume = (name: string) => execFileSync('docker', ['volume', 'rm', '-f', name], { stdio: 'ignore' });

async function watch(transferId: string) {
  const { streamId } = await ok<{ streamId: string }>('streams.open', { kind: 'volume.transfer', transferId });
  return () => events.find((e) => e.event === 'stream.end' && (e.payload as { streamId: string }).streamId === streamId)?.payload as { error: { message: string } | null } | undefined;
}

/** PUTs `body` in `pieces`, one every `everyMs`; `stopAfter` pieces, then nothing more (a stalled upload). */
function trickle(s: HeadlessServer, url: string, cookie: string, body: Buffer, o: { pieces: number; everyMs: number; stopAfter?: number }) {
  let closed = false;
  const { req, answer: done } = putUpload(s.url, url, cookie, body.length);
  req.on('close', () => (closed = true));
  const size = Math.ceil(body.length / o.pieces);
  let i = 0;
  const next = () => {
    if (closed) return;
    if (o.stopAfter !== undefined && i >= o.stopAfter) return;
    const piece = body.subarray(i * size, (i + 1) * size);
    i++;
    if (i >= o.pieces) return void req.end(piece);
    req.write(piece);
    setTimeout(next, o.everyMs);
  };
  next();
  return { done, closed: () => closed };
}

beforeAll(async () => {
  lab = await requireLab();
  for (const v of [SRC, SLOW, STALLED]) rmVolume(v);
  execFileSync('docker', ['volume', 'create', SRC], { stdio: 'ignore' });
  await writeFile(path.join(await mountpointOf(local, SRC), 'data.bin'), randomBytes(400_000));

  root = mkdtempSync(path.join(os.tmpdir(), 'homeport-upload-'));
  services = await createServices(createHeadlessPlatform({ dataDir: path.join(root, 'data'), version: '0.0.0-test', logger: quietLogger, homeDir: root, agentSocket: lab.agentSock }));
  services.events.subscribe((event, payload) => events.push({ event, payload }));
  server = await createHeadlessServer({ services, staticDir: root, host: '127.0.0.1', port: 0, token: TOKEN, logger: quietLogger });
  strict = await createHeadlessServer({ services, staticDir: root, host: '127.0.0.1', port: 0, token: TOKEN, logger: quietLogger, timeouts: { idleMs: 2000, headersMs: 2000 } });
  sshd = await startPrivateSshd(lab);
  hostId = (await addConnectedHost(ok, privateSsh(sshd))).id;

  // The archive to upload: a backup of our volume, downloaded as the browser does.
  const backup = (await ok<VolumeTransferInfo>('volumes.prepareBackup', { hostId, name: SRC }))!;
  const res = await fetch(server.url + backup.url!, { headers: { cookie: await loginCookie(server.loginUrl), 'sec-fetch-site': 'same-origin' } });
  expect(res.status).toBe(200);
  archive = Buffer.from(await res.arrayBuffer());
}, 120_000);

afterAll(async () => {
  await server?.close();
  await strict?.close();
  await services?.dispose();
  await sshd?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
  for (const v of [SRC, SLOW, STALLED]) rmVolume(v);
});

describe('restore uploads and timeouts', () => {
  it('a headers line that never ends is dropped after the headers timeout', async () => {
    const u = new URL(strict.url);
    const socket = net.connect(Number(u.port), u.hostname);
    let closedAt = 0;
    socket.on('close', () => (closedAt = Date.now()));
    socket.on('error', () => {});
    await new Promise((r) => socket.once('connect', r));
    const started = Date.now();
    socket.write(`PUT /transfers/t_AAAAAAAAAAAAAAAAAAAA HTTP/1.1\r\nHost: ${u.host}\r\nX-Slow: `);
    await until('the server dropped the connection', () => closedAt > 0, 15_000, 50);
    expect(closedAt - started).toBeGreaterThanOrEqual(1500);
  });

  it('an upload that stops sending is cut after the idle time and the restore is aborted', async () => {
    const t = (await ok<VolumeTransferInfo>('volumes.prepareRestore', { hostId, name: STALLED, mode: 'new', fileName: 'x.tar.gz', sizeBytes: archive.length }))!;
    const ended = await watch(t.transferId);
    const up = trickle(strict, t.url!, await loginCookie(strict.loginUrl), archive, { pieces: 10, everyMs: 100, stopAfter: 5 });
    await until('the stalled upload cut off', () => up.closed(), 20_000, 50);
    const end = await until('the restore ended', ended, 30_000);
    expect(end.error).not.toBeNull();
  });

  it('an upload slower than five minutes still completes and restores the files', async () => {
    const t = (await ok<VolumeTransferInfo>('volumes.prepareRestore', { hostId, name: SLOW, mode: 'new', fileName: 'x.tar.gz', sizeBytes: archive.length }))!;
    const ended = await watch(t.transferId);
    const started = Date.now();
    // 170 pieces, one every 2 s: about 340 s, past Node's 300 s default (checked every 30 s).
    const up = trickle(server, t.url!, await loginCookie(server.loginUrl), archive, { pieces: 170, everyMs: 2000 });
    const result = await up.done;
    expect(Date.now() - started).toBeGreaterThan(330_000);
    expect(result).toMatchObject({ status: 200 });
    expect((await until('the restore ended', ended, 60_000)).error).toBeNull();
    expect(await listing(local, SLOW)).toBe(await listing(local, SRC));
  }, 480_000);
});
