import { describe, expect, it } from 'vitest';
import { KumaInstanceId, MonitorId } from './ids';
import type { KumaInstanceInfo } from './kuma';
import type { MonitorInfo } from './monitors';
import { kumaStatusItems, summarizeMonitors } from './monitor-status';

let n = 0;
function mon(state: MonitorInfo['state'], extra: Partial<MonitorInfo> = {}): MonitorInfo {
  n++;
  return {
    id: MonitorId(`m${n}`), name: `svc${n}`, type: 'http', target: `http://nas:${8000 + n}/`, config: {}, secretFields: [], source: { kind: 'user' }, intervalSec: 60, retries: 0,
    paused: state === 'paused', state, muted: false, flapping: false, message: '', downSince: null, lastCheckAt: null, latencyMs: null,
    avgLatencyMs24h: null, uptime: { day: null, month: null, year: null }, ...extra,
  };
}

describe('summarizeMonitors', () => {
  it('says "all up" when everything is up, and mentions maintenance', () => {
    expect(summarizeMonitors([mon('up'), mon('up')])).toMatchObject({ status: 'ok', label: 'All up', tooltip: 'Homeport — all 2 up' });
    expect(summarizeMonitors([mon('up'), mon('maintenance')]).tooltip).toBe('Homeport — all 1 up, 1 in maintenance');
  });

  it('is worst-first: down over unknown over pending', () => {
    expect(summarizeMonitors([mon('pending'), mon('unknown'), mon('down', { name: 'immich' })])).toMatchObject({ status: 'down', label: '1 down' });
    expect(summarizeMonitors([mon('pending'), mon('unknown'), mon('up')])).toMatchObject({ status: 'unknown', label: 'Cannot tell' });
    expect(summarizeMonitors([mon('pending', { name: 'jellyfin' }), mon('up')])).toMatchObject({ status: 'pending', tooltip: 'Homeport — 1 pending: jellyfin' });
  });

  it('names what is down, longest outage first, and sums up the rest', () => {
    const list = [
      mon('down', { name: 'c', downSince: 3000 }),
      mon('down', { name: 'a', downSince: 1000 }),
      mon('down', { name: 'b', downSince: 2000, muted: true }),
      mon('down', { name: 'd', downSince: 4000 }),
    ];
    const s = summarizeMonitors(list);
    expect(s.down.map((m) => m.name)).toEqual(['a', 'b', 'c', 'd']);
    expect(s.tooltip).toBe('Homeport — 4 down: a, b, c and 1 more (1 muted)');
  });

  it('paused monitors do not raise the level; none at all is said plainly', () => {
    expect(summarizeMonitors([])).toMatchObject({ status: 'ok', label: 'No monitors' });
    expect(summarizeMonitors([mon('paused'), mon('paused')])).toMatchObject({ status: 'ok', label: 'All paused' });
    expect(summarizeMonitors([mon('paused'), mon('up')]).counts).toMatchObject({ paused: 1, up: 1, total: 2 });
  });
});

describe('kumaStatusItems', () => {
  const inst = (over: Partial<KumaInstanceInfo> = {}): KumaInstanceInfo => ({
    id: KumaInstanceId('ku_1'), name: 'Kuma on nas', url: 'http://nas:3001', mode: 'socket', slug: null, state: 'connected', error: null, problem: null, stale: false, lastDataAt: null, version: null, warning: null, canPause: true, incidents: [],
    monitors: [
      { id: '1', name: 'Immich', type: 'http', target: null, active: true, status: 'down', lastKnownStatus: 'down', lastBeatAt: 5, latencyMs: null, avgLatencyMs: null, uptime: { day: null, month: null, year: null }, message: '' },
      { id: '2', name: 'Old', type: 'http', target: null, active: false, status: 'down', lastKnownStatus: 'down', lastBeatAt: 5, latencyMs: null, avgLatencyMs: null, uptime: { day: null, month: null, year: null }, message: '' },
    ],
    ...over,
  });

  it('counts Kuma’s monitors in the summary, paused ones not at all', () => {
    const items = kumaStatusItems([inst()]);
    expect(items.map((i) => [i.id, i.name, i.state])).toEqual([
      ['kuma:ku_1:1', 'Immich (Kuma on nas)', 'down'],
      ['kuma:ku_1:2', 'Old (Kuma on nas)', 'paused'],
    ]);
    expect(summarizeMonitors([mon('up'), ...items]).tooltip).toBe('Homeport — 1 down: Immich (Kuma on nas)');
  });

  it('while Kuma itself cannot be heard, its monitors are unknown, not down', () => {
    const items = kumaStatusItems([inst({ state: 'reconnecting', problem: 'Kuma on nas stopped reporting 4 min ago' })]);
    expect(items[0]!.state).toBe('unknown');
    expect(summarizeMonitors([mon('up'), ...items]).status).toBe('unknown');
  });
});
