import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { expect as pwExpect } from './expect';
import { addLabHostInUi, closeDialogs, closeInBrowser, deployCompose, docker, literally, loadLab, openInBrowser, revealRow, until, type ComposeProject, type Headless, type Lab } from './harness';

// The keyboard alone, in Chromium against headless mode and the lab: Enter on a container row
// opens its page, ←/→ switch its tabs, Escape comes back with focus on that same row; the command
// palette runs a stack's compose actions (a destructive one after a confirmation) and a volume's
// actions. The stack and the volume are our own (hp-keys-<pid>), removed in afterAll.
const PROJECT = `hp-keys-${process.pid}`;
const VOLUME = `hp-keys-${process.pid}-vol`;
const COMPOSE = `version: "2.4"
services:
  app:
    image: 127.0.0.1:5555/lab/busybox:1.0
    network_mode: none
    stop_signal: SIGKILL
    command: ["sleep", "86400"]
`;
let lab: Lab;
let server: Headless;
let browser: Browser;
let page: Page;
let project: ComposeProject | undefined;

const states = () => project!.states();
/** What has the keyboard: the data-name (or the role and name) of the focused element. */
const focused = () =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return el?.dataset.name ?? `${el?.getAttribute('role') ?? el?.tagName}:${el?.textContent?.trim().slice(0, 40) ?? ''}`;
  });


async function palette(query: string, expected: string): Promise<void> {
  await page.keyboard.press('Control+K');
  const p = page.getByTestId('command-palette');
  await pwExpect(p).toBeVisible();
  await page.keyboard.type(query);
  await pwExpect(p.getByTestId('palette-loading')).toBeHidden({ timeout: 30_000 });
  await pwExpect(p.getByRole('option').first()).toHaveText(literally(expected), { timeout: 20_000 });
  await page.keyboard.press('Enter');
  await pwExpect(p).toBeHidden();
}

beforeAll(async () => {
  lab = loadLab();
  project = deployCompose(PROJECT, COMPOSE, { tmpPrefix: '/var/tmp/hp-keys-e2e-', folder: 'app' });
  docker('volume', 'create', VOLUME);
  ({ server, browser, page } = await openInBrowser({ SSH_AUTH_SOCK: lab.agentSock }, { viewport: { width: 1280, height: 860 }, acceptDownloads: true }));
  await page.goto(server.loginUrl);
  await addLabHostInUi(page, lab);
}, 120_000);

afterAll(async () => {
  await closeInBrowser({ browser, server });
  project?.remove();
  try {
    docker('volume', 'rm', '-f', VOLUME);
  } catch {
    // already gone
  }
}, 120_000);

// Each test starts on a window without dialogs, whatever the one before left open.
beforeEach(() => closeDialogs(page));

describe('the keyboard', () => {
  it('opens a row with Enter, switches tabs with ←/→, and Escape returns focus to that row', async () => {
    await page.getByRole('button', { name: 'Containers', exact: true }).click();
    await revealRow(page, page.locator('[data-testid="container-row"][data-name="lab-sleeper"]'));
    await pwExpect(page.locator('[data-testid="container-row"][data-name="lab-sleeper"]')).toBeVisible({ timeout: 30_000 });
    // To the row from the filter box, with the arrow keys only.
    await page.locator('body').press('/');
    await page.keyboard.type('lab-');
    await page.keyboard.press('ArrowDown');
    for (let i = 0; i < 10 && (await focused()) !== 'lab-sleeper'; i++) await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe('lab-sleeper');
    expect(await page.getByTestId('container-row').count()).toBeGreaterThan(1);

    await page.keyboard.press('Enter');
    const detail = page.getByTestId('container-detail');
    await pwExpect(detail.locator('h1')).toHaveText(literally('lab-sleeper'));
    const selected = () => detail.locator('[role="tab"][aria-selected="true"]').innerText();
    expect(await selected()).toBe('Logs');
    await page.keyboard.press('ArrowLeft');
    await until('the Inspect tab', async () => (await selected()) === 'Inspect');
    await page.keyboard.press('ArrowLeft');
    await until('the Stats tab', async () => (await selected()) === 'Stats');
    await page.keyboard.press('ArrowRight');
    await until('the Inspect tab again', async () => (await selected()) === 'Inspect');

    await page.keyboard.press('Escape');
    await pwExpect(detail).toBeHidden();
    await until('focus on the lab-sleeper row', async () => (await focused()) === 'lab-sleeper');
    // ↓ goes on from there (lab-stopped sorts next), as before the visit.
    await page.keyboard.press('ArrowDown');
    expect(await focused()).not.toBe('lab-sleeper');
  });

  it('runs a stack’s compose actions from the palette, asking first for a destructive one', async () => {
    await palette(`restart stack ${PROJECT}`, `Restart stack ${PROJECT}`);
    await pwExpect(page.getByRole('button', { name: 'Stacks', exact: true })).toHaveAttribute('aria-current', 'page');
    const card = page.locator(`[data-testid="stack-card"][data-project="${PROJECT}"]`);
    await pwExpect(card.getByTestId('stack-output')).toBeVisible({ timeout: 30_000 });
    await pwExpect(card.getByTestId('stack-output')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });

    // Down stops and removes the containers: the palette asks first, and Escape leaves it alone.
    await palette(`down stack ${PROJECT}`, `Down stack ${PROJECT}`);
    const confirm = page.getByRole('dialog', { name: `Bring ${PROJECT} down?` });
    await pwExpect(confirm).toBeVisible();
    await page.keyboard.press('Escape');
    await pwExpect(confirm).toBeHidden();
    expect(states()).toEqual(['running']);
    await palette(`down stack ${PROJECT}`, `Down stack ${PROJECT}`);
    await confirm.getByRole('button', { name: 'Bring down' }).click();
    await until('the stack down', async () => states().length === 0, 60_000);
    await pwExpect(card.getByTestId('stack-output')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
    await palette(`up stack ${PROJECT}`, `Up stack ${PROJECT}`);
    await until('the stack up', async () => states().join() === 'running', 60_000);
  });

  it('runs a volume’s actions from the palette: browse, back up, restore, remove', async () => {
    await palette(`browse ${VOLUME}`, `Browse volume ${VOLUME}`);
    await pwExpect(page.getByTestId('volume-browser')).toBeVisible({ timeout: 30_000 });
    await page.keyboard.press('Escape');
    await pwExpect(page.getByTestId('volume-browser')).toBeHidden();

    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), palette(`back up ${VOLUME}`, `Back up volume ${VOLUME}`)]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^${VOLUME}-`));
    const backup = page.getByTestId('backup-dialog');
    await pwExpect(backup.getByTestId('backup-done')).toBeVisible({ timeout: 60_000 });
    await backup.getByRole('button', { name: 'Done', exact: true }).click();

    await palette(`restore ${VOLUME}`, `Restore into volume ${VOLUME}`);
    const restore = page.getByTestId('restore-dialog');
    await pwExpect(restore).toHaveText(literally(`Restore from a backup of ${VOLUME}`));
    await restore.getByRole('button', { name: 'Cancel', exact: true }).click();

    await palette(`remove volume ${VOLUME}`, `Remove volume ${VOLUME}`);
    const confirm = page.getByRole('dialog', { name: `Remove volume ${VOLUME}?` });
    await pwExpect(confirm).toBeVisible();
    await confirm.getByRole('button', { name: 'Remove', exact: true }).click();
    await until('the volume removed', async () => !docker('volume', 'ls', '-q').split('\n').includes(VOLUME), 30_000);
  });
});
