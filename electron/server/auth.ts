import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/**
 * Headless mode's login: whoever holds the token (printed at start, or set by the user) may use
 * Homeport. `/login?token=…` trades the token for a session cookie whose value is derived from the
 * token (an HMAC), so the server keeps no session table: restarting with a new token logs every
 * browser out, and the cookie never reveals the token itself.
 */
export const SESSION_COOKIE = 'homeport_session';
const SESSION_LABEL = 'homeport-session-v1';

/** The cookie value for a token: HMAC-SHA256(key = token, "homeport-session-v1"), base64url. */
export function sessionValue(token: string): string {
  return createHmac('sha256', token).update(SESSION_LABEL).digest('base64url');
}

/**
 * Constant-time string comparison. Both sides are hashed first so the buffers have equal length
 * (timingSafeEqual needs that) and neither the length nor a matching prefix leaks through timing.
 */
export function safeEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    // First one wins, as browsers send the most specific cookie first.
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

export function sessionCookieHeader(token: string): string {
  // HttpOnly: page scripts cannot read it. SameSite=Strict: no other site can make the browser send
  // it (CSRF). No `Secure`: headless mode serves plain http (loopback, or behind the user's proxy).
  return `${SESSION_COOKIE}=${sessionValue(token)}; HttpOnly; SameSite=Strict; Path=/; Max-Age=2592000`;
}

export interface Credentials {
  cookie?: string | undefined;
  authorization?: string | undefined;
}

/** The session cookie, or `Authorization: Bearer <token>` for scripts. */
export function isAuthenticated(headers: Credentials, token: string, session: string): boolean {
  const cookie = parseCookies(headers.cookie).get(SESSION_COOKIE);
  if (cookie !== undefined && safeEqual(cookie, session)) return true;
  const auth = headers.authorization;
  if (auth && /^Bearer /i.test(auth)) return safeEqual(auth.slice(7).trim(), token);
  return false;
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

export function isWildcardHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === '0.0.0.0' || h === '::' || h === '';
}

/** `host:port` as it appears in a URL (IPv6 literals in brackets). */
export function urlHost(host: string, port: number): string {
  const h = host.replace(/^\[|\]$/g, '');
  return `${isIP(h) === 6 ? `[${h}]` : h}:${port}`;
}

/**
 * Which `Origin` may open the WebSocket (cross-site WebSocket hijacking defence: browsers send
 * cookies with cross-site WebSocket handshakes, so the cookie alone does not prove the page is
 * ours). The server's own origin; when bound to loopback, the same port under the other loopback
 * names too. When bound to every interface the server cannot know the name it is reached by, so
 * the Origin must name the same host as the request's Host header (a same-origin check); the
 * cookie, which browsers keep per host, still stops a DNS-rebinding page.
 */
export function createOriginCheck(host: string, port: number): (origin: string | undefined, hostHeader: string | undefined) => boolean {
  if (isWildcardHost(host)) {
    return (origin, hostHeader) => {
      if (!origin || !hostHeader) return false;
      try {
        const u = new URL(origin);
        return (u.protocol === 'http:' || u.protocol === 'https:') && u.host === hostHeader.toLowerCase();
      } catch {
        return false;
      }
    };
  }
  const allowed = new Set([`http://${urlHost(host, port)}`.toLowerCase()]);
  if (isLoopbackHost(host)) {
    for (const alias of ['127.0.0.1', 'localhost', '::1']) allowed.add(`http://${urlHost(alias, port)}`);
  }
  return (origin) => origin !== undefined && allowed.has(origin.toLowerCase());
}

/** The address to print: a wildcard bind is reachable on loopback from this machine. */
export function displayHost(host: string): string {
  if (!isWildcardHost(host)) return host;
  return host.includes(':') ? '::1' : '127.0.0.1';
}

/** True when the request carries the session cookie (not only a Bearer token). */
export function hasSessionCookie(headers: Credentials, session: string): boolean {
  const cookie = parseCookies(headers.cookie).get(SESSION_COOKIE);
  return cookie !== undefined && safeEqual(cookie, session);
}

export interface RequestOriginHeaders {
  origin?: string | undefined;
  host?: string | undefined;
  'sec-fetch-site'?: string | undefined;
}

/**
 * Cross-site request forgery defence for the endpoints that act (volume transfers), on top of the
 * SameSite=Strict cookie: a request authenticated by the cookie must come from our own pages.
 * - An `Origin` header, whenever the browser sends one, must be ours (the WebSocket's check).
 * - A PUT/POST must carry one: browsers send it on every such request, so its absence means a
 *   client we do not know.
 * - A GET without Origin (a download link): `Sec-Fetch-Site`, when sent, must be same-origin or
 *   none (typed into the address bar).
 * Scripts using `Authorization: Bearer` are not subject to it: a browser never adds that header
 * to a forged request.
 */
export function isSameOriginRequest(
  method: string,
  headers: RequestOriginHeaders,
  checkOrigin: (origin: string | undefined, hostHeader: string | undefined) => boolean,
): boolean {
  if (headers.origin !== undefined) return checkOrigin(headers.origin, headers.host);
  if (method !== 'GET' && method !== 'HEAD') return false;
  const site = headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin' || site === 'none';
}
