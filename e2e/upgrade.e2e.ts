import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expect as pwExpect } from './expect';
import type { Browser, Page } from 'playwright-core';
import { addLabHostInUi, closeInBrowser, docker, literally, loadLab, openInBrowser, revealRow, until, type Headless, type Lab } from './harness';

// Upgrade end to end: a container of our own on lab/busybox:1.0, upgraded from its detail page to
// 1.1 pulled from the lab registry (live steps), running on 1.1, then rolled back from the banner
// to the very same container on 1.0. Registry tags are left as the lab had them. The container is
// named with our pid: runs at the same time do not meet.
const NAME = `hp-upgrade-e2e-${process.pid}-app`;
const REPO = '127.0.0.1:5555/lab/busybox';
const OLD = `${REPO}:1.0`;
const NEW = `${REPO}:1.1`;
let lab: Lab;
let server: Headless;
let browser: Browser;
let page: Page;
let hadNew = false;
let hadOld = false;
let originalId = '';

const tags = () => docker('images', '--format', '{{.Repository}}:{{.Tag}}').split('\n');
const removeMine = () => {
  for (const n of [NAME, `${NAME}-homeport-previous`]) {
    try {
      execFileSync('docker', ['rm', '-f', '-v', n], { stdio: 'ignore' });
    } catch {
      // not there
    }
  }
};

beforeAll(async () => {
  lab = loadLab();
  removeMine();
  hadNew = tags().includes(NEW);
  hadOld = tags().includes(OLD);
  if (!hadOld) docker('pull', OLD);
  originalId = docker(
    'run', '-d', '--name', NAME, '--stop-timeout', '1', '--restart', 'unless-stopped',
    '-e', 'APP_MODE=prod', '-p', '127.0.0.1::8080', '--label', `homeport.test=${NAME}`,
    OLD, 'sleep', '3600',
  );
  ({ server, browser, page } = await openInBrowser({ SSH_AUTH_SOCK: lab.agentSock }, { viewport: { width: 1280, height: 820 } }));
});

afterAll(async () => {
  await closeInBrowser({ browser, server });
  if (!lab) return;
  removeMine();
  if (!hadNew && tags().includes(NEW)) docker('rmi', NEW);
  if (!hadOld && tags().includes(OLD)) docker('rmi', OLD);
});

describe('upgrade', () => {
  it('upgrades a container to 1.1 pulled from the registry, then rolls it back to 1.0', async () => {
    expect((await page.goto(server.loginUrl))?.status()).toBe(200);
    await addLabHostInUi(page, lab);
    await page.getByRole('button', { name: 'Containers', exact: true }).click();
    const row = page.locator(`[data-testid="container-row"][data-name="${NAME}"]`);
    await revealRow(page, row, 20_000);
    await pwExpect(row).toBeVisible({ timeout: 20_000 });
    await row.getByRole('button', { name: `Open ${NAME}`, exact: true }).click();

    const detail = page.getByTestId('container-detail');
    const summary = detail.locator('.view-summary');
    await pwExpect(summary).toHaveText(literally(OLD));
    expect(await detail.getByTestId('upgrade-banner').count()).toBe(0);
    const upgradeButton = detail.getByTestId('upgrade-button');
    await until('the Upgrade button is enabled', () => upgradeButton.isEnabled());
    await upgradeButton.click();

    const dialog = page.getByTestId('upgrade-dialog');
    await pwExpect(dialog.getByTestId('upgrade-current')).toHaveText(OLD);
    await dialog.getByLabel('New image').fill('1.1');
    await pwExpect(dialog.getByTestId('upgrade-target')).toHaveText(literally(NEW));
    await dialog.getByLabel(/Pull even if the image is on the host/).check();
    await dialog.getByRole('button', { name: 'Upgrade' }).click();

    await pwExpect(dialog.getByTestId('upgrade-done')).toBeVisible({ timeout: 60_000 });
    const steps = dialog.getByTestId('upgrade-steps');
    for (const step of ['pull', 'create', 'stop', 'swap', 'start', 'verify']) {
      await pwExpect(steps.locator(`li[data-step="${step}"]`)).toHaveAttribute('data-state', 'done');
    }
    await pwExpect(summary).toHaveText(literally(NEW));
    await pwExpect(summary).toHaveText(literally('Running'));
    await dialog.getByTestId('upgrade-done').scrollIntoViewIfNeeded();
    await page.screenshot({ path: '.cache/screenshots/upgrade.png' });
    await dialog.getByRole('button', { name: 'Done' }).click();

    // The engine agrees: a new container under the same name on 1.1, with the settings it had.
    const inspect = JSON.parse(docker('inspect', NAME))[0] as { Id: string; Config: { Image: string; Env: string[] }; State: { Running: boolean }; HostConfig: { RestartPolicy: { Name: string } } };
    expect(inspect.Id).not.toBe(originalId);
    expect(inspect.Config.Image).toBe(NEW);
    expect(inspect.State.Running).toBe(true);
    expect(inspect.Config.Env).toContain('APP_MODE=prod');
    expect(inspect.HostConfig.RestartPolicy.Name).toBe('unless-stopped');

    const banner = detail.getByTestId('upgrade-banner');
    await pwExpect(banner).toHaveText(literally(`Upgraded from ${OLD}`));
    await page.screenshot({ path: '.cache/screenshots/upgrade-banner.png' });
    await banner.getByRole('button', { name: 'Roll back' }).click();
    const confirm = page.getByRole('dialog', { name: `Roll back ${NAME}?` });
    await confirm.getByRole('button', { name: 'Roll back' }).click();

    await pwExpect(summary).toHaveText(literally(OLD), { timeout: 30_000 });
    await pwExpect(summary).toHaveText(literally('Running'));
    await pwExpect(banner).toBeHidden();
    const back = JSON.parse(docker('inspect', NAME))[0] as { Id: string; Config: { Image: string }; State: { Running: boolean } };
    expect(back.Id).toBe(originalId);
    expect(back.Config.Image).toBe(OLD);
    expect(back.State.Running).toBe(true);
    expect(docker('ps', '-a', '--filter', `name=${NAME}`, '--format', '{{.Names}}').split('\n')).toEqual([NAME]);
  });
});
