import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { expect as pwExpect } from './expect';
import { addLabHostInUi, closeDialogs, closeInBrowser, docker, loadLab, openInBrowser, removeVolume, type Headless, type Lab } from './harness';

// Errors a person can act on, in Chromium against headless mode and the lab: a refused input is
// told in the user's words (no method names), at the field it is about, and goes away once the
// input changes; progress bars and errors go once their cause is gone (a restored volume does not
// say "a volume with this name exists" under itself). Every volume is our own, removed in afterAll.
const RESTORED = `hp-errors-${process.pid}-restored`;
const SOURCE = `hp-errors-${process.pid}-src`;
const FAILED_REF = '127.0.0.1:5555/lab/busybox:no-such-tag';
let lab: Lab;
let server: Headless;
let browser: Browser;
let page: Page;
let tmp: string;
let archive: string;


/** What the dialog tells the user, as text; and the fields it marks as wrong. */
const told = (dialog: Locator) => dialog.innerText();
const invalidFields = (dialog: Locator) => dialog.locator('[aria-invalid="true"]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).labels?.[0]?.innerText ?? e.id));

/** Internal names a user must never read: contract methods, stream kinds, zod's phrasing. */
const INTERNAL = /\b(?:streams|hosts|volumes|images|monitors|kuma|stacks|keys|containers)\.[a-z]+[A-Za-z]*\b|image\.pull|Invalid input|expected string|Too (?:big|small)/;

beforeAll(async () => {
  lab = loadLab();
  removeVolume(RESTORED);
  docker('volume', 'create', SOURCE);
  tmp = mkdtempSync(path.join(os.tmpdir(), 'homeport-e2e-errors-'));
  // A backup as a person might have made it by hand: tar -czf of a volume's folder.
  const src = path.join(tmp, 'src');
  mkdirSync(path.join(src, 'conf'), { recursive: true });
  writeFileSync(path.join(src, 'conf', 'app.yaml'), 'listen: 8080\n');
  writeFileSync(path.join(src, 'data.bin'), Buffer.alloc(64_000, 7));
  archive = path.join(tmp, 'backup.tar.gz');
  execFileSync('tar', ['-czf', archive, '-C', src, '.']);
  ({ server, browser, page } = await openInBrowser({ SSH_AUTH_SOCK: lab.agentSock }, { viewport: { width: 1280, height: 860 } }));
  expect((await page.goto(server.loginUrl))?.status()).toBe(200);
  await addLabHostInUi(page, lab);
});

afterAll(async () => {
  await closeInBrowser({ browser, server });
  removeVolume(RESTORED);
  removeVolume(SOURCE);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

// Each test starts on a window without dialogs, whatever the one before left open.
beforeEach(() => closeDialogs(page));

describe('errors a person can act on', () => {
  it('tells a refused image reference in words, at its field, and clears it when the input changes', async () => {
    await page.getByRole('button', { name: 'Images', exact: true }).click();
    await pwExpect(page.locator('[data-testid="host-section"][data-host="lab"] [data-testid="image-row"]')).toBeVisible({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Pull image', exact: true }).click();
    const pull = page.getByTestId('pull-dialog');
    await pull.getByLabel('Image', { exact: true }).fill('Bad Ref!');
    await pull.getByRole('button', { name: 'Pull', exact: true }).click();

    const alert = pull.getByRole('alert');
    await pwExpect(alert).toBeVisible({ timeout: 20_000 });
    const text = await told(pull);
    expect(text).not.toMatch(INTERNAL);
    // At the field it is about, which is marked; no "correct the highlighted field" anywhere.
    expect(await invalidFields(pull)).toEqual(['Image']);
    await pwExpect(pull.locator('.field-invalid')).toHaveText(/The image reference is not an image reference \(for example nginx:1\.27/);
    expect(text).not.toMatch(/highlighted/i);

    // Typing again takes the error away: its cause may be gone.
    await pull.getByLabel('Image', { exact: true }).fill('busybox');
    await pwExpect(alert).toBeHidden();
    expect(await invalidFields(pull)).toEqual([]);
    await pull.getByRole('button', { name: 'Done', exact: true }).click();
  });

  it('takes the progress bars away when a pull ends, done or failed', async () => {
    await page.getByRole('button', { name: 'Images', exact: true }).click();
    await page.getByRole('button', { name: 'Pull image', exact: true }).click();
    const pull = page.getByTestId('pull-dialog');
    await pull.getByLabel('Image', { exact: true }).fill(FAILED_REF);
    await pull.getByRole('button', { name: 'Pull', exact: true }).click();
    await pwExpect(pull.getByRole('alert')).toBeVisible({ timeout: 60_000 });
    expect(await pull.locator('progress').count()).toBe(0);
    expect(await told(pull)).not.toMatch(INTERNAL);

    // The lab's registry has this one (the engine may have it already: then it is quick).
    await pull.getByLabel('Image', { exact: true }).fill('127.0.0.1:5555/lab/busybox:1.0');
    await pwExpect(pull.getByRole('alert')).toBeHidden();
    await pull.getByRole('button', { name: 'Pull', exact: true }).click();
    await pwExpect(pull.getByTestId('pull-complete')).toBeVisible({ timeout: 60_000 });
    expect(await pull.locator('progress').count()).toBe(0);
    await pull.getByRole('button', { name: 'Done', exact: true }).click();
  });

  it('restores into a new volume without then saying that a volume of that name exists', async () => {
    await page.getByRole('button', { name: 'Volumes', exact: true }).click();
    const host = page.locator('[data-testid="host-section"][data-host="lab"]');
    await pwExpect(host).toBeVisible({ timeout: 30_000 });
    await host.getByRole('button', { name: 'Restore…', exact: true }).first().click();
    const restore = page.getByTestId('restore-dialog');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), restore.getByTestId('restore-file').click()]);
    await chooser.setFiles(archive);
    await restore.getByLabel('New volume name').fill(RESTORED);
    await restore.getByRole('button', { name: 'Restore', exact: true }).click();
    await pwExpect(restore.getByTestId('restore-done')).toBeVisible({ timeout: 60_000 });

    // The list behind the dialog has reloaded with the new volume…
    await pwExpect(host.locator(`[data-testid="volume-row"][data-name="${RESTORED}"]`)).toBeVisible({ timeout: 30_000 });
    // …and the dialog still tells what happened, with no stale progress bar nor a clash it caused itself.
    const text = await told(restore);
    expect(text).toContain(`into ${RESTORED}`);
    expect(text).not.toMatch(/exists/i);
    expect(await invalidFields(restore)).toEqual([]);
    expect(await restore.locator('progress').count()).toBe(0);
    await restore.getByRole('button', { name: 'Done', exact: true }).click();
  });

  it('backs up without leaving a progress bar behind once done', async () => {
    await page.getByRole('button', { name: 'Volumes', exact: true }).click();
    const row = page.locator(`[data-testid="volume-row"][data-name="${SOURCE}"]`);
    await pwExpect(row).toBeVisible({ timeout: 30_000 });
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), row.getByRole('button', { name: `Back up ${SOURCE}` }).click()]);
    await download.path();
    const backup = page.getByTestId('backup-dialog');
    await pwExpect(backup.getByTestId('backup-done')).toBeVisible({ timeout: 60_000 });
    expect(await backup.locator('progress').count()).toBe(0);
    await backup.getByRole('button', { name: 'Done', exact: true }).click();
  });
});
