import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AlertInfo, HostInfo, MonitorId, MonitorInfo, MonitorsChangedInfo, MonitorState } from '../../../shared/contract';
import { createServices, type Services } from '../app';
import { createConfStore } from '../platform/conf-store';
import { createKeyFileSecretBox } from '../platform/key-file-secret-box';
import type { Platform } from '../platform/platform';
import { createTestPlatform, type TestPlatform } from '../test-support/temp-platform';
import { requireLab, type Lab } from '../test-support/lab';
import { startPrivateSshd, type PrivateSshd } from '../test-support/private-sshd';
import { startPrivateDockerd } from '../test-support/private-dockerd';
import { contractCalls, until } from '../test-support/wait';

// Container monitors through faults, as the app runs them (createServices: hosts, engine hub,
// monitors, policy) against real servers: an sshd of this test's own that is killed and
// restarted, or frozen and resumed; a dockerd of its own that is restarted; and Homeport itself
// restarted with its container monitors stored. In each case every container monitor must be
// back to the container's true state within 15 s of the host being back, a container that went
// down meanwhile must be alerted, and while the host cannot be reached no monitor may say "up".
// The monitors have the default settings (a 60 s interval and retry interval, 1 retry): only the
// engine's events and the watches' own looks can make them quick. A host is confirmed unreachable
// after 2 s and alerts are grouped for 200 ms, so that the alerts can be awaited.

const P = `hp-faults-${process.pid}`;
const BACK_WITHIN_MS = 15_000;
const TESTING = { monitors: { policyOptions: { coalesceMs: 200, coalesceMaxMs: 2000, hostConfirmMs: 2000 }, referenceTargets: [] } };
const MONITOR = {};

let lab: Lab;
const engine1 = (...args: string[]) => execFileSync('docker', ['-H', 'unix:///var/run/docker.sock', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const cleanups: Array<() => Promise<void> | void> = [];

/** One running Homeport (the services as the app and the headless server build them). */
class Homeport {
  readonly alerts: AlertInfo[] = [];
  /** Every state the UI was told, with when. */
  readonly log: Array<{ at: number; id: string; state: MonitorState }> = [];
  private constructor(readonly services: Services) {
    services.events.subscribe((event, payload) => {
      if (event === 'alerts.fired') this.alerts.push(payload as AlertInfo);
      if (event === 'monitors.changed') {
        for (const m of (payload as MonitorsChangedInfo).changed) this.log.push({ at: Date.now(), id: m.id, state: m.state });
      }
    });
  }
  static async start(platform: Platform, testing: Parameters<typeof createServices>[1] = TESTING): Promise<Homeport> {
    const h = new Homeport(await createServices(platform, testing));
    cleanups.push(h.dispose);
    return h;
  }
  readonly dispose = () => this.services.dispose();
  readonly calls = contractCalls(() => this.services);
  monitors = async () => this.calls.ok<MonitorInfo[]>('monitors.list');
  host = async (id: string) => (await this.calls.ok<HostInfo[]>('hosts.list')).find((h) => h.id === id);

  async addHost(name: string, port: number, socketPath: string, fingerprint = lab.ssh.hostKeyFingerprint): Promise<string> {
    const host = await this.calls.ok<HostInfo>('hosts.add', { name, kind: 'ssh', address: `root@127.0.0.1:${port}`, socketPath, useAgent: true, keyId: null, identityFile: null });
    await until('the host key question', async () => (await this.host(host.id))?.state.status === 'needs-hostkey');
    await this.calls.ok('hosts.acceptHostKey', { hostname: '127.0.0.1', port, fingerprint });
    await this.connected(host.id);
    return host.id;
  }
  connected = (hostId: string, timeout = 30_000) => until(`host ${hostId} connected`, async () => (await this.host(hostId))?.state.status === 'connected', timeout);

  async addContainerMonitor(hostId: string, container: string, options: object = MONITOR): Promise<MonitorId> {
    return (await this.calls.ok<MonitorInfo>('monitors.add', { ...options, type: 'container', name: container, hostId, container })).id;
  }

  /** Waits until every monitor shows the state wanted; the error names those that do not. */
  async states(want: Record<string, MonitorState>, timeout: number, what: string): Promise<void> {
    await until(
      what,
      async () => {
        const list = await this.monitors();
        const wrong = Object.entries(want)
          .map(([id, state]) => [list.find((m) => m.id === id), state] as const)
          .filter(([m, state]) => m?.state !== state)
          .map(([m, state]) => `${m?.name}: ${m?.state} (${m?.message}) instead of ${state}`);
        if (wrong.length) throw new Error(wrong.join('; '));
        return true;
      },
      Math.max(timeout, 1),
      100,
    );
  }

  /** A down alert (alone or grouped) that names the monitor. */
  downAlertFor = (id: MonitorId) => this.alerts.find((a) => (a.kind === 'down' || a.kind === 'group-down') && a.monitorIds.includes(id));
}

function testPlatform(): TestPlatform {
  const tp = createTestPlatform({ agentSocket: lab.agentSock });
  cleanups.push(() => tp.cleanup());
  return tp;
}

/** A second process on the same data: what a restart of Homeport reads. */
function samePlatformAgain(tp: TestPlatform): Platform {
  return { ...tp.platform, store: createConfStore(tp.dataDir), secrets: createKeyFileSecretBox(tp.dataDir) };
}

function runContainer(docker: (...a: string[]) => string, name: string, ...extra: string[]): void {
  docker('run', '-d', '--network', 'host', '--name', name, '--label', 'homeport.lab=1', ...extra, `${lab.image}:latest`, 'sleep', '600');
}

beforeAll(async () => {
  lab = await requireLab();
});

afterEach(async () => {
  while (cleanups.length) {
    try {
      await cleanups.pop()!();
    } catch {
      // best effort: the next cleanup still runs
    }
  }
});

afterAll(() => {
  for (const suffix of ['stays', 'stops', 'starts', 'plain-up', 'health-up', 'online']) {
    try {
      engine1('rm', '-f', `${P}-${suffix}`);
    } catch {
      // not there
    }
  }
});

/**
 * Three containers on engine 1 behind a private sshd: one that stays up, one stopped while the
 * host cannot be reached (must be alerted after), one started meanwhile (must come back up).
 */
async function sshFault(label: string, breakIt: (sshd: PrivateSshd, h: Homeport, hostId: string) => Promise<void>, restore: (sshd: PrivateSshd) => Promise<void>): Promise<void> {
  const sshd = await startPrivateSshd(lab);
  cleanups.push(() => sshd.stop());
  const names = { stays: `${P}-stays`, stops: `${P}-stops`, starts: `${P}-starts` };
  for (const n of Object.values(names)) {
    try {
      engine1('rm', '-f', n);
    } catch {
      // not there
    }
  }
  runContainer(engine1, names.stays);
  runContainer(engine1, names.stops);
  runContainer(engine1, names.starts);
  engine1('stop', '-t', '0', names.starts);
  cleanups.push(() => void engine1('rm', '-f', ...Object.values(names)));

  const h = await Homeport.start(testPlatform().platform);
  const hostId = await h.addHost(`faults-${label}`, sshd.port, '/var/run/docker.sock', sshd.hostKeys[0]!.fingerprint);
  const ids = { stays: await h.addContainerMonitor(hostId, names.stays), stops: await h.addContainerMonitor(hostId, names.stops), starts: await h.addContainerMonitor(hostId, names.starts) };
  // A command on the host, every 60 s: it too is unknown while the host is away, and runs as soon as it is back.
  const cmd = (await h.calls.ok<MonitorInfo>('monitors.add', { type: 'ssh-command', name: 'docker socket', hostId, command: 'test -S /var/run/docker.sock' })).id;
  await h.states({ [ids.stays]: 'up', [ids.stops]: 'up', [ids.starts]: 'down', [cmd]: 'up' }, 20_000, 'the monitors before the fault');

  await breakIt(sshd, h, hostId);
  await until('the host not connected', async () => (await h.host(hostId))?.state.status !== 'connected', 60_000);
  const lost = Date.now();
  // Nothing is known about the containers now: unknown, never up, also after the host alert.
  await h.states({ [ids.stays]: 'unknown', [ids.stops]: 'unknown', [ids.starts]: 'unknown', [cmd]: 'unknown' }, 5_000, 'unknown while the host cannot be reached');
  engine1('stop', '-t', '0', names.stops);
  engine1('start', names.starts);
  await until('the host-unreachable alert', () => h.alerts.find((a) => a.kind === 'host-unreachable'), 10_000);
  await h.states({ [ids.stays]: 'unknown', [ids.stops]: 'unknown', [ids.starts]: 'unknown', [cmd]: 'unknown' }, 1, 'still unknown after the host alert');

  await restore(sshd);
  const back = Date.now();
  // From a moment after the loss until the host was back, no monitor told the UI "up".
  expect(h.log.filter((e) => e.at > lost + 1000 && e.at < back && e.state === 'up')).toEqual([]);
  await h.states({ [ids.stays]: 'up', [ids.stops]: 'down', [ids.starts]: 'up', [cmd]: 'up' }, BACK_WITHIN_MS, 'every monitor at its true state within 15 s of the host being back');
  const alert = await until('the down alert for the container stopped meanwhile', () => h.downAlertFor(ids.stops), BACK_WITHIN_MS - (Date.now() - back));
  expect(alert.monitorIds).not.toContain(ids.stays);
  expect((await h.monitors()).find((m) => m.id === ids.stops)!.message).toMatch(/exited/);
}

describe('container monitors resume', () => {
  it('after the sshd is killed and comes back', async () => {
    await sshFault(
      'killed',
      (sshd) => sshd.kill(),
      (sshd) => sshd.restart(),
    );
  }, 120_000);

  it('after the sshd is frozen (SIGSTOP) until the connection is declared dead, and resumed', async () => {
    await sshFault(
      'frozen',
      async (sshd) => sshd.freeze(),
      async (sshd) => sshd.thaw(),
    );
  }, 150_000);

  it('after the engine restarts: a container with a restart policy is up again, one without is alerted', async () => {
    const engine = await startPrivateDockerd(lab, `hp-faults-${process.pid}`);
    cleanups.push(() => engine.dispose());
    const names = { always: `${P}-always`, plain: `${P}-plain`, before: `${P}-before` };
    runContainer(engine.docker, names.always, '--restart', 'always');
    runContainer(engine.docker, names.plain);
    runContainer(engine.docker, names.before);
    engine.docker('stop', '-t', '0', names.before);

    const h = await Homeport.start(testPlatform().platform);
    const hostId = await h.addHost('faults-engine', lab.ssh.port, engine.socket);
    const ids = { always: await h.addContainerMonitor(hostId, names.always), plain: await h.addContainerMonitor(hostId, names.plain), before: await h.addContainerMonitor(hostId, names.before) };
    await h.states({ [ids.always]: 'up', [ids.plain]: 'up', [ids.before]: 'down' }, 20_000, 'the monitors before the restart');

    await engine.stop();
    await until('the host not connected', async () => (await h.host(hostId))?.state.status !== 'connected', 30_000);
    await h.states({ [ids.always]: 'unknown', [ids.plain]: 'unknown', [ids.before]: 'unknown' }, 5_000, 'unknown while the engine is away');
    await engine.start();
    const back = Date.now();
    await h.states({ [ids.always]: 'up', [ids.plain]: 'down', [ids.before]: 'down' }, BACK_WITHIN_MS, 'every monitor at its true state within 15 s of the engine being back');
    await until('the down alert for the container the restart stopped', () => h.downAlertFor(ids.plain), BACK_WITHIN_MS - (Date.now() - back));
  }, 180_000);

  it('after Homeport restarts with container monitors stored', async () => {
    const names = { stays: `${P}-stays`, stops: `${P}-stops`, starts: `${P}-starts` };
    for (const n of Object.values(names)) {
      try {
        engine1('rm', '-f', n);
      } catch {
        // not there
      }
    }
    runContainer(engine1, names.stays);
    runContainer(engine1, names.stops);
    runContainer(engine1, names.starts);
    engine1('stop', '-t', '0', names.starts);
    cleanups.push(() => void engine1('rm', '-f', ...Object.values(names)));

    const tp = testPlatform();
    const first = await Homeport.start(tp.platform);
    const hostId = await first.addHost('faults-restart', lab.ssh.port, '/var/run/docker.sock');
    const ids = { stays: await first.addContainerMonitor(hostId, names.stays), stops: await first.addContainerMonitor(hostId, names.stops), starts: await first.addContainerMonitor(hostId, names.starts) };
    await first.states({ [ids.stays]: 'up', [ids.stops]: 'up', [ids.starts]: 'down' }, 20_000, 'the monitors before the restart');
    await first.services.dispose();
    cleanups.splice(cleanups.indexOf(first.dispose), 1);

    // While Homeport is not running: one container stops, another starts.
    engine1('stop', '-t', '0', names.stops);
    engine1('start', names.starts);

    const again = await Homeport.start(samePlatformAgain(tp));
    const back = Date.now();
    await again.connected(hostId, BACK_WITHIN_MS);
    await again.states({ [ids.stays]: 'up', [ids.stops]: 'down', [ids.starts]: 'up' }, BACK_WITHIN_MS - (Date.now() - back), 'every monitor at its true state within 15 s of the start');
    await until('the down alert for the container stopped meanwhile', () => again.downAlertFor(ids.stops), BACK_WITHIN_MS - (Date.now() - back));
  }, 120_000);
});

describe('container monitors recover on events', () => {
  it('a start (or healthy) event confirms up within seconds, not after a full interval', async () => {
    // Real intervals (60 s, the default retry interval too): only the events can make it quick.
    const names = { plain: `${P}-plain-up`, health: `${P}-health-up` };
    for (const n of Object.values(names)) {
      try {
        engine1('rm', '-f', n);
      } catch {
        // not there
      }
    }
    runContainer(engine1, names.plain);
    runContainer(engine1, names.health, '--health-cmd', 'true', '--health-interval', '1s', '--health-start-period', '0s');
    cleanups.push(() => void engine1('rm', '-f', ...Object.values(names)));
    const h = await Homeport.start(testPlatform().platform, { monitors: { policyOptions: { coalesceMs: 200, coalesceMaxMs: 2000 }, referenceTargets: [] } });
    const hostId = await h.addHost('faults-events', lab.ssh.port, '/var/run/docker.sock');
    const opts = { intervalSec: 60, retries: 0 };
    const ids = { plain: await h.addContainerMonitor(hostId, names.plain, opts), health: await h.addContainerMonitor(hostId, names.health, opts) };
    await h.states({ [ids.plain]: 'up', [ids.health]: 'up' }, 20_000, 'up at first');

    engine1('stop', '-t', '0', names.plain, names.health);
    await h.states({ [ids.plain]: 'down', [ids.health]: 'down' }, 10_000, 'down on the die events');
    await until('the down alert', () => h.downAlertFor(ids.plain) && h.downAlertFor(ids.health), 5_000);

    const started = Date.now();
    engine1('start', names.plain, names.health);
    await h.states({ [ids.plain]: 'up', [ids.health]: 'up' }, 10_000, 'up within 10 s of the start events');
    const ups = await until('the up alerts', () => {
      const up = h.alerts.filter((a) => (a.kind === 'up' || a.kind === 'group-up') && (a.monitorIds.includes(ids.plain) || a.monitorIds.includes(ids.health)));
      return up.flatMap((a) => a.monitorIds).filter((id) => id === ids.plain || id === ids.health).length === 2 && up;
    }, 10_000 - (Date.now() - started));
    expect(ups.length).toBeGreaterThan(0);
  }, 90_000);
});

describe('this computer back online', () => {
  it('hosts that were waiting out a long backoff reconnect at once: no host alert for our own outage', async () => {
    // The reference target stands for this computer's network (the default gateway in real life).
    const reference = net.createServer((c) => c.destroy());
    await new Promise<void>((r) => reference.listen(0, '127.0.0.1', r));
    const refPort = (reference.address() as net.AddressInfo).port;
    cleanups.push(() => new Promise<void>((r) => (reference.listening ? reference.close(() => r()) : r())));
    const sshd = await startPrivateSshd(lab);
    cleanups.push(() => sshd.stop());
    const name = `${P}-online`;
    try {
      engine1('rm', '-f', name);
    } catch {
      // not there
    }
    runContainer(engine1, name);
    cleanups.push(() => void engine1('rm', '-f', name));

    const h = await Homeport.start(testPlatform().platform, {
      monitors: { policyOptions: { coalesceMs: 200, coalesceMaxMs: 2000, hostConfirmMs: 5000 }, referenceTargets: [{ host: '127.0.0.1', port: refPort }], referenceIntervalMs: 300 },
    });
    const hostId = await h.addHost('faults-online', sshd.port, '/var/run/docker.sock', sshd.hostKeys[0]!.fingerprint);
    const id = await h.addContainerMonitor(hostId, name);
    await h.states({ [id]: 'up' }, 20_000, 'up at first');

    // Offline: the network goes, and with it the SSH connection; reconnecting fails and backs off.
    await new Promise<void>((r) => reference.close(() => r()));
    await h.states({ [id]: 'unknown' }, 10_000, 'unknown while this computer is offline');
    await sshd.kill();
    await until(
      'a reconnection attempt far off',
      async () => {
        const s = (await h.host(hostId))?.state;
        return s?.status === 'reconnecting' && s.retryAt - Date.now() > 6_000;
      },
      40_000,
      200,
    );

    // Back online (the host is there again too).
    await sshd.restart();
    await new Promise<void>((r) => reference.listen(refPort, '127.0.0.1', r));
    const back = Date.now();
    await h.connected(hostId, 4_000);
    await h.states({ [id]: 'up' }, 10_000 - (Date.now() - back), 'up again');
    // Longer than the host confirmation time: nothing was told, for an outage that was ours.
    await new Promise((r) => setTimeout(r, 6_000));
    expect(h.alerts.map((a) => `${a.kind}: ${a.title}`)).toEqual([]);
  }, 120_000);
});

describe('a host the user disconnects', () => {
  it('makes its monitors unknown without an outage alert, and they resume when it is connected again', async () => {
    const name = `${P}-stays`;
    try {
      engine1('rm', '-f', name);
    } catch {
      // not there
    }
    runContainer(engine1, name);
    cleanups.push(() => void engine1('rm', '-f', name));
    const h = await Homeport.start(testPlatform().platform);
    const hostId = await h.addHost('faults-disconnect', lab.ssh.port, '/var/run/docker.sock');
    const id = await h.addContainerMonitor(hostId, name);
    await h.states({ [id]: 'up' }, 20_000, 'up at first');

    await h.calls.ok('hosts.disconnect', { id: hostId });
    await h.states({ [id]: 'unknown' }, 5_000, 'unknown while disconnected');
    // Longer than the host confirmation time (2 s here): the user knows why, nobody is alerted.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(h.alerts.map((a) => `${a.kind}: ${a.title}`)).toEqual([]);

    await h.calls.ok('hosts.connect', { id: hostId });
    await h.states({ [id]: 'up' }, BACK_WITHIN_MS, 'up again once connected');
    expect(h.alerts).toEqual([]);
  }, 60_000);
});
