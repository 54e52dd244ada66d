import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { expect as pwExpect } from './expect';
import { launchChromium, startHeadless, type Headless } from './harness';

// Uptime Kuma in the Monitors view, end to end (no lab needed): a socket.io server on 127.0.0.1
// that speaks Kuma's protocol (the services' own test peer), connected through the dialog; Kuma
// goes away and comes back while the page is open.

interface Fake {
  url: string;
  port: number;
  start(port?: number): Promise<void>;
  stop(): Promise<void>;
}

let server: Headless;
let browser: Browser;
let page: Page;
let kuma: Fake;
let user = '';
let password = '';
const pageErrors: string[] = [];

beforeAll(async () => {
  // A computed path keeps tsc (e2e only sees shared/) from following the import; vitest compiles it.
  const modulePath = path.resolve(import.meta.dirname, '..', 'electron/services/kuma/test-support/fake-kuma.ts');
  const mod = (await import(modulePath)) as { FakeKuma: new (opts: { flavour: '1.23' | '2.x' }) => Fake; FAKE_USER: string; FAKE_PASSWORD: string };
  user = mod.FAKE_USER;
  password = mod.FAKE_PASSWORD;
  kuma = new mod.FakeKuma({ flavour: '2.x' });
  await kuma.start();
  server = await startHeadless();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await kuma?.stop();
});

describe('Uptime Kuma', () => {
  it('rows turn "unknown" while Kuma is away, the outage counts from its last data, and it is live again within seconds of coming back', async () => {
    const res = await page.goto(server.loginUrl);
    expect(res?.status()).toBe(200);
    await page.getByRole('button', { name: 'Monitors', exact: true }).click();
    await page.getByRole('button', { name: 'Connect Uptime Kuma' }).click();
    const dialog = page.getByTestId('connect-kuma-dialog');
    await dialog.getByLabel('Address').fill(kuma.url);
    await dialog.getByLabel('Username').fill(user);
    await dialog.getByLabel('Password').fill(password);
    await dialog.getByRole('button', { name: 'Connect', exact: true }).click();

    const row = page.locator('[data-testid="kuma-monitor"][data-name="Nextcloud"]');
    await pwExpect(row).toHaveAttribute('data-status', 'up', { timeout: 20_000 });

    const port = kuma.port;
    const goneAt = Date.now();
    await kuma.stop();
    // At once: Homeport cannot tell, and says what it last knew.
    await pwExpect(row).toHaveAttribute('data-status', 'unknown', { timeout: 10_000 });
    await pwExpect(row.getByTestId('kuma-last-known')).toHaveText('(last known: up)');
    await pwExpect(page.getByTestId('kuma-silent')).toHaveText(/^No data from Uptime Kuma for \d+ s/);

    // After the grace period it is a problem, counted from when Kuma last sent anything.
    const problem = page.getByTestId('kuma-problem');
    await pwExpect(problem).toHaveText(/has been unreachable for \d+ s \(connection refused\)/, { timeout: 45_000 });
    const figure = async () => Number(/for (\d+) s/.exec(await problem.innerText())?.[1]);
    const shown = await figure();
    expect(shown).toBeGreaterThanOrEqual(Math.floor((Date.now() - goneAt) / 1000) - 7);
    expect(shown).toBeLessThanOrEqual(Math.ceil((Date.now() - goneAt) / 1000) + 1);

    await kuma.start(port);
    const backAt = Date.now();
    await pwExpect(row).toHaveAttribute('data-status', 'up', { timeout: 20_000 });
    expect(Date.now() - backAt).toBeLessThan(6_000);
    await pwExpect(page.getByTestId('kuma-problem')).toBeHidden();
    expect(pageErrors).toEqual([]);
  });
});
