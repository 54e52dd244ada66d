import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertInfo, Envelope, HostInfo, MonitorInfo, MonitorSuggestionInfo } from '../../shared/contract';
import { createHeadlessServer, type HeadlessServer } from './server';
import { createServices, type Services } from '../services/app';
import { createTestPlatform, type TestPlatform } from '../services/test-support/temp-platform';
import { loadLab, type Lab } from '../services/test-support/lab';
import { addConnectedHost, labSsh } from '../services/test-support/lab-host';
import { contractCalls, until } from '../services/test-support/wait';

// The monitors as the app wires them, against the real lab: ssh-command monitors over the lab
// host's SSH connection, container monitors on its engine's events, push through the real
// headless server, label monitors from a labelled container, a host that cannot be reached.
// Intervals are scaled by 0.05 (20 s → 1 s) and the policy's windows are short.

const PREFIX = `hp-mon-a-${process.pid}`;
let lab: Lab;
let tp: TestPlatform;
let services: Services;
let server: HeadlessServer;
let labId: string;
const alerts: AlertInfo[] = [];

const docker = (...args: string[]) => execFileSync('docker', ['-H', 'unix:///var/run/docker.sock', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

const { call, ok } = contractCalls(() => services);
const monitor = async (id: string) => (await ok<MonitorInfo[]>('monitors.list')).find((m) => m.id === id);
const stateIs = (id: string, state: string, timeout?: number) =>
  until(
    `${id} ${state}`,
    async () => {
      const m = await monitor(id);
      if (m?.state !== state) throw new Error(`state ${m?.state}: ${m?.message}`);
      return m;
    },
    timeout,
  );
const base = { intervalSec: 20, retries: 0 };

beforeAll(async () => {
  lab = loadLab();
  tp = createTestPlatform({ agentSocket: lab.agentSock });
  services = await createServices(tp.platform, {
    monitors: { intervalScale: 0.05, policyOptions: { coalesceMs: 100, coalesceMaxMs: 500, hostConfirmMs: 1500 }, referenceTargets: [] },
    labelDebounceMs: 100,
  });
  services.events.subscribe((event, payload) => {
    if (event === 'alerts.fired') alerts.push(payload as AlertInfo);
  });
  server = await createHeadlessServer({ services, staticDir: path.join(tp.dataDir, 'no-ui'), host: '127.0.0.1', port: 0, token: 'x'.repeat(32), logger: tp.platform.logger });
  labId = (await addConnectedHost(ok, labSsh(lab))).id;
}, 60_000);

afterAll(async () => {
  for (const name of [`${PREFIX}-ctr`, `${PREFIX}-lbl`, `${PREFIX}-evil`]) {
    try {
      docker('rm', '-f', name);
    } catch {
      // not there
    }
  }
  try {
    docker('network', 'rm', `${PREFIX}-net`);
  } catch {
    // not there
  }
  await server?.close();
  await services?.dispose();
  tp?.cleanup();
});

describe('ssh-command monitors', () => {
  it('are up or down by exit status and output match, over the host’s SSH connection', async () => {
    const okCmd = await ok<MonitorInfo>('monitors.add', { ...base, type: 'ssh-command', name: 'passwd exists', hostId: labId, command: 'test -r /etc/passwd' });
    const failCmd = await ok<MonitorInfo>('monitors.add', { ...base, type: 'ssh-command', name: 'exit 3', hostId: labId, command: 'echo failing >&2; exit 3' });
    // Quotes and $ reach sh exactly as typed (the command is one single-quoted word for the login shell).
    const match = await ok<MonitorInfo>('monitors.add', { ...base, type: 'ssh-command', name: 'match', hostId: labId, command: `printf '%s\\n' "it's $((40+2))"`, outputMatch: "^it's 42$" });
    const noMatch = await ok<MonitorInfo>('monitors.add', { ...base, type: 'ssh-command', name: 'no match', hostId: labId, command: 'echo active', outputMatch: '^inactive$' });
    const expect3 = await ok<MonitorInfo>('monitors.add', { ...base, type: 'ssh-command', name: 'expects 3', hostId: labId, command: 'exit 3', expectExit: 3 });
    expect((await stateIs(okCmd.id, 'up'))!.message).toContain('Exit status 0');
    expect((await stateIs(failCmd.id, 'down'))!.message).toBe('Exit status 3 (expected 0): failing');
    expect((await stateIs(match.id, 'up'))!.message).toContain("it's 42");
    expect((await stateIs(noMatch.id, 'down'))!.message).toContain('Output does not match /^inactive$/');
    await stateIs(expect3.id, 'up');
    for (const m of [okCmd, failCmd, match, noMatch, expect3]) await ok('monitors.remove', { id: m.id });
  });
});

describe('container monitors and suggestions', () => {
  it('suggest a monitor for a running container and a published port; the container monitor goes down on the stop event', async () => {
    const name = `${PREFIX}-ctr`;
    docker('run', '-d', '--network', 'host', '--name', name, '--label', 'homeport.lab=1', `${lab.image}:latest`, 'sleep', '600');
    const suggestion = await until('a suggestion for the container', async () =>
      (await ok<MonitorSuggestionInfo[]>('monitors.suggestions')).find((s) => s.kind === 'container' && s.container === name),
    );
    expect(suggestion.input).toEqual({ type: 'container', name: `${name} (lab)`, hostId: labId, container: name });
    const all = await ok<MonitorSuggestionInfo[]>('monitors.suggestions');
    expect(all.find((s) => s.kind === 'port' && s.input.type === 'http' && s.input.url === 'http://127.0.0.1:18082/')).toBeTruthy();

    const m = await ok<MonitorInfo>('monitors.add', suggestion.input);
    expect((await stateIs(m.id, 'up'))!.message).toMatch(/running/i);
    // Once it has a monitor it is no longer suggested.
    expect((await ok<MonitorSuggestionInfo[]>('monitors.suggestions')).some((s) => s.kind === 'container' && s.container === name)).toBe(false);

    const t0 = Date.now();
    docker('stop', '-t', '0', name);
    const down = await stateIs(m.id, 'down');
    expect(down!.message).toMatch(/exited|stopped/i);
    // Driven by the event, not by a poll (container monitors have no polling interval at all).
    expect(Date.now() - t0).toBeLessThan(10_000);
    docker('start', name);
    await stateIs(m.id, 'up');
    await ok('monitors.remove', { id: m.id });
  });
});

describe('push monitors through the headless server', () => {
  it('are fed by /push/<token>; unknown tokens get a 404 that says nothing; silence turns them down', async () => {
    const m = await ok<MonitorInfo>('monitors.add', { ...base, type: 'push', name: 'backup', graceSec: 60 });
    expect(m.config.token).toBe('');
    expect(m.secretFields).toEqual(['token']);
    const { path: pushPath } = await ok<{ path: string }>('monitors.pushUrl', { id: m.id });
    expect(pushPath).toMatch(/^\/push\/[A-Za-z0-9_-]{43}$/);

    const r1 = await fetch(`${server.url}${pushPath}?status=up&msg=backup%20done&ping=12`);
    expect(r1.status).toBe(200);
    expect(await r1.json()).toEqual({ ok: true });
    const up = await stateIs(m.id, 'up');
    expect(up!.message).toBe('backup done');
    expect(up!.latencyMs).toBe(12);

    const r2 = await fetch(`${server.url}${pushPath}?status=down&msg=disk%20full`, { method: 'POST', body: 'ignored' });
    expect(r2.status).toBe(200);
    expect((await stateIs(m.id, 'down'))!.message).toBe('disk full');

    await fetch(`${server.url}${pushPath}`);
    await stateIs(m.id, 'up');
    // No push within interval + grace (4 s here): down.
    expect((await stateIs(m.id, 'down'))!.message).toMatch(/^No push for/);

    const unknown = await fetch(`${server.url}/push/${'A'.repeat(43)}`);
    const malformed = await fetch(`${server.url}/push/short`);
    expect(unknown.status).toBe(404);
    expect(malformed.status).toBe(404);
    expect(await unknown.text()).toBe(await malformed.text());
    expect((await fetch(`${server.url}${pushPath}?ping=-5`)).status).toBe(400);

    // Paused: the token answers 404 like an unknown one.
    await ok('monitors.pause', { id: m.id });
    expect((await fetch(`${server.url}${pushPath}`)).status).toBe(404);
    await ok('monitors.remove', { id: m.id });
  });

  it('are rate-limited per client address', async () => {
    let limited: Response | null = null;
    for (let i = 0; i < 130 && !limited; i++) {
      const r = await fetch(`${server.url}/push/${'B'.repeat(43)}`);
      if (r.status === 429) limited = r;
      else await r.arrayBuffer();
    }
    expect(limited?.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});

describe('secrets at rest', () => {
  it('seals HTTP passwords, tokens, header values and push tokens; the UI sees blanks; blank keeps them on edit', async () => {
    const secrets = ['hp-mon-a-basic-pw-1234', 'hp-mon-a-header-val-5678'];
    const http = await ok<MonitorInfo>('monitors.add', {
      ...base,
      type: 'http',
      name: 'secret web',
      url: 'http://127.0.0.1:18082/',
      headers: { 'X-Api-Key': secrets[1] },
      auth: { kind: 'basic', user: 'admin', password: secrets[0] },
    });
    const push = await ok<MonitorInfo>('monitors.add', { ...base, type: 'push', name: 'secret push' });
    const token = (await ok<{ path: string }>('monitors.pushUrl', { id: push.id })).path.slice('/push/'.length);
    const files = readdirSync(tp.dataDir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(path.join(tp.dataDir, f)).isFile() && !f.endsWith('.sqlite') && !f.includes('sqlite'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const text = readFileSync(path.join(tp.dataDir, f), 'latin1');
      for (const s of [...secrets, token]) expect(text.includes(s), `${s} in ${f}`).toBe(false);
    }
    const listed = JSON.stringify(await ok<MonitorInfo[]>('monitors.list'));
    for (const s of [...secrets, token]) expect(listed.includes(s)).toBe(false);
    expect((await monitor(http.id))!.config).toMatchObject({ auth: { kind: 'basic', user: 'admin', password: '' }, headers: { 'X-Api-Key': '' } });

    // Edit with the secrets left blank: the stored values stay (and the push token too).
    await ok('monitors.update', { id: http.id, config: { ...base, type: 'http', name: 'secret web 2', url: 'http://127.0.0.1:18082/', headers: { 'X-Api-Key': '' }, auth: { kind: 'basic', user: 'admin', password: '' } } });
    await ok('monitors.update', { id: push.id, config: { ...base, type: 'push', name: 'secret push 2' } });
    expect((await ok<{ path: string }>('monitors.pushUrl', { id: push.id })).path).toBe(`/push/${token}`);
    // A second services instance over the same data reads the sealed values back.
    const again = await createServices(tp.platform, { monitors: { referenceTargets: [] } });
    try {
      const r = (await again.dispatch('monitors.pushUrl', { id: push.id }, { clientId: 'c2' })) as Envelope<{ path: string }>;
      expect(r.ok && r.value.path).toBe(`/push/${token}`);
    } finally {
      await again.dispose();
    }
    await ok('monitors.remove', { id: http.id });
    await ok('monitors.remove', { id: push.id });
  });
});

describe('label monitors', () => {
  it('are only suggested; added when the user approves, owned by their labels; refused when they point beyond their container', async () => {
    const name = `${PREFIX}-lbl`;
    const evil = `${PREFIX}-evil`;
    const network = `${PREFIX}-net`;
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    docker('network', 'create', '--label', 'homeport.lab=1', network);
    // An HTTP monitor on the port the container publishes, at the host's own address.
    docker(
      'run', '-d', '--network', network, '-p', `127.0.0.1:${port}:8080`, '--name', name, '--label', 'homeport.lab=1',
      '--label', 'homeport.monitor.type=http',
      '--label', 'homeport.monitor.name=Lab API (label)',
      '--label', `homeport.monitor.url=http://127.0.0.1:${port}/`,
      '--label', 'homeport.monitor.interval=30',
      `${lab.image}:latest`, 'httpd', '-f', '-p', '8080', '-h', '/www',
    );
    // One that would make Homeport reach into the LAN: refused (nothing is ever sent there).
    docker('run', '-d', '--network', 'host', '--name', evil, '--label', 'homeport.lab=1', '--label', 'homeport.monitor.type=http', '--label', 'homeport.monitor.url=http://192.168.1.1/admin', `${lab.image}:latest`, 'sleep', '600');

    const suggested = await until('both declarations suggested', async () => {
      const all = await ok<MonitorSuggestionInfo[]>('monitors.suggestions');
      const mine = all.find((x) => x.kind === 'label' && x.container === name);
      const refused = all.find((x) => x.kind === 'label' && x.container === evil);
      return mine && refused && { mine, refused };
    });
    expect(suggested.mine).toMatchObject({ hostId: labId, input: { type: 'http', name: 'Lab API (label)', url: `http://127.0.0.1:${port}/`, intervalSec: 30 } });
    expect(suggested.mine.problem).toBeUndefined();
    expect(suggested.refused.problem).toBe("homeport.monitor.url points at 192.168.1.1, not at the container's host (127.0.0.1); a label may only point at its own container");
    // Nothing was added by the labels themselves.
    expect((await ok<MonitorInfo[]>('monitors.list')).filter((m) => m.source.kind === 'label')).toEqual([]);

    const refusedAdd = await call('monitors.addSuggested', { key: suggested.refused.key });
    expect(refusedAdd).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringContaining('points at 192.168.1.1') } });

    const m = await ok<MonitorInfo>('monitors.addSuggested', { key: suggested.mine.key });
    expect(m.source).toEqual({ kind: 'label', hostId: labId, container: name });
    expect(m).toMatchObject({ type: 'http', target: `http://127.0.0.1:${port}/`, intervalSec: 30 });
    await stateIs(m.id, 'up');
    expect((await ok<MonitorSuggestionInfo[]>('monitors.suggestions')).some((x) => x.kind === 'label' && x.container === name)).toBe(false);
    const edit = await call('monitors.update', { id: m.id, config: { type: 'http', name: 'mine now', url: `http://127.0.0.1:${port}/` } });
    expect(edit.ok).toBe(false);
    if (!edit.ok) expect(edit.error).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining(name) });
    await ok('monitors.pause', { id: m.id });
    expect((await monitor(m.id))!.paused).toBe(true);
    await ok('monitors.resume', { id: m.id });

    // The container goes away: its monitor stays, and says so.
    docker('rm', '-f', name, evil);
    await stateIs(m.id, 'down');
    expect(await monitor(m.id)).toMatchObject({ source: { kind: 'label' } });
    // The user may remove it.
    await ok('monitors.remove', { id: m.id });
    docker('network', 'rm', network);
  }, 60_000);
});

describe('an unreachable host', () => {
  it('is said once, with the number of its monitors, instead of one alert per monitor', async () => {
    // A host entry pointing at a port with nothing listening.
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const mark = alerts.length;
    const host = await ok<HostInfo>('hosts.add', { name: 'deadnas', kind: 'ssh', address: `root@127.0.0.1:${closed}`, socketPath: '/var/run/docker.sock', useAgent: true, keyId: null, identityFile: null });
    const ids: string[] = [];
    for (const n of ['a', 'b', 'c']) ids.push((await ok<MonitorInfo>('monitors.add', { ...base, type: 'ssh-command', name: `dead ${n}`, hostId: host.id, command: 'true' })).id);
    ids.push((await ok<MonitorInfo>('monitors.add', { ...base, type: 'container', name: 'dead ctr', hostId: host.id, container: 'nextcloud' })).id);
    const alert = await until('the host alert', () => alerts.slice(mark).find((a) => a.kind === 'host-unreachable'), 15_000);
    expect(alert.title).toBe('deadnas: host unreachable');
    expect(alert.body).toBe('4 services affected');
    expect([...alert.monitorIds].sort()).toEqual([...ids].sort());
    await new Promise((r) => setTimeout(r, 1500));
    // No alert names one of its monitors on its own.
    expect(alerts.slice(mark).filter((a) => a.kind !== 'host-unreachable' && a.monitorIds.some((id) => ids.includes(id)))).toEqual([]);
    for (const id of ids) await ok('monitors.remove', { id });
    await ok('hosts.remove', { id: host.id });
  }, 30_000);
});
