import { request, type ClientRequest } from 'node:http';
import WebSocket from 'ws';
import type { Logger } from '../../services/platform/platform';

// What the headless server's tests do as a browser would: follow the login link, open the UI's
// WebSocket, upload a file.

/** For servers under test whose log would only be noise in the test's output. */
export const quietLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/** Follows the login link without following its redirect, and keeps the session cookie it sets (`name=value`). */
export async function loginCookie(loginUrl: string): Promise<string> {
  const login = await fetch(loginUrl, { redirect: 'manual' });
  return login.headers.getSetCookie()[0]!.split(';')[0]!;
}

/** Logs in with the link and opens the UI's WebSocket with the session cookie and the page's origin, as a browser tab does. */
export async function openUiSocket(loginUrl: string): Promise<WebSocket> {
  const cookie = await loginCookie(loginUrl);
  const origin = new URL(loginUrl).origin;
  const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}/ws`, { headers: { cookie }, origin });
  await new Promise((open, fail) => {
    ws.once('open', open);
    ws.once('error', fail);
  });
  return ws;
}

/**
 * What the server answers a WebSocket upgrade to `url` sent with `options` (cookie, origin, Host):
 * 101 when the socket opens (it is closed again at once), else the refusal's HTTP status.
 */
export function upgradeStatus(url: string, options: WebSocket.ClientOptions): Promise<number> {
  const ws = new WebSocket(url, options);
  ws.on('error', () => {});
  return new Promise<number>((answer) => {
    ws.once('unexpected-response', (_req, res) => answer(res.statusCode ?? 0));
    ws.once('open', () => answer(101));
  }).finally(() => ws.terminate());
}

export type UploadAnswer = { status: number; body: string } | { error: string };

/**
 * Starts a PUT of an upload of `length` bytes to `url` (a path on the server at `origin`) as the
 * page does: session cookie, the page's origin, gzip. The caller writes the body to `req`;
 * `answer` is the server's reply, or the error that ended the connection.
 */
export function putUpload(origin: string, url: string, cookie: string, length: number): { req: ClientRequest; answer: Promise<UploadAnswer> } {
  const u = new URL(origin);
  let req!: ClientRequest;
  const answer = new Promise<UploadAnswer>((resolve) => {
    req = request({ host: u.hostname, port: u.port, path: url, method: 'PUT', headers: { cookie, origin, 'content-type': 'application/gzip', 'content-length': length } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', (e) => resolve({ error: e.message }));
    });
    req.on('error', (e) => resolve({ error: e.message }));
  });
  return { req, answer };
}
