import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelInfo, Envelope, WsServerFrame } from '../../shared/contract';
import { createServices, type Services } from '../services/app';
import { until } from '../services/test-support/wait';
import { createHeadlessPlatform } from './headless-platform';
import { createHeadlessServer, type HeadlessServer } from './server';
import { openUiSocket, quietLogger } from './test-support/browser';

// What one browser tab may ask of the headless server at once: calls still running are capped
// (the next is answered at once with a LIMIT error, not queued), and so are its live streams.
// The slow calls are real: channel tests against a webhook receiver on 127.0.0.1 that holds its
// answers until the test lets them go.

const TOKEN = 'limits-test-token-0123456789abcdef';
let root: string;
let services: Services;
let server: HeadlessServer;
let receiver: Server;
const held: Array<() => void> = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'homeport-limits-'));
  mkdirSync(join(root, 'home'));
  services = await createServices(createHeadlessPlatform({ dataDir: join(root, 'data'), version: '0.0.0-test', logger: quietLogger, homeDir: join(root, 'home'), agentSocket: null }));
  server = await createHeadlessServer({ services, staticDir: join(root, 'no-ui'), host: '127.0.0.1', port: 0, token: TOKEN, logger: quietLogger, maxCallsInFlight: 3 });
  receiver = createServer((req, res) => {
    req.resume();
    held.push(() => res.end('ok'));
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
});

afterAll(async () => {
  for (const release of held.splice(0)) release();
  receiver?.closeAllConnections();
  await new Promise((r) => receiver?.close(r));
  await server?.close();
  await services?.dispose();
  rmSync(root, { recursive: true, force: true });
});

async function connect() {
  const ws = await openUiSocket(server.loginUrl);
  const results = new Map<number, Envelope<unknown>>();
  ws.on('message', (d) => {
    const f = JSON.parse(String(d)) as WsServerFrame;
    if (f.t === 'result') results.set(f.id, f.result);
  });
  let next = 1;
  const send = (method: string, input?: unknown) => {
    const id = next++;
    ws.send(JSON.stringify({ t: 'call', id, method, input }));
    return id;
  };
  const result = (id: number) => until(`the answer to call ${id}`, () => results.get(id), 20_000, 20);
  return { ws, send, result, results };
}

describe('per-client limits', () => {
  it('answers a call beyond the ones still running with LIMIT at once; other tabs and later calls go through', async () => {
    const tab = await connect();
    const ch = await tab.result(tab.send('monitors.addChannel', { name: 'slow hook', type: 'webhook', url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook` }));
    expect(ch.ok).toBe(true);
    const channelId = (ch as { value: ChannelInfo }).value.id;

    const slow = [1, 2, 3].map(() => tab.send('monitors.testChannel', { id: channelId }));
    await until('the receiver holds three tests', () => held.length === 3, 20_000, 20);
    const refused = await tab.result(tab.send('app.info'));
    expect(refused).toMatchObject({ ok: false, error: { code: 'LIMIT', message: 'Too many requests at once from this browser tab (3 are still running).' } });
    expect(refused.ok === false && refused.error.fix).toMatch(/Wait for them to finish/);

    // Another tab has its own allowance.
    const other = await connect();
    expect((await other.result(other.send('app.info'))).ok).toBe(true);
    other.ws.close();

    for (const release of held.splice(0)) release();
    for (const id of slow) expect((await tab.result(id)).ok).toBe(true);
    expect((await tab.result(tab.send('app.info'))).ok).toBe(true);
    tab.ws.close();
  });
});
