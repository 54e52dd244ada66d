import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { expect as pwExpect } from './expect';
import { launchChromium, startHeadless, type Headless } from './harness';

// The monitors UI end to end (no lab needed): a local HTTP service on 127.0.0.1; add an HTTP
// monitor, see its response-time chart, mute it for 1 h, export the monitors as YAML and import
// the file back with more monitors. For realistic screenshots, the history of those extra
// monitors (24 h of checks, one outage) is written into the data folder before the server starts,
// with the services' own history class; their live checks then run against the local service (and
// one against a closed port, so it is down).
let server: Headless;
let browser: Browser;
let page: Page;
let service: http.Server;
let servicePort = 0;
let sshLike: net.Server;
let openPort = 0;
let closedPort = 0;
const pageErrors: string[] = [];
const SHOTS = path.resolve(import.meta.dirname, '..', '.cache', 'screenshots');

const SEEDED = [
  { id: 'm_seednext01', name: 'Nextcloud', path: '/nextcloud/status.php', base: 118, jitter: 40 },
  { id: 'm_seedjelly1', name: 'Jellyfin', path: '/jellyfin/health', base: 42, jitter: 14 },
  { id: 'm_seedhass01', name: 'Home Assistant', path: '/hass/api/', base: 76, jitter: 22, outage: true },
  { id: 'm_seedgitea1', name: 'Gitea', path: '/gitea/api/healthz', base: 28, jitter: 9 },
] as const;

/** Writes 24 h of checks (every 5 min) for the seeded monitors, with the history module the services use. */
async function seedHistory(file: string): Promise<void> {
  // A computed path keeps tsc (e2e only sees shared/) from following the import; vitest compiles it.
  const modulePath = path.resolve(import.meta.dirname, '..', 'electron/services/monitors/history/monitor-history.ts');
  type Beat = { monitorId: string; time: number; status: 'up' | 'down'; latencyMs: number | null; message: string | null };
  type History = { record(b: Beat): void; flush(): void; openIncident(id: string, t: number, m: string | null): number; closeIncident(id: string, t: number): boolean; close(): void };
  const { MonitorHistory } = (await import(modulePath)) as { MonitorHistory: { open(file: string, opts: { logger: unknown }): History } };
  const quiet = { info() {}, warn() {}, error() {} };
  const h = MonitorHistory.open(file, { logger: quiet });
  const now = Date.now();
  const step = 5 * 60_000;
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (const m of SEEDED) {
    const outFrom = now - 6 * 3_600_000;
    const outTo = outFrom + 25 * 60_000;
    for (let t = now - 24 * 3_600_000; t < now - 60_000; t += step) {
      const down = 'outage' in m && t >= outFrom && t < outTo;
      const wave = Math.sin(t / 3_600_000) * m.jitter * 0.5;
      h.record({ monitorId: m.id, time: t, status: down ? 'down' : 'up', latencyMs: down ? null : Math.max(3, m.base + wave + rand() * m.jitter), message: down ? 'connect ECONNREFUSED' : '200 OK' });
    }
    if ('outage' in m) {
      h.flush();
      h.openIncident(m.id, outFrom, 'connect ECONNREFUSED 10.0.0.12:8123');
      h.closeIncident(m.id, outTo);
    }
  }
  // The database server: up all day, down for the last 20 minutes.
  for (let t = now - 24 * 3_600_000; t < now - 60_000; t += step) {
    const down = t > now - 20 * 60_000;
    h.record({ monitorId: 'm_seedpgsql1', time: t, status: down ? 'down' : 'up', latencyMs: down ? null : 3 + Math.sin(t / 5_400_000) + rand() * 0.6, message: down ? 'connect ECONNREFUSED' : 'connected' });
  }
  h.flush();
  h.close();
}

function seededYaml(): string {
  const lines = [
    ...SEEDED.flatMap((m) => [`  - id: ${m.id}`, `    name: ${m.name}`, '    type: http', `    url: http://127.0.0.1:${servicePort}${m.path}`, '    intervalSec: 60', '    retries: 0']),
    '  - id: m_seedpgsql1',
    '    name: Postgres',
    '    type: tcp',
    '    host: 127.0.0.1',
    `    port: ${closedPort}`,
    '    intervalSec: 60',
    '    retries: 0',
    '  - id: m_seedssh001',
    '    name: NAS SSH',
    '    type: tcp',
    '    host: 127.0.0.1',
    `    port: ${openPort}`,
    '    intervalSec: 60',
  ];
  return lines.join('\n') + '\n';
}

async function until(what: string, f: () => Promise<boolean>, timeout = 10_000): Promise<void> {
  const end = Date.now() + timeout;
  while (!(await f().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  service = http.createServer((req, res) => {
    // A little latency, like a real service.
    setTimeout(() => res.end('ok'), req.url === '/' ? 5 : 15 + Math.random() * 20);
  });
  await new Promise<void>((r) => service.listen(0, '127.0.0.1', r));
  servicePort = (service.address() as AddressInfo).port;
  sshLike = net.createServer((s) => {
    s.on('error', () => {}); // the check hangs up first
    s.end('SSH-2.0-OpenSSH_9.6\r\n');
  });
  await new Promise<void>((r) => sshLike.listen(0, '127.0.0.1', r));
  openPort = (sshLike.address() as AddressInfo).port;
  const tmp = net.createServer();
  await new Promise<void>((r) => tmp.listen(0, '127.0.0.1', r));
  closedPort = (tmp.address() as AddressInfo).port;
  await new Promise((r) => tmp.close(r));

  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'homeport-e2e-data-'));
  await seedHistory(path.join(dataDir, 'history.sqlite'));
  server = await startHeadless({}, { dataDir });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(`console: ${m.text()}`);
  });
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  service?.closeAllConnections();
  await new Promise((r) => service?.close(r));
  await new Promise((r) => sshLike?.close(r));
});

describe('monitors UI', () => {
  it('adds an HTTP monitor, charts it, mutes it, exports and imports YAML', async () => {
    const res = await page.goto(server.loginUrl);
    expect(res?.status()).toBe(200);
    await page.getByRole('button', { name: 'Monitors', exact: true }).click();
    await pwExpect(page.getByTestId('monitors-empty')).toBeVisible();

    // An HTTP monitor against the local service.
    await page.getByRole('button', { name: 'Add monitor' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add monitor' });
    await dialog.getByLabel('Name', { exact: true }).fill('Homepage');
    await dialog.getByLabel('URL', { exact: true }).fill(`http://127.0.0.1:${servicePort}/`);
    await dialog.getByLabel('Interval (seconds)').fill('20');
    await dialog.getByLabel('Retries').fill('0');
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    const row = page.locator('[data-testid="monitor-row"][data-name="Homepage"]');
    await pwExpect(row).toHaveAttribute('data-status', 'up', { timeout: 20_000 });

    // Its detail: the response-time chart is a uPlot canvas with a measured point.
    await row.getByRole('button', { name: 'Homepage', exact: true }).click();
    const detail = page.getByTestId('monitor-detail');
    await pwExpect(detail.getByRole('heading', { name: 'Homepage' })).toBeVisible();
    await pwExpect(detail.locator('[data-testid="response-time-chart"] canvas')).toBeVisible({ timeout: 10_000 });
    const box = await detail.locator('[data-testid="response-time-chart"] canvas').boundingBox();
    expect(box!.width).toBeGreaterThan(600);
    expect(await detail.getByTestId('response-time-chart').getAttribute('aria-label')).toMatch(/average \d+ ms/);

    // Mute it for 1 hour from its row.
    await row.getByRole('button', { name: 'Mute', exact: true }).click();
    await row.getByRole('menuitem', { name: 'For 1 hour' }).click();
    await pwExpect(row).toHaveAttribute('data-muted', 'true');
    await pwExpect(row.getByRole('button', { name: /^Muted until \d/ })).toBeVisible();
    await pwExpect(detail.getByTestId('muted-badge')).toHaveText(/muted until/);

    // Export: a YAML download with the monitor and no secrets.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export' }).click()]);
    expect(download.suggestedFilename()).toBe('homeport-monitors.yaml');
    const exported = readFileSync((await download.path())!, 'utf8');
    expect(exported).toMatch(/^# Homeport monitors/);
    expect(exported).toContain('name: Homepage');
    expect(exported).toContain(`url: http://127.0.0.1:${servicePort}/`);

    // Import it back, with more monitors appended: the preview says what happens, then it applies.
    await page.getByRole('button', { name: 'Import' }).click();
    const imp = page.getByRole('dialog', { name: 'Import monitors' });
    await imp.getByLabel('Or paste the YAML').fill(exported + seededYaml());
    await imp.getByRole('button', { name: 'Preview' }).click();
    await pwExpect(imp.getByTestId('import-preview').getByRole('status')).toHaveText('6 to add, 0 to update, 1 unchanged.');
    await pwExpect(imp.locator('[data-testid="import-entry"][data-action="unchanged"]')).toHaveText(/Homepage/);
    await imp.getByRole('button', { name: 'Import 6 monitors' }).click();
    await pwExpect(imp).toBeHidden();
    await until('7 monitor rows', async () => (await page.getByTestId('monitor-row').count()) === 7);

    // A bad entry is explained, not imported.
    await page.getByRole('button', { name: 'Import' }).click();
    await imp.getByLabel('Or paste the YAML').fill('monitors:\n  - name: broken\n    type: http\n    url: ftp://nope\n');
    await imp.getByRole('button', { name: 'Preview' }).click();
    await pwExpect(imp.locator('[data-testid="import-entry"][data-action="error"]')).toHaveText(/Entry 1 \(line 2\), "broken": url/);
    expect(await imp.getByRole('button', { name: 'Nothing to import' }).isDisabled()).toBe(true);
    await imp.getByRole('button', { name: 'Cancel' }).click();

    // The closed port is down (and alerted in the app); the others up, with sparklines.
    const pg = page.locator('[data-testid="monitor-row"][data-name="Postgres"]');
    await pwExpect(pg).toHaveAttribute('data-status', 'down', { timeout: 30_000 });
    for (const m of SEEDED) await pwExpect(page.locator(`[data-testid="monitor-row"][data-name="${m.name}"]`)).toHaveAttribute('data-status', 'up', { timeout: 20_000 });
    await pwExpect(page.locator('[data-testid="monitor-row"][data-name="NAS SSH"]')).toHaveAttribute('data-status', 'up', { timeout: 20_000 });
    await pwExpect(page.getByTestId('recent-alerts').locator('[data-testid="alert-item"][data-kind="down"]').first()).toHaveText(/Postgres/, { timeout: 20_000 });
    await pwExpect(page.locator('[data-testid="monitor-row"][data-name="Nextcloud"] [data-testid="sparkline"] polyline').first()).toBeVisible();
    await detail.getByRole('button', { name: 'Close' }).click();
    await page.evaluate(() => document.querySelectorAll('[data-testid="toast"] button[aria-label="Dismiss"]').forEach((b) => (b as HTMLButtonElement).click()));
    await pwExpect(page.locator('[data-testid="monitor-row"][data-name="Postgres"]')).toBeVisible();
    expect(pageErrors).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'monitors.png') });

    // The detail of a monitor with an outage earlier today: shaded on the chart, listed below.
    await page.locator('[data-testid="monitor-row"][data-name="Home Assistant"]').getByRole('button', { name: 'Home Assistant', exact: true }).click();
    await pwExpect(detail.getByRole('heading', { name: 'Home Assistant' })).toBeVisible();
    await until('the outage on the chart', async () => /1 outage shaded/.test((await detail.getByTestId('response-time-chart').getAttribute('aria-label')) ?? ''));
    await pwExpect(detail.getByTestId('incidents')).toHaveText(/25 min/);
    await detail.scrollIntoViewIfNeeded();
    await page.waitForTimeout(400); // the smooth scroll into view
    await detail.screenshot({ path: path.join(SHOTS, 'monitor-detail.png') });
  }, 180_000);
});
