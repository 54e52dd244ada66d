import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HomeportError } from '../../../shared/contract';
import { pushTargetKind, startPushHeartbeat, validatePushUrl, type PushHeartbeat, type PushHeartbeatStatus } from './push-heartbeat';
import { captureLogger } from './test-support/fake-kuma';

const TOKEN = 'Zq8rT1mXyPa0';

/** A receiver that behaves like Uptime Kuma's `/api/push/:pushToken` (any method). */
let server: http.Server;
let base = '';
let hits: { method: string; url: string; at: number }[] = [];
let failNext = 0;
let hang = false;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push({ method: req.method ?? '', url: req.url ?? '', at: Date.now() });
    if (hang) return; // never answers
    const m = /^\/api\/push\/([^?]+)/.exec(req.url ?? '');
    if (failNext > 0) {
      failNext--;
      return void res.writeHead(502, { 'content-type': 'text/plain' }).end('Bad Gateway');
    }
    if (m && m[1] === TOKEN) return void res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end('{"ok":true}');
    if (m) return void res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' }).end('{"ok":false,"msg":"Monitor not found or not active."}');
    if (req.url === '/soft-refusal') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":false,"msg":"Monitor is paused"}');
    // Healthchecks-style: 200 "OK".
    res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const running: PushHeartbeat[] = [];
beforeEach(() => {
  hits = [];
  failNext = 0;
  hang = false;
});
afterEach(() => {
  for (const p of running.splice(0)) p.stop();
});

function start(opts: Parameters<typeof startPushHeartbeat>[0]) {
  const hb = startPushHeartbeat(opts);
  running.push(hb);
  return hb;
}

async function until(hb: PushHeartbeat, pred: (s: PushHeartbeatStatus) => boolean, timeoutMs = 3000): Promise<PushHeartbeatStatus> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (pred(hb.status())) return hb.status();
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`status never matched: ${JSON.stringify(hb.status())}`);
}

describe('push heartbeat', () => {
  it('GETs the push URL every interval and reports lastOkAt; the token never shows', async () => {
    const { logger, lines } = captureLogger();
    const statuses: PushHeartbeatStatus[] = [];
    const hb = start({ url: `${base}/api/push/${TOKEN}?status=up&msg=OK&ping=`, intervalSec: 0.1, logger, onStatus: (s) => statuses.push(s) });
    const s = await until(hb, (x) => x.sent >= 3);
    expect(hits.every((h) => h.method === 'GET' && h.url === `/api/push/${TOKEN}?status=up&msg=OK&ping=`)).toBe(true);
    // Spread by the interval, not a burst.
    expect(hits[2]!.at - hits[0]!.at).toBeGreaterThanOrEqual(150);
    expect(s).toMatchObject({ kind: 'uptime-kuma', running: true, lastError: null, consecutiveFailures: 0, failed: 0 });
    expect(s.target).toBe(`${base}/[redacted]`);
    expect(s.lastOkAt).not.toBeNull();
    expect(s.nextAt! - s.lastOkAt!).toBeGreaterThanOrEqual(99);
    hb.stop();
    expect(hb.status()).toMatchObject({ running: false, nextAt: null });
    const n = hits.length;
    await new Promise((r) => setTimeout(r, 250));
    expect(hits.length).toBe(n);
    expect(JSON.stringify(lines) + JSON.stringify(statuses)).not.toContain(TOKEN);
  });

  it('retries a failing receiver with backoff, sooner than the interval, and recovers', async () => {
    failNext = 2;
    const { logger, lines } = captureLogger();
    const hb = start({ url: `${base}/api/push/${TOKEN}`, intervalSec: 30, retryBaseMs: 40, logger });
    const failing = await until(hb, (s) => s.consecutiveFailures === 1);
    expect(failing.lastError).toMatchObject({ code: 'ENGINE' });
    expect(failing.lastError?.message).toBe(`The push URL (${base}/[redacted]) answered HTTP 502.`);
    const ok = await until(hb, (s) => s.sent === 1);
    expect(ok).toMatchObject({ failed: 2, consecutiveFailures: 0, lastError: null });
    expect(hits).toHaveLength(3);
    // 40 ms then 80 ms between the attempts: backoff, and far sooner than the 30 s interval.
    expect(hits[1]!.at - hits[0]!.at).toBeGreaterThanOrEqual(35);
    expect(hits[2]!.at - hits[1]!.at).toBeGreaterThanOrEqual(75);
    expect(ok.nextAt! - ok.lastOkAt!).toBe(30_000);
    expect(lines.filter((l) => l.includes('push heartbeat: failed'))).toHaveLength(2);
    expect(lines.join()).not.toContain(TOKEN);
  });

  it("Kuma's 404 for an unknown or paused token is NOT_FOUND; a 2xx {ok:false} is a refusal too", async () => {
    const hb = start({ url: `${base}/api/push/wrong-token-123?status=up`, intervalSec: 60, retryBaseMs: 10_000 });
    const s = await until(hb, (x) => x.failed === 1);
    expect(s.lastError?.code).toBe('NOT_FOUND');
    expect(s.lastError?.message).toMatch(/unknown to the receiver \(wrong token, or the push monitor is paused\)/);
    expect(JSON.stringify(s)).not.toContain('wrong-token-123');

    const soft = start({ url: `${base}/soft-refusal`, intervalSec: 60, retryBaseMs: 10_000 });
    const t = await until(soft, (x) => x.failed === 1);
    expect(t.lastError?.message).toMatch(/refused the heartbeat: Monitor is paused/);
  });

  it('times out a receiver that never answers', async () => {
    hang = true;
    const hb = start({ url: `${base}/api/push/${TOKEN}`, intervalSec: 60, timeoutMs: 150, retryBaseMs: 10_000 });
    const s = await until(hb, (x) => x.failed === 1);
    expect(s.lastError).toMatchObject({ code: 'UNREACHABLE' });
    expect(s.lastError?.message).toBe(`The push URL (${base}/[redacted]) did not answer within 150 ms.`);
  });

  it('a receiver that is down: CONNECTION_REFUSED; sendNow() sends at once', async () => {
    const dead = http.createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const port = (dead.address() as AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const hb = start({ url: `http://127.0.0.1:${port}/ping/abc`, intervalSec: 60, retryBaseMs: 10_000 });
    const s = await until(hb, (x) => x.failed === 1);
    expect(s.lastError?.code).toBe('CONNECTION_REFUSED');
    expect((await hb.sendNow()).failed).toBe(2);
  });

  it('healthchecks-style 200 "OK" with an injected clock', async () => {
    let t = 1_000_000;
    const hb = start({ url: `${base}/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d`, intervalSec: 60, now: () => t });
    const s = await until(hb, (x) => x.sent === 1);
    expect(s).toMatchObject({ kind: 'healthchecks', lastOkAt: 1_000_000, nextAt: 1_060_000 });
    t += 5;
    expect((await hb.sendNow()).lastOkAt).toBe(1_000_005);
  });

  it('validates the URL and the interval without echoing the URL', () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(HomeportError);
        return e as HomeportError;
      }
      throw new Error('did not throw');
    };
    expect(err(() => validatePushUrl('ftp://hc-ping.com/secret-uuid')).message).toBe('A push URL must start with http:// or https:// (not ftp:).');
    const notUrl = err(() => validatePushUrl('hc-ping.com/secret-uuid'));
    expect(notUrl.code).toBe('VALIDATION');
    expect(notUrl.message).not.toContain('secret-uuid');
    expect(err(() => startPushHeartbeat({ url: `${base}/x`, intervalSec: 0 })).code).toBe('VALIDATION');
    expect(err(() => startPushHeartbeat({ url: `${base}/x`, intervalSec: Number.NaN })).code).toBe('VALIDATION');
    expect(err(() => startPushHeartbeat({ url: 'javascript:alert(1)', intervalSec: 60 })).code).toBe('VALIDATION');
  });

  it('recognises the receivers', () => {
    expect(pushTargetKind(new URL('https://kuma.lan/api/push/abc?status=up&msg=OK&ping='))).toBe('uptime-kuma');
    expect(pushTargetKind(new URL('https://hc-ping.com/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d'))).toBe('healthchecks');
    expect(pushTargetKind(new URL('https://hc.home.lan/ping/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d'))).toBe('healthchecks');
    expect(pushTargetKind(new URL('https://example.com/beat'))).toBe('other');
    expect(pushTargetKind(new URL('https://uptime.betterstack.com/api/v1/heartbeat/AbCd1234'))).toBe('betterstack');
  });
});
