import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expect as pwExpect } from './expect';
import type { Browser, Page } from 'playwright-core';
import { addLabHostInUi, closeInBrowser, docker, loadLab, openInBrowser, registryCopy, type Headless, type Lab } from './harness';

// Images end to end: add the lab host, trust its key, open Images, pull an image from the lab
// registry through the image.pull stream (progress, then complete, then the row), and remove it.
// The image is the lab's, pushed to a repository of this run's own (hp-images-e2e-<pid>) so that
// runs at the same time do not pull or remove each other's tag; it goes again in afterAll.
let REF = '';
let copy: Awaited<ReturnType<typeof registryCopy>> | null = null;
let lab: Lab;
let server: Headless;
let browser: Browser;
let page: Page;

const hasTag = () => docker('images', '--format', '{{.Repository}}:{{.Tag}}').split('\n').includes(REF);

beforeAll(async () => {
  lab = loadLab();
  copy = await registryCopy(lab, `hp-images-e2e-${process.pid}/busybox`, '1.1');
  REF = copy.ref;
  ({ server, browser, page } = await openInBrowser({ SSH_AUTH_SOCK: lab.agentSock }));
});

afterAll(async () => {
  await closeInBrowser({ browser, server });
  await copy?.drop();
});

describe('images', () => {
  it('pulls an image from the lab registry with progress, lists it, and removes it', async () => {
    const res = await page.goto(server.loginUrl);
    expect(res?.status()).toBe(200);

    await addLabHostInUi(page, lab);

    await page.getByRole('button', { name: 'Images', exact: true }).click();
    const host = page.locator('[data-testid="host-section"][data-host="lab"]');
    await pwExpect(host.locator('[data-testid="image-row"]').first()).toBeVisible({ timeout: 20_000 });
    const row = host.locator(`[data-testid="image-row"][data-tags~="${REF}"]`);
    expect(await row.count()).toBe(0);

    await page.getByRole('button', { name: 'Pull image', exact: true }).click();
    const pull = page.getByTestId('pull-dialog');
    await pwExpect(pull).toBeVisible();
    await pull.getByLabel('Image', { exact: true }).fill(REF);
    await pull.getByRole('button', { name: 'Pull', exact: true }).click();
    await pwExpect(pull.getByTestId('pull-progress')).toBeVisible({ timeout: 30_000 });
    await pwExpect(pull.getByTestId('pull-complete')).toBeVisible({ timeout: 60_000 });
    await pwExpect(pull.getByTestId('pull-progress')).toHaveAttribute('data-state', 'done');
    await page.screenshot({ path: '.cache/screenshots/images-pulled.png', fullPage: true });
    await pull.getByRole('button', { name: 'Done', exact: true }).click();

    await pwExpect(row).toBeVisible({ timeout: 20_000 });
    expect(hasTag()).toBe(true);

    // The pulled tag shares its image with the lab's own tags: remove only this tag.
    await row.getByRole('button', { name: /^Remove / }).click();
    const confirm = page.getByRole('dialog', { name: /^Remove image/ });
    await pwExpect(confirm).toBeVisible();
    const target = confirm.getByTestId('remove-image-target');
    if ((await target.count()) > 0) await target.selectOption(REF);
    await confirm.getByRole('button', { name: 'Remove', exact: true }).click();
    await pwExpect(confirm).toBeHidden({ timeout: 20_000 });
    await pwExpect(host.locator('[data-testid="image-row"]').first()).toBeVisible();
    for (let i = 0; i < 50 && (await row.count()) > 0; i++) await new Promise((r) => setTimeout(r, 200));
    expect(await row.count()).toBe(0);
    expect(hasTag()).toBe(false);
    await page.screenshot({ path: '.cache/screenshots/images.png', fullPage: true });
  });
});
