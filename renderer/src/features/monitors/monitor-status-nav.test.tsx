// @vitest-environment happy-dom
import { act, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { KumaInstanceId, MonitorId, type HistoryRange, type MonitorInfo } from '../../../../shared/contract';
import { renderApp, teardownApp } from '../../test-support/render-app';

afterEach(teardownApp);

const mon = (id: string, name: string, state: MonitorInfo['state']): MonitorInfo => ({
  id: MonitorId(id), name, type: 'http', target: `http://127.0.0.1:8080/${name}`, config: {}, secretFields: [], source: { kind: 'user' }, intervalSec: 60, retries: 0, paused: false, state,
  muted: false, flapping: false, message: state === 'down' ? 'connection refused' : '200 OK', downSince: state === 'down' ? Date.now() - 60_000 : null,
  lastCheckAt: Date.now(), latencyMs: 5, avgLatencyMs24h: 5, uptime: { day: 1, month: 1, year: null },
});

const handlers = (list: () => MonitorInfo[]) => ({
  'monitors.list': list,
  'monitors.history': ({ id, range }: { id: MonitorId; range: HistoryRange }) => ({ id, range, latency: [], bars: [], incidents: [] }),
  'monitors.listChannels': () => [],
});

describe('the monitors’ status in the window', () => {
  it('shows the worst state on the Monitors nav item, live', async () => {
    const { bridge } = await renderApp(handlers(() => [mon('a', 'web', 'up')]));
    const dot = await screen.findByTestId('nav-health');
    expect(dot.dataset.status).toBe('ok');
    expect(dot.title).toBe('Homeport — all 1 up');
    act(() => bridge.emit('monitors.changed', { changed: [mon('b', 'nextcloud', 'down')], removed: [] }));
    await waitFor(() => expect(screen.getByTestId('nav-health').dataset.status).toBe('down'));
    expect(screen.getByTestId('nav-health').title).toBe('Homeport — 1 down: nextcloud');
    const nav = screen.getByRole('button', { name: 'Monitors' });
    expect(document.getElementById(nav.getAttribute('aria-describedby')!)!.textContent).toBe('1 down');
  });

  it('counts Uptime Kuma’s mirrored monitors too', async () => {
    const { bridge } = await renderApp(handlers(() => [mon('a', 'web', 'up')]));
    await waitFor(() => expect(screen.getByTestId('nav-health').dataset.status).toBe('ok'));
    act(() =>
      bridge.emit('kuma.changed', [
        {
          id: KumaInstanceId('ku_abcdef'), name: 'Kuma on nas', url: 'http://nas:3001', mode: 'socket', slug: null, state: 'connected', error: null, problem: null, stale: false, lastDataAt: null, version: '2.0.2', warning: null, canPause: true, incidents: [],
          monitors: [{ id: '3', name: 'Immich', type: 'http', target: null, active: true, status: 'down', lastKnownStatus: 'down', lastBeatAt: Date.now(), latencyMs: null, avgLatencyMs: null, uptime: { day: null, month: null, year: null }, message: 'timeout' }],
        },
      ]),
    );
    await waitFor(() => expect(screen.getByTestId('nav-health').dataset.status).toBe('down'));
    expect(screen.getByTestId('nav-health').title).toBe('Homeport — 1 down: Immich (Kuma on nas)');
  });

  it('a clicked notification (app.navigate) opens that monitor from any view', async () => {
    const list = [mon('a', 'web', 'up'), mon('b', 'nextcloud', 'down')];
    const { bridge } = await renderApp(handlers(() => list));
    expect(screen.queryByTestId('monitor-detail')).toBeNull();
    act(() => bridge.emit('app.navigate', { view: 'monitors', monitorId: MonitorId('b') }));
    const detail = await screen.findByTestId('monitor-detail');
    expect(detail.getAttribute('aria-label')).toBe('nextcloud details');
    expect(screen.getByRole('button', { name: /Monitors/ }).getAttribute('aria-current')).toBe('page');
  });
});
