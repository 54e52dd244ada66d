import { resolve } from 'node:path';
import { isLoopbackHost } from '../web/loopback';

/**
 * Where the app's own pages live, and the URL checks every security rule uses. Plain Node (no
 * `electron` import) so it is unit-tested; URLs are always parsed with `new URL`, never compared
 * as string prefixes (Electron security checklist #13: `startsWith('https://example.com')` also
 * lets `https://example.com.attacker.com` through).
 */

/**
 * The built UI is served from `app://homeport/` (electron/main/app-protocol.ts), not from
 * `file://` (Electron security checklist #18 "Avoid usage of the file protocol and prefer usage
 * of custom protocols"): a file:// page gets an opaque origin, cannot be given response headers
 * and, with Electron's defaults, may read other local files; app:// has a real origin that
 * serves only the built renderer folder.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'homeport';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

export type AppLocation =
  /** Production: the built renderer folder, served as app://homeport/. */
  | { kind: 'app'; url: string; rendererDir: string }
  /** Development: electron-vite's dev server (loopback only). */
  | { kind: 'dev'; url: string; origin: string };

export function resolveAppLocation(opts: { isPackaged: boolean; devUrl: string | undefined; rendererDir: string }): AppLocation {
  // A packaged app never takes its trusted origin from the environment: ELECTRON_RENDERER_URL set
  // by anyone could otherwise point the privileged window (and its bridge) at their own page.
  if (!opts.isPackaged && opts.devUrl) {
    const u = parse(opts.devUrl);
    if (u && (u.protocol === 'http:' || u.protocol === 'https:') && isLoopbackHost(u.hostname)) {
      return { kind: 'dev', url: u.href, origin: u.origin };
    }
    throw new Error(`ELECTRON_RENDERER_URL must be an http(s) URL on this computer (got ${JSON.stringify(opts.devUrl)}).`);
  }
  return { kind: 'app', url: APP_INDEX_URL, rendererDir: resolve(opts.rendererDir) };
}

/** Is `url` on app://homeport/ exactly (no other host, port or credentials)? */
export function isAppOrigin(url: string | URL): boolean {
  const u = typeof url === 'string' ? parse(url) : url;
  // Node does not lower-case the host of a scheme it does not know; Chromium does (app: is a
  // standard scheme there), so compare without case.
  return !!u && u.protocol === `${APP_SCHEME}:` && u.host.toLowerCase() === APP_HOST && !u.username && !u.password;
}

/** Is `url` one of the app's own pages (any route/hash of it)? */
export function isAppUrl(loc: AppLocation, url: string): boolean {
  const u = parse(url);
  if (!u) return false;
  if (loc.kind === 'dev') return u.origin === loc.origin;
  return isAppOrigin(u);
}

/**
 * A link that may be handed to the OS (Electron security checklist #15: "Do not use
 * shell.openExternal with untrusted content"): only http(s), re-serialised from the parsed URL,
 * without embedded credentials. Everything else (file:, smb:, javascript:, custom schemes that
 * launch other programs) → null.
 */
export function externalHttpUrl(url: string): string | null {
  const u = parse(url);
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) return null;
  if (u.username || u.password || !u.hostname) return null;
  return u.href;
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}
