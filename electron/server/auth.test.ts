import { describe, expect, it } from 'vitest';
import { isLoopbackHost } from '../web/loopback';
import { bearerOf, createHostPolicy, displayHost, isSameOriginRequest, parseCookies, safeEqual, SESSION_COOKIE, sessionIdOf, splitHostHeader, urlHost } from './auth';
import { AttemptLimiter } from './rate-limit';
import { SessionStore } from './sessions';

const TOKEN = 'a-token-that-is-long-enough';

describe('token and cookie checks', () => {
  it('compares in constant time whatever the lengths', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('', 'abc')).toBe(false);
    expect(safeEqual('abcdef', 'abc')).toBe(false);
  });

  it('reads the session cookie among others, and Bearer tokens only', () => {
    expect(sessionIdOf({ cookie: `a=1; ${SESSION_COOKIE}=abc; b=2` })).toBe('abc');
    expect(sessionIdOf({})).toBeNull();
    expect(bearerOf(`Bearer ${TOKEN}`)).toBe(TOKEN);
    expect(bearerOf(`bearer  ${TOKEN} `)).toBe(TOKEN);
    expect(bearerOf(`Basic ${TOKEN}`)).toBeNull();
    expect(bearerOf(undefined)).toBeNull();
    expect(parseCookies('x=1; x=2; =bad; y').get('x')).toBe('1');
  });
});

describe('SessionStore', () => {
  it('makes random ids and ends them at logout, after idling, and at the absolute limit', () => {
    let now = 1_000_000;
    const ended: string[] = [];
    const s = new SessionStore({ idleMs: 1000, absoluteMs: 5000, now: () => now });
    s.onEnd((id, reason) => ended.push(`${id.slice(0, 4)}:${reason}`));
    const a = s.create();
    const b = s.create();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(s.check(a)).toBe(true);
    expect(s.check('x'.repeat(43))).toBe(false);
    // Activity keeps a alive; b idles out.
    for (let i = 0; i < 4; i++) {
      now += 900;
      expect(s.check(a)).toBe(true);
    }
    s.sweep();
    expect(s.check(b)).toBe(false);
    expect(ended).toEqual([`${b.slice(0, 4)}:idle`]);
    // However active, a ends 5 s after login.
    now += 900;
    expect(s.check(a)).toBe(true);
    now += 900;
    expect(s.check(a)).toBe(false);
    expect(ended.at(-1)).toBe(`${a.slice(0, 4)}:expired`);

    const c = s.create();
    const d = s.create(c);
    expect(s.check(c)).toBe(false);
    expect(ended.at(-1)).toBe(`${c.slice(0, 4)}:replaced`);
    s.end(d, 'logout');
    expect(s.check(d)).toBe(false);
  });

  it('keeps at most `max` sessions, dropping the least recently used', () => {
    const s = new SessionStore({ max: 2 });
    const a = s.create();
    const b = s.create();
    expect(s.check(a)).toBe(true); // a is now the most recent
    s.create();
    expect(s.check(a)).toBe(true);
    expect(s.check(b)).toBe(false);
    expect(s.size).toBe(2);
  });
});

describe('AttemptLimiter', () => {
  it('allows a burst of failures, then one per refill interval, per client', () => {
    let now = 0;
    const l = new AttemptLimiter({ burst: 3, refillMs: 1000, now: () => now });
    for (let i = 0; i < 3; i++) {
      expect(l.retryAfter('a')).toBe(0);
      l.fail('a');
    }
    expect(l.retryAfter('a')).toBe(1);
    expect(l.retryAfter('b')).toBe(0);
    now += 1000;
    expect(l.retryAfter('a')).toBe(0);
    l.fail('a');
    expect(l.retryAfter('a')).toBe(1);
    now += 3000;
    // Refilled completely: forgotten.
    for (let i = 0; i < 3; i++) {
      expect(l.retryAfter('a')).toBe(0);
      l.fail('a');
    }
  });
});

describe('createHostPolicy', () => {
  it('answers to IP literals and localhost on any port, its --host name and the allowed names', () => {
    const p = createHostPolicy('127.0.0.1', ['proxy.example.net', 'nas.lan:8443']);
    for (const h of ['127.0.0.1:7788', 'localhost:7788', 'LOCALHOST:9000', '[::1]:7788', '192.168.1.5:7788', 'app.localhost:7788', 'proxy.example.net', 'proxy.example.net:443', 'nas.lan:8443']) {
      expect(p.hostAllowed(h), h).toBe(true);
    }
    for (const h of [undefined, '', 'evil.example', 'evil.example:7788', 'nas.lan', 'nas.lan:7788', 'localhost.evil.example:7788', 'a b', 'x@127.0.0.1']) {
      expect(p.hostAllowed(h), String(h)).toBe(false);
    }
    expect(createHostPolicy('nas.lan').hostAllowed('nas.lan:7788')).toBe(true);
    expect(createHostPolicy('0.0.0.0').hostAllowed('nas.lan:7788')).toBe(false);
    expect(() => createHostPolicy('127.0.0.1', ['http://x/'])).toThrow(/not a host name/);
    expect(splitHostHeader('[::1]:80')).toEqual({ name: '::1', port: 80 });
    expect(splitHostHeader('Example.COM.')).toEqual({ name: 'example.com', port: null });
  });

  it('accepts an Origin naming the host the request went to (or a loopback alias, or an allowed name)', () => {
    const p = createHostPolicy('127.0.0.1', ['proxy.example.net']);
    const ok = (origin: string | undefined, host: string) => p.originAllowed(origin, host);
    expect(ok('http://127.0.0.1:7788', '127.0.0.1:7788')).toBe(true);
    expect(ok('http://localhost:7788', '127.0.0.1:7788')).toBe(true);
    expect(ok('http://[::1]:7788', 'localhost:7788')).toBe(true);
    expect(ok('HTTP://LOCALHOST:7788', 'localhost:7788')).toBe(true);
    expect(ok('http://localhost:9000', 'localhost:9000')).toBe(true); // an SSH tunnel on another port
    expect(ok('https://proxy.example.net', 'proxy.example.net')).toBe(true);
    expect(ok('https://proxy.example.net', '127.0.0.1:7788')).toBe(true); // a proxy that rewrites Host
    for (const o of [undefined, 'null', 'http://127.0.0.1:7789', 'http://evil.example', 'http://localhost:7788.evil.example', 'http://127.0.0.1', 'javascript:alert(1)']) {
      expect(ok(o, '127.0.0.1:7788'), String(o)).toBe(false);
    }
    // A page on another machine of the LAN is not this server, whatever its port.
    expect(createHostPolicy('0.0.0.0').originAllowed('http://192.168.1.99:7788', '192.168.1.5:7788')).toBe(false);
    expect(createHostPolicy('0.0.0.0').originAllowed('http://192.168.1.5:7788', '192.168.1.5:7788')).toBe(true);
    // A Host we do not answer to makes any Origin wrong.
    expect(ok('http://evil.example:7788', 'evil.example:7788')).toBe(false);
  });

  it('formats hosts for URLs', () => {
    expect(urlHost('::1', 80)).toBe('[::1]:80');
    expect(urlHost('127.0.0.1', 80)).toBe('127.0.0.1:80');
    expect(displayHost('0.0.0.0')).toBe('127.0.0.1');
    expect(displayHost('::')).toBe('::1');
    expect(isLoopbackHost('127.1.2.3')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('10.0.0.1')).toBe(false);
  });
});

describe('requests that act: same origin only', () => {
  const p = createHostPolicy('127.0.0.1');
  const host = '127.0.0.1:8080';
  it('accepts our own pages and refuses foreign ones', () => {
    expect(isSameOriginRequest('PUT', { origin: 'http://127.0.0.1:8080', host }, p)).toBe(true);
    expect(isSameOriginRequest('PUT', { origin: 'http://localhost:8080', host }, p)).toBe(true);
    expect(isSameOriginRequest('PUT', { origin: 'http://evil.example', host }, p)).toBe(false);
    expect(isSameOriginRequest('PUT', { host }, p)).toBe(false); // browsers always send Origin on PUT
    expect(isSameOriginRequest('GET', { origin: 'http://127.0.0.1:9999', host }, p)).toBe(false);
    expect(isSameOriginRequest('GET', { 'sec-fetch-site': 'same-origin', host }, p)).toBe(true);
    expect(isSameOriginRequest('GET', { 'sec-fetch-site': 'none', host }, p)).toBe(true);
    expect(isSameOriginRequest('GET', { 'sec-fetch-site': 'cross-site', host }, p)).toBe(false);
    expect(isSameOriginRequest('GET', { 'sec-fetch-site': 'same-site', host }, p)).toBe(false);
  });
});
