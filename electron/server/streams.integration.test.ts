import { execFileSync } from 'node:child_process';
import type http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostInfo } from '../../shared/contract';
import { createServices, type Services } from '../services/app';
import { createTestPlatform, type TestPlatform } from '../services/test-support/temp-platform';
import { requireLab, type Lab } from '../services/test-support/lab';
import { addConnectedHost, labSsh } from '../services/test-support/lab-host';
import { contractCalls, until } from '../services/test-support/wait';
import { createHeadlessServer, type HeadlessServer } from './server';
import { openUiSocket } from './test-support/browser';

// Streams and the browsers that open them, through the real headless server, against the lab
// engine over the lab's sshd: a client that goes away must leave nothing running on the engine,
// even when it goes while its `streams.open` calls are still being answered.

const TOKEN = 'streams-test-token-0123456789abcdef';
const LOGGER = `hp-srv-logs-${process.pid}`;
let lab: Lab;
let tp: TestPlatform;
let services: Services;
/** `streams.open` calls the server has answered (to a client still there or not). */
let opensAnswered = 0;
let server: HeadlessServer;
let hostId: string;

const docker = (...args: string[]) => execFileSync('docker', ['-H', `unix://${lab.engine1.socket}`, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const { ok } = contractCalls(() => services);

beforeAll(async () => {
  lab = await requireLab();
  execFileSync('docker', ['-H', `unix://${lab.engine1.socket}`, 'rm', '-f', LOGGER], { stdio: 'ignore' });
  // A container that logs all the time: a follower that is left running keeps receiving lines.
  docker('run', '-d', '--network', 'none', '--name', LOGGER, `${lab.image}:latest`, 'sh', '-c', 'while true; do echo tick; sleep 0.2; done');
  tp = createTestPlatform({ agentSocket: lab.agentSock });
  const real = await createServices(tp.platform);
  services = {
    ...real,
    dispatch: async (method, input, ctx) => {
      const r = await real.dispatch(method, input, ctx);
      if (method === 'streams.open') opensAnswered++;
      return r;
    },
  };
  server = await createHeadlessServer({ services, staticDir: path.join(tp.dataDir, 'no-ui'), host: '127.0.0.1', port: 0, token: TOKEN, logger: tp.platform.logger });
  hostId = (await addConnectedHost(ok, labSsh(lab), { socketPath: lab.engine1.socket })).id;
}, 60_000);

afterAll(async () => {
  await server?.close();
  await services?.dispose();
  tp?.cleanup();
  if (lab) execFileSync('docker', ['-H', `unix://${lab.engine1.socket}`, 'rm', '-f', LOGGER], { stdio: 'ignore' });
});

/** The Docker API connections of this process's host (each a channel of the one SSH connection): in use, and idle in the keep-alive pool. */
function agentSockets(): { inUse: number; idle: number } {
  const agent = (services.engines.dockerOf(hostId as HostInfo['id']).modem as unknown as { agent: http.Agent }).agent;
  const count = (m: NodeJS.ReadOnlyDict<unknown[]>) => Object.values(m).reduce((n, list) => n + (list?.length ?? 0), 0);
  return { inUse: count(agent.sockets), idle: count(agent.freeSockets) };
}

/**
 * The engine's side: connections to the Docker socket held by the sshd process that serves this
 * process's SSH connection (one per forwarded channel), read from the kernel with `ss`.
 */
function engineConnections(): number {
  const tcp = execFileSync('ss', ['-tnpH'], { encoding: 'utf8' }).split('\n');
  const ourPorts = new Set<string>();
  for (const l of tcp) {
    const m = /\s127\.0\.0\.1:(\d+)\s+127\.0\.0\.1:(\d+)\s.*pid=(\d+),/.exec(l);
    if (m && m[2] === String(lab.ssh.port) && m[3] === String(process.pid)) ourPorts.add(m[1]!);
  }
  const sshdPids = new Set<string>();
  for (const l of tcp) {
    const m = /\s127\.0\.0\.1:(\d+)\s+127\.0\.0\.1:(\d+)\s.*users:\(\("sshd[^"]*",pid=(\d+),/.exec(l);
    if (m && m[1] === String(lab.ssh.port) && ourPorts.has(m[2]!)) sshdPids.add(m[3]!);
  }
  if (sshdPids.size === 0) throw new Error('no sshd serves this process');
  const unix = execFileSync('ss', ['-xpH'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).split('\n');
  // Inode of each socket on dockerd's side of the Docker socket; the sshd's sockets whose peer is one of them.
  const engineSide = new Set<string>();
  const sshdPeers: string[] = [];
  for (const l of unix) {
    const f = l.trim().split(/\s+/);
    // u_str ESTAB recvq sendq <local path|*> <inode> <peer path|*> <peer inode> users:(...)
    if (f[0] !== 'u_str' || f.length < 8) continue;
    if (f[4] === lab.engine1.socket) engineSide.add(f[5]!);
    const pid = /pid=(\d+),/.exec(l)?.[1];
    if (pid && sshdPids.has(pid)) sshdPeers.push(f[7]!);
  }
  return sshdPeers.filter((inode) => engineSide.has(inode)).length;
}

describe('streams and disconnecting clients', () => {
  it('leaves no log follower running when the client goes away while 50 streams.open calls are in flight', async () => {
    const before = { streams: services.streams.openCount(), sockets: agentSockets(), engine: engineConnections() };
    expect(before.streams).toBe(0);

    const ws = await openUiSocket(server.loginUrl);
    const input = { kind: 'container.logs', hostId, containerId: LOGGER, tail: 10, since: null, timestamps: false, follow: true };
    for (let id = 1; id <= 50; id++) ws.send(JSON.stringify({ t: 'call', id, method: 'streams.open', input }));
    await until('the calls sent', () => ws.bufferedAmount === 0, 10_000, 5);
    // The tab closes while the engine is still being asked to start the followers.
    ws.terminate();
    await until('the 50 opens answered', () => opensAnswered === 50, 30_000);

    // Every follower is stopped: none left in the stream table, none on the Docker connection, none at the engine.
    await until(
      'every follower stopped',
      () => {
        const s = agentSockets();
        return services.streams.openCount() === 0 && s.inUse <= before.sockets.inUse && engineConnections() <= before.engine + s.idle - before.sockets.idle;
      },
      20_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}: ${services.streams.openCount()} streams open, ${JSON.stringify(agentSockets())} Docker connections, ${engineConnections()} at the engine (before: ${JSON.stringify(before)})`);
    });
  }, 60_000);
});
