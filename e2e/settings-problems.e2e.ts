import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { expect as pwExpect } from './expect';
import { launchChromium, startHeadless, type Headless } from './harness';

// Saved settings that cannot be read, as a user meets them (no lab needed): a settings file with
// one broken monitor among good ones and a `hosts` entry of the wrong shape. The built headless
// server starts anyway; the page names each entry, why and what to do above every view; the good
// monitor runs; "Remove" (after a confirmation) drops the broken one from the file for good.
let server: Headless;
let browser: Browser;
let page: Page;
let dataDir: string;
const SHOTS = path.resolve(import.meta.dirname, '..', '.cache', 'screenshots');
const settingsFile = () => path.join(dataDir, 'settings.json');
const literally = (text: string) => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
const settings = () => JSON.parse(readFileSync(settingsFile(), 'utf8')) as { monitors: Array<{ id: string }>; hosts: unknown };

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'homeport-e2e-damage-'));
  const common = { intervalSec: 60, timeoutSec: 5, retries: 0, retryIntervalSec: 60, upsideDown: false, paused: true };
  writeFileSync(
    settingsFile(),
    JSON.stringify(
      {
        hosts: 'nas.lan',
        monitors: [
          { ...common, id: 'm_goodmonitor1', type: 'tcp', name: 'router', host: '127.0.0.1', port: 1 },
          { ...common, id: 'm_brokenmonit1', type: 'tcp', name: 'database', host: '127.0.0.1', port: 'five thousand' },
        ],
      },
      null,
      '\t',
    ),
    { mode: 0o600 },
  );
  server = await startHeadless({}, { dataDir });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
  await page.goto(server.loginUrl);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('saved settings that cannot be read', () => {
  it('are named above every view with the reason and the fix, and removed only when the user confirms', async () => {
    const region = page.getByRole('region', { name: 'Saved settings that cannot be read' });
    await pwExpect(region).toBeVisible({ timeout: 20_000 });
    await pwExpect(region).toHaveText(literally('2 saved settings cannot be read'));
    const monitor = region.locator('[data-testid="settings-problem"][data-id="monitor:m_brokenmonit1"]');
    await pwExpect(monitor).toHaveText(literally('The monitor "database"'));
    await pwExpect(monitor).toHaveText(literally('port'));
    await pwExpect(monitor).toHaveText(literally(settingsFile()));
    const hosts = region.locator('[data-testid="settings-problem"][data-id="setting:hosts"]');
    await pwExpect(hosts).toHaveText(literally('is text, not a list'));
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, 'settings-problems.png') });

    // The good monitor is there; the broken one is still in the file.
    await page.getByRole('button', { name: 'Monitors', exact: true }).click();
    await pwExpect(page.getByTestId('monitor-row').first()).toHaveAttribute('data-name', 'router');
    expect(await page.getByTestId('monitor-row').count()).toBe(1);
    expect(settings().monitors.map((m) => m.id)).toEqual(['m_goodmonitor1', 'm_brokenmonit1']);

    // Remove asks first; Cancel keeps it.
    await monitor.getByRole('button', { name: /^Remove/ }).click();
    const dialog = page.getByRole('dialog');
    await pwExpect(dialog).toHaveText(literally('for good'));
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(settings().monitors.map((m) => m.id)).toContain('m_brokenmonit1');
    await monitor.getByRole('button', { name: /^Remove/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove', exact: true }).click();
    await pwExpect(monitor).toBeHidden();
    await pwExpect(region).toHaveText(literally('One saved setting cannot be read'));
    expect(settings().monitors.map((m) => m.id)).toEqual(['m_goodmonitor1']);
    expect(settings().hosts).toBe('nas.lan');
  });
});
