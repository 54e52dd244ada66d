import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { expect as pwExpect } from './expect';
import { launchChromium, startHeadless, type Headless } from './harness';

// Logging in to headless mode as a person does: the address without the token shows the login
// page; a wrong token says so; the right one opens the app; logging out in another tab ends the
// session, and the open app says so and offers the login again.
let server: Headless;
let browser: Browser;
const TOKEN = 'e2e-login-token-0123456789abcdef';

beforeAll(async () => {
  server = await startHeadless({ HOMEPORT_TOKEN: TOKEN });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('login page', () => {
  it('logs in with the token typed into the form, and a logout ends the session everywhere', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const first = await page.goto(`${server.origin}/`);
    expect(first?.status()).toBe(401);
    await pwExpect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();

    await page.getByLabel('Login token').fill('not-the-right-token-000');
    await page.getByRole('button', { name: 'Log in' }).click();
    await pwExpect(page.getByRole('alert')).toHaveText(/^That token is not right/);

    await page.getByLabel('Login token').fill(TOKEN);
    await page.getByRole('button', { name: 'Log in' }).click();
    await pwExpect(page.getByRole('button', { name: 'Containers', exact: true })).toBeVisible({ timeout: 20_000 });
    expect(new URL(page.url()).pathname).toBe('/');

    // Log out from a second tab of the same browser.
    const other = await ctx.newPage();
    await other.goto(`${server.origin}/logout`);
    await other.getByRole('button', { name: 'Log out' }).click();
    await pwExpect(other.getByRole('heading', { name: 'Log in' })).toBeVisible();

    // The first tab's connection was closed with the session: it says so and links to the login.
    await pwExpect(page.getByTestId('session-expired')).toBeVisible({ timeout: 20_000 });
    await page.getByRole('link', { name: 'log in again' }).click();
    await pwExpect(page.getByRole('heading', { name: 'Log in' })).toBeVisible();
    await ctx.close();
  }, 90_000);
});
