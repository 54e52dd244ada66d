/**
 * MonitorsManager with real parts: a real HTTP target on 127.0.0.1, a real webhook receiver, the
 * real scheduler, checks, policy, dispatcher, SQLite history, conf store and key-file secret box.
 * Intervals are scaled by `intervalScale: 0.01` (20 s → 200 ms) and the policy's coalescing window
 * is shortened, so an outage and its recovery take about a second.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpReceiver, type HttpReceiver } from '../alerts/channels/test-support/receivers';
import type { Alert } from '../alerts';
import type { ContainerInspectLike, DockerLike } from './checks';
import { createTestPlatform, type TestPlatform } from '../test-support/temp-platform';
import { MonitorsManager, type MonitorsChange } from './monitors-manager';
import { waitFor } from '../test-support/wait';
import { ChannelId, MonitorId } from '../../../shared/model/ids';

const SECRET = 'hook-signing-secret-do-not-leak';
const AUTH = 'Bearer header-token-do-not-leak';

function startTarget(port = 0): Promise<Server> {
  const s = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  return new Promise((resolve) => s.listen(port, '127.0.0.1', () => resolve(s)));
}

function closeServer(s: Server): Promise<void> {
  return new Promise((resolve) => {
    s.closeAllConnections();
    s.close(() => resolve());
  });
}

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

describe('MonitorsManager (integration)', () => {
  let tp: TestPlatform;
  let receiver: HttpReceiver;
  let target: Server;
  let port: number;
  let reference: net.Server;
  let refPort: number;
  let historyFile: string;

  beforeAll(async () => {
    tp = createTestPlatform({ agentSocket: null });
    historyFile = path.join(tp.dataDir, 'history.sqlite');
    receiver = await startHttpReceiver();
    target = await startTarget();
    port = (target.address() as AddressInfo).port;
    reference = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => reference.listen(0, '127.0.0.1', r));
    refPort = (reference.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await receiver?.close();
    if (target?.listening) await closeServer(target);
    await new Promise<void>((r) => reference.close(() => r()));
    tp?.cleanup();
  });

  const make = (changes: MonitorsChange[] = []) => {
    const mgr = new MonitorsManager({
      platform: tp.platform,
      historyFile,
      intervalScale: 0.01,
      policyOptions: { coalesceMs: 50, coalesceMaxMs: 200 },
      referenceTargets: [{ host: '127.0.0.1', port: refPort }],
      dispatcherAttempts: 1,
    });
    mgr.events.on('changed', (m) => changes.push(m));
    return mgr;
  };

  it('alerts once on an outage and once on recovery, records history, and survives a restart', async () => {
    const changes: MonitorsChange[] = [];
    const mgr = make(changes);
    const alerts: Alert[] = [];
    mgr.events.on('alert', (a) => alerts.push(a));
    const ch = mgr.addChannel({ id: 'hook', name: 'My hook', type: 'webhook', url: receiver.url + '/hook', secret: SECRET, headers: { Authorization: AUTH } });
    expect(ch.hasSecret).toEqual({ url: true, headers: true, secret: true });
    expect(JSON.stringify(mgr.listChannels())).not.toContain(SECRET);
    expect(JSON.stringify(mgr.listChannels())).not.toContain('header-token');
    expect(mgr.getRouting().defaultChannelIds).toEqual(['hook']);

    mgr.add({ id: 'web', name: 'Web', type: 'http', url: `http://127.0.0.1:${port}/`, intervalSec: 20, retryIntervalSec: 20, retries: 1, timeoutSec: 2 });
    mgr.start();

    await waitFor(() => mgr.list()[0]?.status?.state === 'up', 5000, 'up');
    const webhookAlerts = () => receiver.requests.filter((r) => r.url === '/hook').map((r) => JSON.parse(r.body) as { event: string; alert: Alert });
    expect(webhookAlerts()).toEqual([]);

    // Outage: down after 2 failed checks (retries 1), one webhook delivery.
    await closeServer(target);
    await waitFor(() => webhookAlerts().length >= 1, 5000, 'down alert');
    await mgr.idle();
    await new Promise((r) => setTimeout(r, 600));
    expect(webhookAlerts()).toHaveLength(1);
    const down = webhookAlerts()[0]!;
    expect(down.event).toBe('alert');
    expect(down.alert.kind).toBe('down');
    expect(down.alert.monitorIds).toEqual(['web']);
    expect(receiver.requests[0]!.headers['x-homeport-signature']).toMatch(/^sha256=/);
    expect(mgr.list()[0]!.status!.state).toBe('down');
    expect(mgr.incidents(MonitorId('web'), 10, 'confirmed')).toMatchObject([{ monitorId: 'web', end: null }]);

    // Recovery: the up alert (after recovery confirmation).
    target = await startTarget(port);
    await waitFor(() => webhookAlerts().length >= 2, 5000, 'up alert');
    await mgr.idle();
    expect(webhookAlerts().map((a) => a.alert.kind)).toEqual(['down', 'up']);
    expect(alerts.map((a) => a.kind)).toEqual(['down', 'up']);
    expect(mgr.list()[0]!.status!.state).toBe('up');

    const info = mgr.list()[0]!;
    expect(info.uptime.day).toBeGreaterThan(0);
    expect(info.uptime.day).toBeLessThan(1);
    expect(info.latencyMs).not.toBeNull();
    const bars = mgr.statusBars(MonitorId('web'), 5, 60_000);
    expect(bars.reduce((n, b) => n + b.up, 0)).toBeGreaterThan(2);
    expect(bars.reduce((n, b) => n + b.down, 0)).toBeGreaterThanOrEqual(1);
    expect(mgr.latencySeries(MonitorId('web'), Date.now() - 60_000, Date.now(), 100).length).toBeGreaterThan(0);
    const [incident] = mgr.incidents(MonitorId('web'), 10, 'confirmed');
    expect(incident!.end).not.toBeNull();
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.flatMap((c) => c.changed).at(-1)!.config.id).toBe('web');

    await mgr.stop();

    // Nothing secret is in clear in any file Homeport wrote.
    for (const f of allFiles(tp.dataDir)) {
      const text = readFileSync(f).toString('latin1');
      expect(text, f).not.toContain(SECRET);
      expect(text, f).not.toContain('header-token');
    }

    // A new manager on the same store and history file sees the monitor, its channel and its history.
    const again = make();
    try {
      expect(again.listChannels()).toMatchObject([{ id: 'hook', type: 'webhook', target: `127.0.0.1:${receiver.url.split(':').at(-1)}`, hasSecret: { secret: true } }]);
      const [m] = again.list();
      expect(m!.config).toMatchObject({ id: 'web', type: 'http', intervalSec: 20 });
      expect(m!.uptime.day).toBeGreaterThan(0);
      expect(m!.last).not.toBeNull();
      expect(again.incidents(MonitorId('web'), 10, 'confirmed')).toHaveLength(1);
      // The restored state: up, no new alert on start.
      const before = receiver.requests.length;
      again.start();
      await waitFor(() => again.list()[0]?.status?.state === 'up', 5000, 'up after restart');
      await again.idle();
      expect(receiver.requests.length).toBe(before);
      await again.testChannel(ChannelId('hook'));
      expect((JSON.parse(receiver.requests.at(-1)!.body) as { event: string }).event).toBe('test');

      again.pause(MonitorId('web'));
      expect(again.list()[0]!.status!.state).toBe('paused');
      again.resume(MonitorId('web'));
      expect(again.mute(MonitorId('web'), '1h')).toBeGreaterThan(Date.now());
      again.remove(MonitorId('web'));
      expect(again.list()).toEqual([]);
      again.removeChannel(ChannelId('hook'));
      expect(again.listChannels()).toEqual([]);
      expect(again.getRouting().defaultChannelIds).toEqual([]);
    } finally {
      await again.stop();
    }
  }, 20_000);

  it('runs ssh-command and container monitors, skips a host without an engine, and holds alerts while the local network is down', async () => {
    const tp2 = createTestPlatform({ agentSocket: null });
    const target2 = await startTarget();
    const ref2 = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => ref2.listen(0, '127.0.0.1', r));
    const inspect: ContainerInspectLike = { Id: 'abc123', Name: '/app', State: { Status: 'running', Running: true, Paused: false, Restarting: false } };
    const docker: DockerLike = {
      getContainer: () => ({ inspect: () => Promise.resolve(inspect) }),
    };
    const execs: string[] = [];
    const mgr = new MonitorsManager({
      platform: tp2.platform,
      historyFile: path.join(tp2.dataDir, 'h.sqlite'),
      intervalScale: 0.01,
      policyOptions: { coalesceMs: 50, coalesceMaxMs: 200 },
      referenceTargets: [{ host: '127.0.0.1', port: (ref2.address() as AddressInfo).port }],
      referenceIntervalMs: 100,
      dispatcherAttempts: 1,
      hostExec: (hostId, command) => {
        execs.push(`${hostId}:${command}`);
        return Promise.resolve({ code: 0, stdout: 'fine\n', stderr: '' });
      },
      engines: { dockerOf: (hostId) => (hostId === 'h2' ? docker : null), subscribe: () => () => {}, eventsOpen: () => Promise.resolve() },
    });
    try {
      mgr.addChannel({ id: 'hook', name: 'Hook', type: 'webhook', url: receiver.url + '/second' });
      const base = { intervalSec: 20, retryIntervalSec: 20, retries: 1, timeoutSec: 2 };
      mgr.add({ ...base, id: 'web2', name: 'Web 2', type: 'http', url: `http://127.0.0.1:${(target2.address() as AddressInfo).port}/` });
      mgr.add({ ...base, id: 'cmd', name: 'Cmd', type: 'ssh-command', hostId: 'h1', command: 'systemctl is-active x', outputMatch: 'fine' });
      mgr.add({ ...base, id: 'ctr', name: 'Ctr', type: 'container', hostId: 'h2', container: 'app' });
      mgr.add({ ...base, id: 'lost', name: 'Lost', type: 'container', hostId: 'nohost', container: 'app' });
      mgr.start();
      const state = (id: string) => mgr.list().find((m) => m.config.id === id)?.status?.state;
      await waitFor(() => state('web2') === 'up' && state('cmd') === 'up' && state('ctr') === 'up', 5000, 'all up');
      expect(execs[0]).toBe('h1:systemctl is-active x');
      expect(state('lost')).toBe('pending');

      // This computer loses its network: the target's failures are not an outage.
      await new Promise<void>((r) => ref2.close(() => r()));
      await new Promise((r) => setTimeout(r, 300));
      await closeServer(target2);
      await new Promise((r) => setTimeout(r, 1200));
      await mgr.idle();
      expect(state('web2')).toBe('unknown');
      expect(receiver.requests.filter((r) => r.url === '/second')).toEqual([]);
    } finally {
      await mgr.stop();
      if (ref2.listening) ref2.close();
      if (target2.listening) await closeServer(target2);
      tp2.cleanup();
    }
  }, 15_000);
});
