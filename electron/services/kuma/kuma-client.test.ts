import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { HomeportError } from '../../../shared/contract';
import { KumaClient, type KumaMonitorsUpdate } from './kuma-client';
import type { KumaMonitorFact } from './kuma-model';
import { captureLogger, FAKE_PASSWORD, FAKE_USER, FakeKuma, kumaTime, type Flavour } from './test-support/fake-kuma';
import { rejectionOf } from '../test-support/errors';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(flavour: Flavour, opts: Partial<ConstructorParameters<typeof FakeKuma>[0]> = {}) {
  const fake = new FakeKuma({ flavour, ...opts });
  await fake.start();
  const { logger, lines } = captureLogger();
  const client = new KumaClient({ url: fake.url, logger, instance: 'Uptime Kuma on nas', throttleMs: 50, ackTimeoutMs: 3000 });
  const updates: KumaMonitorsUpdate[] = [];
  client.on('monitors', (u) => updates.push(u));
  cleanups.push(() => client.close(), () => fake.stop());
  return { fake, client, logger, lines, updates };
}

/** Resolves when `pred` holds for the model (checked on every coalesced update). */
function until(client: KumaClient, pred: (ms: KumaMonitorFact[]) => boolean, timeoutMs = 3000): Promise<KumaMonitorFact[]> {
  return new Promise((resolve, reject) => {
    if (pred(client.monitors())) return resolve(client.monitors());
    const t = setTimeout(() => {
      off();
      reject(new Error(`condition not met; model: ${JSON.stringify(client.monitors())}`));
    }, timeoutMs);
    const off = client.on('monitors', (u) => {
      if (pred(u.monitors)) {
        clearTimeout(t);
        off();
        resolve(u.monitors);
      }
    });
  });
}


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(['1.23', '2.x'] as const)('KumaClient against a %s server', (flavour) => {
  it('signs in, mirrors the monitors with their beats and stats, and keeps no secret', async () => {
    const { fake, client, lines, updates } = await setup(flavour);
    const important: string[] = [];
    client.on('importantBeats', ({ monitorId }) => important.push(monitorId));

    const hello = await client.connect();
    expect(hello.loginRequired).toBe(true);
    expect(fake.origins.every((o) => o === undefined)).toBe(true); // no Origin from Node: Kuma's CVE-2023-49805 check passes

    const result = await client.login({ username: FAKE_USER, password: FAKE_PASSWORD });
    expect(result.status).toBe('ok');
    const jwt = result.status === 'ok' ? result.token : '';
    expect(jwt).toMatch(/^eyJ/);

    const model = await until(client, (ms) => ms.length === 3 && ms[0]?.uptime30d !== null && ms[0]?.certDaysLeft !== null && ms[1]?.uptime30d !== null);
    const [cloud, nas, push] = model as [KumaMonitorFact, KumaMonitorFact, KumaMonitorFact];
    expect(cloud).toMatchObject({
      id: '1',
      name: 'Nextcloud',
      type: 'http',
      url: 'https://cloud.example.lan/status.php',
      hostname: null,
      active: true,
      status: 'up',
      latencyMs: 38,
      uptime24h: 0.995,
      uptime30d: 0.9,
      certDaysLeft: 42,
      certValid: true,
      message: '200 - OK',
      intervalSec: 20,
    });
    expect(cloud.avgLatencyMs).toBe(flavour === '1.23' ? 40 : 39.5);
    expect(cloud.uptime1y).toBe(flavour === '2.x' ? 0.8 : null);
    expect(nas).toMatchObject({ id: '2', type: 'ping', hostname: '10.0.0.5', url: null, status: 'up', certDaysLeft: null });
    expect(push).toMatchObject({ id: '3', type: 'push', status: 'unknown', lastBeatAt: null });
    // Kuma's zone-less time read as UTC: the newest listed beat was 3 min ago, not hours off.
    expect(Math.abs(Date.now() - 3 * 60_000 - cloud.lastBeatAt!)).toBeLessThan(5_000);
    expect(client.recentBeats('1')).toHaveLength(3);
    expect(client.info?.version).toBe(flavour === '1.23' ? '1.23.16' : '2.0.2');

    if (flavour === '1.23') {
      expect(important).toContain('1');
      expect(client.importantBeats('1').map((b) => b.status)).toEqual(['down', 'up']);
    } else {
      expect(important).toEqual([]);
    }
    // The 2.x burst (~6 events per monitor, in parallel) is coalesced.
    expect(updates.length).toBeLessThanOrEqual(3);

    const all = JSON.stringify(lines) + JSON.stringify(client.monitors());
    for (const secret of [FAKE_PASSWORD, jwt, 'monitor-basic-secret', 'hdr-secret', 'push-token-secret']) expect(all).not.toContain(secret);
  });

  it('mirrors live heartbeats (camelCase, UTC time without Z) into the model and emits each one', async () => {
    const { fake, client } = await setup(flavour);
    await client.connect();
    await client.login({ username: FAKE_USER, password: FAKE_PASSWORD });
    await until(client, (ms) => ms[0]?.status === 'up');
    const beats: string[] = [];
    client.on('heartbeat', (b) => beats.push(`${b.monitorId}:${b.status}`));

    const at = Date.now() - 1234;
    fake.heartbeat(1, 0, 'connect ECONNREFUSED 10.0.0.9:443', null, at, true);
    const model = await until(client, (ms) => ms[0]?.status === 'down');
    expect(model[0]).toMatchObject({ status: 'down', latencyMs: null, message: 'connect ECONNREFUSED 10.0.0.9:443', lastBeatAt: at });
    expect(beats).toEqual(['1:down']);
    expect(client.importantBeats('1').at(-1)?.status).toBe('down');

    fake.heartbeat(1, 1, '200 - OK', 17, at + 1000, true);
    fake.heartbeat(2, 2, 'timeout, retrying', null, at + 1000);
    fake.heartbeat(2, 3, 'maintenance', null, at + 2000);
    const after = await until(client, (ms) => ms[0]?.status === 'up' && ms[1]?.status === 'maintenance');
    expect(after[0]?.latencyMs).toBe(17);
    expect(beats).toEqual(['1:down', '1:up', '2:pending', '2:maintenance']);
  });

  it('refuses a wrong password with a clear AUTH_FAILED', async () => {
    const { fake, client, lines } = await setup(flavour);
    await client.connect();
    const err = await rejectionOf(client.login({ username: FAKE_USER, password: 'wrong password!' }));
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.message).toBe('Uptime Kuma refused the username or password.');
    expect(err.fix).toBeTruthy();
    expect(err.details?.kumaMessage).toBe(flavour === '1.23' ? 'Incorrect username or password.' : 'authIncorrectCreds');
    expect(fake.loggedInCount()).toBe(0);
    expect(lines.join()).not.toContain('wrong password!');
    // The same connection can still sign in.
    expect((await client.login({ username: FAKE_USER, password: FAKE_PASSWORD })).status).toBe('ok');
  });

  it('asks for a TOTP code, refuses a wrong one, accepts the right one', async () => {
    const { client } = await setup(flavour, { totp: '492039' });
    await client.connect();
    expect(await client.login({ username: FAKE_USER, password: FAKE_PASSWORD })).toEqual({ status: 'totp-required' });
    const wrong = await rejectionOf(client.login({ username: FAKE_USER, password: FAKE_PASSWORD, token: '000000' }));
    expect(wrong.code).toBe('AUTH_FAILED');
    expect(wrong.message).toBe('Uptime Kuma refused the two-factor code.');
    const bad = await rejectionOf(client.login({ username: FAKE_USER, password: FAKE_PASSWORD, token: 'abc' }));
    expect(bad.code).toBe('VALIDATION');
    const ok = await client.login({ username: FAKE_USER, password: FAKE_PASSWORD, token: '492 039' });
    expect(ok.status).toBe('ok');
    expect(client.loggedIn).toBe(true);
  });

  it("reports Kuma's rate limit as AUTH_FAILED that says to wait", async () => {
    const { client } = await setup(flavour, { rateLimitAfter: 2 });
    await client.connect();
    for (let i = 0; i < 2; i++) await rejectionOf(client.login({ username: FAKE_USER, password: 'nope' }));
    const err = await rejectionOf(client.login({ username: FAKE_USER, password: FAKE_PASSWORD }));
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.message).toMatch(/too many attempts/);
    expect(err.fix).toMatch(/Wait a minute/);
  });

  it('resumes a session with loginByToken and refuses a dead one', async () => {
    const { fake, client } = await setup(flavour);
    await client.connect();
    const r = await client.login({ username: FAKE_USER, password: FAKE_PASSWORD });
    const jwt = r.status === 'ok' ? r.token : '';

    const second = new KumaClient({ url: fake.url, logger: captureLogger().logger, throttleMs: 20 });
    cleanups.push(() => second.close());
    await second.connect();
    await second.loginByToken(jwt);
    expect(second.loggedIn).toBe(true);
    await until(second, (ms) => ms.length === 3);

    const third = new KumaClient({ url: fake.url, logger: captureLogger().logger });
    cleanups.push(() => third.close());
    await third.connect();
    const err = await rejectionOf(third.loginByToken('eyJhbGciOiJIUzI1NiJ9.forged.sig'));
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.message).toMatch(/saved Uptime Kuma session is no longer valid/);
  });

  it('pauses and resumes a monitor, round-trip through the list updates', async () => {
    const { fake, client } = await setup(flavour);
    await client.connect();
    const notYet = await rejectionOf(client.pauseMonitor('2'));
    expect(notYet.code).toBe('AUTH_FAILED');

    await client.login({ username: FAKE_USER, password: FAKE_PASSWORD });
    await until(client, (ms) => ms.length === 3);
    await client.pauseMonitor('2');
    expect(fake.monitors.get(2)?.active).toBe(false);
    expect(fake.log.filter((l) => l.event === 'pauseMonitor').at(-1)?.args).toEqual([2]); // numeric on the wire
    await until(client, (ms) => ms[1]?.active === false);
    await client.resumeMonitor('2');
    await until(client, (ms) => ms[1]?.active === true);

    const missing = await rejectionOf(client.pauseMonitor('99'));
    expect(missing.code).toBe('ENGINE');
    expect(missing.message).toMatch(/could not pause "monitor 99": Monitor not found/);
  });

  it('follows monitors added and deleted in Kuma (full re-send in 1.23, incremental in 2.x)', async () => {
    const { fake, client } = await setup(flavour);
    await client.connect();
    await client.login({ username: FAKE_USER, password: FAKE_PASSWORD });
    await until(client, (ms) => ms.length === 3);
    const removed: string[] = [];
    client.on('monitors', (u) => removed.push(...u.removed));

    fake.upsertMonitor({ id: 7, name: 'Jellyfin', type: 'http', url: 'https://user:hunter2@media.lan/?api_key=abc&x=1', interval: 30, active: true });
    const withNew = await until(client, (ms) => ms.some((m) => m.id === '7'));
    expect(withNew.find((m) => m.id === '7')?.url).toBe('https://media.lan/?api_key=redacted&x=1');

    fake.deleteMonitor(2);
    const after = await until(client, (ms) => !ms.some((m) => m.id === '2'));
    expect(after.map((m) => m.id)).toEqual(['1', '3', '7']);
    expect(removed).toEqual(['2']);
  });

  it('survives garbage: reports it, keeps the model, keeps working', async () => {
    const { fake, client, lines } = await setup(flavour);
    const errors: HomeportError[] = [];
    client.on('protocolError', (e) => errors.push(e));
    await client.connect();
    await client.login({ username: FAKE_USER, password: FAKE_PASSWORD });
    // Every monitor's burst has arrived (stats come after each monitor's heartbeatList).
    await until(client, (ms) => ms.length === 3 && ms[0]?.certDaysLeft === 42 && ms.every((m) => m.uptime30d !== null));

    fake.broadcast('monitorList', 'this is not a list');
    fake.broadcast('monitorList', null);
    fake.broadcast('updateMonitorIntoList', { 1: { name: 42 } });
    fake.broadcast('heartbeat', { foo: 'bar' });
    fake.broadcast('heartbeat', 'garbage');
    fake.broadcast('heartbeatList', 1, 'nope', false);
    fake.broadcast('heartbeatList', { weird: true }, [], false);
    fake.broadcast('certInfo', 1, 'not json {');
    fake.broadcast('uptime', 1, 24, 'lots');
    fake.broadcast('uptime', 1, 'forever', 0.5); // an unknown window: ignored, not an error
    fake.broadcast('avgPing', 1, { ms: 3 });
    fake.broadcast('deleteMonitorFromList', { id: 1 });
    fake.broadcast('importantHeartbeatList', 1, 42, false);
    fake.broadcast('info', 'v9');
    // A status code no version has: shown as unknown, not a crash.
    fake.broadcast('heartbeat', { monitorID: 2, status: 9, time: 'yesterday-ish', msg: 'odd' });
    fake.heartbeat(1, 1, 'still fine', 12);

    const model = await until(client, (ms) => ms[1]?.status === 'unknown' && ms[0]?.message === 'still fine');
    expect(model.map((m) => m.id)).toEqual(['1', '2', '3']);
    expect(model[0]).toMatchObject({ name: 'Nextcloud', certDaysLeft: null, uptime24h: 0.995 });
    expect(model[1]?.lastBeatAt).toBeNull();

    const what = errors.map((e) => e.details?.what);
    for (const ev of ['monitorList', 'updateMonitorIntoList', 'heartbeat', 'heartbeatList', 'certInfo', 'uptime', 'avgPing', 'deleteMonitorFromList', 'importantHeartbeatList', 'info']) {
      expect(what).toContain(`a "${ev}" event`);
    }
    expect(errors.every((e) => e.code === 'ENGINE' && /cannot read/.test(e.message))).toBe(true);
    expect(lines.some((l) => l.includes('unreadable data'))).toBe(true);
    expect(lines.join()).not.toContain('this is not a list'); // values are never logged

    expect(client.loggedIn).toBe(true);
    await client.pauseMonitor('1');
  });
});

describe('KumaClient: what Kuma sends is bounded', () => {
  const monitor = (id: number, name = `Service ${id}`) => ({ id, name, type: 'http', url: `https://s${id}.lan/`, interval: 60, active: true });

  it('a monitor list past the cap: the first 5,000 by id are mirrored and the user is told the rest are not', async () => {
    const { fake, client } = await setup('1.23');
    const limits: (string | null)[] = [];
    client.on('limit', (text) => limits.push(text));
    await client.connect();
    await client.login({ username: FAKE_USER, password: FAKE_PASSWORD });
    await until(client, (ms) => ms.length === 3);
    const huge: Record<string, unknown> = {};
    for (let id = 6000; id >= 1; id--) huge[String(id)] = monitor(id);
    fake.broadcast('monitorList', huge);
    const model = await until(client, (ms) => ms.length > 3, 10_000);
    expect(model).toHaveLength(5000);
    expect(model[0]?.id).toBe('1');
    expect(model.at(-1)?.id).toBe('5000');
    expect(client.limitNotice).toBe('Uptime Kuma on nas lists 6,000 monitors; Homeport mirrors the first 5,000 (by id).');
    expect(limits).toEqual([client.limitNotice]);
    // Back under the cap: the notice goes.
    fake.broadcast('monitorList', { 1: monitor(1), 2: monitor(2) });
    await until(client, (ms) => ms.length === 2, 10_000);
    expect(client.limitNotice).toBeNull();
  }, 30_000);

  it('stats and beats for ids Kuma never listed, endless beat lists and huge strings stay bounded', async () => {
    const { fake, client } = await setup('2.x');
    await client.connect();
    await client.login({ username: FAKE_USER, password: FAKE_PASSWORD });
    await until(client, (ms) => ms.length === 3 && ms.every((m) => m.uptime24h !== null));
    const now = Date.now();
    for (let id = 100; id < 20_100; id++) {
      fake.broadcast('uptime', id, 24, 0.5);
      fake.broadcast('heartbeat', { monitorID: id, status: 1, time: kumaTime(now), msg: 'ok', ping: 1, important: true });
    }
    const rows = Array.from({ length: 5000 }, (_, i) => ({ monitor_id: 1, status: i % 2, time: kumaTime(now - (5000 - i) * 1000), msg: 'x'.repeat(400), ping: 3, important: 1 }));
    fake.broadcast('heartbeatList', 1, rows, true);
    fake.broadcast('importantHeartbeatList', 1, rows, true);
    fake.broadcast('updateMonitorIntoList', { 2: { ...monitor(2, 'N'.repeat(1_000_000)), hostname: 'h'.repeat(100_000), type: 't'.repeat(10_000) } });
    fake.heartbeat(3, 1, 'last one', 2);
    await until(client, (ms) => ms.find((m) => m.id === '3')?.message === 'last one' && (ms.find((m) => m.id === '2')?.name.length ?? 0) > 1, 20_000);

    const sizes = client.sizes();
    expect(sizes.monitors).toBe(3);
    expect(sizes.ids).toBeLessThanOrEqual(3 + 500); // ids not (yet) listed: a few hundred at most
    expect(client.recentBeats('1').length).toBeLessThanOrEqual(100);
    expect(client.importantBeats('1').length).toBeLessThanOrEqual(500);
    expect(client.recentBeats('1').at(-1)?.message).toHaveLength(400);
    expect(client.recentBeats('1').at(-1)?.time).toBe(now - 1000); // the newest kept
    const m2 = client.monitor('2')!;
    expect(m2.name.length).toBeLessThanOrEqual(200);
    expect(m2.hostname!.length).toBeLessThanOrEqual(255);
    expect(m2.type.length).toBeLessThanOrEqual(40);
  }, 60_000);

  it('with many monitors each keeps fewer beats: the total stays within the budget', async () => {
    const fake = new FakeKuma({ flavour: '2.x', monitors: Array.from({ length: 200 }, (_, i) => monitor(i + 1)) });
    await fake.start();
    const client = new KumaClient({ url: fake.url, logger: captureLogger().logger, throttleMs: 50, beatBudget: 2000 });
    cleanups.push(() => client.close(), () => fake.stop());
    await client.connect();
    await client.login({ username: FAKE_USER, password: FAKE_PASSWORD });
    await until(client, (ms) => ms.length === 200);
    const now = Date.now();
    // Kuma's post-login burst sends up to 100 recent beats for every monitor.
    for (let id = 1; id <= 200; id++) {
      const rows = Array.from({ length: 100 }, (_, i) => ({ monitor_id: id, status: 1, time: kumaTime(now - (100 - i) * 1000), msg: 'ok', ping: 3, important: 0 }));
      fake.broadcast('heartbeatList', id, rows, true);
    }
    fake.heartbeat(200, 0, 'last one', null);
    await until(client, (ms) => ms.find((m) => m.id === '200')?.message === 'last one', 20_000);
    expect(client.sizes().recentBeats).toBeLessThanOrEqual(2000 + 100);
    expect(client.recentBeats('7').length).toBe(10); // 2,000 shared by 200
    expect(client.recentBeats('7').at(-1)?.time).toBe(now - 1000); // the newest are the ones kept
  }, 60_000);
});

describe('KumaClient: one message larger than Homeport reads', () => {
  it('is refused: the connection is dropped with a reason that says so, not read into memory', async () => {
    const fake = new FakeKuma({ flavour: '2.x' });
    await fake.start();
    const client = new KumaClient({ url: fake.url, logger: captureLogger().logger, instance: 'Uptime Kuma on nas', throttleMs: 20, maxMessageBytes: 1024 * 1024 });
    cleanups.push(() => client.close(), () => fake.stop());
    await client.connect();
    await client.login({ username: FAKE_USER, password: FAKE_PASSWORD });
    await until(client, (ms) => ms.length === 3);
    const reasons: string[] = [];
    client.on('disconnected', (r) => reasons.push(r));
    fake.broadcast('monitorList', { 1: { id: 1, name: 'x'.repeat(3 * 1024 * 1024), type: 'http', interval: 60, active: true } });
    for (let i = 0; i < 250 && reasons.length === 0; i++) await sleep(20);
    expect(reasons).toEqual(['Uptime Kuma sent a message of more than 1 MiB at once, more than Homeport reads']);
    expect(client.monitor('1')?.name).toBe('Nextcloud'); // nothing of it was applied
  });
});

describe('KumaClient connection errors', () => {
  it('rejects with CONNECTION_REFUSED when nothing listens', async () => {
    const fake = new FakeKuma({ flavour: '2.x' });
    await fake.start();
    const url = fake.url;
    await fake.stop();
    const client = new KumaClient({ url, logger: captureLogger().logger, connectTimeoutMs: 2000 });
    cleanups.push(() => client.close());
    const err = await rejectionOf(client.connect());
    expect(err.code).toBe('CONNECTION_REFUSED');
    expect(err.message).toContain('refused the connection');
  });

  it('a web server that is not Uptime Kuma is told as such, whatever it answers; a proxy whose Kuma is down is "unreachable"', async () => {
    const answers: Record<string, { status: number; type: string; body: string }> = {
      page: { status: 200, type: 'text/html', body: '<!DOCTYPE html><html><head><title>Welcome to nginx!</title></head></html>' },
      json: { status: 200, type: 'application/json', body: '{"status":"ok"}' },
      missing: { status: 404, type: 'text/html', body: '<html><body>404 Not Found</body></html>' },
      login: { status: 401, type: 'text/html', body: '<html>Sign in</html>' },
      gateway: { status: 502, type: 'text/html', body: '<html><body>502 Bad Gateway</body></html>' },
    };
    const errors: Record<string, HomeportError> = {};
    for (const [name, a] of Object.entries(answers)) {
      const web = http.createServer((_req, res) => void res.writeHead(a.status, { 'content-type': a.type }).end(a.body));
      await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
      const client = new KumaClient({ url, logger: captureLogger().logger, instance: 'Uptime Kuma on nas', connectTimeoutMs: 3000 });
      errors[name] = await rejectionOf(client.connect());
      client.close();
      await new Promise<void>((r) => web.close(() => r()));
      expect(errors[name]!.message, name).not.toMatch(/parser error|xhr poll error|server error/);
    }
    for (const name of ['page', 'json', 'missing', 'login']) {
      expect(errors[name]!.message, name).toMatch(/^This is not Uptime Kuma: http:\/\/127\.0\.0\.1:\d+ answers web requests, but not Uptime Kuma’s live connection/);
      expect(errors[name]!.fix, name).toMatch(/the address you open Uptime Kuma with in a browser/);
    }
    expect(errors.page!.message).toMatch(/\(it answered with a web page\)\.$/);
    expect(errors.missing!.message).toMatch(/\(it answered HTTP 404\)\.$/);
    expect(errors.gateway!.code).toBe('UNREACHABLE');
    expect(errors.gateway!.message).toBe('Uptime Kuma on nas is unreachable: the web server in front of it answered HTTP 502 (Uptime Kuma may be down or restarting).');
  });

  it('rejects a non-http address', () => {
    expect(() => new KumaClient({ url: 'ftp://nas', logger: captureLogger().logger })).toThrow(/http:\/\/ or https:\/\//);
  });

  it('is already signed in when Kuma has authentication disabled (autoLogin)', async () => {
    const { client } = await setup('2.x', { disableAuth: true });
    const hello = await client.connect();
    expect(hello.loginRequired).toBe(false);
    expect(client.loggedIn).toBe(true);
    await until(client, (ms) => ms.length === 3);
  });

  it('emits disconnected when the server drops the socket, and can connect again', async () => {
    const { fake, client } = await setup('1.23');
    await client.connect();
    await client.login({ username: FAKE_USER, password: FAKE_PASSWORD });
    const reasons: string[] = [];
    client.on('disconnected', (r) => reasons.push(r));
    fake.dropAll();
    for (let i = 0; i < 50 && reasons.length === 0; i++) await sleep(20);
    expect(reasons).toEqual(['io server disconnect']);
    expect(client.connected).toBe(false);
    expect(client.monitors()).toHaveLength(3); // the last values stay for the UI
    await client.connect();
    expect(client.connected).toBe(true);
  });
});
