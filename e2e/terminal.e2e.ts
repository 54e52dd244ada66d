import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect as pwExpect } from './expect';
import { addLabHostInUi, docker, launchChromium, loadLab, revealRow, startHeadless, type Headless, type Lab } from './harness';

// The terminal end to end: add the lab host over SSH, open a running container's Terminal tab,
// type a command and read what the shell computed from the xterm screen; the terminal follows the
// window's size; copy and paste; then a shell on the host itself over the same SSH connection.
// The container is this file's own (hp-terminal-e2e-…), removed afterwards.
const NAME = `hp-terminal-e2e-${process.pid}`;
let lab: Lab;
let server: Headless;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const cspViolations: string[] = [];


/** The terminal's screen as the user sees it: xterm's DOM rows, one line each. */
const screenText = (p: Page) =>
  p.locator('[data-testid="terminal"] .xterm-rows').evaluate((el) => Array.from(el.children, (row) => row).map((row) => (row.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()).join('\n'));

async function waitForLine(p: Page, re: RegExp, timeout = 20_000): Promise<string> {
  const end = Date.now() + timeout;
  let last = '';
  for (;;) {
    last = await screenText(p).catch(() => '');
    const m = last.split('\n').find((l) => re.test(l));
    if (m !== undefined) return m;
    if (Date.now() > end) throw new Error(`no line matching ${re} on the terminal screen; it shows:\n${last}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** After Escape (which the shell takes as the start of a key sequence): Ctrl+C until the shell shows a fresh prompt. */
async function freshPrompt(p: Page, prompt: RegExp): Promise<void> {
  for (let i = 0; ; i++) {
    await p.keyboard.press('Control+C');
    try {
      await waitForLine(p, prompt, 1500);
      return;
    } catch (e) {
      if (i === 4) throw e;
    }
  }
}

beforeAll(async () => {
  lab = loadLab();
  execFileSync('docker', ['rm', '-f', NAME], { stdio: 'ignore' });
  docker('run', '-d', '--network', 'none', '--hostname', 'web-01', '--name', NAME, 'homeport-lab/busybox:latest', 'sleep', '3600');
  server = await startHeadless({ SSH_AUTH_SOCK: lab.agentSock });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // The page's own origin may use the clipboard (as Electron allows sanitized writes, and a user grants in a browser).
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
  page = await context.newPage();
  page.on('console', (m) => {
    if (/Content.Security.Policy/i.test(m.text())) cspViolations.push(m.text());
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (lab) execFileSync('docker', ['rm', '-f', NAME], { stdio: 'ignore' });
});

describe('terminal', () => {
  it("runs a command typed into a container's terminal and shows its output", async () => {
    expect((await page.goto(server.loginUrl))?.status()).toBe(200);
    await addLabHostInUi(page, lab);

    await page.getByRole('button', { name: 'Containers', exact: true }).click();
    const row = page.locator(`[data-testid="container-row"][data-name="${NAME}"]`);
    await revealRow(page, row);
    await pwExpect(row).toBeVisible({ timeout: 30_000 });
    await row.getByRole('button', { name: `Open ${NAME}`, exact: true }).click();
    await page.getByRole('tab', { name: 'Terminal' }).click();

    const terminal = page.getByTestId('terminal');
    await pwExpect(terminal).toHaveAttribute('data-phase', 'open', { timeout: 30_000 });
    // The terminal has the keyboard as soon as it opens: no click needed.
    await waitForLine(page, /^\/ #/);
    await page.keyboard.type('echo hp-$((6*7))');
    await page.keyboard.press('Enter');
    // The line the shell printed, not the typed command (which contains "$((6*7))", not "42").
    expect(await waitForLine(page, /^hp-42$/)).toBe('hp-42');

    // Some realistic content for the screenshot.
    await page.keyboard.type('hostname; uname -m; ls /');
    await page.keyboard.press('Enter');
    await waitForLine(page, /^web-01$/);
    await page.screenshot({ path: '.cache/screenshots/terminal.png' });

    // Escape belongs to the shell here: the detail page stays.
    await page.keyboard.press('Escape');
    await pwExpect(page.getByTestId('container-detail')).toBeVisible();
    await freshPrompt(page, /^\/ # \^C$/); // the shell took Escape as a key prefix: start a fresh line
    expect(cspViolations).toEqual([]);
  });

  it('follows the window size: the shell sees the new rows and columns', async () => {
    const size = async (not = '') => {
      await page.keyboard.type('clear; stty size');
      await page.keyboard.press('Enter');
      // (the screen is cleared first, so the line found is this command's answer, not an older one)
      return (await waitForLine(page, new RegExp(`^(?!${not}$)\\d+ \\d+$`))).split(' ').map(Number);
    };
    const [rows1, cols1] = await size();
    await page.setViewportSize({ width: 1000, height: 600 });
    const [rows2, cols2] = await size(`${rows1} ${cols1}`);
    expect(rows2).toBeLessThan(rows1!);
    expect(cols2).toBeLessThan(cols1!);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('copies the selection with Ctrl+Shift+C and pastes with Ctrl+Shift+V', async () => {
    await page.keyboard.type('echo copy-$((20+3))');
    await page.keyboard.press('Enter');
    await waitForLine(page, /^copy-23$/);
    // Double-click selects the word, as in any terminal.
    const word = page.locator('[data-testid="terminal"] .xterm-rows > div').filter({ hasText: /^copy-23\s*$/ }).last();
    const box = (await word.boundingBox())!;
    await page.mouse.dblclick(box.x + 12, box.y + box.height / 2);
    await page.keyboard.press('Control+Shift+C');
    let copied = '';
    for (let i = 0; i < 50 && copied !== 'copy-23'; i++) {
      copied = await page.evaluate(() => navigator.clipboard.readText());
      if (copied !== 'copy-23') await new Promise((r) => setTimeout(r, 100));
    }
    expect(copied).toBe('copy-23');

    await page.evaluate(() => navigator.clipboard.writeText('echo pasted-$((2+3))'));
    await page.keyboard.press('Control+Shift+V');
    await page.keyboard.press('Enter');
    expect(await waitForLine(page, /^pasted-5$/)).toBe('pasted-5');
  });

  it('opens a shell on the host itself, over the same SSH connection', async () => {
    await page.getByRole('button', { name: 'Hosts', exact: true }).click();
    await page.getByRole('button', { name: 'Open shell on lab', exact: true }).click();
    await pwExpect(page.getByRole('heading', { name: 'Shell on lab' })).toBeVisible();
    const terminal = page.getByTestId('terminal');
    await pwExpect(terminal).toHaveAttribute('data-phase', 'open', { timeout: 30_000 });
    await page.keyboard.type('echo host-$((6*7)); whoami');
    await page.keyboard.press('Enter');
    expect(await waitForLine(page, /^host-42$/)).toBe('host-42');
    await waitForLine(page, /^root$/);
    await page.screenshot({ path: '.cache/screenshots/host-shell.png' });
    await page.keyboard.press('Escape');
    await pwExpect(page.getByTestId('host-shell')).toBeVisible();
    await freshPrompt(page, /^root@.*# \^C$/); // readline took Escape as a meta prefix: start a fresh line

    // `exit` ends the session; the page offers to reconnect, and Back returns to the hosts.
    await page.keyboard.type('exit');
    await page.keyboard.press('Enter');
    await pwExpect(terminal).toHaveAttribute('data-phase', 'ended');
    await pwExpect(terminal.getByText('Session ended')).toBeVisible();
    await terminal.getByRole('button', { name: 'Reconnect' }).click();
    await pwExpect(terminal).toHaveAttribute('data-phase', 'open', { timeout: 30_000 });
    await page.getByRole('button', { name: 'Back to hosts' }).click();
    await pwExpect(page.locator('[data-testid="host-row"][data-host="lab"]')).toBeVisible();
    expect(cspViolations).toEqual([]);
  });
});
