import { randomUUID } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { join, resolve } from 'node:path';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { HomeportError, toErrorInfo, type Envelope, type WsServerFrame } from '../../shared/contract';
import type { Services } from '../services/app';
import type { Logger } from '../services/platform/platform';
import type { ClientId } from '../services/rpc/event-bus';
import {
  bearerOf,
  clearedSessionCookieHeader,
  createHostPolicy,
  displayHost,
  isSameOriginRequest,
  safeEqual,
  sessionCookieHeader,
  sessionIdOf,
  splitHostHeader,
  urlHost,
} from './auth';
import { CONTENT_SECURITY_POLICY } from '../web/csp';
import { escapeHtml, loginPageHtml, PAGE_CONTENT_SECURITY_POLICY, pageHtml } from './pages';
import { AttemptLimiter, type AttemptLimitOptions } from './rate-limit';
import { SessionStore, type SessionOptions } from './sessions';
import { contentTypeOf, lookupStatic } from '../web/static-files';
import { handleTransfer } from './transfers';
import { TRANSFER_PATH } from '../services/volumes';

export interface HeadlessServerOptions {
  services: Services;
  /** The built renderer (`out/renderer`). */
  staticDir: string;
  host: string;
  /** 0 = any free port. */
  port: number;
  token: string;
  logger: Logger;
  /** Extra names the server answers to (`name` or `name:port`), e.g. a reverse proxy's. */
  allowedHosts?: readonly string[];
  /** Session lifetimes (defaults: 12 h idle, 7 days absolute). */
  sessions?: SessionOptions;
  /** Failed logins per client address (default: 10 in a row, then one every 6 s). */
  loginLimit?: AttemptLimitOptions;
  /** Calls one WebSocket client may have running at once (default MAX_CALLS_IN_FLIGHT). */
  maxCallsInFlight?: number;
  /** Socket timeouts (tests shorten them). */
  timeouts?: { headersMs?: number; idleMs?: number };
}

export interface HeadlessServer {
  /** `http://<host>:<port>` */
  url: string;
  /** `http://<host>:<port>/login?token=<token>`: the one link that logs a browser in. */
  loginUrl: string;
  close(): Promise<void>;
}

/** Frames above this are refused by the WebSocket layer (close code 1009). */
export const MAX_FRAME_BYTES = 1024 * 1024;
/** A client that cannot keep up with its events is dropped rather than buffered without bound. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;
const HEARTBEAT_MS = 30_000;
/**
 * Calls one client may have running at once; more are answered with a LIMIT error at once. The
 * UI needs a few dozen at most (a view's lists, a few actions); this stops one tab or script from
 * queueing unbounded work on the hosts.
 */
export const MAX_CALLS_IN_FLIGHT = 64;
/** The whole request headers must arrive within this (slow-header attacks). */
const HEADERS_TIMEOUT_MS = 30_000;
/**
 * A connection with no traffic either way for this long is closed. There is deliberately no
 * whole-request deadline (Node's default `requestTimeout` of 300 s would cut off a volume restore
 * uploading for longer); a stalled upload ends here instead.
 */
const IDLE_TIMEOUT_MS = 120_000;
/** The login form's body is one field. */
const MAX_LOGIN_BODY_BYTES = 4096;
/** WebSocket close code when the session ends (logout, idle, expired): the page shows its login. */
export const SESSION_ENDED_CLOSE_CODE = 4001;

/** Sent with every response (pages the server writes itself get PAGE_CONTENT_SECURITY_POLICY). */
const BASE_HEADERS: OutgoingHttpHeaders = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  // The login URL carries the token: never let it leave in a Referer.
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Push URL calls allowed per client address per minute (a service pushes every 20 s or more). */
export const PUSH_RATE_PER_MINUTE = 120;

/**
 * Headless mode: the same services and contract as the Electron shell, carried over a WebSocket
 * (`WsClientFrame` / `WsServerFrame`), plus the built renderer as static files, all behind the
 * login token. Every request must name an allowed host (DNS rebinding); every route but `/login`,
 * `/logout` and `/push/…` needs a session (cookie) or a Bearer token; the WebSocket and the routes
 * that act also need the server's own Origin.
 */
export async function createHeadlessServer(opts: HeadlessServerOptions): Promise<HeadlessServer> {
  const { services, logger, token } = opts;
  if (token.length < 16) throw new Error('The headless token must be at least 16 characters long.');
  const staticDir = resolve(opts.staticDir);
  const hosts = createHostPolicy(opts.host, opts.allowedHosts ?? []);
  const sessions = new SessionStore(opts.sessions);
  const limiter = new AttemptLimiter(opts.loginLimit);
  const maxCalls = opts.maxCallsInFlight ?? MAX_CALLS_IN_FLIGHT;

  interface Client {
    ws: WebSocket;
    alive: boolean;
    /** The session it was opened with (null: a Bearer token); it closes when that session ends. */
    sessionId: string | null;
    inFlight: number;
  }
  const clients = new Map<ClientId, Client>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    // Compression off: less CPU per frame and no decompression-bomb surface.
    perMessageDeflate: false,
  });

  const http = createServer(
    {
      // No whole-request deadline (see IDLE_TIMEOUT_MS); the headers still have one.
      requestTimeout: 0,
      headersTimeout: opts.timeouts?.headersMs ?? HEADERS_TIMEOUT_MS,
      // How often Node looks for connections past the headers deadline.
      connectionsCheckingInterval: Math.min(30_000, Math.max(100, (opts.timeouts?.headersMs ?? HEADERS_TIMEOUT_MS) / 4)),
    },
    (req, res) => {
      try {
        handleRequest(req, res);
      } catch (e) {
        logger.error('request failed', { error: e instanceof Error ? e.message : String(e) });
        if (!res.headersSent) sendPage(res, 500, 'Internal error', 'Homeport hit an unexpected error; the log has the details.');
        else res.destroy();
      }
    },
  );
  http.setTimeout(opts.timeouts?.idleMs ?? IDLE_TIMEOUT_MS);

  /** What a request proves: a session, the token itself (scripts), or nothing. */
  type Auth = { kind: 'session'; id: string } | { kind: 'bearer' } | { kind: 'none' } | { kind: 'limited'; retryAfter: number };

  function authenticate(req: IncomingMessage): Auth {
    const id = sessionIdOf(req.headers);
    if (id !== null && sessions.check(id)) return { kind: 'session', id };
    const bearer = bearerOf(req.headers.authorization);
    if (bearer === null) return { kind: 'none' };
    const remote = remoteOf(req);
    const retryAfter = limiter.retryAfter(remote);
    if (retryAfter > 0) return { kind: 'limited', retryAfter };
    if (safeEqual(bearer, token)) return { kind: 'bearer' };
    limiter.fail(remote);
    logger.warn('refused a wrong Bearer token', { remote });
    return { kind: 'none' };
  }

  function handleRequest(req: IncomingMessage, res: ServerResponse): void {
    const { pathname, query } = splitUrl(req.url);
    const method = req.method ?? 'GET';

    if (!hosts.hostAllowed(req.headers.host)) return sendWrongHost(req, res);

    // Push monitors: unauthenticated by design — the long random token in the path is the secret.
    if (pathname === '/push' || pathname.startsWith('/push/')) return handlePush(req, res, pathname, query);
    if (pathname === '/login') return handleLogin(req, res, query);
    if (pathname === '/logout') return handleLogout(req, res);

    const auth = authenticate(req);
    if (auth.kind === 'limited') return sendTooManyLogins(res, auth.retryAfter);
    if (auth.kind === 'none') return sendLoginPage(res, 401, null);
    if (pathname.startsWith(TRANSFER_PATH)) {
      // Cookie-authenticated requests that act must come from our own pages (CSRF).
      if (auth.kind === 'session' && !isSameOriginRequest(method, req.headers, hosts)) {
        logger.warn('transfer refused: foreign origin', { origin: String(req.headers.origin ?? '(none)').slice(0, 200), site: String(req.headers['sec-fetch-site'] ?? '') });
        return sendPage(res, 403, 'Forbidden', 'Transfers are only accepted from Homeport\u2019s own pages.');
      }
      return handleTransfer(req, res, pathname.slice(TRANSFER_PATH.length), { transfers: services.transfers, logger, baseHeaders: BASE_HEADERS, sendPage });
    }
    if (pathname === '/ws') {
      return sendPage(res, 426, 'Upgrade required', 'This address is Homeport\u2019s WebSocket endpoint.', { Upgrade: 'websocket' });
    }
    if (method !== 'GET' && method !== 'HEAD') return sendMethodNotAllowed(res);

    const found = lookupStatic(staticDir, pathname);
    switch (found.kind) {
      case 'forbidden':
        logger.warn('refused a path outside the static folder', { path: pathname.slice(0, 200) });
        return sendPage(res, 403, 'Forbidden', 'That path is outside Homeport\u2019s files.');
      case 'not-found':
        return sendPage(res, 404, 'Not found', 'There is no such file.');
      case 'spa':
        return sendIndex(req, res);
      case 'file':
        if (isIndex(found.path)) return sendIndex(req, res);
        return sendFile(req, res, found.path, found.size, {
          // Vite's assets carry a content hash in their name; everything else is revalidated.
          'Cache-Control': pathname.startsWith('/assets/') ? 'private, max-age=31536000, immutable' : 'no-cache',
        });
    }
  }

  const pushWindows = new Map<string, { start: number; count: number }>();

  /** `GET|POST /push/<token>?status=up|down&msg=…&ping=<ms>` (as Uptime Kuma's push URL). */
  function handlePush(req: IncomingMessage, res: ServerResponse, pathname: string, query: URLSearchParams): void {
    const method = req.method ?? 'GET';
    req.resume(); // a POST body is not used
    if (method !== 'GET' && method !== 'POST' && method !== 'HEAD') return sendJson(res, 405, { ok: false, msg: 'Use GET or POST.' }, { Allow: 'GET, POST, HEAD' });
    const remote = req.socket.remoteAddress ?? '?';
    const now = Date.now();
    let w = pushWindows.get(remote);
    if (!w || now - w.start >= 60_000) {
      if (pushWindows.size > 10_000) pushWindows.clear();
      w = { start: now, count: 0 };
      pushWindows.set(remote, w);
    }
    if (++w.count > PUSH_RATE_PER_MINUTE) {
      const retry = Math.max(1, Math.ceil((w.start + 60_000 - now) / 1000));
      return sendJson(res, 429, { ok: false, msg: `Too many pushes; try again in ${retry} s.` }, { 'Retry-After': String(retry) });
    }
    const m = /^\/push\/([A-Za-z0-9_-]{16,128})\/?$/.exec(pathname);
    const ping = query.get('ping');
    if (ping !== null && ping !== '' && !(Number(ping) >= 0 && Number(ping) <= 86_400_000)) {
      return sendJson(res, 400, { ok: false, msg: 'ping must be a number of milliseconds (0 to 86400000).' });
    }
    // Unknown, malformed and paused tokens get the same answer: nothing tells which tokens exist.
    if (!m || !services.monitors.push(m[1]!, { status: query.get('status'), msg: query.get('msg'), ping })) {
      return sendJson(res, 404, { ok: false, msg: 'Monitor not found or not active.' });
    }
    sendJson(res, 200, { ok: true });
  }

  function sendJson(res: ServerResponse, status: number, body: unknown, extra: OutgoingHttpHeaders = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { ...BASE_HEADERS, ...extra, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
    res.end(res.req.method === 'HEAD' ? undefined : text);
  }

  function isIndex(path: string): boolean {
    const index = lookupStatic(staticDir, '/index.html');
    return index.kind === 'file' && index.path === path;
  }

  function sendIndex(req: IncomingMessage, res: ServerResponse): void {
    const found = lookupStatic(staticDir, '/index.html');
    if (found.kind !== 'file') {
      return sendPage(res, 503, 'The UI is not built', 'Run <code>npm run build</code> (or <code>npm run serve</code>), then reload.');
    }
    sendFile(req, res, found.path, found.size, { 'Cache-Control': 'no-store' });
  }

  function sendFile(req: IncomingMessage, res: ServerResponse, path: string, size: number, extra: OutgoingHttpHeaders): void {
    res.writeHead(200, { ...BASE_HEADERS, ...extra, 'Content-Type': contentTypeOf(path), 'Content-Length': size });
    if (req.method === 'HEAD') return void res.end();
    const stream = createReadStream(path);
    stream.on('error', (e) => {
      logger.error('static file read failed', { path, error: e.message });
      res.destroy();
    });
    stream.pipe(res);
  }

  // --- WebSocket ---------------------------------------------------------------------------

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const { pathname } = splitUrl(req.url);
    if (!hosts.hostAllowed(req.headers.host)) {
      logger.warn('websocket refused: another host name', { host: String(req.headers.host ?? '').slice(0, 200) });
      return rejectUpgrade(socket, 421, 'Misdirected Request');
    }
    if (pathname !== '/ws') return rejectUpgrade(socket, 404, 'Not Found');
    const auth = authenticate(req);
    if (auth.kind === 'limited') return rejectUpgrade(socket, 429, 'Too Many Requests', { 'Retry-After': String(auth.retryAfter) });
    if (auth.kind === 'none') {
      logger.warn('websocket refused: not logged in', { remote: remoteOf(req) });
      return rejectUpgrade(socket, 401, 'Unauthorized');
    }
    // Cross-site WebSocket hijacking: the browser sends our cookie on a cross-site handshake too.
    if (!hosts.originAllowed(req.headers.origin, req.headers.host)) {
      logger.warn('websocket refused: foreign origin', { origin: String(req.headers.origin ?? '(none)').slice(0, 200) });
      return rejectUpgrade(socket, 403, 'Forbidden');
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, auth.kind === 'session' ? auth.id : null));
  });

  // A session that ends (logout, idle, expiry) takes its WebSockets with it; the page then finds
  // itself logged out and shows the login.
  const unwatchSessions = sessions.onEnd((id, reason) => {
    for (const [clientId, c] of clients) {
      if (c.sessionId !== id) continue;
      logger.info('closing a client: its session ended', { clientId, reason });
      c.ws.close(SESSION_ENDED_CLOSE_CODE, reason === 'logout' ? 'Logged out' : 'Session ended');
    }
  });
  const sessionLifetime = Math.min(sessions.idleMs, sessions.absoluteMs);
  const sweeper = setInterval(() => sessions.sweep(), Math.min(60_000, Math.max(100, sessionLifetime / 4)));
  sweeper.unref();

  function onConnection(ws: WebSocket, sessionId: string | null): void {
    const clientId: ClientId = `ws-${randomUUID()}`;
    const client: Client = { ws, alive: true, sessionId, inFlight: 0 };
    clients.set(clientId, client);
    logger.info('client connected', { clientId, clients: clients.size });
    ws.on('pong', () => (client.alive = true));
    ws.on('error', (e) => logger.warn('websocket error', { clientId, error: e.message }));
    ws.on('close', () => {
      clients.delete(clientId);
      logger.info('client gone', { clientId, clients: clients.size });
      services.clientGone(clientId);
    });
    ws.on('message', (data, isBinary) => void onFrame(clientId, client, data, isBinary));
  }

  async function onFrame(clientId: ClientId, client: Client, data: RawData, isBinary: boolean): Promise<void> {
    const { ws } = client;
    if (isBinary) return void logger.warn('ignored a binary frame', { clientId });
    // A call is activity: it keeps the session alive, and a session that ended meanwhile stops here.
    if (client.sessionId !== null && !sessions.check(client.sessionId)) return;
    let frame: unknown;
    try {
      frame = JSON.parse(rawText(data));
    } catch {
      return void logger.warn('ignored a frame that is not JSON', { clientId });
    }
    const f = (typeof frame === 'object' && frame !== null ? frame : {}) as Record<string, unknown>;
    const id = typeof f.id === 'number' && Number.isSafeInteger(f.id) ? f.id : null;
    if (f.t !== 'call' || id === null || typeof f.method !== 'string') {
      if (id === null) return void logger.warn('ignored a malformed frame', { clientId });
      return send(ws, clientId, {
        t: 'result',
        id,
        result: { ok: false, error: { code: 'VALIDATION', message: 'Malformed frame: expected {"t":"call","id":<number>,"method":<string>,"input":…}.' } },
      });
    }
    if (client.inFlight >= maxCalls) {
      logger.warn('refused a call: too many running for this client', { clientId, inFlight: client.inFlight });
      return send(ws, clientId, {
        t: 'result',
        id,
        result: {
          ok: false,
          error: {
            code: 'LIMIT',
            message: `Too many requests at once from this browser tab (${maxCalls} are still running).`,
            fix: 'Wait for them to finish, then try again; if it repeats, reload the page.',
          },
        },
      });
    }
    client.inFlight++;
    let result: Envelope<unknown>;
    try {
      result = await services.dispatch(f.method, f.input, { clientId });
    } catch (e) {
      // dispatch wraps service errors itself; this is a bug in the transport path.
      logger.error('dispatch threw', { method: f.method.slice(0, 80), error: e instanceof Error ? e.message : String(e) });
      result = { ok: false, error: internal(e) };
    } finally {
      client.inFlight--;
    }
    send(ws, clientId, { t: 'result', id, result });
  }

  function send(ws: WebSocket, clientId: ClientId, frame: WsServerFrame): void {
    let text: string;
    try {
      text = JSON.stringify(frame);
    } catch (e) {
      logger.error('unserializable frame', { clientId, error: e instanceof Error ? e.message : String(e) });
      if (frame.t !== 'result') return;
      text = JSON.stringify({ t: 'result', id: frame.id, result: { ok: false, error: internal(e) } } satisfies WsServerFrame);
    }
    sendText(ws, clientId, text);
  }

  function sendText(ws: WebSocket, clientId: ClientId, text: string): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      logger.warn('dropping a client that does not read its events', { clientId });
      return void ws.terminate();
    }
    ws.send(text);
  }

  const unsubscribe = services.events.subscribe((event, payload, target) => {
    if (target !== null) {
      // A stream's events go only to the client that opened it (other transports' ids are not ours).
      const client = clients.get(target);
      if (client) send(client.ws, target, { t: 'event', event, payload });
      return;
    }
    if (clients.size === 0) return;
    let text: string;
    try {
      text = JSON.stringify({ t: 'event', event, payload } satisfies WsServerFrame);
    } catch (e) {
      return void logger.error('unserializable event', { event, error: e instanceof Error ? e.message : String(e) });
    }
    for (const [clientId, { ws }] of clients) sendText(ws, clientId, text);
  });

  // Half-open TCP connections (a laptop that slept) never send `close`: ping, and drop the silent.
  const heartbeat = setInterval(() => {
    for (const client of clients.values()) {
      if (!client.alive) {
        client.ws.terminate();
        continue;
      }
      client.alive = false;
      client.ws.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  // --- Listen ------------------------------------------------------------------------------

  await new Promise<void>((ok, fail) => {
    const onError = (e: NodeJS.ErrnoException) => {
      fail(
        e.code === 'EADDRINUSE'
          ? new HomeportError({ code: 'CONFLICT', message: `Port ${opts.port} on ${opts.host} is already in use.`, fix: 'Stop the other program, or choose another port with --port (0 picks a free one).' })
          : e.code === 'EADDRNOTAVAIL'
            ? new HomeportError({ code: 'UNREACHABLE', message: `This computer has no address ${opts.host} to listen on.`, fix: 'Choose another --host (127.0.0.1 is the safe default).' })
            : e,
      );
    };
    http.once('error', onError);
    http.listen(opts.port, opts.host, () => {
      http.off('error', onError);
      ok();
    });
  });
  http.on('error', (e) => logger.error('http server error', { error: e.message }));

  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const url = `http://${urlHost(displayHost(opts.host), port)}`;
  const loginUrl = `${url}/login?token=${encodeURIComponent(token)}`;
  if (!existsSync(join(staticDir, 'index.html'))) {
    logger.warn('the UI is not built: the browser will see a hint page', { staticDir });
  }

  let closing: Promise<void> | null = null;
  return {
    url,
    loginUrl,
    close: () =>
      (closing ??= (async () => {
        unsubscribe();
        unwatchSessions();
        clearInterval(sweeper);
        clearInterval(heartbeat);
        const closed = [...clients.values()].map(
          ({ ws }) =>
            new Promise<void>((done) => {
              ws.once('close', () => done());
              ws.close(1001, 'Homeport is shutting down');
            }),
        );
        const timeout = new Promise<void>((done) => setTimeout(done, 1000).unref());
        await Promise.race([Promise.all(closed), timeout]);
        for (const { ws } of clients.values()) ws.terminate();
        wss.close();
        await new Promise<void>((done) => {
          http.close(() => done());
          http.closeAllConnections();
        });
      })()),
  };

  /** A page the server writes itself; `html` is trusted markup (callers escape what they insert). */
  function sendPage(res: ServerResponse, status: number, title: string, html: string, extra: OutgoingHttpHeaders = {}): void {
    sendHtml(res, status, pageHtml(title, `<p>${html}</p>`), extra);
  }

  function sendHtml(res: ServerResponse, status: number, body: string, extra: OutgoingHttpHeaders = {}): void {
    res.writeHead(status, {
      ...BASE_HEADERS,
      'Content-Security-Policy': PAGE_CONTENT_SECURITY_POLICY,
      // A form posted from a no-referrer page goes out with `Origin: null`, which the same-origin
      // check must refuse; `same-origin` still keeps the URL (a `?token=` link) from other sites.
      'Referrer-Policy': 'same-origin',
      ...extra,
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'Cache-Control': 'no-store',
    });
    res.end(res.req.method === 'HEAD' ? undefined : body);
  }

  function sendMethodNotAllowed(res: ServerResponse, allow = 'GET, HEAD'): void {
    sendPage(res, 405, 'Method not allowed', `This address answers ${escapeHtml(allow)} only.`, { Allow: allow });
  }

  function sendLoginPage(res: ServerResponse, status: number, error: string | null, extra: OutgoingHttpHeaders = {}): void {
    sendHtml(res, status, loginPageHtml({ error }), extra);
  }

  function sendTooManyLogins(res: ServerResponse, retryAfter: number): void {
    sendLoginPage(res, 429, `Too many failed logins from this address. Wait ${retryAfter} s, then try again with the right token.`, { 'Retry-After': String(retryAfter) });
  }

  /** Misdirected (421): the request names a host this server was not told it answers to. */
  function sendWrongHost(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    const given = String(req.headers.host ?? '').slice(0, 200);
    const name = splitHostHeader(given)?.name ?? '';
    logger.warn('refused a request for another host name', { host: given, remote: remoteOf(req) });
    const how = name
      ? `If you reach Homeport by this name on purpose (a reverse proxy, a DNS name), start it with <code>--allowed-host ${escapeHtml(name)}</code> (or add it to <code>HOMEPORT_ALLOWED_HOSTS</code>).`
      : 'The request did not say which host it was for.';
    sendPage(
      res,
      421,
      'Wrong host name',
      `This Homeport does not answer to the name <code>${escapeHtml(given || '(none)')}</code>: pages reached by an unknown name could be another site in disguise (DNS rebinding). ${how} Or open it by its address (for example <code>127.0.0.1</code>).`,
      { Connection: 'close' },
    );
  }

  /** `GET /login` (the page, or `?token=` from the printed link) and `POST /login` (the form). */
  function handleLogin(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void {
    const method = req.method ?? 'GET';
    if (method === 'POST') {
      if (!isSameOriginRequest(method, req.headers, hosts)) {
        req.resume();
        logger.warn('login form refused: foreign origin', { origin: String(req.headers.origin ?? '(none)').slice(0, 200) });
        return sendPage(res, 403, 'Forbidden', 'The login form is only accepted from Homeport\u2019s own login page. <a href="/login" style="color:#5aa3ea">Open it</a>.');
      }
      const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'application/x-www-form-urlencoded') {
        req.resume();
        return sendPage(res, 415, 'Unsupported form', 'Log in with the form on the login page.');
      }
      return void readSmallBody(req, MAX_LOGIN_BODY_BYTES).then(
        (body) => tryLogin(req, res, new URLSearchParams(body).get('token') ?? ''),
        () => {
          if (!res.headersSent) sendPage(res, 413, 'Form too large', 'The login form holds only the token.', { Connection: 'close' });
        },
      );
    }
    if (method !== 'GET' && method !== 'HEAD') return sendMethodNotAllowed(res, 'GET, HEAD, POST');
    const given = query.get('token');
    if (given === null) {
      const id = sessionIdOf(req.headers);
      if (id !== null && sessions.check(id, false)) return redirect(res, '/');
      return sendLoginPage(res, 200, null);
    }
    tryLogin(req, res, given);
  }

  function tryLogin(req: IncomingMessage, res: ServerResponse, given: string): void {
    const remote = remoteOf(req);
    const retryAfter = limiter.retryAfter(remote);
    if (retryAfter > 0) return sendTooManyLogins(res, retryAfter);
    if (!given || !safeEqual(given, token)) {
      limiter.fail(remote);
      logger.warn('login refused: wrong token', { remote });
      return sendLoginPage(res, 401, 'That token is not right. A new one is made at every start unless one is set, so a link from an earlier start no longer works.');
    }
    // A new id at every login: an id someone planted in this browser before is worth nothing.
    const id = sessions.create(sessionIdOf(req.headers));
    logger.info('logged in', { remote });
    // 303 to `/` also takes the token out of the address bar (and so out of the history).
    redirect(res, '/', { 'Set-Cookie': sessionCookieHeader(id, sessions.absoluteMs) });
  }

  /** `POST /logout` ends this browser's session (from our own pages only); `GET` shows a button for it. */
  function handleLogout(req: IncomingMessage, res: ServerResponse): void {
    const method = req.method ?? 'GET';
    req.resume();
    if (method === 'GET' || method === 'HEAD') {
      return sendHtml(res, 200, pageHtml('Log out', '<p>Log this browser out of Homeport?</p><form method="post" action="/logout"><button type="submit">Log out</button></form>'));
    }
    if (method !== 'POST') return sendMethodNotAllowed(res, 'GET, HEAD, POST');
    if (!isSameOriginRequest(method, req.headers, hosts)) {
      logger.warn('logout refused: foreign origin', { origin: String(req.headers.origin ?? '(none)').slice(0, 200) });
      return sendPage(res, 403, 'Forbidden', 'Logging out is only accepted from Homeport\u2019s own pages.');
    }
    const id = sessionIdOf(req.headers);
    if (id !== null) sessions.end(id, 'logout');
    redirect(res, '/login', { 'Set-Cookie': clearedSessionCookieHeader() });
  }

  function redirect(res: ServerResponse, location: string, extra: OutgoingHttpHeaders = {}): void {
    res.writeHead(303, { ...BASE_HEADERS, ...extra, Location: location, 'Cache-Control': 'no-store', 'Content-Length': 0 });
    res.end();
  }
}

/** The client's address, for rate limits and logs. */
function remoteOf(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? '?';
}

/** The whole body as text, refused (rejected) past `max` bytes. */
function readSmallBody(req: IncomingMessage, max: number): Promise<string> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.removeAllListeners('data');
        req.resume();
        fail(new Error('too large'));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => ok(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}

function rejectUpgrade(socket: Duplex, status: number, reason: string, extra: Record<string, string> = {}): void {
  const body = `${status} ${reason}\n`;
  const more = Object.entries(extra).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\n${more}Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** Path and query of a request target, without URL normalisation (the static lookup decodes and checks). */
function splitUrl(target: string | undefined): { pathname: string; query: URLSearchParams } {
  const raw = target ?? '/';
  const q = raw.indexOf('?');
  const pathname = (q === -1 ? raw : raw.slice(0, q)).split('#')[0] || '/';
  return { pathname, query: new URLSearchParams(q === -1 ? '' : raw.slice(q + 1)) };
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function internal(e: unknown) {
  return toErrorInfo(e, { message: 'Homeport hit an unexpected error while answering this call.', fix: 'This is a bug; the log has the details.' });
}
