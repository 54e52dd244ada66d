// @vitest-environment happy-dom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryRange, MonitorConfigInput, MonitorInfo } from '../../../../shared/contract';
import { EnvelopeError } from '../../test-support/memory-bridge';
import { renderApp, teardownApp } from '../../test-support/render-app';

afterEach(teardownApp);

const web: MonitorInfo = {
  id: 'm_testmonitor01',
  name: 'web',
  type: 'http',
  target: 'http://127.0.0.1:8080/',
  config: {},
  secretFields: [],
  source: { kind: 'user' },
  intervalSec: 60,
  retries: 1,
  paused: false,
  state: 'up',
  muted: false,
  flapping: false,
  message: '200 OK',
  downSince: null,
  lastCheckAt: Date.now(),
  latencyMs: 12,
  avgLatencyMs24h: 11,
  uptime: { day: 1, month: 0.9995, year: null },
};

async function openMonitors(add: (input: MonitorConfigInput) => MonitorInfo) {
  let monitors: MonitorInfo[] = [];
  const r = await renderApp({
    'monitors.list': () => monitors,
    'monitors.history': ({ id, range }: { id: string; range: HistoryRange }) => ({ id, range, latency: [], bars: [], incidents: [] }),
    'monitors.listChannels': () => [],
    'monitors.add': (input: MonitorConfigInput) => {
      const m = add(input);
      monitors = [m];
      return m;
    },
  });
  fireEvent.click(screen.getByRole('button', { name: /Monitors/ }));
  await screen.findByTestId('monitors-empty');
  fireEvent.click(screen.getByRole('button', { name: 'Add monitor' }));
  const dialog = await screen.findByTestId('add-monitor-dialog');
  return { ...r, dialog: within(dialog) };
}

describe('the add monitor dialog', () => {
  it('sends an HTTP monitor with its interval and retries, then lists it', async () => {
    const { dialog, bridge } = await openMonitors(() => web);
    expect((dialog.getByLabelText('Interval (seconds)') as HTMLInputElement).value).toBe('60');
    fireEvent.change(dialog.getByLabelText('Name'), { target: { value: 'web' } });
    fireEvent.change(dialog.getByLabelText('URL'), { target: { value: 'http://127.0.0.1:8080/' } });
    fireEvent.change(dialog.getByLabelText('Interval (seconds)'), { target: { value: '20' } });
    fireEvent.change(dialog.getByLabelText('Retries'), { target: { value: '0' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Add' }));
    const row = await screen.findByTestId('monitor-row');
    expect(row.dataset.name).toBe('web');
    expect(row.dataset.status).toBe('up');
    expect(row.textContent).toContain('99.95 %');
    expect(bridge.callsOf('monitors.add')).toEqual([{ type: 'http', name: 'web', url: 'http://127.0.0.1:8080/', intervalSec: 20, retries: 0, keyword: null }]);
    expect(screen.queryByTestId('add-monitor-dialog')).toBeNull();
  });

  it('shows the service error at the field it names and keeps the dialog open', async () => {
    const { dialog } = await openMonitors(() => {
      throw new EnvelopeError({ code: 'VALIDATION', message: 'url: "nope" is not an http(s) URL', fix: 'Give a full URL', details: { field: 'url' } });
    });
    fireEvent.change(dialog.getByLabelText('Name'), { target: { value: 'bad' } });
    fireEvent.change(dialog.getByLabelText('URL'), { target: { value: 'nope' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(dialog.getByLabelText('URL').getAttribute('aria-invalid')).toBe('true'));
    expect(dialog.getByRole('alert').textContent).toContain('not an http(s) URL');
    expect(screen.getByTestId('add-monitor-dialog')).toBeTruthy();
  });

  it('refuses an interval under 20 seconds before calling the services', async () => {
    const { dialog, bridge } = await openMonitors(() => web);
    fireEvent.change(dialog.getByLabelText('Name'), { target: { value: 'fast' } });
    fireEvent.change(dialog.getByLabelText('URL'), { target: { value: 'http://127.0.0.1/' } });
    fireEvent.change(dialog.getByLabelText('Interval (seconds)'), { target: { value: '5' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Add' }));
    expect((await dialog.findByRole('alert')).textContent).toContain('at least 20 seconds');
    expect(bridge.callsOf('monitors.add')).toEqual([]);
  });
});
