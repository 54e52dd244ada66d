/**
 * Mute, maintenance, per-monitor routing, recent alerts and YAML import/export on the real
 * MonitorsManager: real SQLite history, conf store and secret box, real TCP checks against
 * 127.0.0.1 (an open and a closed port), intervals scaled down (20 s → 200 ms).
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Alert, ChannelConfig } from '../alerts';
import { createTestPlatform, type TestPlatform } from '../test-support/temp-platform';
import { MonitorsManager } from './monitors-manager';
import { SECRET_PLACEHOLDER } from './monitors-yaml';
import type { MonitorsApi } from '../../../shared/contract/monitors';
import { ChannelId, MonitorId } from '../../../shared/model/ids';
import { MonitorsService } from './monitors-service';
import { waitFor } from '../test-support/wait';

const contract = (m: MonitorsManager) => new MonitorsService(m) as MonitorsApi;

const HOUR = 3_600_000;

let open: net.Server;
let openPort: number;
let closedPort: number;

beforeAll(async () => {
  open = net.createServer((s) => s.end());
  await new Promise<void>((r) => open.listen(0, '127.0.0.1', r));
  openPort = (open.address() as AddressInfo).port;
  const tmp = net.createServer();
  await new Promise<void>((r) => tmp.listen(0, '127.0.0.1', r));
  closedPort = (tmp.address() as AddressInfo).port;
  await new Promise((r) => tmp.close(r));
});
afterAll(() => new Promise<void>((r) => open.close(() => r())));

describe('MonitorsManager: mute, maintenance, routing, recent alerts', () => {
  let tp: TestPlatform;
  const managers: MonitorsManager[] = [];
  const sent: Array<{ channel: string; alert: Alert }> = [];
  beforeEach(() => {
    tp = createTestPlatform({ agentSocket: null });
    sent.length = 0;
  });
  afterEach(async () => {
    for (const m of managers.splice(0)) await m.stop();
    tp.cleanup();
  });
  const make = () => {
    const m = new MonitorsManager({
      platform: tp.platform,
      historyFile: path.join(tp.dataDir, 'history.sqlite'),
      intervalScale: 0.01,
      policyOptions: { coalesceMs: 30, coalesceMaxMs: 100 },
      dispatcherAttempts: 1,
      dispatcherSend: async (alert: Alert, config: ChannelConfig) => {
        sent.push({ channel: config.id, alert });
      },
    });
    managers.push(m);
    return m;
  };
  const tcp = (id: string, port: number) => ({ id, name: id, type: 'tcp', host: '127.0.0.1', port, intervalSec: 20, retries: 0, timeoutSec: 1 });

  it('mutes one monitor for 1 h, all monitors until tomorrow 08:00, unmutes, and keeps mutes across a restart', async () => {
    const mgr = make();
    mgr.add(tcp('a', openPort));
    mgr.add(tcp('b', openPort));
    mgr.start();
    const svc = contract(mgr);
    await expect(svc.mute({ id: MonitorId('m_nosuchmonitor'), preset: '1h', utcOffsetMinutes: 0 })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const before = Date.now();
    const { until } = await svc.mute({ id: MonitorId('a'), preset: '1h', utcOffsetMinutes: 0 });
    expect(until).toBeGreaterThanOrEqual(before + HOUR);
    expect(until).toBeLessThanOrEqual(Date.now() + HOUR);
    let s = await svc.alertSettings();
    expect(s.monitors[MonitorId('a')]!.mutedUntil).toBe(until);
    expect(s.monitors[MonitorId('b')]!.mutedUntil).toBeNull();
    await waitFor(() => mgr.list().find((m) => m.config.id === 'a')?.status?.muted, 3000, 'a muted');
    expect(mgr.list().find((m) => m.config.id === 'b')!.status!.muted).toBe(false);

    // "Until tomorrow" at UTC+2: the next 08:00 local is 06:00 UTC.
    const all = await svc.mute({ id: null, preset: 'tomorrow', utcOffsetMinutes: 120 });
    expect(new Date(all.until).getUTCHours()).toBe(6);
    expect(all.until).toBeGreaterThan(Date.now());
    expect(all.until - Date.now()).toBeLessThanOrEqual(24 * HOUR);
    expect((await svc.alertSettings()).globalMuteUntil).toBe(all.until);
    await waitFor(() => mgr.list().every((m) => m.status?.muted), 3000, 'all muted');

    await svc.unmute({ id: null });
    s = await svc.alertSettings();
    expect(s.globalMuteUntil).toBeNull();
    expect(s.monitors[MonitorId('a')]!.mutedUntil).toBe(until);
    await waitFor(() => mgr.list().find((m) => m.config.id === 'b')?.status?.muted === false, 3000, 'b unmuted');
    await mgr.stop();

    // A restarted app remembers the per-monitor mute.
    const again = make();
    again.start();
    expect(again.alertSettings().monitors[MonitorId('a')]!.mutedUntil).toBe(until);
    again.mute(MonitorId('a'), null);
    expect(again.alertSettings().monitors[MonitorId('a')]!.mutedUntil).toBeNull();
  });

  it('puts a monitor in maintenance during a window, refuses bad windows naming them, and applies global windows to all', async () => {
    const mgr = make();
    mgr.add(tcp('a', closedPort));
    mgr.add(tcp('b', openPort));
    mgr.start();
    const now = Date.now();
    expect(() => mgr.setMaintenance(MonitorId('a'), [{ kind: 'once', from: now, to: now + HOUR }, { kind: 'once', from: now, to: now - 1 }])).toThrow(/window 2: A maintenance window must end after it starts/);
    expect(() => mgr.setMaintenance(MonitorId('a'), [{ kind: 'weekly', days: [], start: '22:00', end: '23:00', utcOffsetMinutes: 0 }])).toThrow(/window 1: Pick weekdays/);
    expect(() => mgr.setMaintenance(MonitorId('nope'), [])).toThrow(/no such monitor/);

    // A down monitor in maintenance shows "maintenance" and sends nothing.
    mgr.setMaintenance(MonitorId('a'), [{ kind: 'once', from: now - 1000, to: now + HOUR }]);
    await waitFor(() => mgr.list().find((m) => m.config.id === 'a')?.status?.state === 'maintenance', 3000, 'a in maintenance');
    await new Promise((r) => setTimeout(r, 800));
    expect(mgr.list().find((m) => m.config.id === 'a')!.status!.state).toBe('maintenance');
    expect(mgr.recentAlerts()).toEqual([]);
    expect(mgr.alertSettings().monitors[MonitorId('a')]!.maintenance).toEqual([{ kind: 'once', from: now - 1000, to: now + HOUR }]);

    // A weekly window covering every day and hour, for all monitors.
    mgr.setMaintenance(null, [{ kind: 'weekly', days: [0, 1, 2, 3, 4, 5, 6], start: '00:00', end: '00:00', utcOffsetMinutes: 0 }]);
    await waitFor(() => mgr.list().every((m) => m.status?.state === 'maintenance'), 3000, 'all in maintenance');
    expect(mgr.alertSettings().globalMaintenance).toHaveLength(1);

    // Clearing both: the down monitor is confirmed down and alerts (recorded in the recent list).
    mgr.setMaintenance(null, []);
    mgr.setMaintenance(MonitorId('a'), []);
    await waitFor(() => mgr.list().find((m) => m.config.id === 'a')?.status?.state === 'down', 4000, 'a down');
    await waitFor(() => mgr.recentAlerts().length > 0, 3000, 'an alert');
    expect(mgr.recentAlerts()[0]).toMatchObject({ kind: 'down', monitorIds: ['a'], severity: 'critical' });
    await mgr.stop();
    const again = make();
    expect(again.recentAlerts()[0]).toMatchObject({ kind: 'down', monitorIds: ['a'] });
  });

  it('routes a monitor to its chosen channels instead of the defaults', async () => {
    const mgr = make();
    mgr.addChannel({ id: 'c_default1', name: 'Default', type: 'ntfy', topic: 'default' });
    mgr.addChannel({ id: 'c_pager001', name: 'Pager', type: 'ntfy', topic: 'pager' }, { makeDefault: false });
    mgr.add(tcp('down1', closedPort));
    mgr.add(tcp('down2', closedPort));
    expect(() => mgr.setMonitorRouting(MonitorId('down1'), { channelIds: [ChannelId('c_nosuch00')] })).toThrow(/does not exist/);
    mgr.setMonitorRouting(MonitorId('down1'), { channelIds: [ChannelId('c_pager001')] });
    expect(mgr.alertSettings()).toMatchObject({ defaultChannelIds: ['c_default1'], monitors: { down1: { routing: { channelIds: ['c_pager001'], includeDefaults: false } }, down2: { routing: null } } });
    mgr.start();
    await waitFor(() => sent.some((s) => s.channel === 'c_pager001') && sent.some((s) => s.channel === 'c_default1'), 5000, 'deliveries');
    await mgr.idle();
    const to = (ch: string) => sent.filter((s) => s.channel === ch).flatMap((s) => s.alert.monitorIds);
    expect(to('c_pager001')).toEqual(['down1']);
    expect(to('c_default1')).toEqual(['down2']);

    // Back to the defaults; removing a channel drops it from every route.
    mgr.setMonitorRouting(MonitorId('down1'), { channelIds: [ChannelId('c_pager001')], includeDefaults: true });
    expect(mgr.alertSettings().monitors[MonitorId('down1')]!.routing).toEqual({ channelIds: [ChannelId('c_pager001')], includeDefaults: true });
    mgr.removeChannel(ChannelId('c_pager001'));
    expect(mgr.alertSettings().monitors[MonitorId('down1')]!.routing).toEqual({ channelIds: [], includeDefaults: true });
    mgr.setMonitorRouting(MonitorId('down1'), null);
    expect(mgr.alertSettings().monitors[MonitorId('down1')]!.routing).toBeNull();
  });
});

describe('MonitorsManager: YAML export and import', () => {
  let tp: TestPlatform;
  let tp2: TestPlatform;
  const managers: MonitorsManager[] = [];
  beforeEach(() => {
    tp = createTestPlatform({ agentSocket: null });
    tp2 = createTestPlatform({ agentSocket: null });
  });
  afterEach(async () => {
    for (const m of managers.splice(0)) await m.stop();
    tp.cleanup();
    tp2.cleanup();
  });
  const make = (p: TestPlatform) => {
    const m = new MonitorsManager({ platform: p.platform, historyFile: path.join(p.dataDir, 'history.sqlite') });
    managers.push(m);
    return m;
  };
  const sample = [
    { id: 'm_web0001', name: 'Web', type: 'http', url: 'http://127.0.0.1:8080/health', intervalSec: 60, keyword: { text: 'ok' }, acceptedStatus: ['200-299', '301'] },
    { id: 'm_db00001', name: 'Database', type: 'tcp', host: 'db.lan', port: 5432, intervalSec: 30, retries: 2 },
    { id: 'm_dns0001', name: 'DNS', type: 'dns', hostname: 'example.org', recordType: 'MX' },
    { id: 'm_ping001', name: 'Router', type: 'ping', host: '127.0.0.1', paused: true },
  ];

  it('round-trips: export, then import into an empty manager, gives the same monitors', async () => {
    const src = make(tp);
    for (const m of sample) src.add(m);
    const yaml = src.exportYaml();
    expect(yaml).toMatch(/^# Homeport monitors/);
    expect(parse(yaml).monitors).toHaveLength(4);

    const dst = make(tp2);
    const dry = dst.importYaml(yaml, true);
    expect(dry).toMatchObject({ applied: false, added: 4, updated: 0, errors: 0 });
    expect(dry.entries.map((e) => [e.name, e.action, e.line])).toEqual([
      ['Web', 'add', expect.any(Number)],
      ['Database', 'add', expect.any(Number)],
      ['DNS', 'add', expect.any(Number)],
      ['Router', 'add', expect.any(Number)],
    ]);
    expect(dst.list()).toEqual([]);

    const applied = dst.importYaml(yaml, false);
    expect(applied).toMatchObject({ applied: true, added: 4 });
    const configs = (m: MonitorsManager) => m.list().map((x) => x.config);
    expect(configs(dst)).toEqual(configs(src));
    // Importing the same file again changes nothing.
    expect(dst.importYaml(yaml, false)).toMatchObject({ added: 0, updated: 0, unchanged: 4 });
    // Through the contract too.
    const svc = contract(dst);
    expect(parse((await svc.exportYaml()).yaml)).toEqual(parse(yaml));
  });

  it('replaces secrets with a placeholder, keeps the stored secret on re-import, and refuses a placeholder for a new monitor', () => {
    const mgr = make(tp);
    mgr.add({ id: 'm_auth0001', name: 'Admin', type: 'http', url: 'https://admin.lan/', auth: { kind: 'basic', user: 'me', password: 'hunter2-do-not-leak' }, headers: { 'X-Api-Key': 'key-do-not-leak' } });
    const yaml = mgr.exportYaml();
    expect(yaml).not.toContain('hunter2');
    expect(yaml).not.toContain('key-do-not-leak');
    expect(parse(yaml).monitors[0].auth).toEqual({ kind: 'basic', user: 'me', password: SECRET_PLACEHOLDER });

    const edited = yaml.replace('https://admin.lan/', 'https://admin.lan/login');
    expect(mgr.importYaml(edited, false)).toMatchObject({ updated: 1, errors: 0 });
    // The manager's own config (secrets are sealed at rest, so the store does not show them).
    const stored = (mgr as unknown as { store: Map<string, { url: string; auth: { password: string }; headers: Record<string, string> }> }).store.get('m_auth0001')!;
    expect(stored.url).toBe('https://admin.lan/login');
    expect(stored.auth.password).toBe('hunter2-do-not-leak');
    expect(stored.headers['X-Api-Key']).toBe('key-do-not-leak');

    const other = make(tp2);
    const r = other.importYaml(yaml, true);
    expect(r.errors).toBe(1);
    expect(r.entries[0]!.error!.message).toMatch(/^Entry 1 \(line \d+\), "Admin": (auth.password, headers.X-Api-Key|headers.X-Api-Key, auth.password) are export placeholders/);
    expect(r.entries[0]!.error!.fix).toMatch(/Write the real .*password/);
  });

  it('names the entry, its line and the fix for bad entries, skips them, and applies the rest', () => {
    const mgr = make(tp);
    const text = ['monitors:', '  - name: good', '    type: tcp', '    host: 127.0.0.1', '    port: 22', '  - name: bad url', '    type: http', '    url: ftp://x', '  - name: typo', '    type: tcp', '    host: a.lan', '    port: 80', '    intervalSecs: 30', '  - just text', ''].join('\n');
    const r = mgr.importYaml(text, false);
    expect(r).toMatchObject({ applied: true, added: 1, errors: 3 });
    expect(r.entries[1]).toMatchObject({ action: 'error', line: 6, name: 'bad url' });
    expect(r.entries[1]!.error!.message).toMatch(/^Entry 2 \(line 6\), "bad url": url/);
    expect(r.entries[2]!.error!.message).toMatch(/^Entry 3 \(line 9\), "typo": .*intervalSecs/);
    expect(r.entries[3]!.error!.message).toMatch(/^Entry 4 \(line 14\): is not a monitor/);
    expect(mgr.list().map((m) => m.config.name)).toEqual(['good']);

    expect(() => mgr.importYaml('monitors:\n  - name: x\n   type: tcp\n', true)).toThrow(/cannot be read \(line 3\)/);
    expect(() => mgr.importYaml('hello: world\n', true)).toThrow(/no monitors list/);
    expect(() => mgr.importYaml('version: 2\nmonitors: []\n', true)).toThrow(/version 2/);
  });
});
