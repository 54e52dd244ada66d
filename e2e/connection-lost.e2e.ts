import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page, WebSocketRoute } from 'playwright-core';
import { expect as pwExpect } from './expect';
import { addLabHostInUi, launchChromium, loadLab, revealRow, startHeadless, type Headless, type Lab } from './harness';

// The page's WebSocket to headless mode drops while a container's log is followed. The server
// closes every stream of that connection when it goes, so the Logs tab must say the log stopped
// because the connection was lost (not stay "● Live" with nothing coming), and once the page is
// connected again it must follow the log on from where it stopped: every line written meanwhile
// shown once, none twice. The WebSocket goes through Playwright's WebSocket routing, so the test
// can cut it (both ends) and refuse new ones until it lets the page reconnect.
const NAME = `hp-connlost-e2e-${process.pid}`;

let lab: Lab;
let server: Headless;
let browser: Browser;
let page: Page;
let down = false;
let live: { ws: WebSocketRoute; server: WebSocketRoute } | null = null;
const docker = (...args: string[]) => execFileSync('docker', ['-H', 'unix:///var/run/docker.sock', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

beforeAll(async () => {
  lab = loadLab();
  docker('rm', '-f', NAME);
  docker('run', '-d', '--network', 'none', '--name', NAME, `${lab.image}:latest`, 'sh', '-c', 'i=0; while :; do i=$((i+1)); echo "tick $i"; sleep 0.3; done');
  server = await startHeadless({ SSH_AUTH_SOCK: lab.agentSock });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  await page.routeWebSocket(/\/ws$/, (ws) => {
    if (down) return void ws.close(); // the server cannot be reached: the page keeps retrying
    live = { ws, server: ws.connectToServer() };
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (lab) docker('rm', '-f', NAME);
});

async function waitUntil(what: string, ok: () => Promise<boolean>, timeout: number): Promise<void> {
  const end = Date.now() + timeout;
  while (!(await ok().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The tick numbers of the log lines drawn now, top to bottom. */
async function ticks(): Promise<number[]> {
  const texts = await page.getByTestId('logs-tab').getByTestId('log-line').allTextContents();
  return texts.map((t) => /tick (\d+)/.exec(t)?.[1]).filter((n): n is string => n !== undefined).map(Number);
}

describe('a dropped connection to Homeport', () => {
  it('ends the followed log with a clear error, and the log follows on once the page is connected again', async () => {
    await page.goto(server.loginUrl);
    await addLabHostInUi(page, lab);
    await page.getByRole('button', { name: 'Containers', exact: true }).click();
    const open = page.getByRole('button', { name: `Open ${NAME}`, exact: true });
    await revealRow(page, open);
    await open.click();
    const tab = page.getByTestId('logs-tab');
    await pwExpect(tab.getByText('● Live')).toBeVisible({ timeout: 30_000 });
    await waitUntil('log lines shown', async () => (await ticks()).length > 5, 20_000);

    // Cut the connection at both ends, and keep the server out of reach for now.
    down = true;
    await live!.server.close();
    await live!.ws.close();
    const before = Math.max(...(await ticks()));
    await pwExpect(page.getByTestId('reconnect-bar')).toBeVisible({ timeout: 10_000 });
    const alert = tab.getByRole('alert');
    await pwExpect(alert).toHaveText(/The connection to Homeport was lost/, { timeout: 10_000 });
    await pwExpect(tab.getByText('● Live')).toBeHidden();
    await page.screenshot({ path: '.cache/screenshots/connection-lost.png' });

    // The server is reachable again: the page reconnects by itself and the log goes on.
    down = false;
    await pwExpect(page.getByTestId('reconnect-bar')).toBeHidden({ timeout: 30_000 });
    await pwExpect(tab.getByText('● Live')).toBeVisible({ timeout: 20_000 });
    await pwExpect(alert).toBeHidden();
    await waitUntil('new lines after the reconnect', async () => Math.max(...(await ticks())) > before + 10, 20_000);
    // The lines written while the page was cut off are there, each once: with the container
    // stopped, the tab holds exactly the lines of its log, and the newest drawn is its last.
    docker('kill', NAME);
    await pwExpect(tab.getByText(/The container is stopped/)).toBeVisible({ timeout: 20_000 });
    const all = docker('logs', NAME).split('\n').filter(Boolean);
    await pwExpect(tab).toHaveAttribute('data-buffered-lines', String(all.length));
    const shown = await ticks();
    expect(shown.at(-1)).toBe(Number(/tick (\d+)/.exec(all.at(-1)!)![1]));
    expect(shown.slice(1).every((n, i) => n === shown[i]! + 1)).toBe(true);
  });
});
