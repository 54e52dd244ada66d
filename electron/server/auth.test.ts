import { describe, expect, it } from 'vitest';
import { createOriginCheck, displayHost, isAuthenticated, isLoopbackHost, isSameOriginRequest, parseCookies, safeEqual, SESSION_COOKIE, sessionValue, urlHost } from './auth';

const TOKEN = 'a-token-that-is-long-enough';

describe('session and token checks', () => {
  it('derives a stable, token-bound session value that does not contain the token', () => {
    expect(sessionValue(TOKEN)).toBe(sessionValue(TOKEN));
    expect(sessionValue(TOKEN)).not.toBe(sessionValue(`${TOKEN}x`));
    expect(sessionValue(TOKEN)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sessionValue(TOKEN)).not.toContain(TOKEN);
  });

  it('compares in constant time whatever the lengths', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('', 'abc')).toBe(false);
    expect(safeEqual('abcdef', 'abc')).toBe(false);
  });

  it('accepts the session cookie among others, or a Bearer token', () => {
    const session = sessionValue(TOKEN);
    expect(isAuthenticated({ cookie: `a=1; ${SESSION_COOKIE}=${session}; b=2` }, TOKEN, session)).toBe(true);
    expect(isAuthenticated({ cookie: `${SESSION_COOKIE}=${TOKEN}` }, TOKEN, session)).toBe(false);
    expect(isAuthenticated({ authorization: `Bearer ${TOKEN}` }, TOKEN, session)).toBe(true);
    expect(isAuthenticated({ authorization: `Basic ${TOKEN}` }, TOKEN, session)).toBe(false);
    expect(isAuthenticated({}, TOKEN, session)).toBe(false);
    expect(parseCookies('x=1; x=2; =bad; y').get('x')).toBe('1');
  });
});

describe('createOriginCheck', () => {
  it('loopback bind: own origin and the loopback aliases on the same port only', () => {
    const ok = createOriginCheck('127.0.0.1', 7788);
    for (const o of ['http://127.0.0.1:7788', 'http://localhost:7788', 'http://[::1]:7788', 'HTTP://LOCALHOST:7788']) expect(ok(o, undefined), o).toBe(true);
    for (const o of [undefined, 'null', 'http://127.0.0.1:7789', 'https://127.0.0.1:7788', 'http://evil.example', 'http://localhost:7788.evil.example', 'http://127.0.0.1']) {
      expect(ok(o, '127.0.0.1:7788'), String(o)).toBe(false);
    }
  });

  it('specific LAN address: exactly that origin', () => {
    const ok = createOriginCheck('192.168.1.5', 7788);
    expect(ok('http://192.168.1.5:7788', undefined)).toBe(true);
    expect(ok('http://localhost:7788', undefined)).toBe(false);
    expect(ok('http://127.0.0.1:7788', undefined)).toBe(false);
  });

  it('wildcard bind: the Origin must name the host the request was sent to', () => {
    const ok = createOriginCheck('0.0.0.0', 7788);
    expect(ok('http://nas.lan:7788', 'nas.lan:7788')).toBe(true);
    expect(ok('http://evil.example', 'nas.lan:7788')).toBe(false);
    expect(ok('http://nas.lan:7788', undefined)).toBe(false);
    expect(ok(undefined, 'nas.lan:7788')).toBe(false);
    expect(ok('javascript:alert(1)', 'nas.lan:7788')).toBe(false);
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

describe('transfer requests: same origin only', () => {
  const check = createOriginCheck('127.0.0.1', 8080);
  it('accepts our own pages and refuses foreign ones', () => {
    expect(isSameOriginRequest('PUT', { origin: 'http://127.0.0.1:8080' }, check)).toBe(true);
    expect(isSameOriginRequest('PUT', { origin: 'http://localhost:8080' }, check)).toBe(true);
    expect(isSameOriginRequest('PUT', { origin: 'http://evil.example' }, check)).toBe(false);
    expect(isSameOriginRequest('PUT', {}, check)).toBe(false); // browsers always send Origin on PUT
    expect(isSameOriginRequest('GET', { origin: 'http://127.0.0.1:9999' }, check)).toBe(false);
    expect(isSameOriginRequest('GET', { 'sec-fetch-site': 'same-origin' }, check)).toBe(true);
    expect(isSameOriginRequest('GET', { 'sec-fetch-site': 'none' }, check)).toBe(true);
    expect(isSameOriginRequest('GET', { 'sec-fetch-site': 'cross-site' }, check)).toBe(false);
    expect(isSameOriginRequest('GET', { 'sec-fetch-site': 'same-site' }, check)).toBe(false);
  });
});
