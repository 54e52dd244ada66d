import { realpathSync, statSync } from 'node:fs';
import { extname, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticLookup =
  | { kind: 'file'; path: string; size: number }
  /** No such file and the path names no file (no extension): the SPA's own route. */
  | { kind: 'spa' }
  | { kind: 'not-found' }
  /** Undecodable, NUL bytes, or resolving outside the static folder. */
  | { kind: 'forbidden' };

/**
 * Maps a URL path to a file inside `root`, refusing anything that resolves outside it: the path is
 * percent-decoded first (so `..%2f` is seen as `../`), resolved, and checked against the root's
 * prefix; then the real path (symbolic links followed) is checked again.
 */
export function lookupStatic(root: string, urlPath: string): StaticLookup {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { kind: 'forbidden' };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { kind: 'forbidden' };
  const rootAbs = resolve(root);
  const target = resolve(rootAbs, '.' + (decoded.startsWith('/') ? decoded : `/${decoded}`));
  if (target !== rootAbs && !target.startsWith(rootAbs + sep)) return { kind: 'forbidden' };
  // Dot-files (.env, .git…) are never part of a build.
  if (target.slice(rootAbs.length).split(sep).some((seg) => seg.startsWith('.'))) return { kind: 'not-found' };

  let real: string;
  let size: number;
  try {
    real = realpathSync(target);
    const st = statSync(real);
    if (!st.isFile()) return noFile(decoded);
    size = st.size;
  } catch {
    return noFile(decoded);
  }
  let rootReal: string;
  try {
    rootReal = realpathSync(rootAbs);
  } catch {
    return { kind: 'not-found' };
  }
  if (real !== rootReal && !real.startsWith(rootReal + sep)) return { kind: 'forbidden' };
  return { kind: 'file', path: real, size };
}

function noFile(decoded: string): StaticLookup {
  const last = decoded.split('/').pop() ?? '';
  return last.includes('.') ? { kind: 'not-found' } : { kind: 'spa' };
}
