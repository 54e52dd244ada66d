import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Envelope, MonitorInfo, WsServerFrame } from '../shared/contract';
import { startHeadless, type Headless } from './harness';

// Stopping the built headless server as a supervisor does (SIGTERM) while a browser is connected:
// it must exit 0 after an orderly shutdown — the beats not yet written reach the history, and the
// alert being delivered reaches its receiver — not exit 1 as if it had crashed.

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'homeport-e2e-shutdown-'));
let server: Headless | null = null;
let again: Headless | null = null;
let receiver: http.Server | null = null;

afterAll(async () => {
  await server?.stop();
  await again?.stop();
  if (receiver) {
    receiver.closeAllConnections();
    await new Promise((r) => receiver!.close(r));
  }
  rmSync(dataDir, { recursive: true, force: true });
});

async function until<T>(what: string, f: () => T | undefined | null | false, timeout: number): Promise<T> {
  const end = Date.now() + timeout;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A logged-in WebSocket client, as the UI in a browser tab is. */
async function connect(h: Headless): Promise<{ ws: WebSocket; call<T>(method: string, input?: unknown): Promise<T> }> {
  const login = await fetch(h.loginUrl, { redirect: 'manual' });
  expect(login.status).toBe(303);
  const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
  const ws = new WebSocket(`${h.origin.replace(/^http/, 'ws')}/ws`, { headers: { cookie }, origin: h.origin });
  await new Promise((ok, fail) => {
    ws.once('open', ok);
    ws.once('error', fail);
  });
  const waiting = new Map<number, (r: Envelope<unknown>) => void>();
  ws.on('message', (data) => {
    const f = JSON.parse(String(data)) as WsServerFrame;
    if (f.t === 'result') waiting.get(f.id)?.(f.result);
  });
  let next = 1;
  return {
    ws,
    call: async <T>(method: string, input?: unknown) => {
      const id = next++;
      const r = await new Promise<Envelope<unknown>>((ok) => {
        waiting.set(id, ok);
        ws.send(JSON.stringify({ t: 'call', id, method, input }));
      });
      if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
      return r.value as T;
    },
  };
}

describe('headless shutdown', () => {
  it('exits 0 on SIGTERM with a client connected, after flushing the history and delivering the alert in flight', async () => {
    // A webhook receiver that takes 1.5 s to answer: the alert is still in delivery when the stop comes.
    const hooks: Array<{ body: string; answered: boolean; cutOff: boolean }> = [];
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const hook = { body, answered: false, cutOff: false };
        hooks.push(hook);
        res.on('close', () => (hook.cutOff = !hook.answered));
        setTimeout(() => {
          if (res.destroyed) return;
          hook.answered = true;
          res.end('ok');
        }, 1500);
      });
    });
    await new Promise<void>((r) => receiver!.listen(0, '127.0.0.1', r));
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

    server = await startHeadless({}, { dataDir, keepDataDir: true });
    const client = await connect(server);
    await client.call('monitors.addChannel', { name: 'receiver', type: 'webhook', url: hookUrl });
    const m = await client.call<MonitorInfo>('monitors.add', { type: 'push', name: 'nightly backup', intervalSec: 3600, retries: 0 });
    const { path: pushPath } = await client.call<{ path: string }>('monitors.pushUrl', { id: m.id });
    const push = async (query: string) => expect((await fetch(`${server!.origin}${pushPath}?${query}`)).status).toBe(200);

    await push('status=up&msg=backup%20done');
    await push('status=down&msg=disk%20full');
    // The down alert is grouped for a few seconds, then sent: wait until the receiver holds it.
    await until('the alert at the receiver', () => hooks.find((h) => h.body.includes('nightly backup')), 45_000);
    // One more beat, still in the history's write buffer when the stop comes.
    await push('status=down&msg=last%20beat%20before%20the%20stop');

    server.kill('SIGTERM');
    const code = await server.exited;
    expect(code, server.stderr()).toBe(0);
    expect(hooks[0]!.answered, 'the alert in delivery was cut off by the stop').toBe(true);
    expect(hooks[0]!.cutOff).toBe(false);
    client.ws.terminate();

    // Started again on the same data: the last beat is in the history.
    again = await startHeadless({}, { dataDir, keepDataDir: true });
    const after = await connect(again);
    const [mon] = await after.call<MonitorInfo[]>('monitors.list');
    expect(mon?.message).toBe('last beat before the stop');
    after.ws.terminate();
  }, 120_000);
});
