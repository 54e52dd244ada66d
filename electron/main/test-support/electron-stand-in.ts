/**
 * A stand-in for the `electron` module, for the smoke test of the BUILT main bundle
 * (electron/main/bundle.test.ts). Electron cannot start on the machines the tests run on, so
 * `out/main/index.js` runs in plain Node with this module resolved in place of `electron`
 * (use-electron-stand-in.ts). It records what the bundle asks Electron for, and lets the test act
 * as Electron and as the user would: load a URL through the registered protocol handler, try to
 * navigate away, open a window, call over IPC from various frames, click the tray menu or a
 * notification, press a key, quit.
 *
 * It is a stand-in for Electron's API only. Everything behind it is real: the services, their
 * SQLite history, the monitors' checks against real sockets. It runs under Node's own type
 * stripping, so it uses only erasable TypeScript and imports only Node's built-ins.
 *
 * The test drives it over the child-process IPC channel (`process.send`): it sends
 * `{ id, cmd, ... }` and gets `{ id, ok, value | error }` back.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

// ---------------------------------------------------------------------------------------------
// What the bundle asked for, in order, as plain data (functions become "[function]").

export interface RecordedCall {
  api: string;
  args: unknown[];
  /** Called before the app's 'ready' (some APIs are only valid before, others only after). */
  beforeReady: boolean;
}

const calls: RecordedCall[] = [];
let ready = false;

function plain(value: unknown): unknown {
  const seen = new WeakSet<object>();
  const json = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'function') return '[function]';
    if (v instanceof Menu) return describeMenu(v);
    if (v instanceof NativeImage) return { image: v.path };
    if (v && typeof v === 'object') {
      if (seen.has(v)) return '[circular]';
      seen.add(v);
    }
    return v;
  });
  return json === undefined ? null : JSON.parse(json);
}

function record(api: string, ...args: unknown[]): void {
  calls.push({ api, args: args.map(plain), beforeReady: !ready });
}

// ---------------------------------------------------------------------------------------------
// The environment the test sets for the child.

const packaged = process.env.STAND_IN_PACKAGED === '1';
const userData = process.env.STAND_IN_USER_DATA;
if (!userData) throw new Error('the electron stand-in needs STAND_IN_USER_DATA (a temporary folder)');
// Like Electron: the app's folder is the one with package.json; the bundle is out/main/index.js.
const appPath = resolve(dirname(process.argv[1] ?? '.'), '..', '..');
if (packaged) {
  // Electron sets this in packaged apps (resources/ next to app.asar).
  Object.defineProperty(process, 'resourcesPath', { value: process.env.STAND_IN_RESOURCES ?? join(appPath, 'resources'), configurable: true });
}

// ---------------------------------------------------------------------------------------------
// app

interface QuitEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
}

function quitEvent(): QuitEvent {
  return {
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

class App extends EventEmitter {
  readonly isPackaged = packaged;
  enableSandbox(): void {
    record('app.enableSandbox');
  }
  requestSingleInstanceLock(): boolean {
    record('app.requestSingleInstanceLock');
    return true;
  }
  setAppUserModelId(id: string): void {
    record('app.setAppUserModelId', id);
  }
  getPath(name: string): string {
    return name === 'userData' ? userData! : join(userData!, '..', name);
  }
  getVersion(): string {
    return (JSON.parse(readFileSync(join(appPath, 'package.json'), 'utf8')) as { version: string }).version;
  }
  getAppPath(): string {
    return appPath;
  }
  isReady(): boolean {
    return ready;
  }
  whenReady(): Promise<void> {
    return readyPromise;
  }
  /** Like Electron: 'before-quit' may be prevented; otherwise the process ends. */
  quit(): void {
    record('app.quit');
    const event = quitEvent();
    this.emit('before-quit', event);
    if (event.defaultPrevented) return;
    this.emit('will-quit', quitEvent());
    this.emit('quit', quitEvent(), 0);
    setImmediate(() => process.exit(0));
  }
  exit(code = 0): void {
    record('app.exit', code);
    process.exit(code);
  }
}

export const app = new App();

// 'ready' comes after the main script has been evaluated, as in Electron.
const readyPromise = new Promise<void>((done) =>
  setImmediate(() => {
    ready = true;
    app.emit('ready');
    done();
  }),
);

// ---------------------------------------------------------------------------------------------
// protocol (the default session's)

type ProtocolHandler = (request: Request) => Response | Promise<Response>;
const protocolHandlers = new Map<string, ProtocolHandler>();

export const protocol = {
  registerSchemesAsPrivileged(schemes: unknown[]): void {
    if (ready) throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
    record('protocol.registerSchemesAsPrivileged', schemes);
  },
  handle(scheme: string, handler: ProtocolHandler): void {
    if (!ready) throw new Error('protocol.handle cannot be used before the app is ready');
    if (protocolHandlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
    protocolHandlers.set(scheme, handler);
    record('protocol.handle', scheme);
  },
  unhandle(scheme: string): void {
    protocolHandlers.delete(scheme);
    record('protocol.unhandle', scheme);
  },
  isProtocolHandled(scheme: string): boolean {
    return protocolHandlers.has(scheme);
  },
};

interface FetchedResponse {
  status: number;
  headers: Record<string, string>;
  length: number;
  sha256: string;
  /** The body, for text responses. */
  text: string | null;
}

/**
 * A request through the registered handler, as the window would make it. `url` is handed over
 * as given (not normalised), so the test can also send what a hostile page might.
 */
async function fetchThroughProtocol(url: string, method = 'GET'): Promise<FetchedResponse | { unhandled: string }> {
  const scheme = url.slice(0, Math.max(0, url.indexOf(':')));
  const handler = protocolHandlers.get(scheme);
  if (!handler) return { unhandled: scheme };
  const request = new Request(`${scheme}://stand-in/`, { method });
  Object.defineProperty(request, 'url', { value: url });
  const response = await handler(request);
  const body = Buffer.from(await response.arrayBuffer());
  const headers = Object.fromEntries(response.headers.entries());
  const type = headers['content-type'] ?? '';
  return {
    status: response.status,
    headers,
    length: body.length,
    sha256: createHash('sha256').update(body).digest('hex'),
    text: /^text\/(html|plain)/.test(type) ? body.toString('utf8') : null,
  };
}

// ---------------------------------------------------------------------------------------------
// webContents, BrowserWindow

interface FrameStandIn {
  processId: number;
  frameToken: string;
  url: string;
  parent: FrameStandIn | null;
  detached: boolean;
}

interface NavigationEvent {
  url: string;
  isMainFrame: boolean;
  defaultPrevented: boolean;
  preventDefault(): void;
}

let nextContentsId = 1;

class WebContents extends EventEmitter {
  readonly id = nextContentsId++;
  readonly webPreferences: Record<string, unknown>;
  readonly mainFrame: FrameStandIn;
  url = '';
  destroyed = false;
  devToolsOpened = false;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];

  constructor(webPreferences: Record<string, unknown>) {
    super();
    this.webPreferences = webPreferences;
    this.mainFrame = { processId: 1000 + this.id, frameToken: `main-frame-${this.id}`, url: '', parent: null, detached: false };
  }
  /** What a page load does: the contents and its main frame now show `url`. */
  showing(url: string): void {
    this.url = url;
    this.mainFrame.url = url;
  }
  getURL(): string {
    return this.url;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    record('webContents.setWindowOpenHandler');
    this.windowOpenHandler = handler;
  }
  send(channel: string, ...args: unknown[]): void {
    record('webContents.send', channel, ...args);
    this.sent.push({ channel, args: args.map(plain) });
  }
  openDevTools(): void {
    record('webContents.openDevTools');
    // Electron ignores it when webPreferences.devTools is false.
    if (this.webPreferences.devTools === false) return;
    this.devToolsOpened = true;
    this.emit('devtools-opened');
  }
  closeDevTools(): void {
    record('webContents.closeDevTools');
    if (!this.devToolsOpened) return;
    this.devToolsOpened = false;
    this.emit('devtools-closed');
  }
  isDevToolsOpened(): boolean {
    return this.devToolsOpened;
  }
  toggleDevTools(): void {
    if (this.devToolsOpened) this.closeDevTools();
    else this.openDevTools();
  }
}

const windows: BrowserWindow[] = [];

export class BrowserWindow extends EventEmitter {
  static getAllWindows(): BrowserWindow[] {
    return windows.filter((w) => !w.destroyed);
  }
  static getFocusedWindow(): BrowserWindow | null {
    return BrowserWindow.getAllWindows().find((w) => w.focused) ?? null;
  }

  readonly webContents: WebContents;
  readonly options: Record<string, unknown>;
  destroyed = false;
  visible = false;
  focused = false;

  constructor(options: Record<string, unknown> = {}) {
    super();
    record('new BrowserWindow', options);
    this.options = options;
    this.webContents = new WebContents((options.webPreferences ?? {}) as Record<string, unknown>);
    windows.push(this);
    app.emit('web-contents-created', { preventDefault() {} }, this.webContents);
    app.emit('browser-window-created', { preventDefault() {} }, this);
  }

  /** Loads through the registered protocol handler, or from disk; fails like Electron when it cannot. */
  async loadURL(url: string): Promise<void> {
    record('BrowserWindow.loadURL', url);
    const scheme = url.slice(0, url.indexOf(':'));
    if (scheme === 'file') {
      const path = decodeURIComponent(new URL(url).pathname);
      if (!existsSync(path)) throw new Error(`ERR_FILE_NOT_FOUND (-6) loading '${url}'`);
    } else if (scheme !== 'http' && scheme !== 'https') {
      const r = await fetchThroughProtocol(url);
      if ('unhandled' in r) throw new Error(`ERR_UNKNOWN_URL_SCHEME (-302) loading '${url}'`);
      if (r.status !== 200) throw new Error(`ERR_HTTP_RESPONSE_CODE_FAILURE (-379) loading '${url}' (status ${r.status})`);
    }
    this.webContents.showing(url);
    this.webContents.emit('did-navigate', { preventDefault() {} }, url);
    setImmediate(() => this.emit('ready-to-show'));
  }
  loadFile(file: string): Promise<void> {
    record('BrowserWindow.loadFile', file);
    return this.loadURL(pathToFileURL(file).href);
  }
  show(): void {
    record('BrowserWindow.show');
    this.visible = true;
    this.focused = true;
  }
  focus(): void {
    record('BrowserWindow.focus');
    this.focused = true;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isMinimized(): boolean {
    return false;
  }
  restore(): void {
    record('BrowserWindow.restore');
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  close(): void {
    this.destroy();
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.webContents.emit('destroyed');
    this.emit('closed');
    if (BrowserWindow.getAllWindows().length === 0) app.emit('window-all-closed');
  }
  removeMenu(): void {
    record('BrowserWindow.removeMenu');
  }
  setMenu(menu: unknown): void {
    record('BrowserWindow.setMenu', menu);
  }
}

// ---------------------------------------------------------------------------------------------
// ipcMain

type InvokeHandler = (event: unknown, ...args: unknown[]) => unknown;
const invokeHandlers = new Map<string, InvokeHandler>();

class IpcMain extends EventEmitter {
  handle(channel: string, handler: InvokeHandler): void {
    if (invokeHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    record('ipcMain.handle', channel);
    invokeHandlers.set(channel, handler);
  }
  removeHandler(channel: string): void {
    record('ipcMain.removeHandler', channel);
    invokeHandlers.delete(channel);
  }
}

export const ipcMain = new IpcMain();

// ---------------------------------------------------------------------------------------------
// Menu, Tray, nativeImage, Notification

interface MenuItemTemplate {
  label?: string;
  type?: string;
  role?: string;
  enabled?: boolean;
  accelerator?: string;
  click?: () => void;
  submenu?: MenuItemTemplate[] | Menu;
}

export interface MenuItemSeen {
  label: string | null;
  type: string;
  enabled: boolean;
  role?: string;
  accelerator?: string;
  submenu?: MenuItemSeen[];
}

export class Menu {
  static applicationMenu: Menu | null | undefined = undefined;
  readonly items: MenuItemTemplate[];
  constructor(items: MenuItemTemplate[] = []) {
    this.items = items;
  }
  static buildFromTemplate(template: MenuItemTemplate[]): Menu {
    return new Menu(template);
  }
  static setApplicationMenu(menu: Menu | null): void {
    record('Menu.setApplicationMenu', menu);
    Menu.applicationMenu = menu;
  }
  static getApplicationMenu(): Menu | null {
    return Menu.applicationMenu ?? null;
  }
}

function itemsOf(submenu: MenuItemTemplate[] | Menu | undefined): MenuItemTemplate[] | undefined {
  return submenu instanceof Menu ? submenu.items : submenu;
}

/** The menu as the user sees it: labels, separators, disabled lines, submenus. */
function describeMenu(menu: Menu | MenuItemTemplate[]): MenuItemSeen[] {
  const items = menu instanceof Menu ? menu.items : menu;
  return items.map((item) => {
    const sub = itemsOf(item.submenu);
    return {
      label: item.label ?? null,
      type: item.type ?? (sub ? 'submenu' : 'normal'),
      enabled: item.enabled !== false,
      ...(item.role ? { role: item.role } : {}),
      ...(item.accelerator ? { accelerator: item.accelerator } : {}),
      ...(sub ? { submenu: describeMenu(sub) } : {}),
    };
  });
}

function clickMenu(menu: Menu | null, path: string[]): void {
  let items = menu?.items ?? [];
  for (let i = 0; i < path.length; i++) {
    const item = items.find((it) => it.label === path[i]);
    if (!item) throw new Error(`no menu item ${JSON.stringify(path[i])} in ${JSON.stringify(items.map((it) => it.label ?? it.type))}`);
    if (i === path.length - 1) {
      if (item.enabled === false) throw new Error(`the menu item ${JSON.stringify(path[i])} is disabled`);
      if (!item.click) throw new Error(`the menu item ${JSON.stringify(path[i])} does nothing when clicked`);
      item.click();
      return;
    }
    items = itemsOf(item.submenu) ?? [];
  }
}

class NativeImage {
  readonly path: string;
  constructor(path: string) {
    this.path = path;
  }
  isEmpty(): boolean {
    return !this.path || !existsSync(this.path);
  }
}

export const nativeImage = {
  createFromPath: (path: string) => new NativeImage(path),
  createEmpty: () => new NativeImage(''),
};

const trays: Tray[] = [];
/** The tray the app shows now (the last one it created). */
const currentTray = (): Tray | null => trays.at(-1) ?? null;

export class Tray extends EventEmitter {
  image: NativeImage;
  tooltip = '';
  menu: Menu | null = null;
  destroyed = false;
  constructor(image: NativeImage) {
    super();
    record('new Tray', image);
    this.image = image;
    trays.push(this);
  }
  setImage(image: NativeImage): void {
    record('Tray.setImage', image);
    this.image = image;
  }
  setToolTip(tooltip: string): void {
    record('Tray.setToolTip', tooltip);
    this.tooltip = tooltip;
  }
  setContextMenu(menu: Menu | null): void {
    record('Tray.setContextMenu', menu);
    this.menu = menu;
  }
  destroy(): void {
    record('Tray.destroy');
    this.destroyed = true;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

const notifications: Notification[] = [];

export class Notification extends EventEmitter {
  static isSupported(): boolean {
    return true;
  }
  readonly options: Record<string, unknown>;
  shown = false;
  constructor(options: Record<string, unknown> = {}) {
    super();
    record('new Notification', options);
    this.options = options;
    notifications.push(this);
  }
  show(): void {
    record('Notification.show', this.options.title);
    this.shown = true;
  }
  close(): void {
    this.emit('close');
  }
}

// ---------------------------------------------------------------------------------------------
// session, safeStorage, shell, dialog, powerMonitor

type PermissionRequestHandler = (contents: WebContents, permission: string, callback: (granted: boolean) => void, details: unknown) => void;
let permissionRequestHandler: PermissionRequestHandler | null = null;

export const session = {
  defaultSession: {
    protocol,
    setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
      record('session.setPermissionRequestHandler');
      permissionRequestHandler = handler;
    },
    setPermissionCheckHandler(): void {
      record('session.setPermissionCheckHandler');
    },
    setDevicePermissionHandler(): void {
      record('session.setDevicePermissionHandler');
    },
    webRequest: {
      onHeadersReceived(): void {
        record('session.webRequest.onHeadersReceived');
      },
    },
  },
};

const SEALED = 'stand-in-sealed:';

/** Reversible on purpose: the stand-in has no keychain. Only the shape of Electron's API matters. */
export const safeStorage = {
  isEncryptionAvailable: () => true,
  getSelectedStorageBackend: () => 'gnome_libsecret',
  encryptString: (text: string) => Buffer.from(SEALED + text, 'utf8'),
  decryptString: (sealed: Buffer) => {
    const text = sealed.toString('utf8');
    if (!text.startsWith(SEALED)) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return text.slice(SEALED.length);
  },
};

export const shell = {
  openExternal(url: string): Promise<void> {
    record('shell.openExternal', url);
    return Promise.resolve();
  },
  openPath(path: string): Promise<string> {
    record('shell.openPath', path);
    return Promise.resolve('');
  },
};

export const dialog = {
  showErrorBox(title: string, content: string): void {
    record('dialog.showErrorBox', title, content);
    console.error(`[dialog] ${title}: ${content}`);
  },
  showSaveDialog: () => Promise.resolve({ canceled: true }),
  showOpenDialog: () => Promise.resolve({ canceled: true, filePaths: [] }),
};

export const powerMonitor = new EventEmitter();

// ---------------------------------------------------------------------------------------------
// The test's side: commands over the child-process IPC channel.

export type StandInCommand =
  | { cmd: 'calls' }
  | { cmd: 'request'; url: string; method?: string }
  | { cmd: 'navigate'; event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate'; url: string; isMainFrame?: boolean }
  | { cmd: 'open-window'; url: string }
  /** ipcRenderer.invoke(channel, method, input) from a page; `input` left out is `undefined`. */
  | { cmd: 'invoke'; channel: string; method: string; input?: unknown; from: 'main-frame' | 'subframe' | 'unknown-window' | 'foreign-page' }
  | { cmd: 'window' }
  | { cmd: 'tray' }
  | { cmd: 'tray-click'; path: string[] }
  | { cmd: 'notifications' }
  | { cmd: 'notification-click'; index: number }
  | { cmd: 'key'; input: { key: string; control?: boolean; shift?: boolean; alt?: boolean; meta?: boolean } }
  | { cmd: 'permission'; permission: string }
  | { cmd: 'quit' };

function mainWindow(): BrowserWindow {
  const win = windows[0];
  if (!win) throw new Error('no window was created');
  return win;
}

function navigationEvent(url: string, isMainFrame: boolean): NavigationEvent {
  return {
    url,
    isMainFrame,
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

async function run(command: StandInCommand): Promise<unknown> {
  switch (command.cmd) {
    case 'calls':
      return calls;
    case 'request':
      return fetchThroughProtocol(command.url, command.method);
    case 'navigate': {
      const contents = mainWindow().webContents;
      const event = navigationEvent(command.url, command.isMainFrame ?? true);
      contents.emit(command.event, event, command.url);
      return { prevented: event.defaultPrevented };
    }
    case 'open-window': {
      const handler = mainWindow().webContents.windowOpenHandler;
      if (!handler) return { action: 'allow' };
      const before = calls.length;
      const result = handler({ url: command.url });
      const opened = calls.slice(before).filter((c) => c.api === 'shell.openExternal').map((c) => c.args[0]);
      return { action: result.action, openedExternally: opened };
    }
    case 'invoke': {
      const handler = invokeHandlers.get(command.channel);
      if (!handler) throw new Error(`nothing handles the IPC channel ${command.channel}`);
      const win = mainWindow().webContents;
      let sender = win;
      let senderFrame: FrameStandIn = win.mainFrame;
      if (command.from === 'subframe') {
        senderFrame = { processId: win.mainFrame.processId, frameToken: 'child-frame', url: win.url, parent: win.mainFrame, detached: false };
      } else if (command.from === 'unknown-window') {
        // A webContents the app never attached (e.g. one a library opened), showing the app's URL.
        sender = new WebContents({});
        sender.showing(win.url);
        senderFrame = sender.mainFrame;
      } else if (command.from === 'foreign-page') {
        senderFrame = { ...win.mainFrame, url: 'https://attacker.example/' };
      }
      return handler({ sender, senderFrame, processId: senderFrame.processId, frameId: 1 }, command.method, command.input);
    }
    case 'window': {
      const win = mainWindow();
      return { url: win.webContents.url, visible: win.visible, focused: win.focused, sent: win.webContents.sent, devToolsOpened: win.webContents.devToolsOpened };
    }
    case 'tray': {
      const tray = currentTray();
      return tray && !tray.destroyed ? { image: tray.image.path, tooltip: tray.tooltip, menu: tray.menu ? describeMenu(tray.menu) : null } : null;
    }
    case 'tray-click':
      clickMenu(currentTray()?.menu ?? null, command.path);
      return null;
    case 'notifications':
      return notifications.map((n) => ({ ...(plain(n.options) as object), shown: n.shown }));
    case 'notification-click': {
      const n = notifications[command.index];
      if (!n) throw new Error(`no notification #${command.index}`);
      n.emit('click', { preventDefault() {} });
      return null;
    }
    case 'key': {
      const event = navigationEvent('', true);
      mainWindow().webContents.emit('before-input-event', event, { type: 'keyDown', control: false, shift: false, alt: false, meta: false, ...command.input });
      return { prevented: event.defaultPrevented };
    }
    case 'permission': {
      const handler = permissionRequestHandler;
      if (!handler) return { granted: true };
      return new Promise((done) => handler(mainWindow().webContents, command.permission, (granted) => done({ granted }), {}));
    }
    case 'quit':
      app.quit();
      return null;
  }
}

if (process.send) {
  const send = process.send.bind(process);
  process.on('message', (message: { id: number } & StandInCommand) => {
    run(message).then(
      (value) => send({ id: message.id, ok: true, value: plain(value) }),
      (e: unknown) => send({ id: message.id, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
    );
  });
  // The test went away: so does the app (Electron's process would otherwise run on).
  process.on('disconnect', () => process.exit(1));
}

export default {
  app,
  protocol,
  BrowserWindow,
  ipcMain,
  Menu,
  Tray,
  nativeImage,
  Notification,
  session,
  safeStorage,
  shell,
  dialog,
  powerMonitor,
};
