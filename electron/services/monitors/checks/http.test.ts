import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckEnv, type CheckEnv } from './env';
import { checkHttp } from './http';
import type { HttpMonitor } from './types';
import { validateMonitorConfig } from './validate';

/** Real servers on 127.0.0.1: plain HTTP, HTTPS with a fresh self-signed certificate, and one with an expired certificate. */

let dir: string;
let plain: http.Server;
let other: http.Server;
let secure: https.Server;
let expired: https.Server;
let base: string;
let otherBase: string;
let secureBase: string;
let expiredBase: string;
let env: CheckEnv;
const connections = { plain: 0 };
const seen: Array<{ url: string; method: string; headers: http.IncomingHttpHeaders; body: string }> = [];

function selfSigned(days: number): { key: Buffer; cert: Buffer } {
  const key = join(dir, `k${days}.pem`);
  const cert = join(dir, `c${days}.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-days', String(days), '-nodes', '-subj', '/CN=localhost', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

/** `openssl req -days` must be positive; `openssl ca` takes explicit dates. */
function expiredCert(): { key: Buffer; cert: Buffer } {
  const d = join(dir, 'ca');
  execFileSync('mkdir', ['-p', d]);
  writeFileSync(join(d, 'index.txt'), '');
  writeFileSync(join(d, 'serial'), '01\n');
  writeFileSync(join(d, 'ca.cnf'), `[ca]\ndefault_ca=d\n[d]\ndatabase=${d}/index.txt\nnew_certs_dir=${d}\nserial=${d}/serial\ndefault_md=sha256\npolicy=p\n[p]\ncommonName=supplied\n`);
  execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=localhost', '-keyout', join(d, 'k.pem'), '-out', join(d, 'req.csr')], { stdio: 'ignore' });
  execFileSync('openssl', ['ca', '-batch', '-config', join(d, 'ca.cnf'), '-selfsign', '-keyfile', join(d, 'k.pem'), '-in', join(d, 'req.csr'), '-out', join(d, 'c.pem'), '-startdate', '20200101000000Z', '-enddate', '20200102000000Z'], { stdio: 'ignore' });
  return { key: readFileSync(join(d, 'k.pem')), cert: readFileSync(join(d, 'c.pem')) };
}

const routes: http.RequestListener = (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push({ url: req.url ?? '', method: req.method ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
    const p = url.pathname;
    if (p === '/ok') return res.end('All systems OK here');
    if (p.startsWith('/status/')) {
      res.statusCode = Number(p.slice(8));
      return res.end('status');
    }
    if (p.startsWith('/redirect/')) {
      const n = Number(p.slice(10));
      if (n === 0) return res.end('landed');
      res.writeHead(302, { location: `/redirect/${n - 1}` });
      return res.end();
    }
    if (p === '/loop') {
      res.writeHead(301, { location: '/loop' });
      return res.end();
    }
    if (p === '/to-ftp') {
      res.writeHead(302, { location: 'ftp://127.0.0.1/x' });
      return res.end();
    }
    if (p === '/see-other') {
      res.writeHead(303, { location: '/echo' });
      return res.end();
    }
    if (p === '/temporary') {
      res.writeHead(307, { location: '/echo' });
      return res.end();
    }
    if (p === '/cross') {
      res.writeHead(302, { location: `${otherBase}/echo` });
      return res.end();
    }
    if (p === '/echo') {
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify({ method: req.method, authorization: req.headers.authorization ?? null, body: Buffer.concat(chunks).toString() }));
    }
    if (p === '/json') {
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify({ status: 'degraded', items: [{ ok: true, n: 3 }], 'db-main': { up: false } }));
    }
    if (p === '/notjson') return res.end('<html>secret-session-token</html>');
    if (p === '/big') {
      // 3 MiB, the keyword only at the very end
      res.write('x'.repeat(3 * 1024 * 1024));
      return res.end('NEEDLE');
    }
    if (p === '/gzip') {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/plain' });
      return res.end(gzipSync('compressed Hello inside'));
    }
    if (p === '/hang') return; // never answers
    if (p === '/stall-body') {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      return; // never finishes
    }
    res.statusCode = 404;
    res.end('not found');
  });
};

function listen(server: http.Server | https.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function cfg(over: Partial<HttpMonitor> & { url: string }): HttpMonitor {
  return validateMonitorConfig({ type: 'http', id: 'm', name: 'm', intervalSec: 20, timeoutSec: 5, certExpiryWarnDays: null, ...over }) as HttpMonitor;
}

const ctx = () => ({ signal: new AbortController().signal, env });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hp-checks-http-'));
  plain = http.createServer(routes);
  plain.on('connection', () => connections.plain++);
  other = http.createServer(routes);
  secure = https.createServer(selfSigned(3), routes);
  expired = https.createServer(expiredCert(), routes);
  base = `http://127.0.0.1:${await listen(plain)}`;
  otherBase = `http://127.0.0.1:${await listen(other)}`;
  secureBase = `https://127.0.0.1:${await listen(secure)}`;
  expiredBase = `https://127.0.0.1:${await listen(expired)}`;
  env = createCheckEnv();
});

afterAll(async () => {
  env.close();
  for (const s of [plain, other, secure, expired]) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('checkHttp against a local server', () => {
  it('is up on 200 with latency and the status code', async () => {
    const r = await checkHttp(cfg({ url: `${base}/ok` }), ctx());
    expect(r).toMatchObject({ status: 'up', message: '200 OK', details: { statusCode: 200 } });
    expect(r.latencyMs).toBeGreaterThan(0);
    expect(r.latencyMs).toBeLessThan(1000);
  });

  it('checks the status against the accepted codes and ranges', async () => {
    expect(await checkHttp(cfg({ url: `${base}/status/503` }), ctx())).toMatchObject({ status: 'down', message: 'Status 503 (expected 200-299)' });
    expect(await checkHttp(cfg({ url: `${base}/status/503`, acceptedStatus: ['200-299', '503'] }), ctx())).toMatchObject({ status: 'up' });
    expect(await checkHttp(cfg({ url: `${base}/status/418`, acceptedStatus: ['4xx'] }), ctx())).toMatchObject({ status: 'up' });
    expect(await checkHttp(cfg({ url: `${base}/ok`, method: 'HEAD' }), ctx())).toMatchObject({ status: 'up', message: '200 OK' });
  });

  it('follows redirects up to the limit, and not at all when told not to', async () => {
    expect(await checkHttp(cfg({ url: `${base}/redirect/3` }), ctx())).toMatchObject({ status: 'up', message: '200 OK after 3 redirects', details: { redirects: 3 } });
    expect(await checkHttp(cfg({ url: `${base}/redirect/3`, maxRedirects: 2 }), ctx())).toMatchObject({ status: 'down', message: expect.stringMatching(/^Too many redirects \(more than 2\)/) });
    expect(await checkHttp(cfg({ url: `${base}/loop` }), ctx())).toMatchObject({ status: 'down', message: expect.stringMatching(/^Too many redirects \(more than 10\), last to http:\/\/127.0.0.1:\d+\/loop$/) });
    expect(await checkHttp(cfg({ url: `${base}/redirect/1`, followRedirects: false }), ctx())).toMatchObject({ status: 'down', message: 'Status 302 (expected 200-299)' });
    expect(await checkHttp(cfg({ url: `${base}/redirect/1`, followRedirects: false, acceptedStatus: ['302'] }), ctx())).toMatchObject({ status: 'up' });
    expect(await checkHttp(cfg({ url: `${base}/to-ftp` }), ctx())).toMatchObject({ status: 'down', message: 'Status 302 redirects to a ftp address, not http or https' });
  });

  it('turns POST into GET on 303, keeps it on 307, and drops credentials when redirected to another origin', async () => {
    const post = { method: 'POST' as const, body: '{"a":1}', auth: { kind: 'bearer' as const, token: 'tok-123' }, keyword: null };
    const see = await checkHttp(cfg({ url: `${base}/see-other`, ...post, keyword: { text: '"method":"GET"', mustBePresent: true, caseSensitive: true } }), ctx());
    expect(see).toMatchObject({ status: 'up' });
    const tmp = await checkHttp(cfg({ url: `${base}/temporary`, ...post, keyword: { text: '"body":"{\\"a\\":1}"', mustBePresent: true, caseSensitive: true } }), ctx());
    expect(tmp).toMatchObject({ status: 'up' });
    const cross = await checkHttp(cfg({ url: `${base}/cross`, auth: { kind: 'bearer', token: 'tok-123' }, keyword: { text: '"authorization":null', mustBePresent: true, caseSensitive: true } }), ctx());
    expect(cross).toMatchObject({ status: 'up' });
  });

  it('sends basic and bearer credentials, headers and the body', async () => {
    seen.length = 0;
    await checkHttp(cfg({ url: `${base}/echo`, auth: { kind: 'basic', user: 'alice', password: 'pä:ss' } }), ctx());
    expect(seen.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from('alice:pä:ss').toString('base64')}`);
    await checkHttp(cfg({ url: `${base}/echo?x=1`, auth: { kind: 'bearer', token: 'abc.def' }, headers: { 'X-Api-Key': 'k1' }, method: 'PUT', body: '{"hello":1}' }), ctx());
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ method: 'PUT', body: '{"hello":1}', url: '/echo?x=1' });
    expect(last.headers).toMatchObject({ authorization: 'Bearer abc.def', 'x-api-key': 'k1', 'content-type': 'application/json', 'user-agent': 'Homeport-Monitor/1' });
  });

  it('looks for a keyword (present, absent, case), within the first 1 MiB only, and in a gzip body', async () => {
    const kw = (text: string, mustBePresent = true, caseSensitive = false) => ({ text, mustBePresent, caseSensitive });
    expect(await checkHttp(cfg({ url: `${base}/ok`, keyword: kw('systems ok') }), ctx())).toMatchObject({ status: 'up' });
    expect(await checkHttp(cfg({ url: `${base}/ok`, keyword: kw('systems ok', true, true) }), ctx())).toMatchObject({ status: 'down', message: 'Keyword "systems ok" not found' });
    expect(await checkHttp(cfg({ url: `${base}/ok`, keyword: kw('OK') }), ctx())).toMatchObject({ status: 'up' });
    expect(await checkHttp(cfg({ url: `${base}/ok`, keyword: kw('error', false) }), ctx())).toMatchObject({ status: 'up' });
    expect(await checkHttp(cfg({ url: `${base}/ok`, keyword: kw('OK', false) }), ctx())).toMatchObject({ status: 'down', message: 'Keyword "OK" found (it must be absent)' });
    const big = await checkHttp(cfg({ url: `${base}/big`, keyword: kw('NEEDLE') }), ctx());
    expect(big).toMatchObject({ status: 'down', message: 'Keyword "NEEDLE" not found in the first 1 MiB', details: { bodyTruncated: true } });
    expect(await checkHttp(cfg({ url: `${base}/gzip`, keyword: kw('Hello', true, true) }), ctx())).toMatchObject({ status: 'up' });
  });

  it('compares a JSON path, and says why when it cannot', async () => {
    const jp = (path: string, equals: string) => cfg({ url: `${base}/json`, jsonPath: { path, equals } });
    expect(await checkHttp(jp('$.status', 'ok'), ctx())).toMatchObject({ status: 'down', message: 'JSON $.status is "degraded" (expected "ok")' });
    expect(await checkHttp(jp('$.status', 'degraded'), ctx())).toMatchObject({ status: 'up' });
    expect(await checkHttp(jp('$.items[0].ok', 'true'), ctx())).toMatchObject({ status: 'up' });
    expect(await checkHttp(jp('$.items[0].n', '4'), ctx())).toMatchObject({ status: 'down', message: 'JSON $.items[0].n is 3 (expected "4")' });
    expect(await checkHttp(jp("$['db-main'].up", 'false'), ctx())).toMatchObject({ status: 'up' });
    expect(await checkHttp(jp('$.items[5].ok', 'true'), ctx())).toMatchObject({ status: 'down', message: 'JSON $.items[5].ok not found in the response' });
    const notJson = await checkHttp(cfg({ url: `${base}/notjson`, jsonPath: { path: '$.a', equals: 'b' } }), ctx());
    expect(notJson).toMatchObject({ status: 'down', message: expect.stringMatching(/^Response is not valid JSON/) });
    expect(notJson.message).not.toContain('secret-session-token');
  });

  it('says "refused" for a closed port', async () => {
    const s = http.createServer();
    const port = await listen(s);
    await new Promise((r) => s.close(r));
    expect(await checkHttp(cfg({ url: `http://127.0.0.1:${port}/` }), ctx())).toEqual({ status: 'down', latencyMs: null, message: `Connection refused by 127.0.0.1:${port}` });
  });

  it('times out within timeoutSec on a server that never answers, headers or body', async () => {
    for (const path of ['/hang', '/stall-body']) {
      const t0 = Date.now();
      const r = await checkHttp(cfg({ url: `${base}${path}`, timeoutSec: 1 }), ctx());
      const took = Date.now() - t0;
      expect(r).toMatchObject({ status: 'down', message: 'Timed out after 1 s' });
      expect(took).toBeGreaterThanOrEqual(950);
      expect(took).toBeLessThan(1800);
    }
  });

  it('stops when the owner aborts', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const r = await checkHttp(cfg({ url: `${base}/hang`, timeoutSec: 5 }), { signal: ac.signal, env });
    expect(r).toMatchObject({ status: 'down', message: 'Check cancelled' });
  });

  it('reuses one keep-alive connection across checks', async () => {
    const c = cfg({ url: `${base}/ok` });
    await checkHttp(c, ctx());
    const before = connections.plain;
    for (let i = 0; i < 5; i++) expect((await checkHttp(c, ctx())).status).toBe('up');
    expect(connections.plain - before).toBe(0);
  });
});

describe('checkHttp against HTTPS with a self-signed certificate', () => {
  it('is down when the certificate is not trusted, naming why', async () => {
    const r = await checkHttp(cfg({ url: `${secureBase}/ok` }), ctx());
    expect(r).toMatchObject({ status: 'down', message: 'Certificate not trusted: self-signed certificate (127.0.0.1)', details: { certTrusted: false } });
  });

  it('is up with ignoreTls, and reports the days left (≈ 3) and the trust problem', async () => {
    const r = await checkHttp(cfg({ url: `${secureBase}/ok`, ignoreTls: true }), ctx());
    expect(r).toMatchObject({ status: 'up', message: '200 OK', details: { statusCode: 200, certTrusted: false, certError: 'DEPTH_ZERO_SELF_SIGNED_CERT' } });
    expect(r.details!.certDaysLeft).toBeGreaterThanOrEqual(2);
    expect(r.details!.certDaysLeft).toBeLessThanOrEqual(3);
    expect(Date.parse(r.details!.certExpiresAt as string)).toBeGreaterThan(Date.now() + 2.9 * 86_400_000);
  });

  it('warns (still up) when the certificate expires within certExpiryWarnDays', async () => {
    const r = await checkHttp(cfg({ url: `${secureBase}/ok`, ignoreTls: true, certExpiryWarnDays: 14 }), ctx());
    expect(r).toMatchObject({ status: 'up', message: 'Certificate expires in 2 days (warning at 14)', details: { certWarning: true, certDaysLeft: 2 } });
    const quiet = await checkHttp(cfg({ url: `${secureBase}/ok`, ignoreTls: true, certExpiryWarnDays: 1 }), ctx());
    expect(quiet).toMatchObject({ status: 'up', message: '200 OK' });
    expect(quiet.details!.certWarning).toBeUndefined();
  });

  it('reports the certificate after redirects and still checks the status', async () => {
    const r = await checkHttp(cfg({ url: `${secureBase}/redirect/2`, ignoreTls: true }), ctx());
    expect(r).toMatchObject({ status: 'up', details: { redirects: 2, certTrusted: false } });
    expect(await checkHttp(cfg({ url: `${secureBase}/status/500`, ignoreTls: true }), ctx())).toMatchObject({ status: 'down', message: 'Status 500 (expected 200-299)' });
  });

  it('is down on an expired certificate, even with ignoreTls, unless certificate checks are off entirely', async () => {
    const strict = await checkHttp(cfg({ url: `${expiredBase}/ok` }), ctx());
    // OpenSSL reports the expiry before the missing trust
    expect(strict).toMatchObject({ status: 'down', message: 'Certificate of 127.0.0.1 has expired', details: { certTrusted: false } });
    const ignoring = await checkHttp(cfg({ url: `${expiredBase}/ok`, ignoreTls: true, certExpiryWarnDays: 14 }), ctx());
    expect(ignoring).toMatchObject({ status: 'down', message: expect.stringMatching(/^Certificate expired \d+ days ago \(2020-01-02\)$/) });
    expect(ignoring.details!.certDaysLeft).toBeLessThan(-365);
    const off = await checkHttp(cfg({ url: `${expiredBase}/ok`, ignoreTls: true, certExpiryWarnDays: null }), ctx());
    expect(off).toMatchObject({ status: 'up', message: '200 OK' });
  });

  it('says so when https is spoken to a plain HTTP port', async () => {
    const r = await checkHttp(cfg({ url: base.replace('http:', 'https:') + '/ok' }), ctx());
    expect(r).toMatchObject({ status: 'down', message: expect.stringMatching(/TLS handshake with 127.0.0.1:\d+ failed — is it plain HTTP\?/) });
  });
});
