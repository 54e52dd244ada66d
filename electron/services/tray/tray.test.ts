import { describe, expect, it } from 'vitest';
import { MonitorId, type AlertInfo, type MonitorInfo } from '../../../shared/contract';
import { notificationFor, TRAY_DOWN_SHOWN, trayView } from './tray';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
let n = 0;
function mon(state: MonitorInfo['state'], extra: Partial<MonitorInfo> = {}): MonitorInfo {
  n++;
  return {
    id: MonitorId(`m${n}`), name: `svc${n}`, type: 'http', target: '', config: {}, secretFields: [], source: { kind: 'user' }, intervalSec: 60, retries: 0, paused: false, state,
    muted: false, flapping: false, message: '', downSince: null, lastCheckAt: null, latencyMs: null, avgLatencyMs24h: null,
    uptime: { day: null, month: null, year: null }, ...extra,
  };
}

describe('trayView', () => {
  it('lists what is down with quick actions: open, restart the container, mute', () => {
    const nextcloud = mon('down', { name: 'nextcloud', type: 'container', config: { hostId: 'h1', container: 'nextcloud_app_1' }, downSince: NOW - 4 * 60_000 });
    const web = mon('down', { name: 'web', downSince: NOW - 90 * 60_000, muted: true });
    const view = trayView([mon('up'), nextcloud, web], NOW);
    expect(view.status).toBe('down');
    expect(view.tooltip).toBe('Homeport — 2 down: web, nextcloud (1 muted)');
    const items = view.menu.filter((i) => i.submenu);
    expect(items.map((i) => i.label)).toEqual(['🔕 web — 1 h 30 min', 'nextcloud — 4 min']);
    expect(items[1]!.submenu!.map((i) => i.label)).toEqual(['Open nextcloud', 'Restart container nextcloud_app_1', 'Mute for 1 hour', 'Mute until tomorrow']);
    expect(items[1]!.submenu![1]!.action).toEqual({ kind: 'restart', monitorId: nextcloud.id, hostId: 'h1', container: 'nextcloud_app_1' });
    // Not a container monitor: no restart; muted: unmute instead of mute.
    expect(items[0]!.submenu!.map((i) => i.label)).toEqual(['Open web', 'Unmute']);
    expect(view.menu.at(-1)).toEqual({ label: 'Mute all for 1 hour', action: { kind: 'mute', monitorId: null, preset: '1h' } });
  });

  it('a mirrored Uptime Kuma monitor opens the Monitors view and offers no mute', () => {
    const view = trayView([{ id: 'kuma:ku_1:7', name: 'Immich (Kuma on nas)', state: 'down', muted: false, downSince: NOW - 60_000 }], NOW);
    const entry = view.menu.find((i) => i.submenu)!;
    expect(entry.label).toBe('Immich (Kuma on nas) — 1 min');
    expect(entry.submenu).toEqual([{ label: 'Open Immich (Kuma on nas)', action: { kind: 'open', monitorId: null } }]);
  });

  it('keeps the menu short in a mass outage', () => {
    const many = Array.from({ length: TRAY_DOWN_SHOWN + 6 }, (_, i) => mon('down', { downSince: NOW - i * 1000 }));
    const view = trayView(many, NOW);
    expect(view.menu.filter((i) => i.submenu)).toHaveLength(TRAY_DOWN_SHOWN);
    expect(view.menu.find((i) => i.label === 'and 6 more…')?.action).toEqual({ kind: 'open', monitorId: null });
  });

  it('all up: the icon is ok and the menu opens Homeport; all muted offers unmute', () => {
    const view = trayView([mon('up'), mon('up')], NOW);
    expect(view.status).toBe('ok');
    expect(view.menu[0]!.label).toBe('all 2 up');
    expect(view.menu.some((i) => i.label === 'Open Homeport')).toBe(true);
    expect(trayView([mon('up', { muted: true })], NOW).menu.at(-1)!.label).toBe('Unmute all');
    expect(trayView([], NOW).menu[0]!.label).toBe('No monitors yet');
  });
});

describe('notificationFor', () => {
  const alert = (extra: Partial<AlertInfo>): AlertInfo => ({ id: 'a', kind: 'down', title: 'nextcloud is down', body: 'HTTP 502', monitorIds: [MonitorId('m1')], at: NOW, severity: 'critical', ...extra });
  it('opens the monitor an alert is about, or the list for a grouped one', () => {
    expect(notificationFor(alert({}))).toEqual({ title: 'nextcloud is down', body: 'HTTP 502', monitorId: 'm1', urgency: 'critical' });
    expect(notificationFor(alert({ monitorIds: [MonitorId('m1'), MonitorId('m2')], severity: 'warning' }))).toMatchObject({ monitorId: null, urgency: 'normal' });
    expect(notificationFor(alert({ kind: 'up', severity: 'info' })).urgency).toBe('low');
  });
});
