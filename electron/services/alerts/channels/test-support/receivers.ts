/**
 * Real receivers on 127.0.0.1 for the channel tests: an HTTP server that records every request
 * (standing in for ntfy, Discord, Slack, Telegram, Gotify and webhook receivers) and an SMTP
 * server from `smtp-server`. Nothing in the tests talks to anything but these.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach } from 'vitest';

export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  /** Never answer (a server that hangs). */
  hang?: boolean;
}

export interface HttpReceiver {
  url: string;
  requests: RecordedRequest[];
  json(i?: number): Record<string, unknown>;
  close(): Promise<void>;
}

/** `reply` decides each answer from the request and its 0-based number (default 200 with `{"ok":true}`). */
export async function startHttpReceiver(reply: (req: RecordedRequest, n: number) => Reply = () => ({})): Promise<HttpReceiver> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      const n = requests.length;
      requests.push(rec);
      const r = reply(rec, n);
      if (r.hang) return;
      res.writeHead(r.status ?? 200, { 'content-type': 'application/json', ...r.headers });
      res.end(r.body ?? (r.status === 204 ? undefined : '{"ok":true}'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    json: (i = requests.length - 1) => JSON.parse(requests[i]!.body) as Record<string, unknown>,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface ReceivedMail {
  from: string;
  to: string[];
  user: string | null;
  /** The message as received. */
  raw: string;
  headers: Record<string, string>;
  /** Decoded (RFC 2047). */
  subject: string;
  /** Decoded (quoted-printable or base64). */
  text: string;
}

export interface SmtpReceiver {
  port: number;
  messages: ReceivedMail[];
  close(): Promise<void>;
}

/**
 * `users`: accepted logins (auth stays optional, as on a LAN relay). `starttls: false` hides
 * STARTTLS; otherwise smtp-server offers it with its built-in self-signed certificate.
 */
export async function startSmtpReceiver(opts: { users?: Record<string, string>; starttls?: boolean } = {}): Promise<SmtpReceiver> {
  const messages: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: opts.starttls === false,
    disabledCommands: opts.starttls === false ? ['STARTTLS'] : [],
    logger: false,
    onAuth(auth, _session, callback) {
      if (opts.users && auth.username !== undefined && opts.users[auth.username] === auth.password) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const { headers, body } = parseMessage(raw);
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: typeof session.user === 'string' ? session.user : null,
          raw,
          headers,
          subject: decodeWords(headers['subject'] ?? ''),
          text: decodeBody(body, headers['content-transfer-encoding'] ?? ''),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return { port, messages, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function parseMessage(raw: string): { headers: Record<string, string>; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { headers, body: raw.slice(split + 4) };
}

function decodeWords(s: string): string {
  return s
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_m, _charset: string, enc: string, data: string) =>
      enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : qpBytes(data.replace(/_/g, ' ')).toString('utf8'),
    );
}

function qpBytes(s: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(s[i]!, 'utf8'));
  }
  return Buffer.from(bytes);
}

function decodeBody(body: string, encoding: string): string {
  const e = encoding.toLowerCase();
  if (e === 'quoted-printable') return qpBytes(body.replace(/=\r\n/g, '')).toString('utf8');
  if (e === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return body;
}

export interface FloodReceiver {
  url: string;
  /** Bytes of body the server could write before the client hung up (or all of them). */
  written(): number;
  /** Whether the whole body went out. */
  finished(): boolean;
  /** Resolves once the response is over (sent, or cut by the client). */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/**
 * An HTTP server whose answer never ends soon: `status` and `totalBytes` of `fill` (repeated),
 * written in 64 KiB chunks as fast as the client reads them, without a content-length. It counts
 * what the client took, which shows whether a reader stopped at its limit.
 */
export async function startFloodReceiver(status: number, totalBytes: number, contentType = 'application/json', fill = ' '): Promise<FloodReceiver> {
  let written = 0;
  let finished = false;
  let settle: () => void = () => {};
  let settledP = new Promise<void>((r) => (settle = r));
  const chunk = Buffer.alloc(64 * 1024, fill);
  const server: Server = createServer((req, res) => {
    req.resume();
    written = 0;
    finished = false;
    settledP = new Promise<void>((r) => (settle = r));
    res.writeHead(status, { 'content-type': contentType });
    res.on('close', () => settle());
    const pump = () => {
      while (written < totalBytes) {
        if (res.destroyed) return;
        const n = Math.min(chunk.length, totalBytes - written);
        written += n;
        if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void res.once('drain', pump);
      }
      finished = true;
      res.end();
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    written: () => written,
    finished: () => finished,
    settled: () => settledP,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Start functions for the receivers above whose receivers are closed after each test of the file
 * (call it at the file's top level).
 */
export function receiversClosedAfterEach() {
  let open: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(open.map((r) => r.close()));
    open = [];
  });
  const kept =
    <A extends unknown[], R extends { close(): Promise<void> }>(start: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const r = await start(...args);
      open.push(r);
      return r;
    };
  return { http: kept(startHttpReceiver), smtp: kept(startSmtpReceiver), flood: kept(startFloodReceiver) };
}
