/**
 * What the monitors cost while nobody looks, and what a UI is told. With many monitors, a check
 * result must not recompute every monitor's figures from SQLite and send the whole list: the
 * change event carries the monitors that changed, their figures kept up to date in memory as
 * beats arrive (and equal to what the history says), and saving one monitor leaves the others'
 * stored secrets alone.
 *
 * Real parts: the MonitorsManager (and its contract implementation), SQLite history, conf store
 * and key-file secret box on disk, TCP checks against a real listener on 127.0.0.1.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MonitorId, type MonitorInfo as ContractMonitorInfo } from '../../../shared/contract';
import type { MonitorsApi } from '../../../shared/contract/monitors';
import { createTestPlatform, type TestPlatform } from '../test-support/temp-platform';
import { MonitorsService } from './monitors-service';
import { MonitorsManager, type MonitorsChange } from './monitors-manager';
import { waitFor } from '../test-support/wait';

let listener: net.Server;
let port: number;
let closedPort: number;
beforeAll(async () => {
  listener = net.createServer((s) => s.end());
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  port = (listener.address() as AddressInfo).port;
  const tmp = net.createServer();
  await new Promise<void>((r) => tmp.listen(0, '127.0.0.1', r));
  closedPort = (tmp.address() as AddressInfo).port;
  await new Promise((r) => tmp.close(r));
});
afterAll(() => new Promise<void>((r) => listener.close(() => r())));

let tp: TestPlatform;
const managers: MonitorsManager[] = [];
beforeEach(() => {
  tp = createTestPlatform({ agentSocket: null });
});
afterEach(async () => {
  for (const m of managers.splice(0)) await m.stop();
  tp.cleanup();
});

function make(changes: MonitorsChange[] = []): MonitorsManager {
  const m = new MonitorsManager({
    platform: tp.platform,
    historyFile: path.join(tp.dataDir, 'history.sqlite'),
    // 20 s → 200 ms
    intervalScale: 0.01,
    policyOptions: { coalesceMs: 30, coalesceMaxMs: 100 },
    dispatcherAttempts: 1,
  });
  m.events.on('changed', (c) => changes.push(c));
  managers.push(m);
  return m;
}
const tcp = (id: string, p = port, extra: Record<string, unknown> = {}) => ({ id, name: id, type: 'tcp', host: '127.0.0.1', port: p, intervalSec: 20, retryIntervalSec: 20, retries: 0, timeoutSec: 2, ...extra });

describe('monitors.changed', () => {
  it('carries the monitors that changed, not every monitor', async () => {
    const changes: MonitorsChange[] = [];
    const m = make(changes);
    for (let i = 0; i < 30; i++) m.add(tcp(`m_quiet${String(i).padStart(2, '0')}`, port, { paused: true }));
    m.add(tcp('m_busy'));
    m.start();
    await waitFor(() => changes.flatMap((c) => c.changed).filter((x) => x.config.id === 'm_busy' && x.last).length >= 4, 15_000, 'four results of the busy monitor');
    // The first one after start may name them all; the ones that follow a check name only it.
    const later = changes.slice(1);
    expect(later.length).toBeGreaterThan(2);
    for (const c of later) expect(c.changed.map((x) => x.config.id)).toEqual(['m_busy']);

    // Removing says so by id.
    m.remove(MonitorId('m_quiet00'));
    await waitFor(() => changes.some((c) => c.removed.includes(MonitorId('m_quiet00'))), 5000, 'the removal');
  });

  it('keeps the figures up to date as beats arrive, equal to what the history says', async () => {
    const changes: MonitorsChange[] = [];
    const m = make(changes);
    m.add(tcp('m_flaky', closedPort));
    m.add(tcp('m_steady'));
    m.start();
    const seen = () => changes.flatMap((c) => c.changed);
    await waitFor(() => seen().filter((x) => x.config.id === 'm_flaky' && x.last?.status === 'down').length >= 3, 15_000, 'three failed checks');
    const open = net.createServer((s) => s.end());
    await new Promise<void>((r) => open.listen(closedPort, '127.0.0.1', r));
    try {
      await waitFor(() => seen().filter((x) => x.config.id === 'm_flaky' && x.last?.status === 'up').length >= 3, 15_000, 'three good checks');
    } finally {
      await new Promise((r) => open.close(r));
    }
    m.pause(MonitorId('m_flaky'));
    m.pause(MonitorId('m_steady'));
    await new Promise((r) => setTimeout(r, 300));
    // What the running manager has in memory…
    const live = new Map(m.list().map((x) => [x.config.id, x]));
    await m.stop();
    const last = (id: string) => live.get(MonitorId(id))!;
    const flaky = last('m_flaky');
    expect(flaky.uptime.day).toBeGreaterThan(0);
    expect(flaky.uptime.day).toBeLessThan(1);
    // …is what a new manager reads from the history file.
    const fresh = make();
    const byId = new Map(fresh.list().map((x) => [x.config.id, x]));
    for (const id of ['m_flaky', 'm_steady']) {
      const mem = last(id);
      const stored = byId.get(MonitorId(id))!;
      expect(mem.uptime.day, id).toBeCloseTo(stored.uptime.day!, 9);
      expect(mem.uptime.month, id).toBeCloseTo(stored.uptime.month!, 9);
      expect(mem.uptime.year, id).toBeCloseTo(stored.uptime.year!, 9);
      expect(mem.avgLatencyMs24h!, id).toBeCloseTo(stored.avgLatencyMs24h!, 6);
    }
  });
});

describe('saving one monitor', () => {
  it('leaves every other monitor as stored (its sealed secrets are not sealed again)', () => {
    const m = make();
    const http = (id: string) => ({ id, type: 'http', name: id, url: `http://127.0.0.1:${port}/`, intervalSec: 20, auth: { kind: 'basic', user: 'u', password: `pw-${id}` } });
    m.add(http('m_one'));
    m.add(http('m_two'));
    const settings = () => JSON.parse(readFileSync(path.join(tp.dataDir, 'settings.json'), 'utf8')) as { monitorSecrets: Record<string, string>; monitors: Array<{ id: string }> };
    const before = settings();
    m.update(MonitorId('m_two'), { ...http('m_two'), name: 'renamed', auth: { kind: 'basic', user: 'u', password: '' } });
    m.pause(MonitorId('m_two'));
    m.add(http('m_three'));
    const after = settings();
    expect(after.monitorSecrets.m_one).toBe(before.monitorSecrets.m_one);
    expect(after.monitors[0]).toEqual(before.monitors[0]);
    expect(Object.keys(after.monitorSecrets).sort()).toEqual(['m_one', 'm_three', 'm_two']);
  });

  it('stays cheap with many monitors: 400 added one by one through the contract, then a full list', async () => {
    const m = make();
    m.start();
    const svc = new MonitorsService(m) as MonitorsApi;
    const t0 = performance.now();
    for (let i = 0; i < 400; i++) await svc.add({ type: 'tcp', name: `svc ${i}`, host: '127.0.0.1', port, intervalSec: 20, paused: i % 2 === 0 });
    const addMs = performance.now() - t0;
    const list: ContractMonitorInfo[] = await svc.list();
    expect(list).toHaveLength(400);
    // A guard, not a benchmark (npm run bench:monitors is): each add used to build every
    // monitor's figures from SQLite, which grows with the square of the number of monitors.
    expect(addMs).toBeLessThan(20_000);
  }, 60_000);
});
