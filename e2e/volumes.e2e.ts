import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { expect as pwExpect } from './expect';
import { addLabHostInUi, closeInBrowser, docker, loadLab, openInBrowser, removeVolume, type Headless, type Lab } from './harness';

// Volumes end to end in Chromium against headless mode: back up our own volume (a browser
// download of the transfer URL), restore the downloaded file into a new volume through the file
// chooser (an upload), browse the new volume and find the files; then the host overview shows the
// engine's version and its live events. Every volume and container is our own
// (hp-overview-<pid>-*, so runs at the same time do not meet), removed in afterAll.
const PREFIX = `hp-overview-${process.pid}`;
const VOL = `${PREFIX}-vol`;
const RESTORED = `${PREFIX}-vol-restored`;
const KEPT = `${PREFIX}-vol-kept`;
const EVENT_VOL = `${PREFIX}-evt`;
const EVENT_RUN = `${PREFIX}-evt-run`;
let lab: Lab;
let server: Headless;
let browser: Browser;
let page: Page;
let tmp: string;

const rmContainer = (name: string) => {
  try {
    execFileSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
  } catch {
    // not there
  }
};

beforeAll(async () => {
  lab = loadLab();
  for (const v of [VOL, RESTORED, KEPT, EVENT_VOL]) removeVolume(v);
  docker('volume', 'create', '--label', 'com.example.role=app-data', VOL);
  // The lab engine runs on this machine: write the fixture straight into the volume's folder.
  const dir = docker('volume', 'inspect', '--format', '{{.Mountpoint}}', VOL);
  mkdirSync(path.join(dir, 'config'), { recursive: true });
  mkdirSync(path.join(dir, 'data', 'uploads'), { recursive: true });
  writeFileSync(path.join(dir, 'README.txt'), 'Homeport test volume\n');
  writeFileSync(path.join(dir, 'config', 'app.yaml'), 'listen: 8080\nlog_level: info\n');
  writeFileSync(path.join(dir, 'data', 'app.db'), Buffer.alloc(150_000, 1));
  writeFileSync(path.join(dir, 'data', 'uploads', 'photo.jpg'), Buffer.alloc(40_000, 2));
  // What an image-like volume holds: a relative link that climbs above the volume's root (the
  // engine's own extraction refuses it) and a setuid program.
  symlinkSync('../usr/share/zoneinfo/UTC', path.join(dir, 'localtime'));
  writeFileSync(path.join(dir, 'config', 'reload'), '#!/bin/sh\n');
  chmodSync(path.join(dir, 'config', 'reload'), 0o4755);
  tmp = mkdtempSync(path.join(os.tmpdir(), 'homeport-e2e-volumes-'));
  ({ server, browser, page } = await openInBrowser({ SSH_AUTH_SOCK: lab.agentSock }, { acceptDownloads: true, viewport: { width: 1360, height: 860 } }));
});

afterAll(async () => {
  await closeInBrowser({ browser, server });
  rmContainer(EVENT_RUN);
  for (const v of [VOL, RESTORED, KEPT, EVENT_VOL]) removeVolume(v);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('volumes', () => {
  it('backs a volume up as a download, restores the file into a new volume, and browses it', async () => {
    expect((await page.goto(server.loginUrl))?.status()).toBe(200);
    await addLabHostInUi(page, lab);

    await page.getByRole('button', { name: 'Volumes', exact: true }).click();
    const host = page.locator('[data-testid="host-section"][data-host="lab"]');
    const row = host.locator(`[data-testid="volume-row"][data-name="${VOL}"]`);
    await pwExpect(row).toBeVisible({ timeout: 30_000 });

    // Back up: the browser downloads the .tar.gz; the dialog shows progress, then the file name.
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), row.getByRole('button', { name: `Back up ${VOL}` }).click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^${VOL}-\\d{8}-\\d{6}\\.tar\\.gz$`));
    const file = path.join(tmp, download.suggestedFilename());
    await download.saveAs(file);
    const backup = page.getByTestId('backup-dialog');
    await pwExpect(backup.getByTestId('backup-done')).toBeVisible({ timeout: 60_000 });
    await pwExpect(backup.getByTestId('backup-file')).toHaveText(download.suggestedFilename());
    await backup.getByRole('button', { name: 'Done', exact: true }).click();

    // Restore the downloaded file into a new volume, chosen through the file chooser.
    await row.getByRole('button', { name: `Restore into ${VOL}` }).click();
    const restore = page.getByTestId('restore-dialog');
    await pwExpect(restore).toBeVisible();
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), restore.getByTestId('restore-file').click()]);
    await chooser.setFiles(file);
    await restore.getByLabel('New volume name').fill(RESTORED);
    await restore.getByRole('button', { name: 'Restore', exact: true }).click();
    await pwExpect(restore.getByTestId('restore-done')).toBeVisible({ timeout: 60_000 });
    await pwExpect(restore.getByTestId('restore-done')).toHaveText(new RegExp(`into ${RESTORED}\\. The setuid/setgid bits of 1 file were removed\\.`));
    await restore.getByRole('button', { name: 'Done', exact: true }).click();

    // The new volume is listed and holds the files.
    const restored = host.locator(`[data-testid="volume-row"][data-name="${RESTORED}"]`);
    await pwExpect(restored).toBeVisible({ timeout: 20_000 });
    await restored.getByRole('button', { name: `Browse ${RESTORED}` }).click();
    const browserDialog = page.getByTestId('volume-browser');
    const entries = browserDialog.getByTestId('browser-entry');
    await pwExpect(entries.first()).toBeVisible({ timeout: 30_000 });
    expect(await entries.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-type')}:${e.getAttribute('data-name')}`))).toEqual([
      'directory:config',
      'directory:data',
      'symlink:localtime',
      'file:README.txt',
    ]);
    // Keyboard: the first row has focus; Down to data, Enter opens it.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await pwExpect(browserDialog.locator('table[data-path="/data"]')).toBeVisible({ timeout: 20_000 });
    expect(await entries.evaluateAll((els) => els.map((e) => e.getAttribute('data-name')))).toEqual(['uploads', 'app.db']);
    await pwExpect(browserDialog.locator('[data-name="app.db"]')).toHaveText(/\t146 KB\t/);
    await page.screenshot({ path: '.cache/screenshots/volumes.png' });
    // Backspace goes up again.
    await page.keyboard.press('Backspace');
    await pwExpect(browserDialog.locator('table[data-path="/"]')).toBeVisible({ timeout: 20_000 });
    await browserDialog.getByRole('button', { name: 'Done', exact: true }).click();

    // Same bytes on disk as the original.
    const sums = (v: string) => docker('run', '--rm', '-v', `${v}:/v:ro`, 'homeport-lab/busybox', 'sh', '-c', 'cd /v && find . -type f | sort | xargs md5sum');
    expect(sums(RESTORED)).toBe(sums(VOL));
    const restoredDir = docker('volume', 'inspect', '--format', '{{.Mountpoint}}', RESTORED);
    expect(readlinkSync(path.join(restoredDir, 'localtime'))).toBe('../usr/share/zoneinfo/UTC');
    expect(lstatSync(path.join(restoredDir, 'config', 'reload')).mode & 0o7777).toBe(0o755);

    // Ticking "Keep setuid/setgid bits" restores them as they were.
    await row.getByRole('button', { name: `Restore into ${VOL}` }).click();
    const again = page.getByTestId('restore-dialog');
    const [chooser2] = await Promise.all([page.waitForEvent('filechooser'), again.getByTestId('restore-file').click()]);
    await chooser2.setFiles(file);
    await again.getByLabel('New volume name').fill(KEPT);
    await again.getByLabel(/Keep setuid\/setgid bits/).check();
    await again.getByRole('button', { name: 'Restore', exact: true }).click();
    await pwExpect(again.getByTestId('restore-done')).toHaveText(new RegExp(`into ${KEPT}\\.$`), { timeout: 60_000 });
    await again.getByRole('button', { name: 'Done', exact: true }).click();
    const keptDir = docker('volume', 'inspect', '--format', '{{.Mountpoint}}', KEPT);
    expect(lstatSync(path.join(keptDir, 'config', 'reload')).mode & 0o7777).toBe(0o4755);
    expect(readlinkSync(path.join(keptDir, 'localtime'))).toBe('../usr/share/zoneinfo/UTC');
  });

  it('opens the host overview: engine version, disk use and live events', async () => {
    await page.getByRole('button', { name: 'Hosts', exact: true }).click();
    await page.getByRole('button', { name: 'Overview of lab' }).click();
    const overview = page.getByTestId('host-overview');
    await pwExpect(overview).toBeVisible();
    const version = docker('version', '--format', '{{.Server.Version}}');
    await pwExpect(overview.getByTestId('engine-version')).toHaveText(`Docker ${version}`, { timeout: 20_000 });
    await pwExpect(overview.locator('[data-testid="disk-row"][data-category="volumes"]')).toBeVisible({ timeout: 60_000 });

    // An event on the host shows up in the feed, newest first (other tests share the lab engine,
    // so other events may come between: ours are told apart by name).
    const ours = (type: string, action: string, name: string) => overview.locator(`[data-testid="event-row"][data-type="${type}"][data-action="${action}"]`).filter({ hasText: name });
    docker('volume', 'create', EVENT_VOL);
    await pwExpect(ours('volume', 'create', EVENT_VOL)).toBeVisible({ timeout: 20_000 });
    docker('run', '--rm', '--name', EVENT_RUN, '-v', `${EVENT_VOL}:/v`, 'homeport-lab/busybox', 'true');
    await pwExpect(ours('container', 'die', EVENT_RUN)).toBeVisible({ timeout: 20_000 });
    const order = await overview.getByTestId('event-row').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-type')}:${e.getAttribute('data-action')}:${e.textContent ?? ''}`));
    const at = (type: string, action: string, name: string) => order.findIndex((o) => o.startsWith(`${type}:${action}:`) && o.includes(name));
    expect(at('container', 'die', EVENT_RUN)).toBeLessThan(at('volume', 'create', EVENT_VOL));

    // Pause holds new events back.
    await overview.getByRole('button', { name: 'Pause' }).click();
    const before = await overview.getByTestId('event-row').count();
    docker('volume', 'rm', EVENT_VOL);
    await pwExpect(overview.getByText(/Paused · \d+ new/)).toBeVisible({ timeout: 20_000 });
    expect(await overview.getByTestId('event-row').count()).toBe(before);
    expect(await ours('volume', 'destroy', EVENT_VOL).count()).toBe(0);
    await overview.getByRole('button', { name: 'Resume' }).click();
    await pwExpect(ours('volume', 'destroy', EVENT_VOL)).toBeVisible();
    await page.screenshot({ path: '.cache/screenshots/host-overview.png', fullPage: true });

    // Escape goes back to the hosts list.
    await page.keyboard.press('Escape');
    await pwExpect(page.locator('[data-testid="host-row"][data-host="lab"]')).toBeVisible();
  });
});
