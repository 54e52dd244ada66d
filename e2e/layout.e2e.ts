import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { expect as pwExpect } from './expect';
import { addLabHostInUi, closeInBrowser, docker, loadLab, openInBrowser, revealRow, type Headless, type Lab } from './harness';

// Tables at the smallest window Homeport opens (960×600), in Chromium against headless mode and
// the lab: 120-character names are cut short with the full name in a tooltip, and no button is
// pushed off-screen or behind the view's edge; the image column shows the tag (even when the
// engine lists the image by id), the images list every tag; the monitors table's headers sit over
// their columns, and the newest beats are in view. Everything created is ours (hp-layout-<pid>),
// removed in afterAll.
const TAG = `hp-layout-${process.pid}`;
const long = (prefix: string, n = 120) => `${prefix}-${'averyverylongname'.repeat(10)}`.slice(0, n);
const CONTAINER = long(`${TAG}-c`);
const UNTAGGED = `${TAG}-untagged`;
const VOLUME = long(`${TAG}-v`);
const NETWORK = long(`${TAG}-n`);
const PROJECT = long(`${TAG}-p`);
const SERVICE = long('svc');
const HOST = long(`lab-${process.pid}`, 64);
const MONITOR = long(`${TAG}-m`, 120);
const MONITOR_ID = `m_layout${process.pid}`;
const KEY = long(`${TAG}-key`, 128);
let lab: Lab;
let server: Headless;
let browser: Browser;
let page: Page;
let service: http.Server;
let image: string;

const quietly = (f: () => unknown) => {
  try {
    f();
  } catch {
    // already gone
  }
};

/** 24 h of checks, every 5 min, the last 20 minutes down; written with the services' own history class. */
async function seedHistory(file: string): Promise<void> {
  // A computed path keeps tsc (e2e only sees shared/) from following the import; vitest compiles it.
  const modulePath = path.resolve(import.meta.dirname, '..', 'electron/services/monitors/history/monitor-history.ts');
  type Beat = { monitorId: string; time: number; status: 'up' | 'down'; latencyMs: number | null; message: string | null };
  type History = { record(b: Beat): void; flush(): void; close(): void };
  const { MonitorHistory } = (await import(modulePath)) as { MonitorHistory: { open(file: string, opts: { logger: unknown }): History } };
  const h = MonitorHistory.open(file, { logger: { info() {}, warn() {}, error() {} } });
  const now = Date.now();
  for (let t = now - 24 * 3_600_000; t < now - 60_000; t += 5 * 60_000) {
    const down = t > now - 20 * 60_000;
    h.record({ monitorId: MONITOR_ID, time: t, status: down ? 'down' : 'up', latencyMs: down ? null : 20, message: down ? 'connect ECONNREFUSED' : '200 OK' });
  }
  h.flush();
  h.close();
}

/**
 * What is wrong with the view's layout: sideways scrolling, buttons beyond the window's edge, and
 * each long text that is not one truncated line with a tooltip saying it in full.
 */
function layoutProblems(longTexts: string[]): Promise<string[]> {
  return page.evaluate((texts) => {
    const out: string[] = [];
    const body = document.querySelector('main .view-body');
    if (body && body.scrollWidth > body.clientWidth + 1) out.push(`the view scrolls sideways (${body.scrollWidth} > ${body.clientWidth})`);
    const edge = Math.min(window.innerWidth, body?.getBoundingClientRect().right ?? Infinity);
    // The view's title is in full view: nothing in its header covers it.
    const h1 = document.querySelector('main .view-header h1') as HTMLElement | null;
    if (h1) {
      const r = h1.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      const cutWithoutTip = h1.scrollWidth > h1.clientWidth + 1 && !h1.title.includes((h1.textContent ?? '').trim());
      if (!hit || !h1.contains(hit) || cutWithoutTip || r.width < 20) out.push(`the title "${(h1.textContent ?? '').slice(0, 40)}" is covered, or cut without a tooltip`);
    }
    const header = document.querySelector('main .view-header') as HTMLElement | null;
    if (header && header.scrollWidth > header.clientWidth + 1) out.push(`the view's header is wider than the window (${header.scrollWidth} > ${header.clientWidth})`);
    const beyond = Array.from(document.querySelectorAll<HTMLElement>('main button')).filter((b) => b.getBoundingClientRect().width > 0 && b.getBoundingClientRect().right > edge + 0.5);
    for (const b of beyond.slice(0, 6)) out.push(`button "${(b.getAttribute('aria-label') ?? b.textContent ?? '').slice(0, 40)}" ends at ${Math.round(b.getBoundingClientRect().right)} (edge ${Math.round(edge)})`);
    if (beyond.length > 6) out.push(`… and ${beyond.length - 6} more buttons beyond the edge`);
    const leaves = Array.from(document.querySelectorAll<HTMLElement>('main *'));
    for (const text of texts) {
      const shown = leaves.filter((e) => e.textContent === text && !Array.from(e.children).some((c) => c.textContent === text));
      if (shown.length === 0) out.push(`"${text.slice(0, 24)}…" is not shown`);
      for (const el of shown) {
        const what = `"${text.slice(0, 24)}…" in <${el.tagName.toLowerCase()} class="${el.className}">`;
        let clip: HTMLElement | null = el;
        for (let i = 0; clip && i < 3 && !(clip.scrollWidth > clip.clientWidth + 1); i++) clip = clip.parentElement;
        if (!clip || !(clip.scrollWidth > clip.clientWidth + 1) || getComputedStyle(clip).textOverflow !== 'ellipsis') out.push(`${what} is not cut short with an ellipsis`);
        if (el.getBoundingClientRect().height > 2.2 * parseFloat(getComputedStyle(el).lineHeight || '20')) out.push(`${what} wraps onto several lines`);
        const tip = el.closest('[title]') as HTMLElement | null;
        if (!tip?.title.includes(text)) out.push(`${what} has no tooltip with the full text`);
      }
    }
    return out;
  }, longTexts);
}

async function show(view: string, ready: string): Promise<void> {
  await page.getByRole('button', { name: view, exact: true }).click();
  await revealRow(page, page.locator(ready));
  await pwExpect(page.locator(ready)).toBeVisible({ timeout: 30_000 });
  await page.screenshot({ path: `.cache/screenshots/layout-${view.toLowerCase()}.png` });
}

beforeAll(async () => {
  lab = loadLab();
  image = `${lab.image}:${TAG}`;
  docker('tag', `${lab.image}:latest`, image);
  docker('tag', `${lab.image}:latest`, `${image}-gone`);
  docker('run', '-d', '--name', CONTAINER, image, 'sleep', '86400');
  docker(
    'run', '-d', '--name', `${TAG}-stack`,
    '--label', `com.docker.compose.project=${PROJECT}`,
    '--label', `com.docker.compose.service=${SERVICE}`,
    '--label', `com.docker.compose.project.working_dir=/var/tmp/${TAG}`,
    '--label', `com.docker.compose.project.config_files=/var/tmp/${TAG}/docker-compose.yml`,
    image, 'sleep', '86400',
  );
  // Created from a tag that is then removed: the engine lists its image by id.
  docker('create', '--name', UNTAGGED, `${image}-gone`, 'sleep', '1');
  docker('rmi', `${image}-gone`);
  docker('volume', 'create', VOLUME);
  docker('network', 'create', NETWORK);
  service = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => service.listen(0, '127.0.0.1', r));

  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'homeport-e2e-data-'));
  await seedHistory(path.join(dataDir, 'history.sqlite'));
  ({ server, browser, page } = await openInBrowser({ SSH_AUTH_SOCK: lab.agentSock }, { viewport: { width: 960, height: 600 } }, { dataDir }));
  await page.goto(server.loginUrl);
  await addLabHostInUi(page, lab, HOST);
  // The monitor with its seeded history, imported as a person would.
  await page.getByRole('button', { name: 'Monitors', exact: true }).click();
  await page.getByRole('button', { name: 'Import' }).click();
  const imp = page.getByRole('dialog', { name: 'Import monitors' });
  const url = `http://127.0.0.1:${(service.address() as AddressInfo).port}/${long('status', 100)}`;
  await imp.getByLabel('Or paste the YAML').fill(`monitors:\n  - id: ${MONITOR_ID}\n    name: ${MONITOR}\n    type: http\n    url: ${url}\n    intervalSec: 3600\n    retries: 0\n`);
  await imp.getByRole('button', { name: 'Preview' }).click();
  await imp.getByRole('button', { name: 'Import 1 monitor' }).click();
  await pwExpect(imp).toBeHidden();
}, 120_000);

afterAll(async () => {
  await closeInBrowser({ browser, server });
  await new Promise((r) => (service ? service.close(r) : r(null)));
  quietly(() => docker('rm', '-f', CONTAINER, `${TAG}-stack`, UNTAGGED));
  quietly(() => docker('volume', 'rm', VOLUME));
  quietly(() => docker('network', 'rm', NETWORK));
  quietly(() => docker('rmi', image));
}, 60_000);

describe('tables at 960×600', () => {
  it('containers: long names cut short with a tooltip, the buttons in view, the tag in the image column', async () => {
    await show('Containers', `[data-testid="container-row"][data-name="${CONTAINER}"]`);
    expect(await layoutProblems([CONTAINER, HOST, PROJECT])).toEqual([]);

    const row = page.locator(`[data-testid="container-row"][data-name="${CONTAINER}"]`);
    const tag = row.getByTestId('image-tag');
    expect(await tag.innerText()).toBe(`:${TAG}`);
    // In view, not clipped: the point at its middle is the tag itself.
    expect(await tag.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + r.width - 2, r.top + r.height / 2);
      return el.scrollWidth <= el.clientWidth + 1 && !!hit && el.contains(hit);
    })).toBe(true);
    expect(await row.locator('.cell-image').getAttribute('title')).toBe(image);

    // Listed by the engine as sha256:…, shown by the name it was created from.
    const untagged = page.locator(`[data-testid="container-row"][data-name="${UNTAGGED}"] .cell-image`);
    await revealRow(page, untagged);
    await pwExpect(untagged).toHaveText(new RegExp(`${TAG}-gone$`));
    expect(await untagged.innerText()).not.toMatch(/sha256/);
  });

  it('images: every tag of an image is shown', async () => {
    await show('Images', `[data-testid="image-row"][data-tags~="${image}"]`);
    const row = page.locator(`[data-testid="image-row"][data-tags~="${image}"]`);
    const tags = JSON.parse(docker('image', 'inspect', '--format', '{{json .RepoTags}}', image)) as string[];
    expect(tags.length).toBeGreaterThan(3);
    const shown = await row.getByTestId('image-tag').evaluateAll((els) =>
      els.map((el) => {
        const r = el.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        // The tag part is never cut short (the repository may be).
        const tag = el.querySelector('.image-tag') as HTMLElement | null;
        const tagWhole = !!tag && tag.scrollWidth <= tag.clientWidth + 1 && tag.getBoundingClientRect().right <= r.right + 0.5;
        return { text: el.textContent, visible: !!hit && el.contains(hit) && r.right <= window.innerWidth && tagWhole };
      }),
    );
    expect(shown.map((s) => s.text).sort()).toEqual([...tags].sort());
    expect(shown.filter((s) => !s.visible)).toEqual([]);
    expect(await layoutProblems([])).toEqual([]);
  });

  it('volumes and networks: long names cut short with a tooltip, the buttons in view', async () => {
    await show('Volumes', `[data-testid="volume-row"][data-name="${VOLUME}"]`);
    expect(await layoutProblems([VOLUME, HOST])).toEqual([]);
    await show('Networks', `[data-testid="network-row"][data-name="${NETWORK}"]`);
    expect(await layoutProblems([NETWORK, HOST])).toEqual([]);
  });

  it('stacks: a long project and service name cut short with a tooltip, the buttons in view', async () => {
    await show('Stacks', `[data-testid="stack-card"][data-project="${PROJECT}"]`);
    expect(await layoutProblems([PROJECT, SERVICE, HOST])).toEqual([]);
  });

  it('a container’s page: a long name cut short in its title, the tabs and buttons in view', async () => {
    await show('Containers', `[data-testid="container-row"][data-name="${CONTAINER}"]`);
    await page.getByRole('button', { name: `Open ${CONTAINER}`, exact: true }).click();
    await pwExpect(page.getByTestId('container-detail').getByRole('tab', { name: 'Logs' })).toBeVisible();
    expect(await layoutProblems([])).toEqual([]);
    await page.keyboard.press('Escape');
  });

  it('keys: a long comment cut short with a tooltip, the buttons in view', async () => {
    await page.getByRole('button', { name: 'Keys', exact: true }).click();
    await page.getByRole('button', { name: 'Generate ed25519 key' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Generate ed25519 key' });
    await dialog.getByLabel('Comment').fill(KEY);
    await dialog.getByRole('button', { name: 'Generate', exact: true }).click();
    const done = page.getByRole('dialog', { name: 'Key generated' });
    await pwExpect(done).toBeVisible({ timeout: 30_000 });
    await done.getByRole('button', { name: 'Done', exact: true }).click();
    await show('Keys', '[data-testid="key-row"]');
    expect(await layoutProblems([KEY])).toEqual([]);
  });

  it('hosts: a long host name cut short with a tooltip, the buttons in view', async () => {
    await show('Hosts', `[data-testid="host-row"][data-host="${HOST}"]`);
    expect(await layoutProblems([HOST])).toEqual([]);
  });

  it('monitors: headers over their columns, the newest beats in view, long names cut short', async () => {
    await show('Monitors', `[data-testid="monitor-row"][data-id="${MONITOR_ID}"]`);
    const row = page.locator(`[data-testid="monitor-row"][data-id="${MONITOR_ID}"]`);
    await pwExpect(row.locator('.status-bars > div').first()).toBeVisible({ timeout: 20_000 });
    // Our long-named container has no monitor: it is suggested, and its Add button stays in view.
    await pwExpect(page.locator('[data-testid="suggestion"]').filter({ hasText: CONTAINER.slice(0, 30) })).toBeVisible({ timeout: 20_000 });
    expect(await layoutProblems([MONITOR])).toEqual([]);

    // At this size and at a wide one: each header starts where its column starts, and the newest
    // bar (the last 20 minutes were down) is in view and not covered by anything.
    for (const size of [{ width: 960, height: 600 }, { width: 1440, height: 900 }]) {
      await page.setViewportSize(size);
      const columns = await page.locator('.monitor-table').evaluate((table) => {
        const heads = Array.from(table.querySelectorAll('thead th')).filter((e) => e.getBoundingClientRect().width > 0);
        const cells = Array.from(table.querySelectorAll('tbody tr:first-child td')).filter((e) => e.getBoundingClientRect().width > 0);
        return { heads: heads.map((h) => [h.textContent, Math.round(h.getBoundingClientRect().left)] as const), cells: cells.map((c) => Math.round(c.getBoundingClientRect().left)) };
      });
      expect(columns.heads.length, `${size.width}px`).toBe(columns.cells.length);
      expect(columns.heads.map(([name, left], i) => [name, Math.abs(left - columns.cells[i]!)]), `${size.width}px`).toEqual(columns.heads.map(([name]) => [name, 0]));

      const newest = await row.locator('.status-bars').evaluate((bars) => {
        const last = bars.lastElementChild as HTMLElement;
        const r = last.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return { covered: hit !== last, title: last.title, right: Math.round(r.right), cell: Math.round(bars.parentElement!.getBoundingClientRect().right) };
      });
      expect(newest.covered, `${size.width}px`).toBe(false);
      expect(newest.title).toMatch(/[1-9]\d* down/);
      expect(newest.right).toBeLessThanOrEqual(newest.cell);
    }
    await page.setViewportSize({ width: 960, height: 600 });
  });
});
