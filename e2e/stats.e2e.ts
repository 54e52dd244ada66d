import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { expect as pwExpect } from './expect';
import { addLabHostInUi, closeInBrowser, loadLab, openInBrowser, revealRow, type Headless, type Lab } from './harness';

// Live stats and inspect end to end, on this test's own containers (a small "shop" compose-like
// project: a web server with a secret in its env and a published port, and a worker that uses a
// little CPU), removed in afterAll. Named with our pid: runs at the same time do not meet.
let lab: Lab;
let server: Headless;
let browser: Browser;
let page: Page;

const PROJECT = `hp-stats-shop-${process.pid}`;
const WEB = `${PROJECT}-web-1`;
const WORKER = `${PROJECT}-worker-1`;
const NET = `${PROJECT}_default`;
const IMAGE = 'homeport-lab/busybox:latest';
const docker = (...args: string[]) => execFileSync('docker', ['-H', 'unix:///var/run/docker.sock', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const compose = (service: string) => ['--label', `com.docker.compose.project=${PROJECT}`, '--label', `com.docker.compose.service=${service}`];
function cleanup() {
  for (const n of [WEB, WORKER]) {
    try {
      docker('rm', '-f', n);
    } catch {
      /* not there */
    }
  }
  try {
    docker('network', 'rm', NET);
  } catch {
    /* not there */
  }
}
let webPort = 0;

beforeAll(async () => {
  lab = loadLab();
  cleanup();
  // The lab engine has no default bridge: a project network, as compose would create.
  docker('network', 'create', NET);
  docker(
    'run', '-d', '--name', WEB, ...compose('web'), '--network', NET, '--network-alias', 'web',
    '-e', 'DB_PASSWORD=hunter2', '-e', 'DB_HOST=db', '-e', 'TZ=Europe/Paris', '-e', 'SESSION_SECRET=9f2c1e7a',
    '--restart', 'unless-stopped', '-p', '0.0.0.0::80',
    '--health-cmd', 'wget -q -O /dev/null http://127.0.0.1/ || exit 1', '--health-interval', '2s',
    IMAGE, 'sh', '-c', 'mkdir -p /www && echo "<h1>shop</h1>" > /www/index.html && httpd -f -p 80 -h /www',
  );
  // A little CPU (capped at a tenth of a core) so the charts have something to draw.
  docker('run', '-d', '--name', WORKER, ...compose('worker'), '--network', NET, '--cpus', '0.1', '-e', 'QUEUE=orders', IMAGE, 'sh', '-c', 'while :; do :; done');
  webPort = Number(docker('port', WEB, '80/tcp').split('\n')[0]!.split(':').at(-1));
  ({ server, browser, page } = await openInBrowser({ SSH_AUTH_SOCK: lab.agentSock }, { viewport: { width: 1440, height: 960 } }));
});

afterAll(async () => {
  await closeInBrowser({ browser, server });
  cleanup();
});

describe('stats and inspect', () => {
  it('shows CPU and memory in the list, live charts in the Stats tab, and a masked secret and a port link in Inspect', async () => {
    await page.goto(server.loginUrl);
    await addLabHostInUi(page, lab);
    await page.getByRole('button', { name: 'Containers', exact: true }).click();

    const group = page.locator(`[data-testid="project-group"][data-project="${PROJECT}"]`);
    await revealRow(page, group);
    await pwExpect(group).toBeVisible({ timeout: 30_000 });
    const worker = group.locator(`[data-testid="container-row"][data-name="${WORKER}"]`);
    const web = group.locator(`[data-testid="container-row"][data-name="${WEB}"]`);
    await revealRow(page, worker);
    // Memory comes with the first round, CPU with the second (5 s apart in the list).
    await pwExpect(web.getByTestId('cell-mem')).toHaveText(/\d(\.\d)? (B|KiB|MiB)$/, { timeout: 30_000 });
    await pwExpect(worker.getByTestId('cell-cpu')).toHaveText(/^\d+(\.\d+)? %$/, { timeout: 30_000 });
    const cpu = Number((await worker.getByTestId('cell-cpu').textContent())!.replace(' %', ''));
    expect(cpu).toBeGreaterThan(0);
    await page.screenshot({ path: '.cache/screenshots/stats-list.png' });

    await worker.getByRole('button', { name: `Open ${WORKER}` }).click();
    await page.getByRole('tab', { name: 'Stats' }).click();
    const stats = page.getByTestId('stats-tab');
    await pwExpect(stats.getByTestId('stat-cpu')).toHaveText(/cpu\s*\d+(\.\d+)? %/i, { timeout: 20_000 });
    await pwExpect(stats.getByTestId('stat-mem')).toHaveText(/memory\s*\d+(\.\d)? (B|KiB|MiB|GiB) of /i);
    for (const title of ['CPU', 'Memory', 'Network', 'Block I/O']) {
      await pwExpect(stats.getByRole('figure', { name: title }).locator('canvas')).toBeVisible();
    }
    // A few more samples, so the charts draw lines rather than points.
    await page.waitForTimeout(9000);
    await page.screenshot({ path: '.cache/screenshots/stats.png' });

    await page.getByRole('button', { name: 'Back to containers' }).click();
    await revealRow(page, web);
    await web.getByRole('button', { name: `Open ${WEB}` }).click();
    await page.getByRole('tab', { name: 'Inspect' }).click();
    const inspect = page.getByTestId('inspect-tab');
    const secret = inspect.locator('[data-testid="env-row"][data-name="DB_PASSWORD"]');
    await pwExpect(secret).toBeVisible({ timeout: 20_000 });
    await pwExpect(secret.getByLabel('hidden value')).toBeVisible();
    expect(await page.content()).not.toContain('hunter2');
    await pwExpect(inspect.locator('[data-testid="env-row"][data-name="TZ"]')).toHaveText(/Europe\/Paris/);
    await secret.getByRole('button', { name: 'Reveal DB_PASSWORD' }).click();
    await pwExpect(secret).toHaveText(/hunter2/);
    await pwExpect(inspect.locator('[data-testid="env-row"][data-name="SESSION_SECRET"]').getByLabel('hidden value')).toBeVisible();

    const link = inspect.getByRole('link', { name: `http://127.0.0.1:${webPort}/` });
    await pwExpect(link).toHaveAttribute('target', '_blank');
    await pwExpect(link).toHaveAttribute('rel', 'noopener noreferrer');
    await pwExpect(page.getByTestId('inspect-health')).toHaveText(/\bhealthy/, { timeout: 20_000 });
    await page.screenshot({ path: '.cache/screenshots/inspect.png', fullPage: true });

    // The link opens the service (a new tab in the browser; the system browser under Electron).
    const [tab] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
    await tab.waitForLoadState();
    await pwExpect(tab.locator('h1')).toHaveText('shop');
    await tab.close();
  });
});
