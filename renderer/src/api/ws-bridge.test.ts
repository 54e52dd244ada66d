import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { WsClientFrame, WsServerFrame } from '../../../shared/contract';
import { WsBridge, sameOriginWsUrl, type WebSocketCtor, type WsStatus } from './ws-bridge';

// A real WebSocket server on loopback; `ws`'s client class stands in for the browser's.
const WS = WebSocket as unknown as WebSocketCtor;

interface Lab {
  url: string;
  port: number;
  wss: WebSocketServer;
  http: Server;
  frames: WsClientFrame[];
  /** Every socket the server accepted, in order. */
  sockets: WebSocket[];
  /** When set, the upgrade is refused with this HTTP status. */
  refuse: number | null;
  /** Answer calls automatically (echo), or leave them pending. */
  autoReply: boolean;
}

const labs: Lab[] = [];
const bridges: WsBridge[] = [];

async function startLab(opts: { port?: number } = {}): Promise<Lab> {
  const http = createServer((req, res) => {
    // The page itself: 401 while the lab refuses sessions (like headless mode without a cookie).
    res.statusCode = lab.refuse ?? 200;
    res.end();
  });
  const wss = new WebSocketServer({ noServer: true });
  const lab: Lab = { url: '', port: 0, wss, http, frames: [], sockets: [], refuse: null, autoReply: true };
  http.on('upgrade', (req, socket, head) => {
    if (lab.refuse) {
      socket.end(`HTTP/1.1 ${lab.refuse} Unauthorized\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      lab.sockets.push(ws);
      ws.on('message', (data) => {
        const frame = JSON.parse(String(data)) as WsClientFrame;
        lab.frames.push(frame);
        if (lab.autoReply) send(ws, { t: 'result', id: frame.id, result: { ok: true, value: { echo: frame.method, input: frame.input } } });
      });
    });
  });
  await new Promise<void>((resolve) => http.listen(opts.port ?? 0, '127.0.0.1', resolve));
  lab.port = (http.address() as AddressInfo).port;
  lab.url = `ws://127.0.0.1:${lab.port}/ws`;
  labs.push(lab);
  return lab;
}

async function stopLab(lab: Lab): Promise<void> {
  for (const s of lab.sockets) s.terminate();
  lab.wss.close();
  lab.http.closeAllConnections();
  await new Promise<void>((resolve) => lab.http.close(() => resolve()));
  labs.splice(labs.indexOf(lab), 1);
}

function send(ws: WebSocket, frame: WsServerFrame) {
  ws.send(JSON.stringify(frame));
}

function bridgeFor(lab: Lab, extra: { isUnauthorized?: () => Promise<boolean> } = {}): WsBridge {
  const b = new WsBridge({
    url: lab.url,
    WebSocket: WS,
    backoff: { initialMs: 20, maxMs: 100 },
    isUnauthorized: extra.isUnauthorized ?? (async () => (await fetch(`http://127.0.0.1:${lab.port}/`)).status === 401),
  });
  bridges.push(b);
  return b;
}

function statuses(b: WsBridge): WsStatus[] {
  const seen: WsStatus[] = [b.status];
  b.onStatus((s) => seen.push(s));
  return seen;
}

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

afterEach(async () => {
  for (const b of bridges.splice(0)) b.close();
  for (const lab of [...labs]) await stopLab(lab);
});

describe('WsBridge', () => {
  it('queues calls made before the socket opens, then sends them as call frames', async () => {
    const lab = await startLab();
    const b = bridgeFor(lab);
    expect(b.status).toBe('connecting');
    const [one, two] = await Promise.all([b.invoke('hosts.list', undefined), b.invoke('hosts.connect', { id: 'h_abcd1' })]);
    expect(one).toEqual({ ok: true, value: { echo: 'hosts.list' } });
    expect(two).toEqual({ ok: true, value: { echo: 'hosts.connect', input: { id: 'h_abcd1' } } });
    expect(lab.frames.map((f) => [f.t, f.method])).toEqual([
      ['call', 'hosts.list'],
      ['call', 'hosts.connect'],
    ]);
    expect(lab.frames[0]!.id).not.toBe(lab.frames[1]!.id);
    expect(b.status).toBe('open');
  });

  it('matches results to calls by id, in any order', async () => {
    const lab = await startLab();
    lab.autoReply = false;
    const b = bridgeFor(lab);
    const a = b.invoke('keys.list', undefined);
    const c = b.invoke('hosts.list', undefined);
    await until(() => lab.frames.length === 2, 'two frames');
    const [fa, fc] = lab.frames;
    send(lab.sockets[0]!, { t: 'result', id: fc!.id, result: { ok: false, error: { code: 'NOT_FOUND', message: 'no' } } });
    send(lab.sockets[0]!, { t: 'result', id: fa!.id, result: { ok: true, value: [] } });
    expect(await a).toEqual({ ok: true, value: [] });
    expect(await c).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'no' } });
  });

  it('delivers event frames to subscribers until they unsubscribe', async () => {
    const lab = await startLab();
    const b = bridgeFor(lab);
    const got: [string, unknown][] = [];
    const off = b.subscribe((event, payload) => got.push([event, payload]));
    await b.invoke('app.info', undefined); // the socket is open now
    send(lab.sockets[0]!, { t: 'event', event: 'hosts.changed', payload: [] });
    await until(() => got.length === 1, 'the event');
    expect(got).toEqual([['hosts.changed', []]]);
    off();
    send(lab.sockets[0]!, { t: 'event', event: 'keys.changed', payload: [] });
    await b.invoke('app.info', undefined); // a round trip: the event frame came before its result
    expect(got).toHaveLength(1);
  });

  it('ignores malformed frames and results for unknown ids', async () => {
    const lab = await startLab();
    const b = bridgeFor(lab);
    await b.invoke('app.info', undefined);
    lab.sockets[0]!.send('not json');
    send(lab.sockets[0]!, { t: 'result', id: 9999, result: { ok: true, value: 1 } });
    expect(await b.invoke('app.info', undefined)).toEqual({ ok: true, value: { echo: 'app.info' } });
  });

  it('rejects pending calls when the connection drops, reports reconnecting, and reconnects', async () => {
    const lab = await startLab();
    lab.autoReply = false;
    const b = bridgeFor(lab);
    const seen = statuses(b);
    const pending = b.invoke('containers.list', undefined);
    await until(() => lab.frames.length === 1, 'the call');
    lab.sockets[0]!.terminate();
    await expect(pending).rejects.toThrow(/closed/);
    await until(() => lab.sockets.length === 2 && b.status === 'open', 'the second connection');
    expect(seen).toEqual(['connecting', 'open', 'reconnecting', 'open']);
    lab.autoReply = true;
    expect(await b.invoke('hosts.list', undefined)).toEqual({ ok: true, value: { echo: 'hosts.list' } });
  });

  it('says at once when a socket that was open drops — before the calls it carried are rejected — and not for attempts that never opened', async () => {
    const lab = await startLab();
    lab.autoReply = false;
    const b = bridgeFor(lab);
    const order: string[] = [];
    b.onDrop(() => order.push(`drop (status ${b.status})`));
    const pending = b.invoke('containers.list', undefined).catch(() => order.push('call rejected'));
    await until(() => lab.frames.length === 1, 'the call');
    const port = lab.port;
    await stopLab(lab);
    await pending;
    expect(order).toEqual(['drop (status open)', 'call rejected']);
    await until(() => b.status === 'reconnecting', 'reconnecting');
    await new Promise((r) => setTimeout(r, 150)); // failed attempts: never open, so no drop
    expect(order).toHaveLength(2);
    const back = await startLab({ port });
    back.autoReply = true;
    await until(() => b.status === 'open', 'reopened', 5000);
    back.sockets[0]!.terminate();
    await until(() => order.length === 3, 'the second drop');
    expect(order[2]).toBe('drop (status open)');
  });

  it('keeps retrying with backoff while the server is down, and recovers when it is back', async () => {
    const lab = await startLab();
    const b = bridgeFor(lab);
    await b.invoke('app.info', undefined);
    const port = lab.port;
    await stopLab(lab);
    await until(() => b.status === 'reconnecting', 'reconnecting');
    // A call made while down is rejected at the next failed attempt, not left hanging.
    await expect(b.invoke('hosts.list', undefined)).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 150)); // a few failed attempts
    expect(b.status).toBe('reconnecting');
    const back = await startLab({ port });
    await until(() => b.status === 'open', 'reopened', 5000);
    expect(await b.invoke('hosts.list', undefined)).toEqual({ ok: true, value: { echo: 'hosts.list' } });
    expect(back.sockets).toHaveLength(1);
  });

  it('stops and says so when the server answers 401', async () => {
    const lab = await startLab();
    lab.refuse = 401;
    const b = bridgeFor(lab);
    const seen = statuses(b);
    await expect(b.invoke('hosts.list', undefined)).rejects.toThrow();
    await until(() => b.status === 'unauthorized', 'unauthorized');
    expect(seen).toEqual(['connecting', 'unauthorized']);
    await new Promise((r) => setTimeout(r, 100));
    expect(lab.sockets).toHaveLength(0); // no more attempts
    await expect(b.invoke('hosts.list', undefined)).rejects.toThrow(/session expired/);
  });

  it('close() rejects what is pending and never reconnects', async () => {
    const lab = await startLab();
    lab.autoReply = false;
    const b = bridgeFor(lab);
    const pending = b.invoke('hosts.list', undefined);
    await until(() => lab.frames.length === 1, 'the call');
    b.close();
    await expect(pending).rejects.toThrow(/closed/);
    await new Promise((r) => setTimeout(r, 80));
    expect(lab.sockets).toHaveLength(1);
    expect(b.status).toBe('closed');
  });
});

describe('sameOriginWsUrl', () => {
  it('follows the page scheme and host', () => {
    expect(sameOriginWsUrl({ protocol: 'http:', host: '127.0.0.1:7420' })).toBe('ws://127.0.0.1:7420/ws');
    expect(sameOriginWsUrl({ protocol: 'https:', host: 'home.example' })).toBe('wss://home.example/ws');
  });
});
