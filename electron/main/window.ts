import { BrowserWindow } from 'electron';
import type { Logger } from '../services/platform/platform';
import type { AppLocation } from './app-url';

export interface MainWindowOptions {
  loc: AppLocation;
  /** out/preload/index.cjs: CommonJS, because a sandboxed preload cannot be an ES module. */
  preload: string;
  icon?: string;
  /** False in packaged builds: no DevTools for anyone at the keyboard (security.ts swallows the shortcuts). */
  devTools: boolean;
  logger: Logger;
  /** Runs before the page loads (IPC must know the window before the page can call). */
  beforeLoad?: (win: BrowserWindow) => void;
}

/** The only BrowserWindow factory. No security setting here is relaxed: each one keeps the page's code away from the computer. */
export function createMainWindow(opts: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    title: 'Homeport',
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 600,
    // Shown on ready-to-show: no white flash of an empty window.
    show: false,
    backgroundColor: '#101418',
    autoHideMenuBar: true,
    ...(opts.icon ? { icon: opts.icon } : {}),
    webPreferences: {
      preload: opts.preload,
      // Electron security checklist #4: the renderer runs in Chromium's OS sandbox.
      sandbox: true,
      // #3: the preload's world and Electron's internals are separate from the page's.
      contextIsolation: true,
      // #2: no Node.js in the page, its workers or its frames.
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      // #12: no <webview> at all.
      webviewTag: false,
      // #6 `webSecurity`, #8 `allowRunningInsecureContent`, #9 `experimentalFeatures` and
      // #10 `enableBlinkFeatures` are deliberately left at their safe defaults.
      // Dropping a file on the window must not navigate to it.
      navigateOnDragDrop: false,
      devTools: opts.devTools,
      spellcheck: false,
      safeDialogs: true,
    },
  });
  win.once('ready-to-show', () => win.show());
  opts.beforeLoad?.(win);

  // app://homeport/index.html (the built UI) or the dev server; never file://.
  const loaded = win.loadURL(opts.loc.url);
  loaded.catch((e: unknown) => opts.logger.error('the window could not load the UI', { error: e instanceof Error ? e.message : String(e) }));
  return win;
}
