import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { expect as pwExpect } from './expect';

/** The lab's facts, written by `npm run lab` (scripts/lab.sh). */
export interface Lab {
  dir: string;
  engine2: { socket: string };
  ssh: { host: string; port: number; noForwardPort: number; hostKeyFingerprint: string };
  keys: { plain: string; passphrase: string; passphraseText: string };
  agentSock: string;
  /** A local image every engine of the lab has. */
  image: string;
  /** The lab registry, `127.0.0.1:5555`. */
  registry: string;
  compose: { project: string; services: string[] };
}

export function loadLab(): Lab {
  const file = process.env.HOMEPORT_LAB ?? '/var/tmp/homeport-lab/lab.json';
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Lab;
  } catch {
    throw new Error(`The test lab is not up (${file} missing): run \`npm run lab\` first.`);
  }
}

export interface Headless {
  loginUrl: string;
  origin: string;
  dataDir: string;
  home: string;
  /** The exit code (null when a signal killed it) once the server has exited. */
  exited: Promise<number | null>;
  /** What the server wrote to stderr so far (its log). */
  stderr(): string;
  /** Sends the server a signal (as a supervisor or Ctrl+C would). */
  kill(signal: NodeJS.Signals): void;
  stop(): Promise<void>;
}

/**
 * Starts the built headless server (`out/main/server.js`) on a free port with its own data folder
 * and HOME. `opts.dataDir`: a data folder prepared by the test (it is removed on stop like the default one).
 */
export async function startHeadless(env: Record<string, string> = {}, opts: { dataDir?: string; keepDataDir?: boolean } = {}): Promise<Headless> {
  const root = path.resolve(import.meta.dirname, '..');
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'homeport-e2e-data-'));
  const home = mkdtempSync(path.join(os.tmpdir(), 'homeport-e2e-home-'));
  const child: ChildProcess = spawn(process.execPath, [path.join(root, 'out/main/server.js'), '--port', '0', '--data-dir', dataDir], {
    cwd: root,
    env: { ...process.env, HOME: home, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const loginUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`headless server did not start:\n${stderr}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Homeport is running: (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on('exit', (code) => reject(new Error(`headless server exited with ${code}:\n${stderr}`)));
  });
  return {
    loginUrl,
    origin: new URL(loginUrl).origin,
    dataDir,
    home,
    exited,
    stderr: () => stderr,
    kill: (signal) => void child.kill(signal),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      if (!opts.keepDataDir) rmSync(dataDir, { recursive: true, force: true });
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** A pattern that matches `text` as it is (for toHaveText on part of an element's text). */
export const literally = (text: string): RegExp => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

/** Polls until `check` holds (a throw counts as not yet); the web-first matchers cover text, attributes and visibility. */
export async function until(what: string, check: () => Promise<boolean>, timeout = 20_000): Promise<void> {
  const end = Date.now() + timeout;
  while (!(await check().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Closes whatever dialogs are open (Escape, from the top one down), so a test starts on a window without them. */
export async function closeDialogs(page: Page): Promise<void> {
  for (let i = 0; i < 5 && (await page.getByRole('dialog').count()) > 0; i++) {
    // (A dialog that is closing by itself may be gone by now.)
    await page.getByRole('dialog').last().locator('button').first().focus({ timeout: 2_000 }).catch(() => undefined);
    await page.keyboard.press('Escape');
  }
}

/** The docker CLI against this machine's engine (the lab's first one): its output, trimmed; a failure throws. */
export const docker = (...args: string[]): string => execFileSync('docker', args, { encoding: 'utf8' }).trim();

/** Removes a volume the test made; nothing happens when it is already gone. */
export function removeVolume(name: string): void {
  try {
    docker('volume', 'rm', '-f', name);
  } catch {
    // not there
  }
}

/** A compose project deployed by hand, as a user (or Ansible) does, on the lab's main engine. */
export interface ComposeProject {
  /** The folder holding its docker-compose.yml. */
  dir: string;
  /** docker-compose with the project's name, in its folder. */
  compose(...args: string[]): void;
  /** Its containers' states, as `docker ps -a` lists them. */
  states(): string[];
  /** Down, then any container still labelled with the project, then the folder. */
  remove(): void;
}

/**
 * Writes `yaml` as docker-compose.yml in `folder` of a new temporary directory (`tmpPrefix`) and
 * runs `docker-compose -p <project> up -d` there.
 */
export function deployCompose(project: string, yaml: string, o: { tmpPrefix: string; folder: string }): ComposeProject {
  const root = mkdtempSync(o.tmpPrefix);
  const dir = path.join(root, o.folder);
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'docker-compose.yml'), yaml);
  const compose = (...args: string[]) =>
    void execFileSync('docker-compose', ['-p', project, ...args], { cwd: dir, env: { ...process.env, DOCKER_HOST: 'unix:///var/run/docker.sock' }, stdio: 'pipe' });
  const byLabel = (...format: string[]) =>
    execFileSync('docker', ['ps', '-a', ...format, '--filter', `label=com.docker.compose.project=${project}`], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
  const remove = () => {
    try {
      compose('down', '-t', '1');
    } catch {
      /* removed below by label */
    }
    const left = byLabel('-q');
    if (left.length) execFileSync('docker', ['rm', '-f', ...left]);
    rmSync(root, { recursive: true, force: true });
  };
  try {
    compose('up', '-d');
  } catch (e) {
    remove(); // a half-made project goes, as afterAll would remove a whole one
    throw e;
  }
  return { dir, compose, states: () => byLabel('--format', '{{.State}}'), remove };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** The app as a user opens it: the headless server, and a Chromium page that has not loaded it yet. */
export interface AppInBrowser {
  server: Headless;
  browser: Browser;
  page: Page;
}

/** startHeadless(`env`, `opts`), then Chromium and a page (`pageOptions`); what was started is stopped again if a later step fails. */
export async function openInBrowser(
  env: Record<string, string> = {},
  pageOptions?: Parameters<Browser['newPage']>[0],
  opts?: Parameters<typeof startHeadless>[1],
): Promise<AppInBrowser> {
  const server = await startHeadless(env, opts);
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    return { server, browser, page: await browser.newPage(pageOptions) };
  } catch (e) {
    await closeInBrowser({ browser, server });
    throw e;
  }
}

/** Closes the browser, then stops the server: each one that was started. */
export async function closeInBrowser(app: { browser?: Browser | undefined; server?: Headless | undefined }): Promise<void> {
  await app.browser?.close();
  await app.server?.stop();
}

/**
 * Adds the lab host through the UI (ssh-agent auth, the default) and trusts its host key after
 * checking that the fingerprint shown is the lab server's own. `socketPath`: another engine of the
 * lab than the default socket's.
 */
export async function addLabHostInUi(page: Page, lab: Lab, name = 'lab', socketPath?: string): Promise<void> {
  await page.getByRole('button', { name: 'Hosts', exact: true }).click();
  await page.getByRole('button', { name: 'Add host' }).first().click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name', { exact: true }).fill(name);
  await dialog.getByLabel('Address', { exact: true }).fill(`root@${lab.ssh.host}:${lab.ssh.port}`);
  if (socketPath) await dialog.getByLabel('Docker socket', { exact: true }).fill(socketPath);
  await pwExpect(dialog.getByLabel('Use ssh-agent')).toBeChecked();
  await dialog.getByRole('button', { name: 'Save' }).click();

  // Unknown host key: the connection waits until the user compares and accepts the fingerprint.
  const verify = page.getByRole('dialog', { name: 'Verify host key' });
  await pwExpect(verify).toBeVisible({ timeout: 20_000 });
  await pwExpect(verify.getByTestId('hostkey-fingerprint')).toHaveText(lab.ssh.hostKeyFingerprint);
  await verify.getByRole('button', { name: 'Trust and connect' }).click();
}

/**
 * The lab image pushed to the lab registry under a repository of this run's own
 * (`<registry>/<repo>:<tag>`, `repo` being `<namespace>/<name>`), and its local tag removed: a test
 * that pulls, tags or removes it never meets another run doing the same to the lab's shared
 * `lab/busybox` tags. `drop` removes the local tag and the registry's copy: its manifest through
 * the API, then the emptied repository's folder in the lab registry's storage (the API cannot
 * delete a repository, and an empty one would stay in the catalog).
 */
export async function registryCopy(lab: Lab, repo: string, tag: string): Promise<{ ref: string; drop(): Promise<void> }> {
  const ref = `${lab.registry}/${repo}:${tag}`;
  const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  let digest: string | null = null;
  const drop = async () => {
    try {
      docker('rmi', ref);
    } catch {
      // not there
    }
    if (digest) await fetch(`http://${lab.registry}/v2/${repo}/manifests/${digest}`, { method: 'DELETE' }).catch(() => {});
    rmSync(path.join(lab.dir, 'registry', 'data', 'docker', 'registry', 'v2', 'repositories', repo.split('/')[0]!), { recursive: true, force: true });
  };
  try {
    docker('tag', `${lab.image}:latest`, ref);
    docker('push', ref);
    digest = (JSON.parse(docker('image', 'inspect', '--format', '{{json .RepoDigests}}', ref)) as string[]).find((d) => d.startsWith(`${lab.registry}/${repo}@`))!.split('@')[1]!;
    docker('rmi', ref);
  } catch (e) {
    await drop();
    throw e;
  }
  return { ref, drop };
}

/**
 * The containers list draws the rows on screen and a few around them, not all: scrolls the view a
 * screen at a time (round again from the top) until `target` is drawn — waiting up to `timeout`
 * for it to appear at all, as for a container just created — then brings it into view. What the
 * test asserts about it comes after.
 */
export async function revealRow(page: Page, target: Locator, timeout = 30_000): Promise<void> {
  const end = Date.now() + timeout;
  while ((await target.count()) === 0 && Date.now() < end) {
    await page
      .locator('main .view-body')
      .evaluate((el) => {
        el.scrollTop = el.scrollTop + el.clientHeight >= el.scrollHeight - 1 ? 0 : el.scrollTop + el.clientHeight * 0.8;
      })
      .catch(() => undefined);
    await page.waitForTimeout(100); // the list draws what the scroll brought into view
  }
  if ((await target.count()) > 0) await target.first().scrollIntoViewIfNeeded();
}
