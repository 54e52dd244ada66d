import { randomBytes } from 'node:crypto';
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

// Another data folder: an Uptime Kuma instance whose API key was sealed with another secret.key,
// and an SSH key that lost its fingerprint in a hand edit. Each is listed with "Remove"; removing
// asks first, then drops it from the file.
describe('an Uptime Kuma secret that cannot be opened, and one SSH key that cannot be used', () => {
  let server2: Headless;
  let page2: Page;
  let dataDir2: string;
  const file2 = () => path.join(dataDir2, 'settings.json');
  const settings2 = () => JSON.parse(readFileSync(file2(), 'utf8')) as { kumaInstances: Array<{ id: string }>; keys: Array<{ id: string }> };

  beforeAll(async () => {
    dataDir2 = mkdtempSync(path.join(os.tmpdir(), 'homeport-e2e-damage2-'));
    // A key file of its own: what was sealed with another one cannot be opened with it.
    writeFileSync(path.join(dataDir2, 'secret.key'), randomBytes(32), { mode: 0o600 });
    writeFileSync(
      file2(),
      JSON.stringify({
        kumaInstances: [{ id: 'ku_sealedelsewhere', name: 'Kuma on nas', url: 'http://127.0.0.1:1', mode: 'metrics', slug: null, allowSelfSigned: false, sealed: randomBytes(60).toString('base64') }],
        keys: [{ id: 'k_oldlaptop', type: 'ssh-ed25519', comment: 'old laptop', publicLine: 'ssh-ed25519 AAAA old laptop', hasPassphrase: false, createdAt: 1, sealed: randomBytes(60).toString('base64') }],
      }),
      { mode: 0o600 },
    );
    server2 = await startHeadless({}, { dataDir: dataDir2 });
    page2 = await browser.newPage({ viewport: { width: 1360, height: 860 } });
    await page2.goto(server2.loginUrl);
  }, 60_000);

  afterAll(async () => {
    await page2?.close();
    await server2?.stop();
  });

  it('are listed with Remove, which asks first and then drops each from the file', async () => {
    const region = page2.getByRole('region', { name: 'Saved settings that cannot be read' });
    await pwExpect(region).toBeVisible({ timeout: 20_000 });
    await pwExpect(region).toHaveText(literally('2 saved settings cannot be read'));
    const kuma = region.locator('[data-testid="settings-problem"][data-id="kuma:ku_sealedelsewhere"]');
    await pwExpect(kuma).toHaveText(literally('The Uptime Kuma instance "Kuma on nas"'));
    await pwExpect(kuma.getByRole('button', { name: /^Check again/ })).toBeVisible();
    const key = region.locator('[data-testid="settings-problem"]').filter({ hasText: 'old laptop' });
    await pwExpect(key).toHaveText(literally('has no "fingerprint"'));

    await kuma.getByRole('button', { name: /^Remove/ }).click();
    await pwExpect(page2.getByRole('dialog')).toHaveText(literally('for good'));
    await page2.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    expect(settings2().kumaInstances.map((k) => k.id)).toEqual(['ku_sealedelsewhere']);
    await kuma.getByRole('button', { name: /^Remove/ }).click();
    await page2.getByRole('dialog').getByRole('button', { name: 'Remove', exact: true }).click();
    await pwExpect(kuma).toBeHidden();
    expect(settings2().kumaInstances).toEqual([]);

    await key.getByRole('button', { name: /^Remove/ }).click();
    await page2.getByRole('dialog').getByRole('button', { name: 'Remove', exact: true }).click();
    await pwExpect(region).toBeHidden();
    expect(settings2().keys).toEqual([]);
  });
});
