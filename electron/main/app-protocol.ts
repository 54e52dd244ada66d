import { readFile } from 'node:fs/promises';
import { CONTENT_SECURITY_POLICY } from '../web/csp';
import { contentTypeOf, lookupStatic } from '../web/static-files';
import { isAppOrigin } from './app-url';

/**
 * The app:// protocol that serves the built UI to the window. Plain Node (no `electron` import):
 * index.ts registers the scheme and hands requests to `serveAppRequest`.
 */

/**
 * How Chromium treats app:// (protocol.registerSchemesAsPrivileged, before 'ready'):
 * - standard: a real origin (app://homeport), relative URLs and localStorage work as on http;
 * - secure: a secure context, like https (no mixed-content downgrade of the page);
 * - supportFetchAPI: the page's own module scripts and fetches of its assets;
 * - codeCache: V8 caches the compiled scripts, as for http.
 * Deliberately NOT bypassCSP (the page's policy applies) and NOT corsEnabled (that privilege
 * would let other origins read app:// responses).
 */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true, codeCache: true } as const;

const COMMON_HEADERS = {
  // app:// responses can carry headers (file:// could not): the same policy as the meta tag.
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-cache',
};

function refuse(status: number, text: string, extra: Record<string, string> = {}): Response {
  return new Response(text, { status, headers: { ...COMMON_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', ...extra } });
}

/**
 * Answers one app:// request with a file of the built renderer folder: only on app://homeport,
 * only GET and HEAD, and never a file outside `rendererDir` (the path is percent-decoded before
 * it is resolved, symbolic links are followed and checked again: lookupStatic).
 */
export async function serveAppRequest(rendererDir: string, request: Pick<Request, 'url' | 'method'>): Promise<Response> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return refuse(400, 'Bad request');
  }
  if (!isAppOrigin(url) || url.port) return refuse(404, 'Not found');
  if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'Method not allowed', { Allow: 'GET, HEAD' });

  // The UI routes with the URL's hash, so "/" is the only path that is not a file.
  const found = lookupStatic(rendererDir, url.pathname === '/' ? '/index.html' : url.pathname);
  if (found.kind === 'forbidden') return refuse(403, 'Forbidden');
  if (found.kind !== 'file') return refuse(404, 'Not found');
  let body: Buffer;
  try {
    body = await readFile(found.path);
  } catch {
    return refuse(404, 'Not found');
  }
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
    status: 200,
    headers: { ...COMMON_HEADERS, 'Content-Type': contentTypeOf(found.path), 'Content-Length': String(body.length) },
  });
}
