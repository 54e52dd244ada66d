/**
 * The Electron shell: lifecycle, the Platform (safeStorage, electron-store), the services, IPC,
 * the window and the tray. Thin on purpose: everything that is not Electron lives in services/.
 */
import { join } from 'node:path';
import { app, dialog, Notification, powerMonitor, protocol, session, type BrowserWindow } from 'electron';
import type { DesktopNotification } from '../services/tray';
import { createServices, type Services } from '../services/app';
import { createConsoleLogger } from '../services/platform/logger';
import { boundYoungGeneration } from '../services/platform/memory';
import { HomeportError } from '../../shared/contract';
import { APP_SCHEME_PRIVILEGES, serveAppRequest } from './app-protocol';
import { APP_SCHEME, resolveAppLocation } from './app-url';
import { createIpc, type IpcBridge } from './ipc';
import { createElectronPlatform } from './platform';
import { installAppSecurity, installSessionSecurity } from './security';
import { createTray, destroyTray, drawTray, hasTray } from './tray';
import { createMainWindow } from './window';

const logger = createConsoleLogger('homeport');
// The services' memory stays bounded with many monitors (see memory.ts).
boundYoungGeneration();
// out/main → out/preload, out/renderer.
const here = import.meta.dirname;
const rendererDir = join(here, '../renderer');
const loc = resolveAppLocation({ isPackaged: app.isPackaged, devUrl: process.env.ELECTRON_RENDERER_URL, rendererDir });
// DevTools are for development runs only.
const devTools = !app.isPackaged;
const preload = join(here, '../preload/index.cjs');
// Packaged: electron-builder copies the icons to resources/icons (extraResources).
const iconDir = app.isPackaged ? join(process.resourcesPath, 'icons') : join(app.getAppPath(), 'build');

let services: Services | null = null;
let ipc: IpcBridge | null = null;
let win: BrowserWindow | null = null;
let shutdown: Promise<void> | null = null;
let disposed = false;

if (!app.requestSingleInstanceLock()) {
  // Another Homeport runs: it gets our 'second-instance' and shows its window.
  app.quit();
} else {
  // Must happen before 'ready': Chromium learns its schemes at start-up.
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
  installAppSecurity(loc, logger, { devTools });
  if (process.platform === 'win32') app.setAppUserModelId('dev.homeport.app');

  app.on('second-instance', () => showWindow());
  // macOS: clicking the dock icon.
  app.on('activate', () => showWindow());
  // Closing the window keeps Homeport running in the tray (monitors keep watching); without a
  // tray there would be no way back, so then it quits.
  app.on('window-all-closed', () => {
    if (!hasTray()) app.quit();
  });
  // Quit waits for the services to close SSH connections and streams, then quits for real.
  app.on('before-quit', (event) => {
    if (disposed) return;
    event.preventDefault();
    shutdown ??= stopServices().finally(() => {
      disposed = true;
      app.quit();
    });
  });

  app
    .whenReady()
    .then(async () => {
      // The built UI, for the window (app://homeport/…): only files of out/renderer.
      protocol.handle(APP_SCHEME, (request) => serveAppRequest(rendererDir, request));
      installSessionSecurity(session.defaultSession, loc, logger);
      services = await createServices(createElectronPlatform(logger));
      ipc = createIpc(services, loc, logger);
      try {
        createTray({ iconDir, onOpen: showWindow, onQuit: () => app.quit() });
      } catch (e) {
        // Some Linux desktops have no tray; the app still works with its window.
        logger.warn('no tray icon', { error: e instanceof Error ? e.message : String(e) });
      }
      const feed = services.tray;
      // The tray and the notifications draw what the services decide (services/tray/).
      void feed.start({
        view: (view) =>
          drawTray(view, (action) => {
            if (action.kind === 'open') showWindow();
            void feed.perform(action);
          }),
        notify: (n) => notify(n, () => {
          showWindow();
          void feed.perform({ kind: 'open', monitorId: n.monitorId });
        }),
      });
      // Woken from sleep: hold alerts until the network is back and everything was checked again.
      const monitorsRef = services.monitors;
      powerMonitor.on('resume', () => monitorsRef.systemResumed());
      showWindow();
    })
    .catch((e: unknown) => {
      logger.error('start-up failed', { error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      // A damaged settings file says what to do in its `fix`: show it too.
      const fix = e instanceof HomeportError && e.fix ? `\n\n${e.fix}` : '';
      dialog.showErrorBox('Homeport could not start', (e instanceof Error ? e.message : String(e)) + fix);
      app.exit(1);
    });
}

const shown = new Set<Notification>();

function notify(n: DesktopNotification, onClick: () => void): void {
  if (!Notification.isSupported()) return;
  const note = new Notification({ title: n.title, body: n.body, urgency: n.urgency, silent: n.urgency === 'low' });
  // Keep a reference until it is gone, or the click handler can be garbage-collected.
  shown.add(note);
  note.on('click', () => {
    shown.delete(note);
    onClick();
  });
  note.on('close', () => shown.delete(note));
  note.show();
}

function showWindow(): void {
  if (!ipc || shutdown) return; // not ready yet (the first window opens when it is), or quitting
  if (win && !win.isDestroyed()) {
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
    return;
  }
  const bridge = ipc;
  win = createMainWindow({
    loc,
    preload,
    icon: join(iconDir, 'icon.png'),
    devTools,
    logger,
    beforeLoad: (w) => bridge.attach(w),
  });
  win.on('closed', () => (win = null));
}

async function stopServices(): Promise<void> {
  // Never hang the quit: a service that does not stop within 5 s is abandoned.
  const timeout = new Promise<void>((done) => setTimeout(done, 5000).unref());
  try {
    ipc?.dispose();
    destroyTray();
    await Promise.race([services?.dispose(), timeout]);
  } catch (e) {
    logger.error('stopping the services failed', { error: e instanceof Error ? e.message : String(e) });
  }
}
