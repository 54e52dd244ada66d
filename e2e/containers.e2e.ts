import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expect as pwExpect } from './expect';
import type { Browser, Page } from 'playwright-core';
import { addLabHostInUi, closeInBrowser, loadLab, openInBrowser, revealRow, type Headless, type Lab } from './harness';

// The foundation end to end: log in to headless mode, add the lab host over SSH (agent auth),
// accept its host key after comparing the fingerprint, see the compose project's containers
// grouped, stop one and start it again — all against the real lab engine and sshd.
let lab: Lab;
let server: Headless;
let browser: Browser;
let page: Page;

// The lab's worker must be running before the test stops it (a failed earlier run may have left it stopped).
const startWorker = () => execFileSync('docker', ['start', `${lab.compose.project}_worker_1`], { stdio: 'ignore' });

beforeAll(async () => {
  lab = loadLab();
  startWorker();
  ({ server, browser, page } = await openInBrowser({ SSH_AUTH_SOCK: lab.agentSock }));
});

afterAll(async () => {
  if (lab) startWorker();
  await closeInBrowser({ browser, server });
});

describe('headless mode', () => {
  it('refuses a wrong token and requests without a session', async () => {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    const bad = await p.goto(`${server.origin}/login?token=not-the-token`);
    expect(bad?.status()).toBe(401);
    await pwExpect(p.getByText('login URL')).toBeVisible();
    const root = await p.goto(`${server.origin}/`);
    expect(root?.status()).toBe(401);
    await ctx.close();
  });

  it('adds the lab host, trusts its key, and stops and starts a compose container', async () => {
    const res = await page.goto(server.loginUrl);
    expect(res?.status()).toBe(200);

    await addLabHostInUi(page, lab);

    await page.getByRole('button', { name: 'Containers', exact: true }).click();
    const host = page.locator('[data-testid="host-section"][data-host="lab"]');
    const project = host.locator(`[data-testid="project-group"][data-project="${lab.compose.project}"]`);
    await revealRow(page, project, 20_000);
    await pwExpect(project).toBeVisible({ timeout: 20_000 });
    for (const service of lab.compose.services) {
      await revealRow(page, project.locator(`[data-testid="container-row"][data-name="${lab.compose.project}_${service}_1"]`));
      await pwExpect(project.locator(`[data-testid="container-row"][data-name="${lab.compose.project}_${service}_1"]`)).toBeVisible();
    }

    const worker = project.locator(`[data-testid="container-row"][data-name="${lab.compose.project}_worker_1"]`);
    await pwExpect(worker).toHaveAttribute('data-state', 'running');
    await worker.getByRole('button', { name: `Stop ${lab.compose.project}_worker_1`, exact: true }).click();
    await pwExpect(worker).toHaveAttribute('data-state', 'exited', { timeout: 30_000 });
    await page.screenshot({ path: '.cache/screenshots/containers-stopped.png', fullPage: true });

    await worker.getByRole('button', { name: `Start ${lab.compose.project}_worker_1`, exact: true }).click();
    await pwExpect(worker).toHaveAttribute('data-state', 'running', { timeout: 30_000 });
    await page.screenshot({ path: '.cache/screenshots/containers.png', fullPage: true });
  });
});
