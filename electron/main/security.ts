import { app, shell, type Session, type WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../web/csp';
import type { Logger } from '../services/platform/platform';
import { externalHttpUrl, isAppUrl, type AppLocation } from './app-url';

/**
 * Every renderer-facing security rule of the shell, each citing the item of Electron's security
 * checklist (docs/tutorial/security.md) it implements. The window's own webPreferences
 * (#2 #3 #4 #6 #8 #9 #10) are in window.ts; the IPC sender check (#17) is in ipc.ts.
 * Homeport shows only its own pages, so everything else is denied by default.
 */

/** Before `app.whenReady()`. `devTools: false` (packaged builds) also swallows their shortcuts. */
export function installAppSecurity(loc: AppLocation, logger: Logger, opts: { devTools: boolean }): void {
  // #4 "Enable process sandboxing": every renderer, including any created later, whatever its
  // webPreferences say.
  app.enableSandbox();
  // The same rules for every webContents the app ever creates (windows, devtools, anything a
  // library opens), not only the main window.
  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents, loc, logger);
    if (!opts.devTools) withoutDevTools(contents);
  });
}

/** After `app.whenReady()`, for every session a window uses (Homeport uses only the default one). */
export function installSessionSecurity(ses: Session, loc: AppLocation, logger: Logger): void {
  // #5 "Handle session permission requests": deny every permission (camera, geolocation,
  // notifications through the web API, clipboard read, HID/USB/serial…). Native notifications are
  // shown by main, not by the page.
  // One exception: writing to the clipboard from the app's own page ("Copy public key", copy a
  // fingerprint). It is write-only and sanitized; reading the clipboard stays denied.
  const allowed = (permission: string, url: string) => permission === 'clipboard-sanitized-write' && isAppUrl(loc, url);
  ses.setPermissionRequestHandler((contents, permission, callback) => {
    if (allowed(permission, contents.getURL())) return callback(true);
    logger.warn('denied a permission request', { permission, url: short(contents.getURL()) });
    callback(false);
  });
  ses.setPermissionCheckHandler((contents, permission, origin) => allowed(permission, contents?.getURL() ?? origin));
  ses.setDevicePermissionHandler(() => false);

  // #7 "Define a Content-Security-Policy": as a response header for the dev server's pages. The
  // app:// protocol sends it itself (app-protocol.ts); the renderer's meta tag applies everywhere.
  ses.webRequest.onHeadersReceived((details, callback) => {
    if (loc.kind !== 'dev' || !isAppUrl(loc, details.url)) return callback({});
    const responseHeaders: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      if (name.toLowerCase() !== 'content-security-policy') responseHeaders[name] = value;
    }
    responseHeaders['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
    callback({ responseHeaders });
  });
}

export function hardenWebContents(contents: WebContents, loc: AppLocation, logger: Logger): void {
  // #13 "Disable or limit navigation": the app's own page only, compared as parsed URLs.
  // Links to the web belong in a new window (target=_blank), which the handler below sends to
  // the user's browser.
  contents.on('will-navigate', (event) => {
    if (isAppUrl(loc, event.url)) return;
    event.preventDefault();
    logger.warn('blocked a navigation away from the app', { url: short(event.url) });
  });
  // #13 also for subframes (an iframe must not be pointed elsewhere either); the main frame is
  // handled above.
  contents.on('will-frame-navigate', (event) => {
    if (event.isMainFrame || isAppUrl(loc, event.url)) return;
    event.preventDefault();
    logger.warn('blocked a frame navigation', { url: short(event.url) });
  });
  // #13: a server redirect is a navigation too (dev server, or anything the page reached).
  contents.on('will-redirect', (event) => {
    if (isAppUrl(loc, event.url)) return;
    event.preventDefault();
    logger.warn('blocked a redirect away from the app', { url: short(event.url) });
  });

  // #14 "Disable or limit creation of new windows": never a new Electron window. An http(s) link
  // goes to the user's browser, and only after #15 "Do not use shell.openExternal with untrusted
  // content": the URL is parsed and must be http: or https: (no file:, smb:, custom schemes).
  contents.setWindowOpenHandler(({ url }) => {
    const external = externalHttpUrl(url);
    if (external) {
      shell.openExternal(external).catch((e: unknown) => logger.warn('could not open a link', { url: short(external), error: String(e) }));
    } else {
      logger.warn('blocked a new window', { url: short(url) });
    }
    return { action: 'deny' };
  });

  // #12 "Verify WebView options before creation": Homeport has no <webview> (webviewTag: false);
  // refuse any attempt to attach one.
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    logger.warn('blocked a <webview>');
  });
}

/**
 * The keys that open DevTools in Electron's default menu and in Chromium (F12, Ctrl+Shift+I/J,
 * ⌘⌥I/J). Not Ctrl+Shift+C: the terminal copies with it.
 */
export function isDevToolsShortcut(input: { type?: string; key: string; control?: boolean; shift?: boolean; alt?: boolean; meta?: boolean }): boolean {
  if (input.type !== undefined && input.type !== 'keyDown') return false;
  const key = input.key.toLowerCase();
  if (key === 'f12') return true;
  if (key !== 'i' && key !== 'j') return false;
  return (!!input.control && !!input.shift && !input.alt) || (!!input.meta && !!input.alt && !input.control);
}

/**
 * Packaged builds: no DevTools. webPreferences.devTools is false on the window (window.ts); this
 * also swallows the shortcuts before the page or the menu sees them, and closes DevTools should
 * anything open them anyway (a webContents created with other preferences).
 */
function withoutDevTools(contents: WebContents): void {
  contents.on('before-input-event', (event, input) => {
    if (isDevToolsShortcut(input)) event.preventDefault();
  });
  contents.on('devtools-opened', () => contents.closeDevTools());
}

/** URLs in logs: bounded, and without the query (it might carry something private). */
function short(url: string): string {
  const cut = url.search(/[?#]/);
  return (cut === -1 ? url : url.slice(0, cut)).slice(0, 200);
}
