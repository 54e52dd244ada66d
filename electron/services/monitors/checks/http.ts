import http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import zlib from 'node:zlib';
import { Deadline } from './deadline';
import { defaultCheckEnv, type CheckContext, type CheckEnv } from './env';
import { evaluateJsonPath, jsonValueAsText, parseJsonPath, type JsonPathSegment } from './json-path';
import { describeNetError, errorCode, isTlsTrustError } from './net-errors';
import type { CheckResult, HttpMonitor } from './types';
import { parseStatusRanges } from './validate-http';

/**
 * HTTP(S) check with node:http/https (not fetch: the certificate is needed). One request per hop,
 * redirects followed by hand up to `maxRedirects`, at most 1 MiB of body read, keep-alive agents
 * shared through the CheckEnv. Certificate semantics:
 *
 * - certDaysLeft (details) = whole days until notAfter, rounded down, negative once expired; it
 *   is reported on every HTTPS answer, also with ignoreTls. With redirects it is the certificate
 *   of the last HTTPS hop.
 * - Not trusted (self-signed, unknown authority, wrong name, expired, not yet valid) → down,
 *   naming the reason, unless ignoreTls. With ignoreTls the check goes on and details.certTrusted
 *   is false (details.certError names the reason).
 * - Expired → down, even with ignoreTls, as long as certExpiryWarnDays is set; with ignoreTls and
 *   certExpiryWarnDays null the user has opted out of certificate checks altogether → up.
 * - certDaysLeft ≤ certExpiryWarnDays → still up; the message says "Certificate expires in N days
 *   (warning at W)" and details.certWarning is true, so the owner can notify once without
 *   treating it as an outage.
 *
 * upsideDown is applied by the owner, not here.
 */

export const HTTP_BODY_CAP = 1024 * 1024;

interface CompiledHttp {
  url: URL;
  ranges: Array<[number, number]>;
  acceptedText: string;
  headers: Record<string, string>;
  /** Sent to another origin after a redirect: no credentials (as browsers and curl do). */
  foreignHeaders: Record<string, string>;
  body: Buffer | null;
  keyword: { needle: string; caseSensitive: boolean; mustBePresent: boolean; text: string } | null;
  jsonPath: { segments: JsonPathSegment[]; path: string; equals: string } | null;
  needBody: boolean;
  /** SNI name when a Host header overrides the URL's host (checking a vhost by IP). */
  servername: string | undefined;
}

/**
 * Compiled once per config object: 1,000 monitors do not re-parse their URL every 20 s. Configs
 * are treated as immutable — an edited monitor is a new object (validateMonitorConfig returns one).
 */
const compiled = new WeakMap<HttpMonitor, CompiledHttp>();

function compile(cfg: HttpMonitor): CompiledHttp {
  let c = compiled.get(cfg);
  if (c) return c;
  const headers: Record<string, string> = {};
  const have = new Set<string>();
  for (const [k, v] of Object.entries(cfg.headers)) {
    headers[k] = v;
    have.add(k.toLowerCase());
  }
  if (!have.has('user-agent')) headers['user-agent'] = 'Homeport-Monitor/1';
  if (!have.has('accept')) headers.accept = '*/*';
  if (cfg.body !== null && !have.has('content-type')) headers['content-type'] = looksLikeJson(cfg.body) ? 'application/json' : 'text/plain; charset=utf-8';
  if (cfg.auth.kind === 'basic') headers.authorization = `Basic ${Buffer.from(`${cfg.auth.user}:${cfg.auth.password}`).toString('base64')}`;
  else if (cfg.auth.kind === 'bearer') headers.authorization = `Bearer ${cfg.auth.token}`;
  const foreignHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    const l = k.toLowerCase();
    if (l !== 'authorization' && l !== 'cookie' && l !== 'proxy-authorization' && l !== 'host') foreignHeaders[k] = v;
  }
  const hostHeader = Object.entries(cfg.headers).find(([k]) => k.toLowerCase() === 'host')?.[1];
  const ranges = parseStatusRanges(cfg.acceptedStatus).filter(([lo]) => !Number.isNaN(lo));
  const kw = cfg.keyword;
  c = {
    url: new URL(cfg.url),
    ranges,
    acceptedText: cfg.acceptedStatus.join(', '),
    headers,
    foreignHeaders,
    body: cfg.body === null ? null : Buffer.from(cfg.body),
    keyword: kw ? { needle: kw.caseSensitive ? kw.text : kw.text.toLowerCase(), caseSensitive: kw.caseSensitive, mustBePresent: kw.mustBePresent, text: kw.text } : null,
    jsonPath: cfg.jsonPath ? { segments: parseJsonPath(cfg.jsonPath.path), path: cfg.jsonPath.path, equals: cfg.jsonPath.equals } : null,
    needBody: cfg.method !== 'HEAD' && (kw !== null || cfg.jsonPath !== null),
    servername: hostHeader ? hostHeader.replace(/:\d+$/, '') : undefined,
  };
  compiled.set(cfg, c);
  return c;
}

function looksLikeJson(s: string): boolean {
  const t = s.trimStart();
  return t.startsWith('{') || t.startsWith('[');
}

function bareHost(u: URL): string {
  return u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
}

function defaultPort(u: URL): number {
  return u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
}

/** Origin and path, never the query (it often carries tokens). */
function where(u: URL): string {
  return `${u.origin}${u.pathname}`;
}

export async function checkHttp(cfg: HttpMonitor, ctx: CheckContext): Promise<CheckResult> {
  const env = ctx.env ?? defaultCheckEnv();
  const dl = new Deadline(ctx.signal, cfg.timeoutSec);
  try {
    let c: CompiledHttp;
    try {
      c = compile(cfg);
    } catch (e) {
      return down(null, `Invalid monitor configuration: ${(e as Error).message}`);
    }
    return await run(cfg, c, env, dl);
  } finally {
    dl.dispose();
  }
}

interface PeerCertificate {
  validTo: number;
  issuer: string;
  trusted: boolean;
  error: string | null;
}

async function run(cfg: HttpMonitor, c: CompiledHttp, env: CheckEnv, dl: Deadline): Promise<CheckResult> {
  let url = c.url;
  let method: string = cfg.method;
  let body = c.body;
  let headers = c.headers;
  let cert: PeerCertificate | null = null;
  let res: http.IncomingMessage;
  let hops = 0;
  const details: Record<string, string | number | boolean> = {};
  const prefix = () => (hops > 0 ? `After a redirect to ${where(url)}: ` : '');

  for (;;) {
    try {
      res = await send(env, url, method, headers, body, !cfg.ignoreTls, dl.signal, url === c.url ? c.servername : undefined);
    } catch (e) {
      if (dl.aborted) return down(null, prefix() + dl.abortMessage(), details);
      if (isTlsTrustError(e)) details.certTrusted = false;
      return down(null, prefix() + describeNetError(e, bareHost(url), defaultPort(url)), details);
    }
    if (url.protocol === 'https:') cert = peerCert(res.socket as TLSSocket) ?? cert;
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (!cfg.followRedirects || !isRedirect(status) || !location) break;
    res.resume();
    if (hops >= cfg.maxRedirects) {
      return down(dl.elapsedMs(), `Too many redirects (more than ${cfg.maxRedirects}), last to ${safeLocation(location, url)}`, { ...details, statusCode: status });
    }
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      return down(dl.elapsedMs(), `Status ${status} redirects to an invalid location`, { ...details, statusCode: status });
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      return down(dl.elapsedMs(), `Status ${status} redirects to a ${next.protocol.slice(0, -1)} address, not http or https`, { ...details, statusCode: status });
    }
    if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
      if (method !== 'HEAD') method = 'GET';
      body = null;
    }
    if (next.origin !== url.origin) headers = c.foreignHeaders;
    url = next;
    hops++;
  }

  const status = res.statusCode ?? 0;
  details.statusCode = status;
  if (hops) details.redirects = hops;
  if (url !== c.url) details.finalUrl = where(url);
  if (cert) {
    const daysLeft = Math.floor((cert.validTo - Date.now()) / 86_400_000);
    details.certDaysLeft = daysLeft;
    details.certExpiresAt = new Date(cert.validTo).toISOString();
    if (cert.issuer) details.certIssuer = cert.issuer;
    details.certTrusted = cert.trusted;
    if (cert.error) details.certError = cert.error;
  }

  let text = '';
  let truncated = false;
  try {
    const r = await readBody(res, c.needBody);
    text = r.text;
    truncated = r.truncated;
    if (truncated) details.bodyTruncated = true;
  } catch (e) {
    if (dl.aborted) return down(null, prefix() + dl.abortMessage(), details);
    return down(dl.elapsedMs(), `${prefix()}Status ${status}, then the body could not be read: ${describeNetError(e, bareHost(url), defaultPort(url))}`, details);
  }
  const latency = dl.elapsedMs();

  if (!c.ranges.some(([lo, hi]) => status >= lo && status <= hi)) {
    return down(latency, `${prefix()}Status ${status} (expected ${c.acceptedText})`, details);
  }

  if (cert && cert.validTo < Date.now() && (!cfg.ignoreTls || cfg.certExpiryWarnDays !== null)) {
    const ago = Math.max(0, -(details.certDaysLeft as number) - 1);
    return down(latency, `Certificate expired ${ago === 0 ? 'less than a day' : `${ago} day${ago === 1 ? '' : 's'}`} ago (${(details.certExpiresAt as string).slice(0, 10)})`, details);
  }

  const within = truncated ? ' in the first 1 MiB' : '';
  if (c.keyword) {
    const hay = c.keyword.caseSensitive ? text : text.toLowerCase();
    const found = hay.includes(c.keyword.needle);
    if (c.keyword.mustBePresent && !found) return down(latency, `Keyword ${quote(c.keyword.text)} not found${within}`, details);
    if (!c.keyword.mustBePresent && found) return down(latency, `Keyword ${quote(c.keyword.text)} found (it must be absent)`, details);
  }

  if (c.jsonPath) {
    if (truncated) return down(latency, 'Response is larger than 1 MiB; the JSON path check needs the whole document', details);
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      // V8's message quotes the body; a body can hold anything, so it stays out of the alert.
      return down(latency, `Response is not valid JSON (${status}, ${res.headers['content-type'] ?? 'no content type'})`, details);
    }
    const v = evaluateJsonPath(doc, c.jsonPath.segments);
    if (v === undefined) return down(latency, `JSON ${c.jsonPath.path} not found in the response`, details);
    const got = jsonValueAsText(v);
    if (got !== c.jsonPath.equals) {
      return down(latency, `JSON ${c.jsonPath.path} is ${typeof v === 'string' ? quote(v) : clip(got)} (expected ${quote(c.jsonPath.equals)})`, details);
    }
  }

  if (cert && cfg.certExpiryWarnDays !== null && (details.certDaysLeft as number) <= cfg.certExpiryWarnDays) {
    details.certWarning = true;
    const d = details.certDaysLeft as number;
    return { status: 'up', latencyMs: latency, message: `Certificate expires in ${d} day${d === 1 ? '' : 's'} (warning at ${cfg.certExpiryWarnDays})`, details };
  }

  return { status: 'up', latencyMs: latency, message: `${status} ${res.statusMessage ?? ''}`.trim() + (hops ? ` after ${hops} redirect${hops === 1 ? '' : 's'}` : ''), details };
}

function down(latencyMs: number | null, message: string, details?: Record<string, string | number | boolean>): CheckResult {
  return details && Object.keys(details).length ? { status: 'down', latencyMs, message, details } : { status: 'down', latencyMs, message };
}

function quote(s: string): string {
  return JSON.stringify(clip(s));
}

function clip(s: string, n = 80): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

function safeLocation(location: string, base: URL): string {
  try {
    return where(new URL(location, base));
  } catch {
    return 'an invalid location';
  }
}

/** One request; a keep-alive socket the server closed meanwhile gets one retry on a fresh one. */
function send(
  env: CheckEnv,
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: Buffer | null,
  verifyTls: boolean,
  signal: AbortSignal,
  servername: string | undefined,
  retried = false,
): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const isHttps = url.protocol === 'https:';
    const opts: https.RequestOptions = {
      hostname: bareHost(url),
      port: url.port || undefined,
      path: url.pathname + url.search,
      method,
      headers,
      agent: isHttps ? env.httpsAgent : env.httpAgent,
      lookup: env.lookup,
      signal,
    };
    if (isHttps) {
      opts.rejectUnauthorized = verifyTls;
      if (servername) opts.servername = servername;
    }
    let req: http.ClientRequest;
    try {
      req = (isHttps ? https : http).request(opts, resolve);
    } catch (e) {
      // invalid header characters and the like are thrown synchronously
      reject(e);
      return;
    }
    req.on('error', (e) => {
      if (!retried && req.reusedSocket && errorCode(e) === 'ECONNRESET' && !signal.aborted) {
        send(env, url, method, headers, body, verifyTls, signal, servername, true).then(resolve, reject);
      } else {
        reject(e);
      }
    });
    req.end(body ?? undefined);
  });
}

/** Certificate facts per socket: a reused keep-alive socket is not asked again. */
const certBySocket = new WeakMap<TLSSocket, PeerCertificate | null>();

function peerCert(socket: TLSSocket | null): PeerCertificate | null {
  if (!socket || typeof socket.getPeerCertificate !== 'function') return null;
  if (certBySocket.has(socket)) return certBySocket.get(socket) ?? null;
  const pc = socket.getPeerCertificate();
  const validTo = pc && pc.valid_to ? Date.parse(pc.valid_to) : NaN;
  const issuerField = pc?.issuer as unknown as Record<string, string | string[] | undefined> | undefined;
  const issuerVal = issuerField?.O ?? issuerField?.CN ?? '';
  const info: PeerCertificate | null = Number.isNaN(validTo)
    ? null
    : {
        validTo,
        issuer: Array.isArray(issuerVal) ? issuerVal.join(', ') : issuerVal,
        trusted: socket.authorized,
        error: socket.authorizationError ? String((socket.authorizationError as unknown as { code?: string }).code ?? socket.authorizationError) : null,
      };
  certBySocket.set(socket, info);
  return info;
}

/**
 * Reads at most HTTP_BODY_CAP bytes (decoded, when the server compresses anyway). When the check
 * does not need the body it is still drained (so the connection can be reused), up to the cap.
 */
function readBody(res: http.IncomingMessage, keep: boolean): Promise<{ text: string; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const enc = String(res.headers['content-encoding'] ?? '').toLowerCase();
    let source: NodeJS.ReadableStream & { destroy(): void } = res;
    if (keep && (enc === 'gzip' || enc === 'x-gzip' || enc === 'deflate' || enc === 'br')) {
      const z = enc === 'br' ? zlib.createBrotliDecompress() : enc === 'deflate' ? zlib.createInflate() : zlib.createGunzip();
      res.on('error', (e) => z.destroy(e));
      source = res.pipe(z);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (truncated: boolean) => {
      if (done) return;
      done = true;
      resolve({ text: keep ? Buffer.concat(chunks, Math.min(size, HTTP_BODY_CAP)).toString('utf8') : '', truncated });
    };
    source.on('data', (chunk: Buffer) => {
      if (done) return;
      const room = HTTP_BODY_CAP - size;
      if (chunk.length >= room) {
        if (keep) chunks.push(chunk.subarray(0, room));
        size = HTTP_BODY_CAP;
        finish(chunk.length > room || !res.complete);
        // Whatever follows is not read: the socket is given up rather than drained.
        res.destroy();
        if (source !== res) source.destroy();
        return;
      }
      if (keep) chunks.push(chunk);
      size += chunk.length;
    });
    source.on('end', () => finish(false));
    source.on('error', (e: Error) => {
      if (!done) {
        done = true;
        reject(e);
      }
    });
    res.on('aborted', () => {
      if (!done) {
        done = true;
        reject(Object.assign(new Error('the connection closed before the body was complete'), { code: 'ECONNRESET' }));
      }
    });
  });
}
