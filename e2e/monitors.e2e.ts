import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { expect as pwExpect } from './expect';
import { launchChromium, startHeadless, type Headless } from './harness';

// Monitors end to end (no lab needed): a local HTTP service and a webhook receiver on 127.0.0.1;
// add a webhook channel and an HTTP monitor in the UI, see it up, stop the service, see it down
// in the UI and the alert at the receiver, start the service again, see it up.
let server: Headless;
let browser: Browser;
let page: Page;
let service: http.Server | null = null;
let servicePort = 0;
let receiver: http.Server;
const received: Array<Record<string, unknown>> = [];

async function until(what: string, f: () => boolean, timeout: number): Promise<void> {
  const end = Date.now() + timeout;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(received)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function startService(port = 0): Promise<number> {
  service = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => service!.listen(port, '127.0.0.1', r));
  return (service.address() as AddressInfo).port;
}
async function stopService(): Promise<void> {
  const s = service;
  service = null;
  if (!s) return;
  s.closeAllConnections();
  await new Promise((r) => s.close(r));
}

beforeAll(async () => {
  servicePort = await startService();
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      try {
        received.push(JSON.parse(body) as Record<string, unknown>);
      } catch {
        received.push({ raw: body });
      }
      res.end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  server = await startHeadless();
  browser = await launchChromium();
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await stopService();
  await new Promise((r) => receiver?.close(r));
});

describe('monitors', () => {
  it('shows a monitor go down and up again, and delivers the alert to a webhook', async () => {
    const res = await page.goto(server.loginUrl);
    expect(res?.status()).toBe(200);
    await page.getByRole('button', { name: 'Monitors', exact: true }).click();

    // A webhook channel, tested.
    await page.getByRole('button', { name: 'Add channel' }).click();
    const chDialog = page.getByRole('dialog', { name: 'Add channel' });
    await chDialog.getByLabel('Channel name').fill('receiver');
    await chDialog.getByLabel('Webhook URL').fill(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`);
    await chDialog.getByRole('button', { name: 'Add channel' }).click();
    const channel = page.locator('[data-testid="channel-row"][data-name="receiver"]');
    await pwExpect(channel).toBeVisible();
    await channel.getByRole('button', { name: 'Test' }).click();
    await pwExpect(channel.getByRole('status')).toHaveText('Test sent', { timeout: 20_000 });
    const afterTest = received.length;
    expect(afterTest).toBeGreaterThan(0);

    // An HTTP monitor at 20 s, no retries.
    await page.getByRole('button', { name: 'Add monitor' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add monitor' });
    await dialog.getByLabel('Name', { exact: true }).fill('svc');
    await dialog.getByLabel('URL', { exact: true }).fill(`http://127.0.0.1:${servicePort}/`);
    await dialog.getByLabel('Interval (seconds)').fill('20');
    await dialog.getByLabel('Retries').fill('0');
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    const row = page.locator('[data-testid="monitor-row"][data-name="svc"]');
    await pwExpect(row).toHaveAttribute('data-status', 'up', { timeout: 20_000 });

    await stopService();
    await pwExpect(row).toHaveAttribute('data-status', 'down', { timeout: 45_000 });
    await until('the down alert at the webhook receiver', () => received.slice(afterTest).some((p) => JSON.stringify(p).includes('svc') && /down/i.test(JSON.stringify(p))), 20_000);

    await startService(servicePort);
    await pwExpect(row).toHaveAttribute('data-status', 'up', { timeout: 45_000 });
  }, 180_000);
});
