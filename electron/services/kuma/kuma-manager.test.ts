/**
 * KumaManager against a socket.io server that speaks Uptime Kuma's protocol (2.x with 2FA), a real
 * HTTP server serving `/metrics`, a real push receiver, and the real conf store and secret box.
 */
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeartbeatInfo, KumaAddInput, KumaInstanceInfo } from '../../../shared/contract';
import { HomeportError, KumaInstanceId } from '../../../shared/contract';
import type { Alert } from '../alerts';
import { createTestPlatform, type TestPlatform } from '../test-support/temp-platform';
import { KumaClient } from './kuma-client';
import { KumaManager } from './kuma-manager';
import { FAKE_PASSWORD, FAKE_USER, FakeKuma } from './test-support/fake-kuma';
import { waitFor } from '../test-support/wait';

const input = (over: Partial<KumaAddInput>): KumaAddInput => ({
  name: '',
  url: '',
  mode: 'socket',
  username: '',
  password: '',
  totp: '',
  apiKey: '',
  slug: '',
  allowSelfSigned: false,
  ...over,
});

const METRICS = `# TYPE monitor_status gauge
monitor_status{monitor_id="1",monitor_name="Immich",monitor_type="http",monitor_url="https://photos.lan/",monitor_hostname="null",monitor_port="null"} 1
monitor_status{monitor_id="2",monitor_name="Postgres",monitor_type="port",monitor_url="https://",monitor_hostname="db.lan",monitor_port="5432"} 0
monitor_response_time{monitor_id="1",monitor_name="Immich",monitor_type="http",monitor_url="https://photos.lan/",monitor_hostname="null",monitor_port="null"} 87
`;

describe('KumaManager', () => {
  let tp: TestPlatform;
  let kuma: FakeKuma;
  let web: http.Server;
  let webUrl = '';
  const pushes: string[] = [];
  const apiKeys: (string | undefined)[] = [];
  let metricsFail = false;

  beforeAll(async () => {
    tp = createTestPlatform({ agentSocket: null });
    kuma = new FakeKuma({ flavour: '2.x', totp: '123456' });
    await kuma.start();
    web = http.createServer((req, res) => {
      if (req.url === '/metrics') {
        apiKeys.push(req.headers.authorization);
        if (metricsFail) return void res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad Gateway</html>');
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(METRICS);
      } else if (req.url === '/api/status-page/home') {
        // As 2.x sends it: every pinned incident in a list.
        const page = {
          config: { slug: 'home', title: 'Home' },
          incidents: [{ id: 3, style: 'warning', title: 'Backups paused', content: 'Until the new disk arrives.', pin: true, createdDate: '2025-06-01 10:00:00', lastUpdatedDate: null }],
          publicGroupList: [{ id: 1, name: 'Apps', monitorList: [{ id: 1, name: 'Immich', type: 'http' }] }],
          maintenanceList: [],
        };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(page));
      } else if (req.url === '/api/status-page/heartbeat/home') {
        const beats = { heartbeatList: { 1: [{ status: 1, time: new Date().toISOString(), msg: '', ping: 12 }] }, uptimeList: { 1: 1 } };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(beats));
      } else if (req.url?.startsWith('/api/push/')) {
        pushes.push(req.url);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      } else res.writeHead(404).end();
    });
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await kuma.stop();
    await new Promise<void>((r) => web.close(() => r()));
    tp.cleanup();
  });

  const make = (lists: KumaInstanceInfo[][], alerts: Alert[], beats: HeartbeatInfo[] = []) => {
    const mgr = new KumaManager({
      platform: tp.platform,
      watchOptions: { problemGraceMs: 300, tickMs: 100, backoff: () => 200 },
      pollIntervalMs: 500,
      throttleMs: 20,
    });
    mgr.events.on('changed', (l) => lists.push(l));
    mgr.events.on('alert', (a) => alerts.push(a));
    mgr.events.on('heartbeat', (h) => beats.push(h));
    return mgr;
  };

  it('signs in with 2FA, mirrors the monitors, alerts on their transitions and on Kuma itself going away', async () => {
    const lists: KumaInstanceInfo[][] = [];
    const alerts: Alert[] = [];
    const mgr = make(lists, alerts);
    mgr.start();
    try {
      // A wrong password is told plainly and nothing is saved.
      const wrong = await mgr.add(input({ url: kuma.url, username: FAKE_USER, password: 'nope' })).catch((e: unknown) => e);
      expect(wrong).toBeInstanceOf(HomeportError);
      expect((wrong as HomeportError).message).toMatch(/username or password|Incorrect/i);
      expect(mgr.list()).toEqual([]);

      // The account has 2FA: the first answer asks for the code.
      expect(await mgr.add(input({ url: kuma.url, username: FAKE_USER, password: FAKE_PASSWORD }))).toEqual({ status: 'totp-required' });
      const added = await mgr.add(input({ url: kuma.url, username: FAKE_USER, password: FAKE_PASSWORD, totp: '123456', name: 'Kuma on nas' }));
      expect(added.status).toBe('added');
      const id = added.status === 'added' ? added.instance.id : KumaInstanceId('');

      const connected = await waitFor(() => lists.at(-1)?.find((i) => i.id === id && i.state === 'connected' && i.monitors.length === 3), 5000, 'mirrored');
      expect(connected.monitors.map((m) => m.name)).toEqual(['Backup push', 'NAS ping', 'Nextcloud']);
      expect(connected.version).toBe('2.0.2');
      expect(JSON.stringify(connected)).not.toMatch(/monitor-basic-secret|hdr-secret|push-token-secret/);

      // The session token is stored sealed: not in any file in clear.
      const jwt = [...kuma.issued].at(-1)!;
      const files = readdirSync(tp.dataDir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) expect(readFileSync(path.join(f.parentPath, f.name)).toString('latin1')).not.toContain(jwt);
      expect(JSON.stringify(mgr.storedRecords())).not.toContain(jwt);
      expect(JSON.stringify(mgr.storedRecords())).not.toContain(FAKE_PASSWORD);

      // Nextcloud goes down in Kuma → one alert in Homeport; back up → one more.
      kuma.heartbeat(1, 0, 'connect ECONNREFUSED', null, Date.now(), true);
      await waitFor(() => alerts.find((a) => a.kind === 'down'), 5000, 'down alert');
      expect(alerts.find((a) => a.kind === 'down')).toMatchObject({ title: 'Nextcloud is down', severity: 'critical', monitorIds: [`kuma:${id}:1`] });
      kuma.heartbeat(1, 1, '200 - OK', 40, Date.now(), true);
      await waitFor(() => alerts.find((a) => a.kind === 'up'), 5000, 'up alert');
      expect(alerts.filter((a) => a.kind === 'down' || a.kind === 'up').map((a) => a.kind)).toEqual(['down', 'up']);

      // Pause and resume through the signed-in socket.
      await mgr.pause(id, '2');
      await waitFor(() => lists.at(-1)?.[0]?.monitors.find((m) => m.id === '2' && !m.active), 3000, 'paused');
      expect(kuma.log.some((l) => l.event === 'pauseMonitor')).toBe(true);
      await mgr.resume(id, '2');
      await waitFor(() => lists.at(-1)?.[0]?.monitors.find((m) => m.id === '2' && m.active), 3000, 'resumed');

      // Kuma goes away: after the grace period, an alert about the monitor itself.
      const port = kuma.port;
      await kuma.stop();
      const problem = await waitFor(() => alerts.find((a) => a.kind === 'stalled'), 8000, 'instance alert');
      expect(problem.title).toMatch(/^Kuma on nas (disconnected|has been unreachable)/);
      expect(problem.severity).toBe('critical');
      expect(mgr.list()[0]!.problem).toMatch(/Kuma on nas/);

      // It comes back: the stored session signs in again, and the recovery is told.
      await kuma.start(port);
      await waitFor(() => alerts.find((a) => a.kind === 'stall-cleared'), 10_000, 'recovery');
      await waitFor(() => mgr.list()[0]?.state === 'connected', 5000, 'reconnected');
    } finally {
      mgr.stop();
    }

    // After a restart of Homeport, the saved instance connects with its sealed session.
    const lists2: KumaInstanceInfo[][] = [];
    const again = make(lists2, []);
    again.start();
    try {
      await waitFor(() => lists2.at(-1)?.[0]?.state === 'connected' && lists2.at(-1)?.[0]?.monitors.length === 3, 5000, 'reconnected after restart');
      expect(kuma.log.filter((l) => l.event === 'loginByToken').length).toBeGreaterThan(0);
      again.remove(lists2.at(-1)![0]!.id);
      expect(again.list()).toEqual([]);
      expect(again.storedRecords()).toEqual([]);
    } finally {
      again.stop();
    }
  });

  it('while Kuma cannot be heard its rows are "unknown" (the last known status kept beside), and live again once it is back', async () => {
    const own = new FakeKuma({ flavour: '1.23' });
    await own.start();
    const lists: KumaInstanceInfo[][] = [];
    // One quick retry, then a long wait: nothing changes on its own while Kuma is away.
    const mgr = new KumaManager({
      platform: tp.platform,
      watchOptions: { problemGraceMs: 300, tickMs: 100, backoff: (n) => (n === 1 ? 200 : 8000) },
      throttleMs: 20,
      refreshMs: 1000,
    });
    mgr.events.on('changed', (l) => lists.push(l));
    mgr.start();
    try {
      const added = await mgr.add(input({ url: own.url, username: FAKE_USER, password: FAKE_PASSWORD }));
      const id = added.status === 'added' ? added.instance.id : KumaInstanceId('');
      const live = await waitFor(() => lists.at(-1)?.find((i) => i.id === id && i.state === 'connected' && i.monitors.find((m) => m.name === 'Nextcloud')?.status === 'up'), 5000, 'mirrored');

      const port = own.port;
      const goneAt = Date.now();
      await own.stop();
      const blind = await waitFor(() => lists.at(-1)?.find((i) => i.id === id && i.state !== 'connected'), 5000, 'not connected');
      const row = (inst: KumaInstanceInfo, name: string) => inst.monitors.find((m) => m.name === name);
      // What the user sees: Homeport cannot tell, not a green "up" from before Kuma went away.
      expect(row(blind, 'Nextcloud')?.status).toBe('unknown');
      expect(row(blind, 'NAS ping')?.status).toBe('unknown');
      expect(row(blind, 'Nextcloud')?.lastKnownStatus).toBe('up');
      expect(live.stale).toBe(false);
      expect(blind.stale).toBe(true);
      expect(live.lastDataAt).not.toBeNull();
      expect(blind.lastDataAt).toBeLessThanOrEqual(goneAt + 50);

      // The "unreachable for …" sentence keeps counting while nothing else changes.
      const first = await waitFor(() => lists.at(-1)?.find((i) => i.id === id)?.problem, 5000, 'problem raised');
      const seconds = (text: string | null | undefined) => Number(/for (\d+) s/.exec(text ?? '')?.[1] ?? NaN);
      await waitFor(() => seconds(lists.at(-1)?.find((i) => i.id === id)?.problem) >= seconds(first) + 3, 6000, 'the figure to move on');

      await own.start(port);
      const back = await waitFor(() => lists.at(-1)?.find((i) => i.id === id && i.state === 'connected' && !i.stale), 10_000, 'live again');
      expect(row(back, 'Nextcloud')?.status).toBe('up');
      mgr.remove(id);
    } finally {
      mgr.stop();
      await own.stop();
    }
  }, 30_000);

  it('a /metrics instance whose polls fail shows its rows as "unknown" at once', async () => {
    const lists: KumaInstanceInfo[][] = [];
    const mgr = make(lists, []);
    mgr.start();
    try {
      const r = await mgr.add(input({ url: webUrl, mode: 'metrics', apiKey: 'uk1_secretkey' }));
      const id = r.status === 'added' ? r.instance.id : KumaInstanceId('');
      await waitFor(() => lists.at(-1)?.find((i) => i.id === id && i.monitors.find((m) => m.name === 'Immich')?.status === 'up'), 5000, 'metrics');
      metricsFail = true;
      const blind = await waitFor(() => lists.at(-1)?.find((i) => i.id === id && i.error !== null), 5000, 'a failed poll');
      expect(blind.monitors.map((m) => [m.name, m.status, m.lastKnownStatus])).toEqual([
        ['Immich', 'unknown', 'up'],
        ['Postgres', 'unknown', 'down'],
      ]);
      expect(blind.stale).toBe(true);
      metricsFail = false;
      await waitFor(() => lists.at(-1)?.find((i) => i.id === id && !i.stale && i.monitors[0]?.status === 'up'), 5000, 'live again');
      mgr.remove(id);
    } finally {
      metricsFail = false;
      mgr.stop();
    }
  });

  it('reads /metrics with an API key, and refuses a bad address at the form', async () => {
    const lists: KumaInstanceInfo[][] = [];
    const mgr = make(lists, []);
    mgr.start();
    try {
      const bad = await mgr.add(input({ url: 'ftp://nas', mode: 'metrics' })).catch((e: unknown) => e);
      expect((bad as HomeportError).code).toBe('VALIDATION');
      // A web server that is not Kuma, to sign in to: told at the form, nothing saved.
      const notKuma = await mgr.add(input({ url: webUrl, username: FAKE_USER, password: FAKE_PASSWORD })).catch((e: unknown) => e);
      expect((notKuma as HomeportError).message).toMatch(/^This is not Uptime Kuma: /);
      expect(mgr.list()).toEqual([]);
      const r = await mgr.add(input({ url: webUrl, mode: 'metrics', apiKey: 'uk1_secretkey' }));
      expect(r.status).toBe('added');
      const inst = await waitFor(() => lists.at(-1)?.[0]?.monitors.length === 2 && lists.at(-1)![0]!, 5000, 'metrics');
      expect(inst.mode).toBe('metrics');
      expect(inst.canPause).toBe(false);
      expect(inst.monitors.map((m) => [m.name, m.status, m.latencyMs])).toEqual([
        ['Immich', 'up', 87],
        ['Postgres', 'down', null],
      ]);
      expect(apiKeys.at(-1)).toMatch(/^Basic /);
      expect(JSON.stringify(mgr.storedRecords())).not.toContain('uk1_secretkey');
      const cannot = await mgr.pause(inst.id, '1').catch((e: unknown) => e);
      expect((cannot as HomeportError).message).toMatch(/cannot pause/);
    } finally {
      for (const i of mgr.list()) mgr.remove(i.id);
      mgr.stop();
    }
  });

  it('the same Kuma connected a second way is refused; two already saved alert each change once', async () => {
    const own = new FakeKuma({ flavour: '2.x' });
    await own.start();
    try {
      // Adding: the second way in to the same Kuma is refused, saying which instance already reads it.
      const lists: KumaInstanceInfo[][] = [];
      const mgr = make(lists, []);
      mgr.start();
      try {
        const first = await mgr.add(input({ url: own.url, username: FAKE_USER, password: FAKE_PASSWORD, name: 'Kuma on nas' }));
        expect(first.status).toBe('added');
        const again = await mgr.add(input({ url: `${own.url}/`, mode: 'metrics', name: 'Kuma metrics' })).catch((e: unknown) => e);
        expect(again).toBeInstanceOf(HomeportError);
        expect((again as HomeportError).code).toBe('CONFLICT');
        expect((again as HomeportError).message).toBe(`${own.url} is already connected as “Kuma on nas” (signed in).`);
        expect((again as HomeportError).fix).toMatch(/each change alerts once.*remove “Kuma on nas” first/i);
        expect(mgr.list().map((i) => i.name)).toEqual(['Kuma on nas']);
        for (const i of mgr.list()) mgr.remove(i.id);
      } finally {
        mgr.stop();
      }

      // Saved before this rule (both ways in to one Kuma): one alert per change, and the second is told why it is quiet.
      const login = new KumaClient({ url: own.url, logger: tp.platform.logger });
      await login.connect();
      const session = await login.login({ username: FAKE_USER, password: FAKE_PASSWORD });
      login.close();
      const seal = (v: object) => tp.platform.secrets.encrypt(Buffer.from(JSON.stringify(v), 'utf8')).toString('base64');
      tp.platform.store.set('kumaInstances', [
        { id: 'ku_metrics01', name: 'Kuma metrics', url: own.url, mode: 'metrics', slug: null, allowSelfSigned: false, sealed: null },
        { id: 'ku_socket001', name: 'Kuma on nas', url: own.url, mode: 'socket', slug: null, allowSelfSigned: false, sealed: seal({ token: session.status === 'ok' ? session.token : '' }) },
      ]);
      const lists2: KumaInstanceInfo[][] = [];
      const alerts: Alert[] = [];
      const both = make(lists2, alerts);
      both.start();
      try {
        await waitFor(() => lists2.at(-1)?.length === 2 && lists2.at(-1)!.every((i) => i.monitors.length >= 2 && !i.stale), 8000, 'both read');
        const quiet = both.list().find((i) => i.id === 'ku_metrics01')!;
        expect(quiet.warning).toBe('Also connected as “Kuma on nas” (signed in): alerts about this Uptime Kuma come from there only. Remove one of the two.');
        expect(both.list().find((i) => i.id === 'ku_socket001')!.warning).toBeNull();

        own.heartbeat(1, 0, 'connect ECONNREFUSED', null, Date.now(), true);
        await waitFor(() => both.list().every((i) => i.monitors.find((m) => m.name === 'Nextcloud')?.status === 'down'), 8000, 'both saw it');
        await new Promise((r) => setTimeout(r, 1200)); // more polls of /metrics
        expect(alerts.filter((a) => a.kind === 'down').map((a) => [a.title, a.monitorIds])).toEqual([['Nextcloud is down', ['kuma:ku_socket001:1']]]);
        for (const i of both.list()) both.remove(i.id);
      } finally {
        both.stop();
      }
    } finally {
      await own.stop();
    }
  }, 30_000);

  it('a Kuma with more monitors than Homeport keeps: the instance says so', async () => {
    const own = new FakeKuma({ flavour: '1.23' });
    await own.start();
    const lists: KumaInstanceInfo[][] = [];
    const mgr = make(lists, []);
    mgr.start();
    try {
      const r = await mgr.add(input({ url: own.url, username: FAKE_USER, password: FAKE_PASSWORD, name: 'Big Kuma' }));
      const id = r.status === 'added' ? r.instance.id : KumaInstanceId('');
      await waitFor(() => lists.at(-1)?.find((i) => i.id === id && i.monitors.length === 3), 5000, 'mirrored');
      const huge: Record<string, unknown> = {};
      for (let n = 1; n <= 5200; n++) huge[String(n)] = { id: n, name: `S${n}`, type: 'http', url: 'https://s.lan/', interval: 60, active: true };
      own.broadcast('monitorList', huge);
      const big = await waitFor(() => lists.at(-1)?.find((i) => i.id === id && i.warning !== null && i.monitors.length > 3), 10_000, 'told');
      expect(big.warning).toBe('Big Kuma lists 5,200 monitors; Homeport mirrors the first 5,000 (by id).');
      expect(big.monitors).toHaveLength(5000);
      mgr.remove(id);
    } finally {
      mgr.stop();
      await own.stop();
    }
  }, 30_000);

  it('shows a status page’s pinned incidents (2.x sends them as a list)', async () => {
    const lists: KumaInstanceInfo[][] = [];
    const mgr = make(lists, []);
    mgr.start();
    try {
      const r = await mgr.add(input({ url: webUrl, mode: 'status-page', slug: 'home' }));
      const id = r.status === 'added' ? r.instance.id : KumaInstanceId('');
      const inst = await waitFor(() => lists.at(-1)?.find((i) => i.id === id && i.monitors.length === 1), 5000, 'status page read');
      expect(inst.monitors[0]).toMatchObject({ name: 'Immich', status: 'up' });
      expect(inst.incidents).toEqual([{ title: 'Backups paused', content: 'Until the new disk arrives.', style: 'warning' }]);
      mgr.remove(id);
    } finally {
      mgr.stop();
    }
  });

  it('sends Homeport’s own heartbeat to a push URL, keeps the URL sealed, and stops it', async () => {
    const beats: HeartbeatInfo[] = [];
    const mgr = make([], [], beats);
    mgr.start();
    try {
      expect(mgr.heartbeatInfo().configured).toBe(false);
      const url = `${webUrl}/api/push/Tok3nS3cret?status=up&msg=OK`;
      const info = await mgr.setHeartbeat({ url, intervalSec: 60 });
      expect(pushes.length).toBe(1);
      expect(info).toMatchObject({ configured: true, intervalSec: 60, sent: 1, failed: 0, lastError: null });
      expect(info.target).not.toContain('Tok3nS3cret');
      expect(JSON.stringify(tp.platform.store.get('pushHeartbeat'))).not.toContain('Tok3nS3cret');
      await mgr.sendHeartbeat();
      expect(pushes.length).toBe(2);
      const off = await mgr.setHeartbeat({ url: null, intervalSec: 60 });
      expect(off.configured).toBe(false);
      const none = await mgr.sendHeartbeat().catch((e: unknown) => e);
      expect((none as HomeportError).code).toBe('VALIDATION');
    } finally {
      mgr.stop();
    }
  });
});
