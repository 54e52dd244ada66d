import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { isLoopbackHost } from '../web/loopback';

/**
 * Headless mode's login: whoever holds the token (printed at start, or set by the user) may use
 * Homeport. Logging in trades the token for a session (sessions.ts) whose random id the browser
 * keeps in the `homeport_session` cookie; scripts send `Authorization: Bearer <token>` instead.
 */
export const SESSION_COOKIE = 'homeport_session';

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

/** The session id the request carries, if any (not checked). */
export function sessionIdOf(headers: { cookie?: string | undefined }): string | null {
  return parseCookies(headers.cookie).get(SESSION_COOKIE) ?? null;
}

export function sessionCookieHeader(id: string, maxAgeMs: number): string {
  // HttpOnly: page scripts cannot read it. SameSite=Strict: no other site can make the browser send
  // it (CSRF). No `Secure`: headless mode serves plain http (loopback, or behind the user's proxy).
  return `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${Math.max(1, Math.floor(maxAgeMs / 1000))}`;
}

/** Tells the browser to forget the session cookie. */
export function clearedSessionCookieHeader(): string {
  return `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`;
}

/** What an `Authorization` header offers: nothing, a Bearer token, or something else. */
export function bearerOf(authorization: string | undefined): string | null {
  if (!authorization || !/^Bearer /i.test(authorization)) return null;
  return authorization.slice(7).trim();
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

/** The address to print: a wildcard bind is reachable on loopback from this machine. */
export function displayHost(host: string): string {
  if (!isWildcardHost(host)) return host;
  return host.includes(':') ? '::1' : '127.0.0.1';
}

/** A `Host` header (or an allowlist entry) split into a lower-case name and a port (null: none given). */
export function splitHostHeader(value: string): { name: string; port: number | null } | null {
  const v = value.trim().toLowerCase();
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]/\s@]+)(?::(\d{1,5}))?$/.exec(v);
  if (!m) return null;
  const port = m[2] === undefined ? null : Number(m[2]);
  if (port !== null && port > 65535) return null;
  return { name: m[1]!.replace(/^\[|\]$/g, '').replace(/\.$/, ''), port };
}

export interface HostPolicy {
  /** Does this server answer to a request with this `Host` header? */
  hostAllowed(hostHeader: string | undefined): boolean;
  /** May a page of this `Origin`, sent to this `Host`, act here (WebSocket, transfers, login form)? */
  originAllowed(origin: string | undefined, hostHeader: string | undefined): boolean;
}

/**
 * Which names the server answers to (DNS rebinding defence: a page on evil.example whose name
 * is re-pointed at 127.0.0.1 reaches this server with `Host: evil.example`, and is refused).
 * Allowed: any IP address literal and `localhost` (no attacker controls what those resolve to,
 * so the port does not matter: an SSH tunnel on another local port works), the `--host` name,
 * and the user's `--allowed-host` entries (`name` for any port, `name:port` for one).
 *
 * Origins (cross-site WebSocket hijacking and CSRF defence: browsers send our cookie in some
 * cross-site requests) must be the page's own: the Origin names the host the request was sent to;
 * or both are loopback names on the same port (127.0.0.1 and localhost are one machine); or the
 * Origin is an `--allowed-host` entry (a reverse proxy that rewrites `Host`).
 */
export function createHostPolicy(listenHost: string, extraAllowed: readonly string[] = []): HostPolicy {
  const names = new Map<string, Set<number> | 'any'>();
  const allow = (entry: string) => {
    const h = splitHostHeader(entry);
    if (!h) throw new Error(`not a host name: ${JSON.stringify(entry)}`);
    const known = names.get(h.name);
    if (h.port === null) names.set(h.name, 'any');
    else if (known !== 'any') names.set(h.name, (known ?? new Set()).add(h.port));
  };
  if (!isWildcardHost(listenHost) && isIP(listenHost.replace(/^\[|\]$/g, '')) === 0) allow(listenHost);
  for (const e of extraAllowed) allow(e);

  const named = (h: { name: string; port: number | null }) => {
    const ports = names.get(h.name);
    return ports === 'any' || (ports !== undefined && h.port !== null && ports.has(h.port));
  };
  const hostAllowed = (hostHeader: string | undefined) => {
    if (!hostHeader) return false;
    const h = splitHostHeader(hostHeader);
    if (!h) return false;
    return isIP(h.name) !== 0 || h.name === 'localhost' || h.name.endsWith('.localhost') || named(h);
  };
  return {
    hostAllowed,
    originAllowed: (origin, hostHeader) => {
      if (!origin || !hostHeader || !hostAllowed(hostHeader)) return false;
      let u: URL;
      try {
        u = new URL(origin);
      } catch {
        return false;
      }
      if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
      const o = { name: u.hostname.replace(/^\[|\]$/g, '').toLowerCase(), port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)) };
      const h = splitHostHeader(hostHeader);
      if (!h) return false;
      const hPort = h.port ?? 80;
      if (o.name === h.name && o.port === hPort) return true;
      if (isLoopbackHost(o.name) && isLoopbackHost(h.name) && o.port === hPort) return true;
      return named(o);
    },
  };
}

export interface RequestOriginHeaders {
  origin?: string | undefined;
  host?: string | undefined;
  'sec-fetch-site'?: string | undefined;
}

/**
 * Cross-site request forgery defence for the endpoints that act (volume transfers, the login
 * form, logout), on top of the SameSite=Strict cookie: a browser request must come from our own
 * pages.
 * - An `Origin` header, whenever the browser sends one, must be ours (the WebSocket's check).
 * - A PUT/POST must carry one: browsers send it on every such request, so its absence means a
 *   client we do not know.
 * - A GET without Origin (a download link): `Sec-Fetch-Site`, when sent, must be same-origin or
 *   none (typed into the address bar).
 * Scripts using `Authorization: Bearer` are not subject to it: a browser never adds that header
 * to a forged request.
 */
export function isSameOriginRequest(method: string, headers: RequestOriginHeaders, policy: HostPolicy): boolean {
  if (headers.origin !== undefined) return policy.originAllowed(headers.origin, headers.host);
  if (method !== 'GET' && method !== 'HEAD') return false;
  const site = headers['sec-fetch-site'];
  return site === undefined || site === 'same-origin' || site === 'none';
}
