import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { expect as pwExpect } from './expect';
import { addLabHostInUi, closeInBrowser, loadLab, openInBrowser, revealRow, type Headless, type Lab } from './harness';

// Lists that stay true while they are on screen: a container's STATUS ages without any engine
// event ("Up 5 minutes" five minutes later — the page's clock is moved forward, the engine's is
// not), and volumes, networks and image tags made or removed with the docker CLI on the lab engine
// appear and disappear without navigating. Everything is named hp-live-e2e-<pid>… and removed.
const pid = process.pid;
const CTR = `hp-live-e2e-ctr-${pid}`;
const VOL = `hp-live-e2e-vol-${pid}`;
const NET = `hp-live-e2e-net-${pid}`;
const REPO = `hp-live-e2e-img-${pid}`;
let lab: Lab;
let server: Headless;
let browser: Browser;
let page: Page;

const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const quietly = (...args: string[]) => {
  try {
    docker(...args);
  } catch {
    // not there
  }
};
const cleanup = () => {
  quietly('rm', '-f', CTR);
  quietly('volume', 'rm', '-f', VOL);
  quietly('network', 'rm', NET);
  quietly('rmi', `${REPO}:1`);
};

beforeAll(async () => {
  lab = loadLab();
  cleanup();
  ({ server, browser, page } = await openInBrowser({ SSH_AUTH_SOCK: lab.agentSock }, { viewport: { width: 1360, height: 900 } }));
  // The page's clock runs as usual, and the test can move it forward.
  await page.clock.install();
}, 60_000);

afterAll(async () => {
  await closeInBrowser({ browser, server });
  if (lab) cleanup();
}, 60_000);

describe('live lists', () => {
  it('ages a container\'s STATUS on screen without a reload: Up 5 minutes, Exited 2 hours ago', async () => {
    await page.goto(server.loginUrl);
    await addLabHostInUi(page, lab);
    await page.getByRole('button', { name: 'Containers', exact: true }).click();
    docker('run', '-d', '--name', CTR, '--network', 'none', lab.image, 'sleep', '3600');
    const row = page.locator(`[data-testid="container-row"][data-name="${CTR}"]`);
    await revealRow(page, row);
    await pwExpect(row).toHaveAttribute('data-state', 'running', { timeout: 30_000 });
    const status = row.locator('.cell-status');
    await pwExpect(status).toHaveText(/^Up (Less than a second|\d+ seconds?)$/);

    await page.clock.fastForward('05:00');
    await pwExpect(status).toHaveText('Up 5 minutes');

    docker('kill', CTR);
    await pwExpect(row).toHaveAttribute('data-state', 'exited', { timeout: 30_000 });
    // The page's clock is five minutes ahead of the engine's now: the stop was "5 minutes ago" to it.
    await pwExpect(status).toHaveText('Exited (137) 5 minutes ago');
    await page.clock.fastForward('02:00:00');
    await pwExpect(status).toHaveText('Exited (137) 2 hours ago');
    docker('rm', '-f', CTR);
    await pwExpect(row).toBeHidden({ timeout: 30_000 });
  }, 120_000);

  it('shows volumes, networks and image tags made outside Homeport while the view is open', async () => {
    const host = page.locator('[data-testid="host-section"][data-host="lab"]');

    await page.getByRole('button', { name: 'Volumes', exact: true }).click();
    await pwExpect(host).toBeVisible({ timeout: 30_000 });
    docker('volume', 'create', VOL);
    const vol = host.locator(`[data-testid="volume-row"][data-name="${VOL}"]`);
    await pwExpect(vol).toBeVisible({ timeout: 20_000 });
    docker('volume', 'rm', VOL);
    await pwExpect(vol).toBeHidden({ timeout: 20_000 });

    await page.getByRole('button', { name: 'Networks', exact: true }).click();
    await pwExpect(host).toBeVisible({ timeout: 30_000 });
    docker('network', 'create', NET);
    const net = host.locator(`[data-testid="network-row"][data-name="${NET}"]`);
    await pwExpect(net).toBeVisible({ timeout: 20_000 });
    docker('network', 'rm', NET);
    await pwExpect(net).toBeHidden({ timeout: 20_000 });

    await page.getByRole('button', { name: 'Images', exact: true }).click();
    await pwExpect(host).toBeVisible({ timeout: 30_000 });
    docker('tag', lab.image, `${REPO}:1`);
    const img = host.locator(`[data-testid="image-row"][data-tags~="${REPO}:1"]`);
    await pwExpect(img).toBeVisible({ timeout: 20_000 });
    docker('rmi', `${REPO}:1`);
    await pwExpect(img).toBeHidden({ timeout: 20_000 });
  }, 120_000);
});
