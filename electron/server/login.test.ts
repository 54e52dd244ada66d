import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createServices, type Services } from '../services/app';
import { until } from '../services/test-support/wait';
import { SESSION_COOKIE } from './auth';
import { createHeadlessPlatform } from './headless-platform';
import { createHeadlessServer, type HeadlessServer, type HeadlessServerOptions } from './server';
import { quietLogger, upgradeStatus } from './test-support/browser';

// Headless mode's login as a browser and a script meet it: the login page and form, sessions that
// are random, rotate at login, end at logout, after idling and after their absolute lifetime (and
// take their WebSockets with them), failed logins slowed down per client, and the Host allowlist
// that stops DNS rebinding. Real servers on 127.0.0.1; clients from 127.0.0.x addresses.

const TOKEN = 'login-test-token-0123456789abcdef';
let root: string;
let services: Services;
const servers: HeadlessServer[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'homeport-login-'));
  const staticDir = join(root, 'static');
  mkdirSync(staticDir, { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Homeport</title><div id="root"></div>');
  mkdirSync(join(root, 'home'));
  services = await createServices(createHeadlessPlatform({ dataDir: join(root, 'data'), version: '0.0.0-test', logger: quietLogger, homeDir: join(root, 'home'), agentSocket: null }));
});

afterAll(async () => {
  for (const s of servers) await s.close();
  await services?.dispose();
  rmSync(root, { recursive: true, force: true });
});

async function start(extra: Partial<HeadlessServerOptions> = {}): Promise<HeadlessServer> {
  const s = await createHeadlessServer({ services, staticDir: join(root, 'static'), host: '127.0.0.1', port: 0, token: TOKEN, logger: quietLogger, ...extra });
  servers.push(s);
  return s;
}

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request with full control over headers and the client address (127.0.0.x). */
function http(
  base: string,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string; from?: string } = {},
): Promise<Res> {
  const u = new URL(base);
  return new Promise((ok, fail) => {
    const req = request(
      { host: u.hostname, port: u.port, path, method: opts.method ?? 'GET', headers: { host: u.host, ...opts.headers }, localAddress: opts.from ?? '127.0.0.1' },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', fail);
    req.end(opts.body);
  });
}

const cookieOf = (r: Res) => {
  const set = r.headers['set-cookie'];
  const first = Array.isArray(set) ? set[0] : set;
  return first ? first.split(';')[0]! : null;
};

async function login(s: HeadlessServer, from?: string): Promise<string> {
  const r = await http(s.url, `/login?token=${TOKEN}`, from ? { from } : {});
  expect(r.status).toBe(303);
  return cookieOf(r)!;
}

function openWs(s: HeadlessServer, cookie: string): Promise<{ ws: WebSocket; closed: Promise<number> }> {
  const ws = new WebSocket(`${s.url.replace(/^http/, 'ws')}/ws`, { headers: { cookie }, origin: s.url });
  const closed = new Promise<number>((ok) => ws.once('close', (code) => ok(code)));
  return new Promise((ok, fail) => {
    ws.once('open', () => ok({ ws, closed }));
    ws.once('unexpected-response', (_q, res) => fail(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', fail);
  });
}

const page = (s: HeadlessServer, cookie: string) => http(s.url, '/', { headers: { cookie } });
const form = (token: string) => `token=${encodeURIComponent(token)}`;
const formHeaders = (s: HeadlessServer, extra: Record<string, string> = {}) => ({ 'content-type': 'application/x-www-form-urlencoded', origin: s.url, ...extra });

describe('login page and form', () => {
  it('shows a login page with a token field, and a page without a session shows it too', async () => {
    const s = await start();
    const r = await http(s.url, '/login');
    expect(r.status).toBe(200);
    expect(r.body).toMatch(/<form method="post" action="\/login">/);
    expect(r.body).toMatch(/<input id="token" name="token" type="password"/);
    expect(r.headers['content-security-policy']).toContain("form-action 'self'");
    expect(r.headers['content-security-policy']).toContain("default-src 'none'");
    const app = await http(s.url, '/');
    expect(app.status).toBe(401);
    expect(app.body).toContain('name="token"');
  });

  it('logs in with the form (same origin only) and refuses a wrong token with the reason', async () => {
    const s = await start();
    const good = await http(s.url, '/login', { method: 'POST', headers: formHeaders(s), body: form(TOKEN) });
    expect(good.status).toBe(303);
    expect(good.headers.location).toBe('/');
    const cookie = cookieOf(good)!;
    expect((await page(s, cookie)).status).toBe(200);

    const bad = await http(s.url, '/login', { method: 'POST', headers: formHeaders(s), body: form('wrong-token-0000000000') });
    expect(bad.status).toBe(401);
    expect(bad.body).toContain('That token is not right');
    expect(bad.headers['set-cookie']).toBeUndefined();

    // Another site cannot post the form (login CSRF), nor can a client that hides where it comes from.
    const foreign = await http(s.url, '/login', { method: 'POST', headers: formHeaders(s, { origin: 'http://evil.example' }), body: form(TOKEN) });
    expect(foreign.status).toBe(403);
    expect(foreign.headers['set-cookie']).toBeUndefined();
    const noOrigin = await http(s.url, '/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(TOKEN) });
    expect(noOrigin.status).toBe(403);
  });
});

describe('sessions', () => {
  it('are random server-side ids: not the token, new at every login, and worthless after a restart', async () => {
    const s = await start();
    const a = await login(s);
    const b = await login(s);
    expect(a).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43}$`));
    expect(a).not.toBe(b);
    expect(a).not.toContain(TOKEN);
    expect((await page(s, a)).status).toBe(200);
    expect((await page(s, b)).status).toBe(200);
    // The same token on a new server: the old session means nothing there.
    const other = await start();
    expect((await page(other, a)).status).toBe(401);
  });

  it('rotate at login: the id the browser had before logging in stops working', async () => {
    const s = await start();
    const before = await login(s);
    const r = await http(s.url, `/login?token=${TOKEN}`, { headers: { cookie: before } });
    const after = cookieOf(r)!;
    expect(after).not.toBe(before);
    expect((await page(s, before)).status).toBe(401);
    expect((await page(s, after)).status).toBe(200);
  });

  it('end at logout, which also closes that session’s WebSocket and clears the cookie', async () => {
    const s = await start();
    const mine = await login(s);
    const other = await login(s);
    const ws = await openWs(s, mine);
    const ws2 = await openWs(s, other);
    const out = await http(s.url, '/logout', { method: 'POST', headers: { cookie: mine, origin: s.url } });
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/login');
    expect(String(out.headers['set-cookie'])).toMatch(new RegExp(`^${SESSION_COOKIE}=;.*Max-Age=0`));
    expect(await ws.closed).toBe(4001);
    expect((await page(s, mine)).status).toBe(401);
    // Another browser's session is untouched.
    expect((await page(s, other)).status).toBe(200);
    expect(ws2.ws.readyState).toBe(WebSocket.OPEN);
    ws2.ws.close();
    // A foreign page cannot log the user out.
    expect((await http(s.url, '/logout', { method: 'POST', headers: { cookie: other, origin: 'http://evil.example' } })).status).toBe(403);
    expect((await page(s, other)).status).toBe(200);
  });

  it('end after idling, and their WebSocket is closed', async () => {
    const s = await start({ sessions: { idleMs: 1500, absoluteMs: 60_000 } });
    const c = await login(s);
    const ws = await openWs(s, c);
    // Requests keep it alive past the idle time…
    for (let i = 0; i < 4; i++) {
      expect((await page(s, c)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 500));
    }
    // …and without them it ends by itself, closing the WebSocket.
    expect(await ws.closed).toBe(4001);
    expect((await page(s, c)).status).toBe(401);
  });

  it('end at their absolute lifetime however active', async () => {
    const s = await start({ sessions: { idleMs: 60_000, absoluteMs: 2000 } });
    const c = await login(s);
    const ws = await openWs(s, c);
    const started = Date.now();
    await until('the session ended', async () => (await page(s, c)).status === 401, 10_000, 200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    expect(await ws.closed).toBe(4001);
  });
});

describe('failed logins', () => {
  it('are limited per client address with 429 and Retry-After, for the link, the form and Bearer tokens', async () => {
    const s = await start();
    const from = '127.0.0.2';
    let limited: Res | null = null;
    for (let i = 0; i < 30 && !limited; i++) {
      const r =
        i % 3 === 0
          ? await http(s.url, `/login?token=wrong-${i}-0000000000000`, { from })
          : i % 3 === 1
            ? await http(s.url, '/login', { method: 'POST', headers: formHeaders(s), body: form(`wrong-${i}-0000000000000`), from })
            : await http(s.url, '/', { headers: { authorization: `Bearer wrong-${i}-0000000000000` }, from });
      if (r.status === 429) limited = r;
      else expect(r.status).toBe(401);
    }
    expect(limited, 'never limited').not.toBeNull();
    expect(Number(limited!.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited!.body).toMatch(/Too many failed logins/);
    // While limited even the right token is not looked at from that address…
    expect((await http(s.url, `/login?token=${TOKEN}`, { from })).status).toBe(429);
    expect((await http(s.url, '/', { headers: { authorization: `Bearer ${TOKEN}` }, from })).status).toBe(429);
    // …while other clients are not affected.
    expect((await http(s.url, `/login?token=${TOKEN}`, { from: '127.0.0.3' })).status).toBe(303);
  });
});

describe('Host allowlist (DNS rebinding)', () => {
  it('answers to its address, localhost and allowed names only, on every route and the WebSocket', async () => {
    const s = await start({ allowedHosts: ['homeport.example.net'] });
    const port = new URL(s.url).port;
    const c = await login(s);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'localhost:9000', 'homeport.example.net', `homeport.example.net:${port}`]) {
      expect((await http(s.url, '/', { headers: { host, cookie: c } })).status, host).toBe(200);
    }
    for (const path of ['/', '/login', `/login?token=${TOKEN}`, '/assets/x.js', '/push/AAAAAAAAAAAAAAAAAAAAAAAA', '/transfers/t_AAAAAAAAAAAAAAAAAAAA']) {
      const r = await http(s.url, path, { headers: { host: `rebind.evil.example:${port}`, cookie: c } });
      expect(r.status, path).toBe(421);
      expect(r.body).toContain('--allowed-host rebind.evil.example');
      expect(r.headers['set-cookie']).toBeUndefined();
    }
    const status = await upgradeStatus(`${s.url.replace(/^http/, 'ws')}/ws`, { headers: { cookie: c, host: `rebind.evil.example:${port}` }, origin: `http://rebind.evil.example:${port}` });
    expect(status).toBe(421);
  });
});
