import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerInspectInfo, ContainerStatsSampleInfo } from '../../../shared/contract';
import { createServices, type Services } from '../app';
import { createTestPlatform, type TestPlatform } from '../test-support/temp-platform';
import { requireLab, type Lab } from '../test-support/lab';
import { addConnectedHost, labSsh } from '../test-support/lab-host';
import { contractCalls, until } from '../test-support/wait';

// Stats and inspect as the UI reaches them — through the dispatcher, over the lab's SSH host —
// on this test's own hp-stats-it-<pid>-* containers (removed in afterAll; the pid keeps runs at the
// same time apart).

let lab: Lab;
let tp: TestPlatform;
let services: Services;
let hostId: string;
const events: Array<{ event: string; payload: unknown; target: unknown }> = [];
const docker = (...args: string[]) => execFileSync('docker', ['-H', 'unix:///var/run/docker.sock', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const IMAGE = 'homeport-lab/busybox:latest';
const PREFIX = `hp-stats-it-${process.pid}`;
const BURN = `${PREFIX}-burn`;
const WEB = `${PREFIX}-web`;
const STOPPED = `${PREFIX}-stopped`;
const NET = `${PREFIX}-net`;
const VOL = `${PREFIX}-vol`;
const ids: Record<string, string> = {};

const { call, ok } = contractCalls(() => services);
function cleanup() {
  for (const n of [BURN, WEB, STOPPED]) {
    try {
      docker('rm', '-f', '-v', n);
    } catch {
      /* not there */
    }
  }
  for (const args of [['network', 'rm', NET], ['volume', 'rm', VOL]]) {
    try {
      docker(...args);
    } catch {
      /* not there */
    }
  }
}
const dataOf = (streamId: string) =>
  events.filter((e) => e.event === 'stream.data' && (e.payload as { streamId: string }).streamId === streamId).map((e) => (e.payload as { data: ContainerStatsSampleInfo[] }).data);

beforeAll(async () => {
  lab = await requireLab();
  cleanup();
  docker('network', 'create', NET);
  docker('volume', 'create', VOL);
  // Capped at a fifth of a CPU: enough to show, gentle on the shared machine.
  ids[BURN] = docker('run', '-d', '--name', BURN, '--cpus', '0.2', IMAGE, 'sh', '-c', 'while :; do :; done');
  ids[WEB] = docker(
    'run', '-d', '--name', WEB,
    '-e', 'DB_PASSWORD=hunter2', '-e', 'API_TOKEN=tok-123', '-e', 'DATABASE_URL=postgres://app:s3cret@db/app', '-e', 'TZ=UTC',
    '--label', 'hp.test=stats', '--restart', 'unless-stopped',
    '--network', NET, '--network-alias', 'webby',
    '-v', `${VOL}:/data`, '-v', '/etc/hostname:/host-hostname:ro',
    '-p', '0.0.0.0::80', '-p', '127.0.0.1::81',
    '--health-cmd', 'test -e /tmp/ok || { echo no /tmp/ok; exit 3; }', '--health-interval', '1s', '--health-retries', '2',
    IMAGE, 'sh', '-c', 'touch /tmp/ok && mkdir -p /www && echo hi > /www/index.html && httpd -f -p 80 -h /www',
  );
  ids[STOPPED] = docker('create', '--name', STOPPED, IMAGE, 'true');
  tp = createTestPlatform({ agentSocket: lab.agentSock });
  services = await createServices(tp.platform);
  services.events.subscribe((event, payload, target) => events.push({ event, payload, target }));
  hostId = (await addConnectedHost(ok, labSsh(lab))).id;
  await until('containers listed', async () => {
    const list = (await ok<Array<{ hostId: string; containers: Array<{ name: string }> }>>('containers.list')).find((h) => h.hostId === hostId)?.containers ?? [];
    return [BURN, WEB, STOPPED].every((n) => list.some((c) => c.name === n));
  });
}, 120_000);

afterAll(async () => {
  await services?.dispose();
  tp?.cleanup();
  cleanup();
});

describe('container.stats stream', () => {
  it('samples the running containers asked for, with CPU, memory and rates; the stopped one is skipped', async () => {
    const { streamId } = await ok<{ streamId: string }>(
      'streams.open',
      { kind: 'container.stats', hostId, containerIds: [BURN, ids[WEB]!.slice(0, 12), ids[STOPPED]], periodMs: 1000 },
      'viewer',
    );
    // Rounds: the first primes the counters (rates null), the later ones carry CPU and rates.
    const rounds = await until('three rounds', () => dataOf(streamId).length >= 3 && dataOf(streamId), 40_000);
    expect(events.filter((e) => e.event === 'stream.data' && (e.payload as { streamId: string }).streamId === streamId).every((e) => e.target === 'viewer')).toBe(true);
    for (const round of rounds) expect(round.map((s) => s.containerId).sort()).toEqual([ids[BURN], ids[WEB]].sort());
    expect(rounds[0]!.every((s) => s.cpuPercent === null && s.memBytes > 0)).toBe(true);
    const last = rounds.at(-1)!;
    const burn = last.find((s) => s.containerId === ids[BURN])!;
    const web = last.find((s) => s.containerId === ids[WEB])!;
    expect(burn.cpuPercent).toBeGreaterThan(2); // capped at 20 % of a core
    expect(burn.cpuPercent).toBeLessThan(60);
    for (const s of [burn, web]) {
      expect(s.memBytes).toBeGreaterThan(0);
      expect(s.memLimit).toBeGreaterThanOrEqual(s.memBytes);
      for (const r of [s.netRxPerSec, s.netTxPerSec, s.blkReadPerSec, s.blkWritePerSec]) expect(r).toBeGreaterThanOrEqual(0);
      expect(s.time).toBeGreaterThan(Date.now() - 60_000);
    }
    // A container that stops drops out of the rounds by itself.
    docker('stop', '-t', '1', BURN);
    await until('burn no longer sampled', () => {
      const r = dataOf(streamId);
      return r.length > rounds.length && !r.at(-1)!.some((s) => s.containerId === ids[BURN]);
    });
    docker('start', BURN);
    await ok('streams.close', { streamId }, 'viewer');
    const n = dataOf(streamId).length;
    await new Promise((r) => setTimeout(r, 2500));
    expect(dataOf(streamId).length).toBe(n);
  }, 90_000);

  it('refuses unbounded or malformed requests with a validation error', async () => {
    const tooMany = await call('streams.open', { kind: 'container.stats', hostId, containerIds: Array.from({ length: 201 }, (_, i) => `c${i}`) });
    expect(tooMany).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const fast = await call('streams.open', { kind: 'container.stats', hostId, containerIds: [BURN], periodMs: 10 });
    expect(fast).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const hostile = await call('streams.open', { kind: 'container.stats', hostId, containerIds: ['../../images/json?x'] });
    expect(hostile).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });
});

describe('containers.inspect', () => {
  it('masks secret-looking env values, reveals one on request, and describes ports, mounts, networks, health', async () => {
    const info = await until('healthy', async () => {
      const i = await ok<ContainerInspectInfo>('containers.inspect', { hostId, containerId: WEB });
      return i.health?.status === 'healthy' && i.health.log.length > 0 && i;
    });
    const env = Object.fromEntries(info.env.map((e) => [e.name, e]));
    expect(env.DB_PASSWORD).toEqual({ name: 'DB_PASSWORD', value: null, masked: true });
    expect(env.API_TOKEN).toMatchObject({ value: null, masked: true });
    expect(env.DATABASE_URL).toMatchObject({ value: null, masked: true });
    expect(env.TZ).toEqual({ name: 'TZ', value: 'UTC', masked: false });
    // Nothing secret anywhere in what was sent, raw JSON included.
    const sent = JSON.stringify(info);
    for (const secret of ['hunter2', 'tok-123', 's3cret']) expect(sent).not.toContain(secret);
    expect(info.rawJson).toContain('DB_PASSWORD=<masked by Homeport>');
    expect(JSON.parse(info.rawJson)).toMatchObject({ Id: ids[WEB], Config: { Labels: { 'hp.test': 'stats' } } });

    expect(await ok('containers.revealEnv', { hostId, containerId: WEB, name: 'DB_PASSWORD' })).toEqual({ value: 'hunter2' });
    expect(await call('containers.revealEnv', { hostId, containerId: WEB, name: 'NOPE' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    const published = docker('port', WEB, '80/tcp').split('\n')[0]!;
    const hostPort = Number(published.split(':').at(-1));
    expect(info.ports).toContainEqual({ privatePort: 80, protocol: 'tcp', hostIp: '0.0.0.0', hostPort, url: `http://127.0.0.1:${hostPort}/`, note: null });
    // The lab's SSH host is this machine (127.0.0.1), so its loopback is reachable too.
    expect(info.ports.find((p) => p.privatePort === 81)).toMatchObject({ hostIp: '127.0.0.1', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/$/) });
    // The link opens the service.
    expect(await (await fetch(`http://127.0.0.1:${hostPort}/`)).text()).toBe('hi\n');

    expect(info.mounts).toContainEqual({ type: 'volume', name: VOL, source: expect.any(String), destination: '/data', readOnly: false, mode: expect.any(String) });
    expect(info.mounts).toContainEqual(expect.objectContaining({ type: 'bind', source: '/etc/hostname', destination: '/host-hostname', readOnly: true }));
    expect(info.networks.find((n) => n.name === NET)).toMatchObject({ ipAddress: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/), aliases: expect.arrayContaining(['webby']) });
    expect(info.labels).toContainEqual({ key: 'hp.test', value: 'stats' });
    expect(info.restartPolicy).toEqual({ name: 'unless-stopped', maximumRetryCount: 0 });
    expect(info.health).toMatchObject({ status: 'healthy', failingStreak: 0, test: ['CMD-SHELL', 'test -e /tmp/ok || { echo no /tmp/ok; exit 3; }'] });
    expect(info.health!.log.at(-1)).toMatchObject({ exitCode: 0, start: expect.any(Number) });
    expect(info).toMatchObject({ name: WEB, id: ids[WEB], state: 'running', image: IMAGE, command: ['sh', '-c', expect.stringContaining('httpd')], exitCode: null });
    expect(info.startedAt).toBeGreaterThan(info.created - 1);
  }, 60_000);

  it('shows a failing health check with its exit code and output', async () => {
    docker('exec', WEB, 'rm', '/tmp/ok');
    const info = await until('unhealthy', async () => {
      const i = await ok<ContainerInspectInfo>('containers.inspect', { hostId, containerId: WEB });
      return i.health?.status === 'unhealthy' && i;
    });
    expect(info.health!.failingStreak).toBeGreaterThanOrEqual(2);
    expect(info.health!.log.at(-1)).toMatchObject({ exitCode: 3, output: 'no /tmp/ok\n' });
  }, 60_000);

  it('a stopped container: no start, an exit code; an unknown one: NOT_FOUND', async () => {
    const info = await ok<ContainerInspectInfo>('containers.inspect', { hostId, containerId: STOPPED });
    expect(info).toMatchObject({ state: 'created', startedAt: null, health: null });
    expect(await call('containers.inspect', { hostId, containerId: `${PREFIX}-nothing` })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
