import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../services/test-support/wait';
import { BundleRun, ensureBuilt, OUT, ROOT } from './test-support/bundle-harness';
import type { MenuItemSeen } from './test-support/electron-stand-in';

// Electron cannot start on the machines the tests run on. This is the Electron shell's smoke
// test instead: the BUILT main bundle (out/main/index.js, as it ships) runs in plain Node with a
// recording stand-in for the `electron` module, and the real services behind it. It checks what
// the bundle asks Electron for — the window's webPreferences, the preload, the app:// protocol,
// navigation and IPC rules, the tray and the notifications — and acts as the user would (clicks
// the tray menu and a notification, presses keys, quits). It does not draw a window, a tray or a
// notification, and it cannot see Chromium enforce any of these settings.

const APP_URL = 'app://homeport/index.html';
const INVOKE = 'homeport:invoke';
const EVENT = 'homeport:event';

interface Fetched {
  status: number;
  headers: Record<string, string>;
  length: number;
  sha256: string;
  text: string | null;
}
interface Envelope {
  ok: boolean;
  value?: unknown;
  error?: { code: string; message: string };
}
interface Tray {
  image: string;
  tooltip: string;
  menu: MenuItemSeen[];
}
interface WindowState {
  url: string;
  visible: boolean;
  focused: boolean;
  sent: Array<{ channel: string; args: unknown[] }>;
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** The directives of a Content-Security-Policy, by name. */
function cspDirectives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!.toLowerCase(), values]),
  );
}

/** A connect-src that lets the page talk only to its own origin (no ws:/wss:/http(s): or * wildcards). */
function expectOwnOriginOnly(policy: string): void {
  const connect = cspDirectives(policy).get('connect-src') ?? cspDirectives(policy).get('default-src');
  expect(connect, policy).toBeDefined();
  for (const source of connect!) {
    expect(['ws:', 'wss:', 'http:', 'https:', '*', 'data:', 'blob:'], `connect-src ${source} in ${policy}`).not.toContain(source.toLowerCase());
    expect(source, policy).not.toMatch(/\*/);
  }
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as { port: number }).port;
  await new Promise((done) => server.close(done));
  return port;
}

beforeAll(() => ensureBuilt(), 300_000);

describe('the built Electron shell (development run)', () => {
  let app: BundleRun;

  beforeAll(async () => {
    app = BundleRun.start();
    await until('the window to load the UI', async () => (await app.callsOf('BrowserWindow.loadURL')).length > 0 || (await app.callsOf('BrowserWindow.loadFile')).length > 0, 60_000);
  }, 90_000);

  afterAll(async () => {
    await app?.dispose();
  });

  it('registers app:// as a privileged standard scheme before ready, handles it after, and loads the UI from it', async () => {
    const calls = await app.calls();
    const registered = calls.find((c) => c.api === 'protocol.registerSchemesAsPrivileged');
    expect(registered, 'protocol.registerSchemesAsPrivileged was never called').toBeDefined();
    expect(registered!.beforeReady).toBe(true);
    const schemes = registered!.args[0] as Array<{ scheme: string; privileges: Record<string, boolean> }>;
    const appScheme = schemes.find((s) => s.scheme === 'app');
    expect(appScheme?.privileges).toMatchObject({ standard: true, secure: true });
    // Never privileges that would weaken the page's own rules or open it to other origins.
    expect(appScheme?.privileges.bypassCSP).not.toBe(true);
    expect(appScheme?.privileges.corsEnabled).not.toBe(true);

    const handled = calls.filter((c) => c.api === 'protocol.handle');
    expect(handled.map((c) => [c.args[0], c.beforeReady])).toEqual([['app', false]]);

    expect(calls.filter((c) => c.api === 'BrowserWindow.loadFile')).toEqual([]);
    expect(calls.filter((c) => c.api === 'BrowserWindow.loadURL').map((c) => c.args[0])).toEqual([APP_URL]);
    expect((await app.send<WindowState>({ cmd: 'window' })).url).toBe(APP_URL);
  });

  it('opens a sandboxed, context-isolated window without Node, with a CommonJS preload that exists', async () => {
    const [created] = await app.callsOf('new BrowserWindow');
    const prefs = (created!.args[0] as { webPreferences: Record<string, unknown> }).webPreferences;
    expect(prefs).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
    });
    // Left at their safe defaults (or set to them).
    expect(prefs.webSecurity ?? true).toBe(true);
    expect(prefs.allowRunningInsecureContent ?? false).toBe(false);
    expect(prefs.experimentalFeatures ?? false).toBe(false);
    expect(prefs.enableBlinkFeatures ?? '').toBe('');
    // A development run keeps DevTools.
    expect(prefs.devTools ?? true).toBe(true);
    expect((await app.callsOf('app.enableSandbox')).length).toBe(1);

    const preload = prefs.preload as string;
    expect(preload).toBe(join(OUT, 'preload/index.cjs'));
    expect(existsSync(preload)).toBe(true);
    // CommonJS: it compiles as a classic script (an ES module would not) and, run the way a
    // sandboxed preload runs, requires only `electron` and exposes one object, window.homeport.
    const required: string[] = [];
    const exposed: Record<string, unknown> = {};
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
      ipcRenderer: { invoke: () => Promise.resolve(null), on: () => undefined },
    };
    const script = new vm.Script(readFileSync(preload, 'utf8'), { filename: preload });
    const module = { exports: {} };
    const context = vm.createContext({
      require: (id: string) => {
        required.push(id);
        if (id !== 'electron') throw new Error(`a sandboxed preload cannot require ${id}`);
        return electron;
      },
      module,
      exports: module.exports,
      console,
    });
    script.runInContext(context);
    expect([...new Set(required)]).toEqual(['electron']);
    expect(Object.keys(exposed)).toEqual(['homeport']);
    expect(Object.keys(exposed.homeport as object).sort()).toEqual(['invoke', 'subscribe']);
  });

  it('app:// serves the built renderer with the right types and a CSP without connection wildcards', async () => {
    const index = await app.send<Fetched>({ cmd: 'request', url: APP_URL });
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    expect(index.sha256).toBe(sha256(join(OUT, 'renderer/index.html')));
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect(index.headers['content-security-policy']).toBeDefined();
    expectOwnOriginOnly(index.headers['content-security-policy']!);
    expect(cspDirectives(index.headers['content-security-policy']!).get('script-src')).toEqual(["'self'"]);
    // The page's own meta tag, which applies as well, says the same.
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(index.text ?? '');
    expect(meta, 'the built index.html has a CSP meta tag').not.toBeNull();
    expectOwnOriginOnly(meta![1]!);

    // Every asset the page loads, with the type a module script and a stylesheet need.
    const assets = readdirSync(join(OUT, 'renderer/assets'));
    const js = assets.find((f) => f.endsWith('.js'))!;
    const css = assets.find((f) => f.endsWith('.css'))!;
    for (const [file, type] of [
      [js, /^text\/javascript/],
      [css, /^text\/css/],
    ] as const) {
      const r = await app.send<Fetched>({ cmd: 'request', url: `app://homeport/assets/${file}` });
      expect(r.status, file).toBe(200);
      expect(r.headers['content-type'], file).toMatch(type);
      expect(r.sha256, file).toBe(sha256(join(OUT, 'renderer/assets', file)));
    }
    // The root serves the page too.
    expect((await app.send<Fetched>({ cmd: 'request', url: 'app://homeport/' })).sha256).toBe(index.sha256);
  });

  it('app:// serves nothing outside the built renderer, and nothing for another host', async () => {
    const packageJson = readFileSync(join(ROOT, 'package.json'), 'utf8');
    const refused = [
      'app://homeport/../package.json',
      'app://homeport/../../package.json',
      'app://homeport/..%2f..%2fpackage.json',
      'app://homeport/%2e%2e/%2e%2e/package.json',
      'app://homeport/assets/..%2f..%2f..%2fpackage.json',
      'app://homeport/assets/..%5c..%5c..%5cpackage.json',
      'app://homeport/%2fetc%2fpasswd',
      'app://homeport//etc/passwd',
      'app://homeport/assets/',
      'app://homeport/no-such-file.js',
      'app://homeport/index.html%00.js',
      'app://elsewhere/index.html',
      'app://user@homeport/index.html',
    ];
    for (const url of refused) {
      const r = await app.send<Fetched>({ cmd: 'request', url });
      expect(r.status, url).toBeGreaterThanOrEqual(400);
      expect(r.text ?? '', url).not.toContain(packageJson.slice(0, 40));
      expect(r.text ?? '', url).not.toMatch(/root:x:0:0/);
    }
    const post = await app.send<Fetched>({ cmd: 'request', url: APP_URL, method: 'POST' });
    expect(post.status).toBe(405);
  });

  it('denies navigation away from the app and new windows; an http(s) link opens in the browser', async () => {
    for (const event of ['will-navigate', 'will-redirect'] as const) {
      for (const url of ['https://example.com/', 'file:///etc/passwd', `file://${join(OUT, 'renderer/index.html')}`, 'app://elsewhere/index.html', 'http://localhost:5173/']) {
        expect(await app.send({ cmd: 'navigate', event, url }), `${event} ${url}`).toEqual({ prevented: true });
      }
      expect(await app.send({ cmd: 'navigate', event, url: `${APP_URL}#/monitors` })).toEqual({ prevented: false });
    }
    expect(await app.send({ cmd: 'navigate', event: 'will-frame-navigate', url: 'https://example.com/', isMainFrame: false })).toEqual({ prevented: true });

    expect(await app.send({ cmd: 'open-window', url: 'https://github.com/louislam/uptime-kuma' })).toEqual({ action: 'deny', openedExternally: ['https://github.com/louislam/uptime-kuma'] });
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://nas/share', APP_URL]) {
      expect(await app.send({ cmd: 'open-window', url }), url).toEqual({ action: 'deny', openedExternally: [] });
    }
  });

  it('answers IPC only from the main frame of its own window showing the app', async () => {
    const call = (from: 'main-frame' | 'subframe' | 'unknown-window' | 'foreign-page') => app.send<Envelope>({ cmd: 'invoke', channel: INVOKE, method: 'hosts.list', from });
    expect(await call('main-frame')).toEqual({ ok: true, value: [] });
    for (const from of ['subframe', 'unknown-window', 'foreign-page'] as const) {
      const r = await call(from);
      expect(r.ok, from).toBe(false);
      expect(r.error?.code, from).toBe('FORBIDDEN');
    }
    // Only writing to the clipboard is granted to the page; everything else is denied.
    expect(await app.send({ cmd: 'permission', permission: 'clipboard-sanitized-write' })).toEqual({ granted: true });
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read']) {
      expect(await app.send({ cmd: 'permission', permission }), permission).toEqual({ granted: false });
    }
  });

  it('a monitor goes down: the tray turns red and lists it; the notification, when clicked, opens it in the window', async () => {
    const name = `bundle-smoke-${process.pid}`;
    const added = await app.send<Envelope>({
      cmd: 'invoke',
      channel: INVOKE,
      method: 'monitors.add',
      input: { type: 'tcp', name, host: '127.0.0.1', port: await closedPort(), intervalSec: 20, retries: 0 },
      from: 'main-frame',
    });
    expect(added.ok, JSON.stringify(added.error)).toBe(true);
    const id = (added.value as { id: string }).id;

    const tray = await until(
      'the tray to show the monitor down',
      async () => {
        const t = await app.send<Tray | null>({ cmd: 'tray' });
        return t && t.image.endsWith('tray-down.png') && t.menu.some((i) => i.label?.startsWith(name)) ? t : null;
      },
      60_000,
      250,
    );
    expect(tray.image).toBe(join(ROOT, 'build/tray-down.png'));
    expect(tray.tooltip).toContain(name);
    // What the user sees in the menu: a summary, the monitor with its actions, then the app's own items.
    const labels = tray.menu.map((i) => (i.type === 'separator' ? '---' : i.label));
    expect(labels[0]).toMatch(/down/i);
    expect(labels.slice(1)).toEqual(['---', expect.stringMatching(new RegExp(`^${name}`)), '---', 'Open Homeport', 'Mute all for 1 hour', '---', 'Quit Homeport']);
    expect(tray.menu[0]!.enabled).toBe(false);
    const entry = tray.menu.find((i) => i.label?.startsWith(name))!;
    expect(entry.submenu!.map((i) => i.label)).toEqual([`Open ${name}`, 'Mute for 1 hour', 'Mute until tomorrow']);

    // The menu's "Open <monitor>" shows the window on that monitor.
    await app.send({ cmd: 'tray-click', path: [entry.label!, `Open ${name}`] });
    await until('the window to be told to open the monitor', async () => {
      const w = await app.send<WindowState>({ cmd: 'window' });
      return w.sent.some((s) => s.channel === EVENT && s.args[0] === 'app.navigate' && (s.args[1] as { monitorId: string | null }).monitorId === id);
    });

    // The alert arrives as a native notification; clicking it opens that monitor.
    const notes = await until(
      'a notification about the monitor',
      async () => {
        const n = await app.send<Array<{ title: string; body: string; shown: boolean }>>({ cmd: 'notifications' });
        return n.some((x) => x.shown && `${x.title} ${x.body}`.includes(name)) ? n : null;
      },
      90_000,
      250,
    );
    const index = notes.findIndex((x) => x.shown && `${x.title} ${x.body}`.includes(name));
    const before = (await app.send<WindowState>({ cmd: 'window' })).sent.length;
    await app.send({ cmd: 'notification-click', index });
    const after = await until('the click to navigate the window', async () => {
      const w = await app.send<WindowState>({ cmd: 'window' });
      return w.sent.length > before ? w : null;
    });
    expect(after.sent.slice(before)).toContainEqual({ channel: EVENT, args: ['app.navigate', { view: 'monitors', monitorId: id }] });
    expect(after.visible && after.focused).toBe(true);
  }, 180_000);

  it('quits cleanly: the services stop and the process ends', async () => {
    const code = await app.quit();
    expect(code, app.output).toBe(0);
    // Nothing went wrong on the way (start-up, services, stopping).
    expect(app.output.split('\n').filter((l) => l.includes('"level":"error"'))).toEqual([]);
  }, 30_000);
});

describe('the built Electron shell (packaged run)', () => {
  let app: BundleRun;
  let resources: string;

  beforeAll(async () => {
    // A packaged app reads its tray icons from resources/icons (electron-builder's extraResources).
    resources = mkdtempSync(join(tmpdir(), 'homeport-resources-'));
    mkdirSync(join(resources, 'icons'), { recursive: true });
    for (const f of readdirSync(join(ROOT, 'build')).filter((f) => f.endsWith('.png'))) copyFileSync(join(ROOT, 'build', f), join(resources, 'icons', f));
    // Set by anyone, it must not point the packaged app's trusted window elsewhere.
    app = BundleRun.start({ packaged: true, resourcesDir: resources, env: { ELECTRON_RENDERER_URL: 'http://127.0.0.1:5173/' } });
    await until('the window to load the UI', async () => (await app.callsOf('BrowserWindow.loadURL')).length > 0 || (await app.callsOf('BrowserWindow.loadFile')).length > 0, 60_000);
  }, 90_000);

  afterAll(async () => {
    await app?.dispose();
    if (resources) rmSync(resources, { recursive: true, force: true });
  });

  it('loads the built UI from app://, whatever ELECTRON_RENDERER_URL says', async () => {
    expect((await app.callsOf('BrowserWindow.loadURL')).map((c) => c.args[0])).toEqual([APP_URL]);
    expect(await app.callsOf('BrowserWindow.loadFile')).toEqual([]);
  });

  it('has no DevTools: turned off in the window and their shortcuts swallowed', async () => {
    const [created] = await app.callsOf('new BrowserWindow');
    expect((created!.args[0] as { webPreferences: Record<string, unknown> }).webPreferences.devTools).toBe(false);
    for (const input of [
      { key: 'F12' },
      { key: 'I', control: true, shift: true },
      { key: 'i', control: true, shift: true },
      { key: 'J', control: true, shift: true },
      { key: 'i', meta: true, alt: true },
      { key: 'j', meta: true, alt: true },
    ]) {
      expect(await app.send({ cmd: 'key', input }), JSON.stringify(input)).toEqual({ prevented: true });
    }
    // Ordinary typing and copying are left alone (Ctrl+Shift+C copies in the terminal).
    for (const input of [{ key: 'i' }, { key: 'c', control: true }, { key: 'C', control: true, shift: true }, { key: 'I', shift: true }, { key: 'F5' }]) {
      expect(await app.send({ cmd: 'key', input }), JSON.stringify(input)).toEqual({ prevented: false });
    }
  });

  it('finds its tray icons in the packaged resources', async () => {
    const tray = await until('the tray', () => app.send<Tray | null>({ cmd: 'tray' }), 30_000);
    expect(dirname(tray.image)).toBe(join(resources, 'icons'));
  });
});
