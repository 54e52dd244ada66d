import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { expect as pwExpect } from './expect';
import { addLabHostInUi, closeInBrowser, literally, loadLab, openInBrowser, revealRow, type Headless, type Lab } from './harness';

// Keyboard first: with the lab host added, Ctrl+K finds a container by a few letters and opens its
// page; the palette moves between views; ? lists the shortcuts.

let lab: Lab;
let server: Headless;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  lab = loadLab();
  ({ server, browser, page } = await openInBrowser({ SSH_AUTH_SOCK: lab.agentSock }, { viewport: { width: 1280, height: 800 } }));
  await page.goto(server.loginUrl);
  await addLabHostInUi(page, lab);
});

afterAll(async () => {
  await closeInBrowser({ browser, server });
});

describe('the command palette', () => {
  it('finds a container and opens it, goes to a view, and lists the shortcuts — all from the keyboard', async () => {
    await page.getByRole('button', { name: 'Containers', exact: true }).click();
    const row = page.locator('[data-testid="container-row"][data-name="lab-sleeper"]');
    await revealRow(page, row, 20_000);
    await pwExpect(row).toBeVisible({ timeout: 20_000 });

    await page.keyboard.press('Control+K');
    const palette = page.getByTestId('command-palette');
    await pwExpect(palette).toBeVisible();
    await page.keyboard.type('inspect sleeper');
    await pwExpect(palette.getByRole('option').first()).toHaveText(literally('Inspect lab-sleeper'));
    await page.screenshot({ path: '.cache/screenshots/palette.png' });
    await page.keyboard.press('Enter');
    const detail = page.getByTestId('container-detail');
    await pwExpect(detail.locator('h1')).toHaveText(literally('lab-sleeper'));
    await pwExpect(page.getByRole('tab', { name: 'Inspect' })).toHaveAttribute('aria-selected', 'true');

    // Escape returns to the list; the palette takes us to another view.
    await page.keyboard.press('Escape');
    await pwExpect(detail).toBeHidden();
    await page.keyboard.press('Control+K');
    await page.keyboard.type('go img');
    await pwExpect(palette.getByRole('option').first()).toHaveText(literally('Go to Images'));
    await page.keyboard.press('Enter');
    await pwExpect(page.getByRole('button', { name: 'Images', exact: true })).toHaveAttribute('aria-current', 'page');

    // An image the palette listed from the host.
    await page.keyboard.press('Control+K');
    await page.keyboard.type(`image ${lab.image}`);
    await pwExpect(palette.getByTestId('palette-loading')).toBeHidden({ timeout: 30_000 });
    await pwExpect(palette.getByRole('option').first()).toHaveText(literally(`Image ${lab.image}`));
    await page.keyboard.press('Escape');
    await pwExpect(palette).toBeHidden();

    await page.locator('body').press('?');
    const help = page.getByTestId('shortcuts-dialog');
    await pwExpect(help).toHaveText(literally('Command palette'));
    await page.keyboard.press('Escape');
    await pwExpect(help).toBeHidden();
  });
});
