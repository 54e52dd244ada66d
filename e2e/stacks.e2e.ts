import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { expect as pwExpect } from './expect';
import { addLabHostInUi, closeInBrowser, deployCompose, loadLab, openInBrowser, type ComposeProject, type Headless, type Lab } from './harness';

// Stacks end to end: our own compose project, deployed by hand with docker-compose on the lab
// host, is found in the UI, brought down (after confirming) and up again with the output streamed,
// and an invalid edit of its compose file is refused with compose's error and the file unchanged.
// The lab's own projects are only looked at. The project is named with our pid: runs at the same
// time do not meet.
const PROJECT = `hp-stacks-e2e-${process.pid}`;
const COMPOSE = `# Photo gallery — deployed by Ansible
version: "2.4"
services:
  web:
    image: 127.0.0.1:5555/lab/busybox:1.0
    network_mode: none
    stop_signal: SIGKILL
    command: ["sleep", "86400"]
  worker:
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

beforeAll(async () => {
  lab = loadLab();
  project = deployCompose(PROJECT, COMPOSE, { tmpPrefix: '/var/tmp/hp-stacks-e2e-', folder: 'gallery' });
  ({ server, browser, page } = await openInBrowser({ SSH_AUTH_SOCK: lab.agentSock }, { viewport: { width: 1360, height: 900 } }));
}, 120_000);

afterAll(async () => {
  await closeInBrowser({ browser, server });
  project?.remove();
}, 120_000);

describe('stacks', () => {
  it('brings a stack down and up, and refuses an invalid compose file leaving it unchanged', async () => {
    await page.goto(server.loginUrl);
    await addLabHostInUi(page, lab);
    await page.getByRole('button', { name: 'Stacks', exact: true }).click();

    const host = page.locator('[data-testid="host-section"][data-host="lab"]');
    const card = host.locator(`[data-testid="stack-card"][data-project="${PROJECT}"]`);
    await pwExpect(card).toBeVisible({ timeout: 30_000 });
    await pwExpect(card.getByTestId('stack-status')).toHaveText('Running 2/2');
    // The lab's projects, deployed by hand too, are full stacks as well.
    await pwExpect(host.locator('[data-testid="stack-card"][data-project="labweb"]')).toBeVisible();

    // Down asks first.
    await card.getByRole('button', { name: `Down ${PROJECT}` }).click();
    const confirm = page.getByRole('dialog', { name: `Bring ${PROJECT} down?` });
    await pwExpect(confirm).toBeVisible();
    await confirm.getByRole('button', { name: 'Bring down' }).click();
    const output = card.getByTestId('stack-output');
    await pwExpect(output).toBeVisible();
    await pwExpect(output).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
    await pwExpect(output.getByLabel('Command output')).toHaveText(new RegExp(`Removing ${PROJECT}_web_1`));
    await pwExpect(card).toHaveAttribute('data-status', 'stopped', { timeout: 20_000 });
    await pwExpect(card.getByTestId('stack-status')).toHaveText('Down — no containers');
    expect(states()).toEqual([]);

    // Up brings it back.
    await card.getByRole('button', { name: `Up ${PROJECT}` }).click();
    await pwExpect(output).toHaveAttribute('data-state', 'running');
    await pwExpect(output).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
    await pwExpect(output.getByLabel('Command output')).toHaveText(new RegExp(`Creating ${PROJECT}_web_1`));
    await pwExpect(card).toHaveAttribute('data-status', 'running', { timeout: 20_000 });
    await pwExpect(card.getByTestId('stack-status')).toHaveText('Running 2/2');
    expect(states()).toEqual(['running', 'running']);
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: '.cache/screenshots/stacks.png', fullPage: true });

    // An invalid edit: compose's error is shown, the file and the containers stay as they were.
    await card.getByRole('button', { name: `Compose file of ${PROJECT}` }).click();
    const editor = page.getByRole('dialog', { name: `Compose file — ${PROJECT}` });
    const text = editor.getByLabel('Compose file', { exact: true });
    await pwExpect(text).toBeVisible({ timeout: 20_000 });
    expect(await text.inputValue()).toBe(COMPOSE);
    await text.fill(COMPOSE.replace('    command: ["sleep", "86400"]\n  worker:', '    command: ["sleep", "86400"]\n    restart_policy: always\n  worker:'));
    await editor.getByRole('button', { name: 'Save & redeploy' }).click();
    const error = editor.getByRole('alert');
    await pwExpect(error).toHaveText(/nothing was changed/, { timeout: 30_000 });
    await pwExpect(error).toHaveText(/restart_policy/);
    await page.screenshot({ path: '.cache/screenshots/stacks-invalid-file.png', fullPage: true });
    expect(readFileSync(path.join(project!.dir, 'docker-compose.yml'), 'utf8')).toBe(COMPOSE);
    await editor.getByRole('button', { name: 'Cancel' }).click();
    await pwExpect(editor).toBeHidden();
    expect(states()).toEqual(['running', 'running']);
  }, 300_000);

  it('puts the previous file back and redeploys it when a file compose accepts fails at up, and says so', async () => {
    const host = page.locator('[data-testid="host-section"][data-host="lab"]');
    const card = host.locator(`[data-testid="stack-card"][data-project="${PROJECT}"]`);
    await card.getByRole('button', { name: `Compose file of ${PROJECT}` }).click();
    const editor = page.getByRole('dialog', { name: `Compose file — ${PROJECT}` });
    const text = editor.getByLabel('Compose file', { exact: true });
    await pwExpect(text).toBeVisible({ timeout: 20_000 });
    // `config -q` accepts it; the engine refuses the restart policy when compose creates the container.
    const broken = COMPOSE.replace('    command: ["sleep", "86400"]\n  worker:', '    restart: sometimes\n    command: ["sleep", "86400"]\n  worker:');
    await text.fill(broken);
    await editor.getByRole('button', { name: 'Save & redeploy' }).click();
    await pwExpect(editor).toBeHidden({ timeout: 30_000 });

    const output = card.getByTestId('stack-output');
    await pwExpect(output).toHaveAttribute('data-state', 'failed', { timeout: 120_000 });
    await pwExpect(output.getByRole('status')).toHaveText('Failed — the previous file is deployed again');
    await pwExpect(output.getByLabel('Command output')).toHaveText(/invalid restart policy[\s\S]*Putting the previous file back and redeploying it[\s\S]*Running again with the previous file: web, worker\./);
    await pwExpect(output.getByRole('alert')).toHaveText(/The new file failed: .*invalid restart policy.*; the previous file was put back and redeployed\./);
    await pwExpect(output.getByRole('alert')).toHaveText(/kept as docker-compose\.yml\.homeport-prev/);
    // Rolling back now would re-apply the file that failed: not offered.
    await pwExpect(output.getByRole('button', { name: 'Roll back file' })).toBeHidden();
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: '.cache/screenshots/stacks-redeploy-reverted.png', fullPage: true });

    expect(readFileSync(path.join(project!.dir, 'docker-compose.yml'), 'utf8')).toBe(COMPOSE);
    expect(readFileSync(path.join(project!.dir, 'docker-compose.yml.homeport-prev'), 'utf8')).toBe(broken);
    const names = execFileSync('docker', ['ps', '-a', '--filter', `label=com.docker.compose.project=${PROJECT}`, '--format', '{{.Names}} {{.State}}'], { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
    expect(names).toEqual([`${PROJECT}_web_1 running`, `${PROJECT}_worker_1 running`]);
    await pwExpect(card.getByTestId('stack-status')).toHaveText('Running 2/2', { timeout: 20_000 });
  }, 300_000);
});
