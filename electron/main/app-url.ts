import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isLoopbackHost } from '../server/auth';

/**
 * Where the app's own pages live, and the URL checks every security rule uses. Plain Node (no
 * `electron` import) so it is unit-tested; URLs are always parsed with `new URL`, never compared
 * as string prefixes (Electron security checklist #13: `startsWith('https://example.com')` also
 * lets `https://example.com.attacker.com` through).
 */
export type AppLocation =
  /** Production: the built renderer, loaded with `loadFile`. Only this exact file is "the app". */
  | { kind: 'file'; indexFile: string }
  /** Development: electron-vite's dev server (loopback only). */
  | { kind: 'dev'; url: string; origin: string };

export function resolveAppLocation(opts: { isPackaged: boolean; devUrl: string | undefined; indexFile: string }): AppLocation {
  // A packaged app never takes its trusted origin from the environment: ELECTRON_RENDERER_URL set
  // by anyone could otherwise point the privileged window (and its bridge) at their own page.
  if (!opts.isPackaged && opts.devUrl) {
    const u = parse(opts.devUrl);
    if (u && (u.protocol === 'http:' || u.protocol === 'https:') && isLoopbackHost(u.hostname)) {
      return { kind: 'dev', url: u.href, origin: u.origin };
    }
    throw new Error(`ELECTRON_RENDERER_URL must be an http(s) URL on this computer (got ${JSON.stringify(opts.devUrl)}).`);
  }
  return { kind: 'file', indexFile: resolve(opts.indexFile) };
}

/** Is `url` one of the app's own pages (any route/hash of it)? */
export function isAppUrl(loc: AppLocation, url: string): boolean {
  const u = parse(url);
  if (!u) return false;
  if (loc.kind === 'dev') return u.origin === loc.origin;
  // file:// URLs have an opaque origin ("null"), so compare the file itself.
  if (u.protocol !== 'file:' || (u.host !== '' && u.host !== 'localhost')) return false;
  let path: string;
  try {
    path = resolve(fileURLToPath(u));
  } catch {
    return false;
  }
  return process.platform === 'win32' ? path.toLowerCase() === loc.indexFile.toLowerCase() : path === loc.indexFile;
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
