import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { expect as pwExpect } from './expect';
import { addLabHostInUi, closeInBrowser, loadLab, openInBrowser, revealRow, until, type Headless, type Lab } from './harness';

// The Logs tab end to end: a container of our own on the lab engine writes known lines (stdout and
// stderr, ANSI colours); Chromium opens its logs through headless mode over SSH, searches with a
// regex and steps through the highlighted matches.
const NAME = `hp-logs-e2e-${process.pid}`;
const SCRIPT = [
  'printf "\\033[32mINFO\\033[0m server listening on :8080\\n"',
  'i=1; while [ $i -le 40 ]; do echo "GET /api/items/$i 200 ${i}ms"; if [ $((i % 7)) -eq 0 ]; then printf "\\033[1;31mERROR\\033[0m upstream timed out on /api/orders/$i\\n" >&2; fi; i=$((i+1)); done',
  'printf "\\033[33mWARN\\033[0m cache hit ratio fell to \\033[1m0.42\\033[0m\\n"',
  'while :; do sleep 5; echo "GET /health 200 1ms"; done',
].join('; ');

let lab: Lab;
let server: Headless;
let browser: Browser;
let page: Page;
const docker = (...args: string[]) => execFileSync('docker', ['-H', 'unix:///var/run/docker.sock', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

beforeAll(async () => {
  lab = loadLab();
  docker('rm', '-f', NAME);
  docker('run', '-d', '--name', NAME, 'homeport-lab/busybox:latest', 'sh', '-c', SCRIPT);
  ({ server, browser, page } = await openInBrowser({ SSH_AUTH_SOCK: lab.agentSock }, { viewport: { width: 1360, height: 900 } }));
});

afterAll(async () => {
  await closeInBrowser({ browser, server });
  if (lab) docker('rm', '-f', NAME);
});

describe('container logs', () => {
  it('shows a container log, searches it with a regex and moves through the highlighted matches', async () => {
    await page.goto(server.loginUrl);
    await addLabHostInUi(page, lab);
    await page.getByRole('button', { name: 'Containers', exact: true }).click();
    const open = page.getByRole('button', { name: `Open ${NAME}`, exact: true });
    await revealRow(page, open);
    await pwExpect(open).toBeVisible({ timeout: 30_000 });
    await open.click();

    const tab = page.getByTestId('logs-tab');
    await pwExpect(page.getByRole('tab', { name: 'Logs' })).toHaveAttribute('aria-selected', 'true');
    const lines = tab.getByTestId('log-line');
    await pwExpect(lines.filter({ hasText: 'cache hit ratio fell to 0.42' })).toBeVisible({ timeout: 20_000 });
    // ANSI colours rendered, no escape characters shown; stderr marked
    const warn = tab.locator('[data-testid="log-line"] span', { hasText: /^WARN$/ });
    expect(await warn.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(214, 163, 56)');
    expect(await tab.getByTestId('logs-scroll').textContent()).not.toContain('\u001b');

    await tab.getByRole('button', { name: 'Timestamps' }).click();
    await tab.getByRole('button', { name: 'Regular expression' }).click();
    const box = tab.getByRole('searchbox', { name: 'Search the log' });
    await box.fill('ERROR upstream .* /api/orders/\\d+');
    const count = tab.getByTestId('logs-match-count');
    await pwExpect(count).toHaveText('5 of 5');
    const current = tab.getByTestId('log-match-current');
    await pwExpect(current).toHaveText('ERROR upstream timed out on /api/orders/35');
    // The list draws the rows around the current match a moment after it scrolls there: wait for them.
    await until('the matches around the current one drawn', async () => (await tab.getByTestId('log-match').count()) >= 3).catch(() => {});
    expect(await tab.getByTestId('log-match').count()).toBeGreaterThanOrEqual(3);
    // the current match is on a stderr line, marked as such
    const currentLine = tab.locator('[data-testid="log-line"]:has([data-testid="log-match-current"])');
    await pwExpect(currentLine).toHaveAttribute('data-stream', 'stderr');
    expect(await currentLine.evaluate((el) => getComputedStyle(el).borderLeftColor)).toBe('rgb(238, 93, 82)');
    const bg = await current.evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(bg).toBe('rgb(232, 163, 37)');

    await box.press('Enter');
    await pwExpect(count).toHaveText('1 of 5');
    await pwExpect(current).toHaveText('ERROR upstream timed out on /api/orders/7');
    // scrolled into view inside the log
    const [m, frame] = [await current.boundingBox(), await tab.getByTestId('logs-scroll').boundingBox()];
    expect(m!.y).toBeGreaterThanOrEqual(frame!.y);
    expect(m!.y + m!.height).toBeLessThanOrEqual(frame!.y + frame!.height);
    await tab.getByRole('button', { name: 'Next match' }).click();
    await pwExpect(count).toHaveText('2 of 5');
    await pwExpect(current).toHaveText('ERROR upstream timed out on /api/orders/14');
    await box.press('Shift+Enter');
    await box.press('Shift+Enter');
    await pwExpect(count).toHaveText('5 of 5');
    await pwExpect(current).toHaveText('ERROR upstream timed out on /api/orders/35');

    // an invalid regex is a message, not a crash
    await box.fill('orders/(');
    await pwExpect(tab.getByRole('alert')).toHaveText(/^Not a valid regular expression/);
    await box.fill('ERROR upstream .* /api/orders/\\d+');
    await pwExpect(count).toHaveText('5 of 5');
    await box.press('Enter');
    await box.press('Enter');
    await pwExpect(count).toHaveText('2 of 5');
    await page.screenshot({ path: '.cache/screenshots/logs.png' });
  });
});
