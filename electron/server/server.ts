import { randomUUID } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { join, resolve } from 'node:path';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { HomeportError, type Envelope, type WsServerFrame } from '../../shared/contract';
import type { Services } from '../services/app';
import type { Logger } from '../services/platform/platform';
import type { ClientId } from '../services/rpc/event-bus';
import {
  createOriginCheck,
  displayHost,
  hasSessionCookie,
  isAuthenticated,
  isSameOriginRequest,
  safeEqual,
  sessionCookieHeader,
  sessionValue,
  urlHost,
} from './auth';
import { CONTENT_SECURITY_POLICY } from './csp';
import { contentTypeOf, lookupStatic } from './static-files';
import { handleTransfer } from './transfers';
import { TRANSFER_PATH } from '../services/resources/transfers';

export interface HeadlessServerOptions {
  services: Services;
  /** The built renderer (`out/renderer`). */
  staticDir: string;
  host: string;
  /** 0 = any free port. */
  port: number;
  token: string;
  logger: Logger;
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

/** Sent with every response. */
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

const LOGIN_HINT = 'Open the login URL printed by <code>npm run serve</code> (it contains the token).';

/**
 * Headless mode: the same services and contract as the Electron shell, carried over a WebSocket
 * (`WsClientFrame` / `WsServerFrame`), plus the built renderer as static files, all behind the
 * login token. Every route but `/login` needs the session cookie (or a Bearer token); the
 * WebSocket also needs the server's own Origin.
 */
export async function createHeadlessServer(opts: HeadlessServerOptions): Promise<HeadlessServer> {
  const { services, logger, token } = opts;
  if (token.length < 16) throw new Error('The headless token must be at least 16 characters long.');
  const staticDir = resolve(opts.staticDir);
  const session = sessionValue(token);
  // Set once the port is known (port 0 = any free port); no upgrade is handled before that.
  let checkOrigin: ReturnType<typeof createOriginCheck> = () => false;

  const clients = new Map<ClientId, { ws: WebSocket; alive: boolean }>();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    // Compression off: less CPU per frame and no decompression-bomb surface.
    perMessageDeflate: false,
  });

  const http = createServer((req, res) => {
    try {
      handleRequest(req, res);
    } catch (e) {
      logger.error('request failed', { error: e instanceof Error ? e.message : String(e) });
      if (!res.headersSent) sendPage(res, 500, 'Internal error', 'Homeport hit an unexpected error; the log has the details.');
      else res.destroy();
    }
  });

  function handleRequest(req: IncomingMessage, res: ServerResponse): void {
    const { pathname, query } = splitUrl(req.url);
    const method = req.method ?? 'GET';

    // Push monitors: unauthenticated by design — the long random token in the path is the secret.
    if (pathname === '/push' || pathname.startsWith('/push/')) return handlePush(req, res, pathname, query);

    if (pathname === '/login') {
      const given = query.get('token') ?? '';
      if (method !== 'GET' && method !== 'HEAD') return sendMethodNotAllowed(res);
      if (!given || !safeEqual(given, token)) {
        logger.warn('login refused: wrong or missing token', { remote: req.socket.remoteAddress });
        return sendPage(res, 401, 'Not logged in', `That login link is not valid (wrong or old token). ${LOGIN_HINT}`);
      }
      // 303 to `/` also takes the token out of the address bar (and so out of the history).
      res.writeHead(303, { ...BASE_HEADERS, 'Set-Cookie': sessionCookieHeader(token), Location: '/', 'Cache-Control': 'no-store', 'Content-Length': 0 });
      return void res.end();
    }

    if (!isAuthenticated(req.headers, token, session)) {
      return sendPage(res, 401, 'Not logged in', LOGIN_HINT);
    }
    if (pathname.startsWith(TRANSFER_PATH)) {
      // Cookie-authenticated requests that act must come from our own pages (CSRF).
      if (hasSessionCookie(req.headers, session) && !isSameOriginRequest(method, req.headers, checkOrigin)) {
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
    if (pathname !== '/ws') return rejectUpgrade(socket, 404, 'Not Found');
    if (!isAuthenticated(req.headers, token, session)) {
      logger.warn('websocket refused: not logged in', { remote: req.socket.remoteAddress });
      return rejectUpgrade(socket, 401, 'Unauthorized');
    }
    // Cross-site WebSocket hijacking: the browser sends our cookie on a cross-site handshake too.
    if (!checkOrigin(req.headers.origin, req.headers.host)) {
      logger.warn('websocket refused: foreign origin', { origin: String(req.headers.origin ?? '(none)').slice(0, 200) });
      return rejectUpgrade(socket, 403, 'Forbidden');
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws));
  });

  function onConnection(ws: WebSocket): void {
    const clientId: ClientId = `ws-${randomUUID()}`;
    const client = { ws, alive: true };
    clients.set(clientId, client);
    logger.info('client connected', { clientId, clients: clients.size });
    ws.on('pong', () => (client.alive = true));
    ws.on('error', (e) => logger.warn('websocket error', { clientId, error: e.message }));
    ws.on('close', () => {
      clients.delete(clientId);
      logger.info('client gone', { clientId, clients: clients.size });
      services.clientGone(clientId);
    });
    ws.on('message', (data, isBinary) => void onFrame(clientId, ws, data, isBinary));
  }

  async function onFrame(clientId: ClientId, ws: WebSocket, data: RawData, isBinary: boolean): Promise<void> {
    if (isBinary) return void logger.warn('ignored a binary frame', { clientId });
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
    let result: Envelope<unknown>;
    try {
      result = await services.dispatch(f.method, f.input, { clientId });
    } catch (e) {
      // dispatch wraps service errors itself; this is a bug in the transport path.
      logger.error('dispatch threw', { method: f.method.slice(0, 80), error: e instanceof Error ? e.message : String(e) });
      result = { ok: false, error: internal(e) };
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
  checkOrigin = createOriginCheck(opts.host, port);
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

  function sendPage(res: ServerResponse, status: number, title: string, html: string, extra: OutgoingHttpHeaders = {}): void {
    const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Homeport \u2014 ${title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:15vh auto;padding:0 1rem;color:#1f2933}code{background:#eef2f6;padding:0 .25em;border-radius:3px}</style>
</head><body><h1>${title}</h1><p>${html}</p></body></html>\n`;
    res.writeHead(status, {
      ...BASE_HEADERS,
      ...extra,
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'Cache-Control': 'no-store',
    });
    res.end(res.req.method === 'HEAD' ? undefined : body);
  }

  function sendMethodNotAllowed(res: ServerResponse): void {
    sendPage(res, 405, 'Method not allowed', 'Homeport serves its pages with GET only.', { Allow: 'GET, HEAD' });
  }
}

function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = `${status} ${reason}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
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
  return e instanceof HomeportError
    ? e.toInfo()
    : { code: 'INTERNAL' as const, message: 'Homeport hit an unexpected error while answering this call.', fix: 'This is a bug; the log has the details.' };
}
