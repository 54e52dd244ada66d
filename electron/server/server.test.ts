import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { StreamId, type Envelope, type WsServerFrame } from '../../shared/contract';
import { createServices, type Services } from '../services/app';
import type { Logger } from '../services/platform/platform';
import { SESSION_COOKIE } from './auth';
import { CONTENT_SECURITY_POLICY } from '../web/csp';
import { PAGE_CONTENT_SECURITY_POLICY } from './pages';
import { createHeadlessPlatform } from './headless-platform';
import { createHeadlessServer, MAX_FRAME_BYTES, type HeadlessServer } from './server';
import { loginCookie, upgradeStatus } from './test-support/browser';

const TOKEN = 'test-token-0123456789abcdef0123456789abcdef';

type LogEntry = { level: string; message: string; fields?: Record<string, unknown> };
const logs: LogEntry[] = [];
const logger: Logger = {
  info: (message, fields) => void logs.push({ level: 'info', message, fields }),
  warn: (message, fields) => void logs.push({ level: 'warn', message, fields }),
  error: (message, fields) => void logs.push({ level: 'error', message, fields }),
};

let root: string;
let services: Services;
let server: HeadlessServer;
let base: string;
let wsUrl: string;
let cookie: string;
/** clientIds in the order their first call reached the services, and the ones reported gone. */
const callers: string[] = [];
const gone: string[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'homeport-server-'));
  const staticDir = join(root, 'static');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Homeport</title><div id="root"></div>');
  writeFileSync(join(staticDir, 'assets', 'app-abc123.js'), 'console.log("homeport")');
  writeFileSync(join(root, 'outside-secret.txt'), 'TOP SECRET');
  const home = join(root, 'home');
  mkdirSync(home);

  const real = await createServices(createHeadlessPlatform({ dataDir: join(root, 'data'), version: '0.0.0-test', logger, homeDir: home, agentSocket: null }));
  services = {
    ...real,
    dispatch: (method, input, ctx) => {
      if (!callers.includes(ctx.clientId)) callers.push(ctx.clientId);
      return real.dispatch(method, input, ctx);
    },
    clientGone: (id) => {
      gone.push(id);
      real.clientGone(id);
    },
  };
  server = await createHeadlessServer({ services, staticDir, host: '127.0.0.1', port: 0, token: TOKEN, logger });
  base = server.url;
  wsUrl = base.replace(/^http/, 'ws') + '/ws';
  cookie = await loginCookie(server.loginUrl);
});

afterAll(async () => {
  await server?.close();
  await services?.dispose();
  rmSync(root, { recursive: true, force: true });
});

/** A raw GET (fetch would normalise `..` away before sending). */
function rawGet(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const u = new URL(base);
  return new Promise((ok, fail) => {
    const req = request({ host: u.hostname, port: u.port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

class Client {
  readonly frames: WsServerFrame[] = [];
  private waiters: Array<() => void> = [];
  private nextId = 1;
  closeCode: number | null = null;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()) as WsServerFrame);
      for (const w of this.waiters.splice(0)) w();
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      for (const w of this.waiters.splice(0)) w();
    });
  }
  async waitFor<T extends WsServerFrame>(pred: (f: WsServerFrame) => f is T, timeoutMs = 3000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.frames.find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error('timed out waiting for a frame');
      await new Promise<void>((ok) => {
        this.waiters.push(ok);
        setTimeout(ok, 50);
      });
    }
  }
  async call(method: string, input?: unknown): Promise<Envelope<unknown>> {
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ t: 'call', id, method, input }));
    return (await this.waitFor((f): f is Extract<WsServerFrame, { t: 'result' }> => f.t === 'result' && f.id === id)).result;
  }
  async closed(): Promise<number> {
    while (this.closeCode === null) await new Promise((ok) => setTimeout(ok, 20));
    return this.closeCode;
  }
}

function connect(opts: { origin?: string; cookie?: string | null } = {}): Promise<Client> {
  const headers: Record<string, string> = {};
  const c = opts.cookie === undefined ? cookie : opts.cookie;
  if (c) headers.cookie = c;
  const ws = new WebSocket(wsUrl, { headers, origin: opts.origin ?? base });
  const client = new Client(ws);
  return new Promise((ok, fail) => {
    ws.once('open', () => ok(client));
    ws.once('unexpected-response', (_req, res) => {
      fail(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode }));
      ws.terminate();
    });
    ws.once('error', fail);
  });
}

async function refusedStatus(p: Promise<Client>): Promise<number> {
  try {
    const c = await p;
    c.ws.close();
    return 101;
  } catch (e) {
    return (e as { status?: number }).status ?? -1;
  }
}

describe('headless server: HTTP and login', () => {
  it('prints a login URL on 127.0.0.1 with the token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.loginUrl).toBe(`${server.url}/login?token=${TOKEN}`);
  });

  it('login with the right token sets the session cookie and redirects to /', async () => {
    const res = await fetch(server.loginUrl, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const setCookie = res.headers.getSetCookie();
    expect(setCookie).toHaveLength(1);
    expect(setCookie[0]).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43};`));
    expect(setCookie[0]).toContain('HttpOnly');
    expect(setCookie[0]).toContain('SameSite=Strict');
    expect(setCookie[0]).toContain('Path=/');
    // The cookie is not the token.
    expect(setCookie[0]).not.toContain(TOKEN);

    const page = await fetch(`${base}/`, { headers: { cookie: setCookie[0]!.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(await page.text()).toContain('<div id="root">');
  });

  it('login with a wrong or empty token is 401 with the login form and the reason; /login alone is the form', async () => {
    for (const url of [`${base}/login?token=${TOKEN.slice(0, -1)}x`, `${base}/login?token=`]) {
      const res = await fetch(url, { redirect: 'manual' });
      expect(res.status).toBe(401);
      expect(res.headers.getSetCookie()).toEqual([]);
      const text = await res.text();
      expect(text).toContain('That token is not right');
      expect(text).toContain('name="token"');
    }
    const form = await fetch(`${base}/login`, { redirect: 'manual' });
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('name="token"');
  });

  it('without a session, pages and assets are 401 with the login form', async () => {
    for (const path of ['/', '/index.html', '/assets/app-abc123.js', '/hosts/some-route']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(401);
      const text = await res.text();
      expect(text).toContain('<form method="post" action="/login">');
      expect(text).toContain('login URL Homeport printed when it started');
      expect(res.headers.get('content-security-policy')).toBe(PAGE_CONTENT_SECURITY_POLICY);
    }
    const forged = await fetch(`${base}/`, { headers: { cookie: `${SESSION_COOKIE}=${'A'.repeat(43)}` } });
    expect(forged.status).toBe(401);
  });

  it('accepts Authorization: Bearer <token> for scripts', async () => {
    expect((await fetch(`${base}/`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await fetch(`${base}/`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
  });

  it('serves assets with their content type, falls back to index.html for app routes, 404s missing files', async () => {
    const js = await fetch(`${base}/assets/app-abc123.js`, { headers: { cookie } });
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await js.text()).toBe('console.log("homeport")');

    const route = await fetch(`${base}/hosts/h_abcd`, { headers: { cookie } });
    expect(route.status).toBe(200);
    expect(route.headers.get('cache-control')).toBe('no-store');
    expect(await route.text()).toContain('<div id="root">');

    expect((await fetch(`${base}/assets/missing.js`, { headers: { cookie } })).status).toBe(404);
    expect((await fetch(`${base}/`, { method: 'POST', headers: { cookie } })).status).toBe(405);
  });

  it('refuses path traversal', async () => {
    for (const path of ['/..%2f..%2fetc/passwd', '/..%2foutside-secret.txt', '/../outside-secret.txt', '/assets/..%2f..%2foutside-secret.txt', '/%2e%2e/outside-secret.txt', '/x%00.js']) {
      const res = await rawGet(path, { cookie });
      expect(res.status, path).toBe(403);
      expect(res.body).not.toContain('TOP SECRET');
      expect(res.body).not.toContain('root:');
    }
    // Without a cookie the traversal never even reaches the file lookup.
    expect((await rawGet('/..%2f..%2fetc/passwd')).status).toBe(401);
  });
});

describe('headless server: WebSocket', () => {
  it('refuses the upgrade without the cookie (401) and from a foreign Origin (403)', async () => {
    expect(await refusedStatus(connect({ cookie: null }))).toBe(401);
    expect(await refusedStatus(connect({ cookie: `${SESSION_COOKIE}=forged` }))).toBe(401);
    expect(await refusedStatus(connect({ origin: 'http://evil.example' }))).toBe(403);
    expect(await refusedStatus(connect({ origin: base.replace(/:\d+$/, ':1') }))).toBe(403);
    expect(await refusedStatus(connect({ origin: `${base}.evil.example` }))).toBe(403);
    expect(await refusedStatus(connect({ origin: 'null' }))).toBe(403);
    // Bound to loopback: the same port under localhost is the same app.
    expect(await refusedStatus(connect({ origin: base.replace('127.0.0.1', 'localhost') }))).toBe(101);
    const status = await upgradeStatus(wsUrl, { headers: { cookie } }); // no Origin
    expect(status).toBe(403);
  });

  it('round-trips app.info in an ok envelope', async () => {
    const c = await connect();
    const result = await c.call('app.info');
    expect(result).toEqual({ ok: true, value: expect.objectContaining({ mode: 'headless', version: '0.0.0-test' }) });
    c.ws.close();
  });

  it('answers an unknown method with FORBIDDEN and invalid input with VALIDATION', async () => {
    const c = await connect();
    const unknown = await c.call('app.shutdownEverything', {});
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.error.code).toBe('FORBIDDEN');
    const proto = await c.call('__proto__', {});
    if (!proto.ok) expect(proto.error.code).toBe('FORBIDDEN');
    const invalid = await c.call('hosts.remove', { id: 'not-an-id' });
    expect(invalid.ok).toBe(false);
    if (!invalid.ok) {
      expect(invalid.error.code).toBe('VALIDATION');
      expect(invalid.error.details).toMatchObject({ field: 'id' });
    }
    c.ws.close();
  });

  it('answers a malformed frame with an id, ignores one without, and keeps the connection', async () => {
    const c = await connect();
    c.ws.send(JSON.stringify({ t: 'call', id: 41, method: 42 }));
    const answer = await c.waitFor((f): f is Extract<WsServerFrame, { t: 'result' }> => f.t === 'result' && f.id === 41);
    expect(answer.result.ok).toBe(false);
    if (!answer.result.ok) expect(answer.result.error.code).toBe('VALIDATION');
    c.ws.send('not json at all');
    c.ws.send(JSON.stringify({ t: 'call', method: 'app.info' }));
    c.ws.send(JSON.stringify([1, 2, 3]));
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await c.call('app.info')).ok).toBe(true);
    expect(logs.some((l) => l.level === 'warn' && l.message === 'ignored a malformed frame')).toBe(true);
    expect(c.frames.filter((f) => f.t === 'result')).toHaveLength(2);
    c.ws.close();
  });

  it('closes the connection on a frame over 1 MiB', async () => {
    const c = await connect();
    c.ws.send(JSON.stringify({ t: 'call', id: 1, method: 'app.info', input: 'x'.repeat(MAX_FRAME_BYTES) }));
    expect(await c.closed()).toBe(1009);
  });

  it('sends a targeted event only to its client, broadcasts to all, and reports closed clients gone', async () => {
    const a = await connect();
    await a.call('app.info');
    const b = await connect();
    await b.call('app.info');
    const idA = callers.at(-2)!;
    const idB = callers.at(-1)!;
    expect(idA).toMatch(/^ws-/);
    expect(idA).not.toBe(idB);

    const streamId = StreamId('s_targeted1');
    services.events.emit('stream.end', { streamId, error: null }, idA);
    services.events.emit('keys.changed', []);
    const isEnd = (f: WsServerFrame): f is Extract<WsServerFrame, { t: 'event' }> => f.t === 'event' && f.event === 'stream.end';
    const isKeys = (f: WsServerFrame): f is Extract<WsServerFrame, { t: 'event' }> => f.t === 'event' && f.event === 'keys.changed';
    expect((await a.waitFor(isEnd)).payload).toEqual({ streamId, error: null });
    await a.waitFor(isKeys);
    // Frames arrive in order: once B has the later broadcast, it would already have had the targeted one.
    await b.waitFor(isKeys);
    expect(b.frames.some(isEnd)).toBe(false);

    b.ws.close();
    await b.closed();
    for (let i = 0; i < 50 && !gone.includes(idB); i++) await new Promise((ok) => setTimeout(ok, 20));
    expect(gone).toContain(idB);
    expect(gone).not.toContain(idA);
    a.ws.close();
  });

  it('refuses other upgrade paths', async () => {
    const status = await upgradeStatus(`${wsUrl}x`, { headers: { cookie }, origin: base });
    expect(status).toBe(404);
  });
});
