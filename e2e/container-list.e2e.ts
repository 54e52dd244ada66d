import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { expect as pwExpect } from './expect';
import { addLabHostInUi, closeInBrowser, loadLab, openInBrowser, until, type Headless, type Lab } from './harness';

// A long containers list, in Chromium against headless mode and the lab: 150 containers of our own
// (created, not started; hp-list-<pid>-001 … 150, four compose projects of 30 and 30 standalone) on
// the lab's second engine — so that the lists other tests read on the first engine stay short —
// shown by two hosts that reach that engine (over SSH, and as this computer's engine), so the list
// has two sections of 150 and more. The page draws the rows on screen and a few around them, not
// all; scrolling draws the rest with nothing blank and nothing jumping; the keyboard reaches every
// row, and comes back to one deep in the list after its page. Removed in afterAll.
const PREFIX = `hp-list-${process.pid}`;
const N = 150;
const name = (i: number) => `${PREFIX}-${String(i).padStart(3, '0')}`;
const PROJECTS = ['a', 'b', 'c', 'd'].map((p) => `${PREFIX}-${p}`);
let lab: Lab;
let server: Headless;
let browser: Browser;
let page: Page;

const run = promisify(execFile);
const docker = (...args: string[]) => run('docker', ['-H', `unix://${lab.engine2.socket}`, ...args], { encoding: 'utf8' });
const rows = () => page.getByTestId('container-row');
/** What has the keyboard: the data-name of the focused element. */
const focused = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.name ?? document.activeElement?.tagName);
/** Lets the list draw what a scroll or a key brought into view (two frames). */
const frames = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
const scroller = () => page.locator('main .view-body');

async function removeOurs(): Promise<void> {
  const { stdout } = await docker('ps', '-aq', '--filter', `name=^${PREFIX}-`);
  const ids = stdout.split('\n').filter(Boolean);
  if (ids.length) await docker('rm', '-f', ...ids);
}

beforeAll(async () => {
  lab = loadLab();
  await removeOurs();
  const jobs = Array.from({ length: N }, (_, k) => {
    const i = k + 1;
    const project = i <= 120 ? PROJECTS[Math.floor((i - 1) / 30)]! : null;
    const labels = project ? ['--label', `com.docker.compose.project=${project}`, '--label', `com.docker.compose.service=svc${i}`] : [];
    return ['create', '--name', name(i), '--label', 'homeport.test=e2e-list', ...labels, `${lab.image}:latest`, 'sleep', '86400'];
  });
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let job = jobs.shift(); job; job = jobs.shift()) await docker(...job);
    }),
  );
  ({ server, browser, page } = await openInBrowser({ SSH_AUTH_SOCK: lab.agentSock }, { viewport: { width: 1280, height: 800 } }));
  await page.goto(server.loginUrl);
  await addLabHostInUi(page, lab, 'lab2', lab.engine2.socket);
  // The same engine as this computer's (the headless server runs beside it).
  await page.getByRole('button', { name: 'Add host' }).first().click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name', { exact: true }).fill('lab2-local');
  await dialog.getByLabel('Type', { exact: true }).selectOption('local');
  await dialog.getByLabel('Docker socket', { exact: true }).fill(lab.engine2.socket);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('button', { name: 'Containers', exact: true }).click();
  await pwExpect(page.locator('.view-summary')).toHaveText(/\d+ total/, { timeout: 30_000 });
  await until('both hosts\' containers listed', async () => Number(/(\d+) total/.exec(await page.locator('.view-summary').innerText())?.[1]) >= 2 * N, 30_000);
}, 180_000);

afterAll(async () => {
  await closeInBrowser({ browser, server });
  if (lab) await removeOurs();
}, 60_000);

describe('a long containers list', () => {
  it('draws the rows on screen, not all of them, and every row as the list scrolls, with nothing blank or jumping', async () => {
    await scroller().evaluate((el) => (el.scrollTop = 0));
    await frames();
    const total = Number(/(\d+) total/.exec(await page.locator('.view-summary').innerText())![1]);
    expect(total).toBeGreaterThanOrEqual(2 * N);
    const drawn = await rows().count();
    expect(drawn).toBeGreaterThan(10);
    expect(drawn).toBeLessThan(60);

    const seen = new Set<string>();
    for (let step = 0; step < 200; step++) {
      const view = await scroller().evaluate((el) => {
        const box = el.getBoundingClientRect();
        const x = box.left + box.width / 2;
        // Points down the visible part of the list (below the sticky column headings): each is on
        // something drawn in a host's section, or between two sections, or past the last one —
        // never on the space that stands for rows not drawn, nor on nothing.
        const drawnSections = Array.from(el.querySelectorAll('.host-section'));
        const sections = drawnSections.map((e) => e.getBoundingClientRect());
        // The list's end is drawn: the last host's section with nothing standing after it.
        const endDrawn = drawnSections.at(-1)?.nextElementSibling === null && (drawnSections.at(-1) as HTMLElement).dataset.host === 'lab2-local';
        const blank: string[] = [];
        const below = el.querySelector('.container-columns')!.getBoundingClientRect().bottom + 10;
        for (let y = below; y < box.bottom - 4; y += 20) {
          const hit = document.elementFromPoint(x, y);
          const drawn = !!hit?.closest('.host-section') && !hit.closest('.list-gap');
          const between = sections.some((a, i) => i + 1 < sections.length && y >= a.bottom && y < sections[i + 1]!.top && sections[i + 1]!.top - a.bottom < 20);
          const past = endDrawn && y >= sections[sections.length - 1]!.bottom;
          if (!drawn && !between && !past) blank.push(`${Math.round(y - box.top)}: ${hit?.tagName}.${hit?.className}`);
        }
        const names = Array.from(el.querySelectorAll<HTMLElement>('[data-testid="container-row"]'))
          .filter((r) => {
            const b = r.getBoundingClientRect();
            return b.bottom > box.top && b.top < box.bottom;
          })
          .map((r) => r.dataset.name!);
        return { blank, names, atEnd: el.scrollTop + el.clientHeight >= el.scrollHeight - 1 };
      });
      expect(view.blank, `blank at step ${step}`).toEqual([]);
      view.names.forEach((n) => seen.add(n));

      // What is in the middle of the view stays where it is while the list draws around it.
      const before = await scroller().evaluate((el) => {
        const box = el.getBoundingClientRect();
        const row = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2)?.closest<HTMLElement>('[data-testid="container-row"]');
        return row ? { name: row.dataset.name!, top: row.getBoundingClientRect().top } : null;
      });
      await frames();
      if (before) {
        const after = await page.locator(`[data-testid="container-row"][data-name="${before.name}"]`).evaluate((r) => r.getBoundingClientRect().top);
        expect(Math.abs(after - before.top), `${before.name} moved`).toBeLessThan(1);
      }
      if (view.atEnd) break;
      // The list scrolls where it is asked to: drawing what comes into view does not pull it back
      // (were the space of the rows not drawn wrong, the browser would move the scroll to keep
      // what is on screen in place).
      const asked = await scroller().evaluate((el) => {
        el.scrollTop = Math.round(el.scrollTop + el.clientHeight * 0.7);
        return Math.min(el.scrollTop, el.scrollHeight - el.clientHeight);
      });
      await frames();
      const now = await scroller().evaluate((el) => el.scrollTop);
      expect(Math.abs(now - asked), `scrolled to ${now} instead of ${asked}`).toBeLessThan(40);
    }
    const ours = Array.from({ length: N }, (_, k) => name(k + 1));
    expect(ours.filter((n) => !seen.has(n))).toEqual([]);
    expect(await page.locator('[data-testid="host-section"]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.host))).toContain('lab2-local');
    expect(await rows().count()).toBeLessThan(60);
  });

  it('moves through the whole list with the keyboard, and comes back to a row deep in it', async () => {
    await scroller().evaluate((el) => (el.scrollTop = 0));
    await frames();
    const box = page.getByRole('searchbox', { name: 'Filter containers' });
    await box.focus();
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe(name(1));

    // End: the last row of the list, drawn and in view; Home: back to the first.
    await page.keyboard.press('End');
    await frames();
    const last = await page.evaluate(() => {
      const all = Array.from(document.querySelectorAll<HTMLElement>('[data-testid="container-row"]'));
      const el = document.activeElement as HTMLElement;
      const view = document.querySelector('main .view-body')!.getBoundingClientRect();
      const r = el.getBoundingClientRect();
      return { isLast: all[all.length - 1] === el, inView: r.top >= view.top && r.bottom <= view.bottom, name: el.dataset.name };
    });
    expect(last).toMatchObject({ isLast: true, inView: true });
    expect(last.name).not.toBe(name(1));
    await page.keyboard.press('Home');
    expect(await focused()).toBe(name(1));

    // ↓ 45 times: one row at a time, past what was drawn at first (the projects are our rows 1–120, in order).
    for (let i = 2; i <= 46; i++) {
      await page.keyboard.press('ArrowDown');
      expect(await focused()).toBe(name(i));
    }
    await page.keyboard.press('Enter');
    const detail = page.getByTestId('container-detail');
    await pwExpect(detail.locator('h1')).toHaveText(new RegExp(name(46)));
    await page.keyboard.press('Escape');
    await pwExpect(detail).toBeHidden();
    await until(`focus back on ${name(46)}`, async () => (await focused()) === name(46), 30_000);
    const inView = await page.evaluate(() => {
      const r = document.activeElement!.getBoundingClientRect();
      const view = document.querySelector('main .view-body')!.getBoundingClientRect();
      return r.top >= view.top && r.bottom <= view.bottom;
    });
    expect(inView).toBe(true);
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe(name(47));
  });

  it('collapses a project and filters, in a long list', async () => {
    await scroller().evaluate((el) => (el.scrollTop = 0));
    await frames();
    const header = page.getByRole('button', { name: new RegExp(`^${PROJECTS[0]}`) }).first();
    await header.click();
    await pwExpect(header).toHaveAttribute('aria-expanded', 'false');
    await page.getByRole('searchbox', { name: 'Filter containers' }).focus();
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe(name(31));
    await header.click();
    await pwExpect(header).toHaveAttribute('aria-expanded', 'true');

    await page.getByRole('searchbox', { name: 'Filter containers' }).fill(name(137));
    await pwExpect(rows().first()).toHaveAttribute('data-name', name(137));
    expect(await rows().evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.name))).toEqual([name(137), name(137)]);
    await page.getByRole('searchbox', { name: 'Filter containers' }).fill('');
    await pwExpect(rows().first()).toHaveAttribute('data-name', name(1));
  });
});
