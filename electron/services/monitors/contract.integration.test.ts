import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelInfo, MonitorHistoryInfo, MonitorInfo, MonitorsChangedInfo } from '../../../shared/contract';
import { createServices, type Services } from '../app';
import { createTestPlatform, type TestPlatform } from '../test-support/temp-platform';
import { contractCalls, until } from '../test-support/wait';

// Monitors as the UI reaches them: through the dispatcher, against a real local HTTP server.

let tp: TestPlatform;
let services: Services;
let server: http.Server;
let port: number;
const events: Array<{ event: string; payload: unknown }> = [];

const { call, ok } = contractCalls(() => services);

beforeAll(async () => {
  server = http.createServer((_req, res) => res.end('hello from the monitored service'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  tp = createTestPlatform({ agentSocket: null });
  services = await createServices(tp.platform);
  services.events.subscribe((event, payload) => events.push({ event, payload }));
});

afterAll(async () => {
  await services?.dispose();
  tp?.cleanup();
  await new Promise((r) => server?.close(r));
});

describe('monitors through the contract', () => {
  it('adds an HTTP monitor, sees it up in the list and in its history, then removes it', async () => {
    const added = await ok<MonitorInfo>('monitors.add', { type: 'http', name: 'web', url: `http://127.0.0.1:${port}/health`, intervalSec: 20, retries: 0, keyword: { text: 'hello' } });
    expect(added).toMatchObject({ name: 'web', type: 'http', target: `http://127.0.0.1:${port}/health`, intervalSec: 20 });
    expect(added.id).toMatch(/^m_/);
    const up = await until('up', async () => (await ok<MonitorInfo[]>('monitors.list')).find((m) => m.id === added.id && m.state === 'up'));
    expect(up.latencyMs).not.toBeNull();
    await until('monitors.changed with up', async () => events.some((e) => e.event === 'monitors.changed' && (e.payload as MonitorsChangedInfo).changed.some((m) => m.id === added.id && m.state === 'up')));

    const hist = await ok<MonitorHistoryInfo>('monitors.history', { id: added.id, range: '24h' });
    expect(hist.bars.length).toBeGreaterThan(0);
    expect(hist.bars.some((b) => b.up > 0)).toBe(true);
    expect(hist.incidents).toEqual([]);

    await ok('monitors.pause', { id: added.id });
    expect((await ok<MonitorInfo[]>('monitors.list')).find((m) => m.id === added.id)?.state).toBe('paused');
    await ok('monitors.resume', { id: added.id });

    await ok('monitors.remove', { id: added.id });
    expect((await ok<MonitorInfo[]>('monitors.list')).some((m) => m.id === added.id)).toBe(false);
    const gone = await call('monitors.history', { id: added.id, range: '24h' });
    expect(gone.ok ? null : gone.error.code).toBe('NOT_FOUND');
  });

  it('never gives back header values or auth secrets of a monitor', async () => {
    const base = { type: 'http', url: `http://127.0.0.1:${port}/health`, intervalSec: 20 };
    const a = await ok<MonitorInfo>('monitors.add', { ...base, name: 'secret-header', headers: { 'X-Api-Key': 'hunter2-token' } });
    const b = await ok<MonitorInfo>('monitors.add', { ...base, name: 'secret-auth', auth: { kind: 'basic', user: 'u', password: 'hunter2-password' } });
    const listed = JSON.stringify(await ok<MonitorInfo[]>('monitors.list'));
    expect(listed).toContain('secret-header');
    expect(listed).not.toContain('hunter2');
    expect(JSON.stringify([a, b])).not.toContain('hunter2');
    await ok('monitors.remove', { id: a.id });
    await ok('monitors.remove', { id: b.id });
  });

  it('refuses a bad URL and an absurd interval with the field named', async () => {
    const bad = await call('monitors.add', { type: 'http', name: 'bad', url: 'not a url' });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.error.code).toBe('VALIDATION');
    expect(bad.error.details?.field).toBe('url');
    const fast = await call('monitors.add', { type: 'http', name: 'fast', url: `http://127.0.0.1:${port}/`, intervalSec: 1 });
    expect(!fast.ok && fast.error.code).toBe('VALIDATION');
    expect(!fast.ok && fast.error.details?.field).toBe('intervalSec');
    expect(await ok<MonitorInfo[]>('monitors.list')).toEqual([]);
  });

  it('adds a webhook channel without giving its URL back, and removes it', async () => {
    const ch = await ok<ChannelInfo>('monitors.addChannel', { type: 'webhook', name: 'hook', url: `http://127.0.0.1:${port}/hook` });
    expect(ch).toMatchObject({ type: 'webhook', name: 'hook', hasSecret: { url: true } });
    expect(JSON.stringify(await ok('monitors.listChannels'))).not.toContain('/hook');
    await ok('monitors.testChannel', { id: ch.id });
    await ok('monitors.removeChannel', { id: ch.id });
    expect(await ok('monitors.listChannels')).toEqual([]);
  });
});
