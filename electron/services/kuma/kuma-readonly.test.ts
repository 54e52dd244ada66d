import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HomeportError } from '../../../shared/contract';
import { fetchKumaMetrics, metricsToMonitors, parsePrometheusText } from './kuma-metrics';
import { KumaPoller, type KumaReadOnlySnapshot } from './kuma-poller';
import { fetchKumaStatusPage, statusPageToMonitors } from './kuma-status-page';
import type { KumaInstanceFact, KumaRecovery } from './kuma-model';
import { startFloodReceiver } from '../alerts/channels/test-support/receivers';
import { captureLogger, FakeClock, kumaTime } from './test-support/fake-kuma';
import { rejectionOf } from '../test-support/errors';

const KEY = 'uk1_9Xk3vQpL0sT7eRbN2mWcYf';

// As 1.23.16 writes it: no monitor_id, "null" for absent labels, -1 for no response time.
const METRICS_123 = `# HELP process_cpu_user_seconds_total Total user CPU time spent in seconds.
# TYPE process_cpu_user_seconds_total counter
process_cpu_user_seconds_total 12.5
nodejs_heap_size_total_bytes 2.1e+07
# HELP monitor_cert_days_remaining The number of days remaining until the certificate expires
# TYPE monitor_cert_days_remaining gauge
monitor_cert_days_remaining{monitor_name="Nextcloud",monitor_type="http",monitor_url="https://cloud.example.lan/status.php",monitor_hostname="null",monitor_port="null"} 42
# HELP monitor_cert_is_valid Is the certificate still valid? (1 = Yes, 0= No)
# TYPE monitor_cert_is_valid gauge
monitor_cert_is_valid{monitor_name="Nextcloud",monitor_type="http",monitor_url="https://cloud.example.lan/status.php",monitor_hostname="null",monitor_port="null"} 1
# HELP monitor_response_time Monitor Response Time (ms)
# TYPE monitor_response_time gauge
monitor_response_time{monitor_name="Nextcloud",monitor_type="http",monitor_url="https://cloud.example.lan/status.php",monitor_hostname="null",monitor_port="null"} 38
monitor_response_time{monitor_name="NAS ping",monitor_type="ping",monitor_url="https://",monitor_hostname="10.0.0.5",monitor_port="null"} -1
# HELP monitor_status Monitor Status (1 = UP, 0= DOWN, 2= PENDING, 3= MAINTENANCE)
# TYPE monitor_status gauge
monitor_status{monitor_name="Nextcloud",monitor_type="http",monitor_url="https://cloud.example.lan/status.php",monitor_hostname="null",monitor_port="null"} 1
monitor_status{monitor_name="NAS ping",monitor_type="ping",monitor_url="https://",monitor_hostname="10.0.0.5",monitor_port="null"} 0
monitor_status{monitor_name="Web",monitor_type="http",monitor_url="https://a.lan/",monitor_hostname="null",monitor_port="null"} 1
monitor_status{monitor_name="Web",monitor_type="http",monitor_url="https://b.lan/",monitor_hostname="null",monitor_port="null"} 2
`;

// Current 2.x: monitor_id, uptime windows, app_version, an escaped name, a secret in a URL.
const METRICS_2X = `# HELP app_version The service version
# TYPE app_version gauge
app_version{version="2.0.2",major="2",minor="0",patch="2"} 1
# TYPE monitor_status gauge
monitor_status{monitor_id="1",monitor_name="Say \\"hi\\" \\\\ there",monitor_type="http",monitor_url="https://u:p@a.lan/health?token=zzz",monitor_hostname="null",monitor_port="null"} 1
monitor_status{monitor_id="2",monitor_name="Postgres",monitor_type="port",monitor_url="https://",monitor_hostname="db.lan",monitor_port="5432"} 3
monitor_status{monitor_id="3",monitor_name="Odd",monitor_type="http",monitor_url="https://c.lan",monitor_hostname="null",monitor_port="null"} 7
monitor_response_time{monitor_id="1",monitor_name="Say \\"hi\\" \\\\ there",monitor_type="http",monitor_url="https://u:p@a.lan/health?token=zzz",monitor_hostname="null",monitor_port="null"} 120
# TYPE monitor_uptime_ratio gauge
monitor_uptime_ratio{monitor_id="1",monitor_name="x",monitor_type="http",window="1d"} 0.999
monitor_uptime_ratio{monitor_id="1",monitor_name="x",monitor_type="http",window="30d"} 0.98
monitor_uptime_ratio{monitor_id="1",monitor_name="x",monitor_type="http",window="365d"} 0.97
monitor_response_time_seconds{monitor_id="1",monitor_name="x",monitor_type="http",window="1d"} 0.0421
monitor_cert_days_remaining{monitor_id="1",monitor_name="x",monitor_type="http"} 12
monitor_cert_is_valid{monitor_id="1",monitor_name="x",monitor_type="http"} 0
this line is garbage
`;

let server: http.Server;
let base = '';
let metricsText = METRICS_123;
let metricsStatus = 200;
let now = Date.now();
const pageHits: string[] = [];

function page(slug: string) {
  // 2.x lists every pinned incident, newest first, under `incidents`; 1.23 has one `incident`.
  const incidents =
    slug === 'v2'
      ? {
          incidents: [
            { id: 7, style: 'danger', title: 'Storage outage', content: 'The NAS is rebuilding its array.', pin: true, createdDate: '2025-06-01 10:00:00', lastUpdatedDate: null },
            { id: 5, style: 'info', title: 'Disk swap', content: 'Tonight 22:00', pin: true, createdDate: '2025-05-30 09:00:00', lastUpdatedDate: null },
          ],
        }
      : { incident: slug === 'home' ? { title: 'Disk swap', content: 'Tonight 22:00', style: 'info' } : null };
  return {
    config: { slug, title: 'Home services', published: true },
    ...incidents,
    publicGroupList: [
      { id: 1, name: 'Apps', weight: 1, monitorList: [{ id: 1, name: 'Nextcloud', sendUrl: 0, type: 'http', certExpiryDaysRemaining: 42, validCert: true }, { id: 2, name: 'Jellyfin', sendUrl: 0, type: 'http' }] },
      { id: 2, name: 'Infra', weight: 2, monitorList: [{ id: 3, name: 'NAS', sendUrl: 0 }, { id: 1, name: 'Nextcloud again', sendUrl: 0 }] },
    ],
    maintenanceList: [],
  };
}

function beats(slug: string, ageMs: number) {
  const t = (ago: number) => kumaTime(now - ageMs - ago);
  if (slug === 'v2') {
    const iso = (ago: number) => new Date(now - ago).toISOString();
    return {
      heartbeatList: {
        1: [0, 0, { status: 1, time: iso(3_600_000), msg: '', ping: null }, { status: 1, time: iso(0), msg: '', ping: null }],
        2: [0, 0],
        3: [{ status: 3, time: iso(0), msg: '', ping: null }],
      },
      uptimeList: { 1: 1, 2: 0, 3: 1 },
    };
  }
  return {
    heartbeatList: {
      1: [
        { status: 0, time: t(120_000), msg: '', ping: null },
        { status: 1, time: t(60_000), msg: '', ping: 40 },
        { status: 1, time: t(0), msg: '', ping: 35 },
      ],
      2: [{ status: 2, time: t(0), msg: '', ping: null }, 'junk'],
      3: [{ status: 3, time: t(0), msg: '', ping: 1 }],
    },
    // 1.23/2.0: "<id>_24"; newer copies: the bare id.
    uptimeList: slug === 'home' ? { '1_24': 0.995, '2_24': 0.5, '3_24': 1 } : { 1: 0.9, 2: 0.8, 3: 'not a number' },
  };
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = req.url ?? '';
    if (url === '/metrics') {
      if (req.headers.authorization !== `Basic ${Buffer.from(`:${KEY}`).toString('base64')}`) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"ok":false,"msg":"Unauthorized"}');
        return;
      }
      res.writeHead(metricsStatus, { 'content-type': metricsStatus === 200 && metricsText.startsWith('<') ? 'text/html' : 'text/plain; version=0.0.4' }).end(metricsText);
      return;
    }
    const m = /^\/api\/status-page\/(heartbeat\/)?([^/]+)$/.exec(url);
    if (m) {
      const slug = decodeURIComponent(m[2]!);
      pageHits.push(url);
      if (slug === 'plain404') return void res.writeHead(404, { 'content-type': 'text/plain' }).end('Cannot GET');
      if (slug === 'missing') return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"msg":"Not Found"}');
      if (slug === 'html') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><html></html>');
      if (slug === 'broken') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(m[1] ? { heartbeatList: [] } : { publicGroupList: 'no' }));
      const body = m[1] ? beats(slug, slug === 'stale' ? 20 * 60_000 : 0) : page(slug);
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});
beforeEach(() => {
  metricsText = METRICS_123;
  metricsStatus = 200;
  now = Date.now();
});


describe('Prometheus text', () => {
  it('reads labels with escapes, special values, and counts bad lines', () => {
    const { samples, badLines } = parsePrometheusText('a{x="q\\"u\\\\o\\nte",y="2"} 1.5 1700000000000\nb NaN\nc +Inf\nd{} -Inf\nbroken{x="1" 2\n{x="1"} 3\n');
    expect(samples).toEqual([
      { name: 'a', labels: { x: 'q"u\\o\nte', y: '2' }, value: 1.5 },
      { name: 'b', labels: {}, value: NaN },
      { name: 'c', labels: {}, value: Infinity },
      { name: 'd', labels: {}, value: -Infinity },
    ]);
    expect(badLines).toBe(2);
  });
});

describe('/metrics with an API key', () => {
  it('1.23: monitors keyed by name (no monitor_id), -1 → no latency, duplicate names kept apart', async () => {
    const snap = await fetchKumaMetrics({ url: base, apiKey: KEY, instance: 'Uptime Kuma on nas' });
    expect(snap.hasIds).toBe(false);
    expect(snap.version).toBeNull();
    expect(snap.monitors.map((m) => m.id)).toEqual(['name:Nextcloud', 'name:NAS ping', 'name:Web', 'name:Web#2']);
    const [cloud, nas, web1, web2] = snap.monitors;
    expect(cloud).toMatchObject({ name: 'Nextcloud', type: 'http', url: 'https://cloud.example.lan/status.php', hostname: null, status: 'up', latencyMs: 38, certDaysLeft: 42, certValid: true, uptime24h: null, active: true });
    expect(nas).toMatchObject({ type: 'ping', url: null, hostname: '10.0.0.5', status: 'down', latencyMs: null });
    expect(web1?.status).toBe('up');
    expect(web2?.status).toBe('pending');
  });

  it('2.x: monitor_id, uptime windows, version; unknown status codes are "unknown"; secrets in URLs are dropped', async () => {
    metricsText = METRICS_2X;
    const snap = await fetchKumaMetrics({ url: `${base}/dashboard`, apiKey: ` ${KEY} ` });
    expect(snap.hasIds).toBe(true);
    expect(snap.version).toBe('2.0.2');
    expect(snap.monitors.map((m) => m.id)).toEqual(['1', '2', '3']);
    expect(snap.monitors[0]).toMatchObject({
      name: 'Say "hi" \\ there',
      url: 'https://a.lan/health?token=redacted',
      status: 'up',
      latencyMs: 120,
      avgLatencyMs: 42.1,
      uptime24h: 0.999,
      uptime30d: 0.98,
      uptime1y: 0.97,
      certDaysLeft: 12,
      certValid: false,
    });
    expect(snap.monitors[1]).toMatchObject({ type: 'port', hostname: 'db.lan', status: 'maintenance' });
    expect(snap.monitors[2]?.status).toBe('unknown');
  });

  it('a wrong key → 401 → AUTH_FAILED that says what to do; a malformed key is refused before sending', async () => {
    const err = await rejectionOf(fetchKumaMetrics({ url: base, apiKey: 'uk1_wrong', instance: 'Uptime Kuma on nas' }));
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.message).toBe('Uptime Kuma on nas refused the API key.');
    expect(err.fix).toMatch(/Settings → API Keys/);
    expect(err.message + err.fix).not.toContain('uk1_wrong');

    const none = await rejectionOf(fetchKumaMetrics({ url: base }));
    expect(none.code).toBe('AUTH_FAILED');
    expect(none.message).toMatch(/requires an API key/);

    const bad = await rejectionOf(fetchKumaMetrics({ url: base, apiKey: 'my-password' }));
    expect(bad.code).toBe('VALIDATION');
  });

  it('something that is not Kuma metrics is a clear error, not an empty list', async () => {
    metricsText = '<!DOCTYPE html><html><body>Uptime Kuma</body></html>';
    const err = await rejectionOf(fetchKumaMetrics({ url: base, apiKey: KEY }));
    expect(err.code).toBe('ENGINE');
    expect(err.message).toBe(`This is not Uptime Kuma: ${base} answers web requests, but its /metrics is a web page.`);
    metricsText = 'process_cpu_seconds_total 1\n';
    expect((await rejectionOf(fetchKumaMetrics({ url: base, apiKey: KEY }))).message).toMatch(/a \/metrics page that Homeport cannot read/);

    metricsStatus = 500;
    metricsText = 'boom';
    expect((await rejectionOf(fetchKumaMetrics({ url: base, apiKey: KEY }))).message).toMatch(/HTTP 500/);
  });
});

describe('public status page', () => {
  it('reads groups, last beats and "<id>_24" uptimes into the model', async () => {
    const snap = await fetchKumaStatusPage({ url: base, slug: 'home' });
    expect(snap.title).toBe('Home services');
    expect(snap.incidents).toEqual([{ title: 'Disk swap', content: 'Tonight 22:00', style: 'info' }]);
    expect(snap.monitors.map((m) => m.id)).toEqual(['1', '2', '3']); // 1 listed twice, once in the model
    expect(snap.monitors[0]).toMatchObject({ name: 'Nextcloud', type: 'http', status: 'up', latencyMs: 35, uptime24h: 0.995, certDaysLeft: 42, certValid: true });
    expect(Math.abs(snap.monitors[0]!.lastBeatAt! - now)).toBeLessThan(5);
    expect(snap.monitors[1]).toMatchObject({ status: 'pending', uptime24h: 0.5 });
    expect(snap.monitors[2]).toMatchObject({ type: 'unknown', status: 'maintenance', uptime24h: 1 });
    expect(snap.problems).toEqual(['2[1].value: invalid_type']);
    expect(snap.newestBeatAt).toBe(snap.monitors[0]!.lastBeatAt);
  });

  it('accepts uptimeList keyed by the bare id (newer Kuma)', async () => {
    const snap = await fetchKumaStatusPage({ url: base, slug: 'newer' });
    expect(snap.monitors.map((m) => m.uptime24h)).toEqual([0.9, 0.8, null]);
    expect(snap.incidents).toEqual([]);
  });

  it('2.x: every pinned incident (`incidents`, a list), and empty beat slots (0) skipped quietly', async () => {
    const snap = await fetchKumaStatusPage({ url: base, slug: 'v2' });
    expect(snap.incidents).toEqual([
      { title: 'Storage outage', content: 'The NAS is rebuilding its array.', style: 'danger' },
      { title: 'Disk swap', content: 'Tonight 22:00', style: 'info' },
    ]);
    expect(snap.monitors.map((m) => [m.id, m.status])).toEqual([
      ['1', 'up'],
      ['2', 'unknown'],
      ['3', 'maintenance'],
    ]);
    expect(snap.problems).toEqual([]);
  });

  it('an unknown slug is NOT_FOUND; HTML or wrong shapes are clear errors; a bad slug is refused', async () => {
    expect((await rejectionOf(fetchKumaStatusPage({ url: base, slug: 'missing' }))).code).toBe('NOT_FOUND');
    const html = await rejectionOf(fetchKumaStatusPage({ url: base, slug: 'html' }));
    expect(html.code).toBe('ENGINE');
    expect(html.message).toBe(`This is not Uptime Kuma: ${base} answers web requests, but not Uptime Kuma’s status page API (it answered with a web page).`);
    // A web server with no such API at all: not "no published page".
    const other = await rejectionOf(fetchKumaStatusPage({ url: base, slug: 'plain404' }));
    expect(other.message).toMatch(/^This is not Uptime Kuma: .* \(it answered HTTP 404\)\.$/);
    const broken = await rejectionOf(fetchKumaStatusPage({ url: base, slug: 'broken' }));
    expect(broken.message).toMatch(/cannot read/);
    expect((await rejectionOf(fetchKumaStatusPage({ url: base, slug: '../metrics' }))).code).toBe('VALIDATION');
    expect(() => statusPageToMonitors({ publicGroupList: [] }, { heartbeatList: {} }, 0)).not.toThrow();
  });
});

describe('answers larger than Homeport reads', () => {
  const MiB = 1024 * 1024;
  it('a status page or /metrics that never ends is refused at the limit, not read into memory', async () => {
    const flood = await startFloodReceiver(200, 96 * MiB);
    try {
      const page = await rejectionOf(fetchKumaStatusPage({ url: flood.url, slug: 'home', instance: 'Uptime Kuma on nas' }));
      expect(page.message).toBe('Uptime Kuma on nas (status page "home") answered with more than 16 MiB; Homeport reads at most 16 MiB.');
      await flood.settled();
      expect(flood.finished()).toBe(false);
      expect(flood.written()).toBeLessThan(48 * MiB);

      const metrics = await rejectionOf(fetchKumaMetrics({ url: flood.url, apiKey: KEY, instance: 'Uptime Kuma on nas' }));
      expect(metrics.message).toBe('Uptime Kuma on nas (/metrics) answered with more than 16 MiB; Homeport reads at most 16 MiB.');
      await flood.settled();
      expect(flood.finished()).toBe(false);
    } finally {
      await flood.close();
    }
  });

  it('a status page listing more monitors than Homeport keeps: the first 5,000, and a sentence saying so', () => {
    const monitorList = Array.from({ length: 6000 }, (_, i) => ({ id: i + 1, name: `S${i + 1}` }));
    const snap = statusPageToMonitors({ publicGroupList: [{ name: 'All', monitorList }] }, { heartbeatList: {} }, 0);
    expect(snap.monitors).toHaveLength(5000);
    expect(snap.limit).toBe('The status page lists more than 5,000 monitors; Homeport mirrors the first 5,000.');
  });

  it('/metrics listing more monitors than Homeport keeps: the first 5,000, and a sentence saying so', () => {
    const text = Array.from({ length: 6000 }, (_, i) => `monitor_status{monitor_id="${i + 1}",monitor_name="S${i + 1}",monitor_type="http"} 1`).join('\n');
    const snap = metricsToMonitors(parsePrometheusText(text).samples, 0);
    expect(snap.monitors).toHaveLength(5000);
    expect(snap.limit).toBe('/metrics lists more than 5,000 monitors; Homeport mirrors the first 5,000.');
  });
});

describe('KumaPoller', () => {
  function poller(source: ConstructorParameters<typeof KumaPoller>[0]['source'], clock: FakeClock | null, extra: Partial<ConstructorParameters<typeof KumaPoller>[0]> = {}) {
    const p = new KumaPoller({ source, logger: captureLogger().logger, instance: 'Uptime Kuma on nas', ...(clock ? { clock } : {}), problemGraceMs: 60_000, ...extra });
    const snaps: KumaReadOnlySnapshot[] = [];
    const problems: KumaInstanceFact[] = [];
    const recoveries: KumaRecovery[] = [];
    const errors: HomeportError[] = [];
    p.on('snapshot', (s) => snaps.push(s));
    p.on('problem', (f) => problems.push(f));
    p.on('recovered', (r) => recoveries.push(r));
    p.on('error', (e) => errors.push(e));
    return { p, snaps, problems, recoveries, errors };
  }

  it('metrics: failing polls become "unreachable" after the grace period, and recover', async () => {
    const clock = new FakeClock();
    const { p, snaps, problems, recoveries, errors } = poller({ kind: 'metrics', url: base, apiKey: KEY }, clock);
    await p.pollNow();
    expect(snaps[0]?.monitors).toHaveLength(4);

    metricsStatus = 503;
    await rejectionOf(p.pollNow());
    clock.advance(30_000);
    await rejectionOf(p.pollNow());
    expect(problems).toEqual([]);
    expect(errors).toHaveLength(2);
    clock.advance(40_000);
    await rejectionOf(p.pollNow());
    expect(problems[0]).toMatchObject({ problem: 'unreachable', instance: 'Uptime Kuma on nas' });
    expect(problems[0]?.message).toMatch(/^Uptime Kuma on nas has been unreachable for 1 min \(answered \/metrics with HTTP 503\)$/);
    expect(p.last?.monitors).toHaveLength(4); // the last good snapshot stays

    metricsStatus = 200;
    await p.pollNow();
    expect(recoveries[0]?.problem).toBe('unreachable');
  });

  it('metrics: "unreachable for …" counts from the last good poll; the grace period from the first failed one', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const { p, problems } = poller({ kind: 'metrics', url: base, apiKey: KEY }, clock);
    await p.pollNow();
    clock.advance(50_000);
    metricsStatus = 503;
    await rejectionOf(p.pollNow()); // first failure, 50 s after Kuma last answered
    clock.advance(30_000);
    await rejectionOf(p.pollNow());
    expect(problems).toEqual([]); // noticed 30 s ago: still within the grace period
    clock.advance(35_000);
    await rejectionOf(p.pollNow());
    expect(problems[0]).toMatchObject({ problem: 'unreachable', since: t0 });
    expect(problems[0]?.message).toBe('Uptime Kuma on nas has been unreachable for 2 min (answered /metrics with HTTP 503)');
  });

  it('metrics: a refused key is raised at once as auth-failed', async () => {
    const { p, problems } = poller({ kind: 'metrics', url: base, apiKey: 'uk2_revoked' }, new FakeClock());
    await rejectionOf(p.pollNow());
    expect(problems[0]?.problem).toBe('auth-failed');
  });

  it('status page: no beat for 10 min on the page → stale', async () => {
    const clock = new FakeClock(now);
    const { p, problems } = poller({ kind: 'status-page', url: base, slug: 'stale' }, clock);
    await p.pollNow();
    expect(problems[0]?.problem).toBe('stale');
    expect(problems[0]?.message).toBe('Uptime Kuma on nas stopped reporting 20 min ago');
  });

  it('polls on its own every interval until stopped', async () => {
    const { p, snaps } = poller({ kind: 'status-page', url: base, slug: 'home' }, null, { intervalMs: 40 });
    p.start();
    const until = Date.now() + 3000;
    while (snaps.length < 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    p.stop();
    expect(snaps.length).toBeGreaterThanOrEqual(3);
    expect(snaps[0]?.title).toBe('Home services');
    const n = pageHits.length;
    await new Promise((r) => setTimeout(r, 120));
    expect(pageHits.length).toBe(n);
  });
});
