import { afterEach, describe, expect, it } from 'vitest';
import { KumaClient } from './kuma-client';
import type { KumaInstanceFact, KumaRecovery } from './kuma-model';
import { KumaWatch, type KumaWatchOptions, type KumaWatchState } from './kuma-watch';
import { captureLogger, FAKE_PASSWORD, FAKE_USER, FakeClock, FakeKuma, type Flavour } from './test-support/fake-kuma';
import { startSilentProxy } from './test-support/tcp-proxy';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, get: () => T | null | undefined | false, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

async function startFake(flavour: Flavour, opts: Partial<ConstructorParameters<typeof FakeKuma>[0]> = {}) {
  const fake = new FakeKuma({ flavour, ...opts });
  await fake.start();
  cleanups.push(() => fake.stop());
  return fake;
}

/** Signs in once with a plain client, as the setup dialog would, and returns the session JWT. */
async function sessionFor(fake: FakeKuma): Promise<string> {
  const c = new KumaClient({ url: fake.url, logger: captureLogger().logger });
  await c.connect();
  const r = await c.login({ username: FAKE_USER, password: FAKE_PASSWORD });
  c.close();
  if (r.status !== 'ok') throw new Error('no session');
  return r.token;
}

function watchOf(fake: FakeKuma, opts: Partial<KumaWatchOptions> = {}) {
  const { logger, lines } = captureLogger();
  const watch = new KumaWatch({
    url: fake.url,
    logger,
    instance: 'Uptime Kuma on nas',
    backoff: () => 50,
    problemGraceMs: 0,
    tickMs: 50,
    ...opts,
    client: { throttleMs: 20, ackTimeoutMs: 2000, connectTimeoutMs: 2000, ...opts.client },
  });
  const states: KumaWatchState[] = [];
  const problems: KumaInstanceFact[] = [];
  const recoveries: KumaRecovery[] = [];
  watch.on('state', (s) => states.push(s));
  watch.on('problem', (f) => problems.push(f));
  watch.on('recovered', (r) => recoveries.push(r));
  cleanups.push(() => watch.stop());
  return { watch, states, problems, recoveries, lines };
}

describe.each(['1.23', '2.x'] as const)('KumaWatch against a %s server', (flavour) => {
  it('re-signs in with loginByToken after the server drops the socket', async () => {
    const fake = await startFake(flavour);
    const jwt = await sessionFor(fake);
    const { watch, states, lines } = watchOf(fake, { token: jwt });
    watch.start();
    await waitFor('connected', () => watch.state.status === 'connected');
    await waitFor('monitors', () => watch.client.monitors().length === 3);
    expect(fake.log.filter((l) => l.event === 'loginByToken').map((l) => l.args[0])).toEqual([jwt]);
    expect(fake.log.filter((l) => l.event === 'login')).toHaveLength(1); // only the setup dialog's

    fake.dropAll();
    await waitFor('reconnecting', () => states.some((s) => s.status === 'reconnecting'));
    await waitFor('connected again', () => watch.state.status === 'connected' && fake.loggedInCount() === 1);
    expect(fake.log.filter((l) => l.event === 'loginByToken')).toHaveLength(2);
    // (A connected state is re-emitted when the version arrives after login: collapse repeats.)
    expect(states.map((s) => s.status).filter((s, i, a) => s !== a[i - 1])).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
    expect(states.at(-1)).toMatchObject({ status: 'connected', version: flavour === '1.23' ? '1.23.16' : '2.0.2' });
    // Live beats flow again on the new socket.
    fake.heartbeat(1, 0, 'down after reconnect', null);
    await waitFor('beat mirrored', () => watch.client.monitor('1')?.status === 'down');
    expect(lines.join()).not.toContain(jwt);
  });
});

describe('KumaWatch liveness', () => {
  it('server gone → disconnected → unreachable → back → reconnected and recovered', async () => {
    const fake = await startFake('2.x');
    const jwt = await sessionFor(fake);
    const { watch, problems, recoveries } = watchOf(fake, { token: jwt });
    watch.start();
    await waitFor('connected', () => watch.state.status === 'connected');

    const port = fake.port;
    await fake.stop();
    const unreachable = await waitFor('unreachable', () => problems.find((p) => p.problem === 'unreachable'));
    expect(problems[0]?.problem).toBe('disconnected');
    expect(unreachable.instance).toBe('Uptime Kuma on nas');
    expect(unreachable.since).toBe(problems[0]?.since); // since the contact was lost, not since the last attempt
    expect(unreachable.reason).toBe('connection refused');
    expect(unreachable.message).toMatch(/^Uptime Kuma on nas has been unreachable for \d+ s \(connection refused\)$/);
    const st = watch.state;
    expect(st.status).toBe('reconnecting');
    if (st.status === 'reconnecting') {
      expect(st.attempt).toBeGreaterThanOrEqual(1);
      expect(st.error?.code).toBe('CONNECTION_REFUSED');
    }

    await fake.start(port);
    await waitFor('connected again', () => watch.state.status === 'connected');
    await waitFor('recovered', () => recoveries.length === 1);
    expect(recoveries[0]).toMatchObject({ problem: 'unreachable', instance: 'Uptime Kuma on nas' });
    expect(recoveries[0]?.message).toMatch(/is reachable again/);
    expect(watch.fact).toBeNull();
  });

  it('after a long outage it is connected again within 5 s of Kuma coming back (real backoff)', async () => {
    const fake = await startFake('2.x');
    const jwt = await sessionFor(fake);
    // The watch's own retry schedule, not the tests' 50 ms one.
    const { watch } = watchOf(fake, { token: jwt, backoff: undefined });
    watch.start();
    await waitFor('connected', () => watch.state.status === 'connected');
    const port = fake.port;
    await fake.stop();
    await waitFor('reconnecting', () => watch.state.status === 'reconnecting');
    // Long enough for a doubling backoff to have grown past its first few steps.
    await sleep(18_500);
    expect(watch.state.status).toBe('reconnecting');
    await fake.start(port);
    const backAt = Date.now();
    await waitFor('connected again', () => watch.state.status === 'connected', 20_000);
    const tookMs = Date.now() - backAt;
    expect(tookMs).toBeLessThanOrEqual(5_000);
  }, 60_000);

  it('a host that goes silent (no refusal, no data): the problem counts from Kuma’s last data, not from when the drop was noticed', async () => {
    // Keep-alive pings every 400 ms, a missing one noticed 1.5 s later (Kuma: 25 s and 20 s).
    const fake = await startFake('2.x', { pingIntervalMs: 400, pingTimeoutMs: 1500 });
    const jwt = await sessionFor(fake);
    const proxy = await startSilentProxy(fake.port);
    cleanups.push(() => proxy.close());
    const { logger } = captureLogger();
    const watch = new KumaWatch({
      url: proxy.url,
      logger,
      instance: 'Uptime Kuma on nas',
      token: jwt,
      backoff: () => 100,
      problemGraceMs: 0,
      tickMs: 50,
      client: { throttleMs: 20, ackTimeoutMs: 1000, connectTimeoutMs: 1000 },
    });
    const problems: KumaInstanceFact[] = [];
    watch.on('problem', (f) => problems.push(f));
    cleanups.push(() => watch.stop());
    watch.start();
    await waitFor('connected', () => watch.state.status === 'connected');
    await waitFor('monitors', () => watch.client.monitors().length === 3);
    await sleep(1000); // a few keep-alives pass

    const silentAt = Date.now();
    proxy.silence();
    const lost = await waitFor('disconnected', () => problems[0], 10_000);
    const noticedAt = Date.now();
    expect(lost.problem).toBe('disconnected');
    expect(noticedAt - silentAt).toBeGreaterThanOrEqual(1400); // socket.io needed the ping timeout to notice
    expect(lost.since).toBeLessThanOrEqual(silentAt + 300);
    expect(lost.since).toBeGreaterThan(silentAt - 1500);
    // Reconnecting through the silent proxy times out: unreachable, still since the last data.
    const unreachable = await waitFor('unreachable', () => problems.find((p) => p.problem === 'unreachable'), 10_000);
    expect(unreachable.since).toBe(lost.since);
    const secs = Number(/unreachable for (\d+) s/.exec(watch.fact?.message ?? '')?.[1]);
    expect(secs).toBeGreaterThanOrEqual(Math.floor((Date.now() - silentAt) / 1000) - 1);

    proxy.resume();
    await waitFor('connected again', () => watch.state.status === 'connected', 10_000);
  }, 30_000);

  it('holds a short drop back for the grace period (a Kuma restart is not an outage)', async () => {
    const fake = await startFake('2.x');
    const jwt = await sessionFor(fake);
    const { watch, problems, recoveries, states } = watchOf(fake, { token: jwt, problemGraceMs: 60_000 });
    watch.start();
    await waitFor('connected', () => watch.state.status === 'connected');
    fake.dropAll();
    await waitFor('reconnecting', () => states.some((s) => s.status === 'reconnecting'));
    await waitFor('reconnected', () => watch.state.status === 'connected');
    expect(problems).toEqual([]);
    expect(recoveries).toEqual([]);
  });

  it('reports an unreachable instance from the first attempt', async () => {
    const fake = new FakeKuma({ flavour: '1.23' });
    await fake.start();
    await fake.stop();
    const { watch, problems } = watchOf(fake, { token: 'whatever' });
    watch.start();
    const p = await waitFor('unreachable', () => problems[0]);
    expect(p.problem).toBe('unreachable');
    expect(watch.state.status).toBe('reconnecting');
  });

  it('a refused session is failed(AUTH_FAILED) and an auth-failed fact; login() on the watch recovers and hands out the new JWT', async () => {
    const fake = await startFake('1.23');
    const { watch, problems, recoveries } = watchOf(fake, { token: 'eyJ.revoked.jwt' });
    const sessions: string[] = [];
    watch.on('session', (t) => sessions.push(t));
    watch.start();
    await waitFor('failed', () => watch.state.status === 'failed');
    const st = watch.state;
    expect(st.status === 'failed' && st.error.code).toBe('AUTH_FAILED');
    expect(problems[0]?.problem).toBe('auth-failed');
    expect(problems[0]?.message).toMatch(/^Homeport can no longer sign in to Uptime Kuma on nas \(The saved Uptime Kuma session is no longer valid/);

    await expect(watch.login({ username: FAKE_USER, password: 'typo' })).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    expect(watch.state.status).toBe('failed');
    const r = await watch.login({ username: FAKE_USER, password: FAKE_PASSWORD });
    expect(r.status).toBe('ok');
    expect(sessions).toHaveLength(1);
    expect(watch.state.status).toBe('connected');
    expect(recoveries[0]?.problem).toBe('auth-failed');
    // The next drop re-signs in with the new JWT.
    fake.dropAll();
    await waitFor('re-signed in', () => fake.log.filter((l) => l.event === 'loginByToken' && l.args[0] === sessions[0]).length === 1);
  });

  it('without a stored session it waits for the user (failed), without hammering Kuma', async () => {
    const fake = await startFake('2.x');
    const { watch } = watchOf(fake, { token: null });
    watch.start();
    await waitFor('failed', () => watch.state.status === 'failed');
    await sleep(200);
    expect(fake.log).toEqual([]);
    const st = watch.state;
    expect(st.status === 'failed' && st.error.message).toBe('Homeport is not signed in to Uptime Kuma on nas.');
  });
});

describe('KumaWatch staleness (controllable clock)', () => {
  async function connectedWatch(flavour: Flavour) {
    const fake = await startFake(flavour);
    const jwt = await sessionFor(fake);
    const clock = new FakeClock(Date.now());
    const w = watchOf(fake, { token: jwt, clock, tickMs: 5_000, problemGraceMs: 30_000 });
    w.watch.start();
    await waitFor('connected', () => w.watch.state.status === 'connected');
    await waitFor('monitors', () => w.watch.client.monitors().length === 3);
    return { fake, clock, ...w };
  }

  it('no heartbeat from any active monitor for max(3 × smallest interval, 2 min) → stale, with the human message; a beat recovers it', async () => {
    const { fake, clock, watch, problems, recoveries } = await connectedWatch('2.x');
    // Smallest active, self-checking interval is 20 s (push monitors excluded): max(60 s, 2 min).
    expect(watch.staleThresholdMs()).toBe(120_000);

    clock.advance(60_000);
    fake.heartbeat(1, 1, '200 - OK', 30);
    await waitFor('beat seen', () => watch.client.recentBeats('1').length === 4);
    clock.advance(115_000); // 115 s since the last beat
    expect(problems).toEqual([]);
    clock.advance(60_000); // 175 s: stale
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ instance: 'Uptime Kuma on nas', problem: 'stale' });
    expect(problems[0]?.message).toBe('Uptime Kuma on nas stopped reporting 2 min ago');
    clock.advance(60_000);
    expect(problems).toHaveLength(1); // raised once
    expect(watch.fact?.message).toMatch(/stopped reporting 4 min ago/);

    fake.heartbeat(2, 1, 'alive', 3);
    await waitFor('recovered', () => recoveries[0]);
    expect(recoveries[0]?.message).toMatch(/^Uptime Kuma on nas is reporting again \(silent for 4 min\)$/);
  });

  it('without any live beat since connecting, "since" is the newest beat Kuma listed', async () => {
    const { clock, problems } = await connectedWatch('1.23');
    clock.advance(125_000);
    expect(problems[0]?.problem).toBe('stale');
    // The fake's newest listed beat is 3 min old at connect, so ~5 min at this point.
    expect(problems[0]?.message).toMatch(/stopped reporting 5 min ago/);
  });

  it('a timer that fires an hour late (the computer slept) restarts the clocks instead of alarming', async () => {
    const { clock, problems } = await connectedWatch('2.x');
    clock.jump(3_600_000);
    expect(problems).toEqual([]);
    clock.advance(119_000);
    expect(problems).toEqual([]);
    clock.advance(10_000);
    expect(problems[0]?.problem).toBe('stale');
  });

  it('the threshold follows the active monitors: paused ones and push monitors do not count', async () => {
    const { watch, fake } = await connectedWatch('2.x');
    await watch.client.pauseMonitor('1');
    await waitFor('paused', () => watch.client.monitor('1')?.active === false);
    expect(watch.staleThresholdMs()).toBe(180_000); // 3 × 60 s
    await watch.client.pauseMonitor('2');
    await waitFor('paused', () => watch.client.monitor('2')?.active === false);
    expect(watch.staleThresholdMs()).toBeNull(); // only a push monitor left: nothing to expect
    expect(fake.monitors.get(3)?.active).toBe(true);
  });
});
