// @vitest-environment happy-dom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { KumaInstanceId, type HeartbeatInfo, type HistoryRange, type KumaAddInput, type KumaInstanceInfo, type MonitorId } from '../../../../shared/contract';
import { EnvelopeError } from '../../test-support/memory-bridge';
import { renderApp, teardownApp } from '../../test-support/render-app';

afterEach(teardownApp);

const instance = (over: Partial<KumaInstanceInfo> = {}): KumaInstanceInfo => ({
  id: KumaInstanceId('ku_abcdef'),
  name: 'Uptime Kuma on nas',
  url: 'http://nas:3001',
  mode: 'socket',
  slug: null,
  state: 'connected',
  error: null,
  problem: null,
  stale: false,
  lastDataAt: Date.now() - 1000,
  version: '2.0.2',
  warning: null,
  canPause: true,
  incidents: [],
  monitors: [
    { id: '1', name: 'Nextcloud', type: 'http', target: 'https://cloud.lan/', active: true, status: 'up', lastKnownStatus: 'up', lastBeatAt: Date.now() - 20_000, latencyMs: 41, avgLatencyMs: 40, uptime: { day: 1, month: 0.9991, year: null }, message: '200 - OK' },
    { id: '2', name: 'NAS ping', type: 'ping', target: 'nas.lan', active: true, status: 'down', lastKnownStatus: 'down', lastBeatAt: Date.now() - 5000, latencyMs: null, avgLatencyMs: null, uptime: { day: 0.5, month: 0.98, year: null }, message: 'timeout' },
  ],
  ...over,
});

const off: HeartbeatInfo = { configured: false, target: null, kind: null, intervalSec: 60, lastOkAt: null, lastAttemptAt: null, lastError: null, nextAt: null, sent: 0, failed: 0 };

async function openMonitors(extra: Record<string, unknown> = {}) {
  const r = await renderApp({
    'monitors.list': () => [],
    'monitors.history': ({ id, range }: { id: MonitorId; range: HistoryRange }) => ({ id, range, latency: [], bars: [], incidents: [] }),
    'monitors.listChannels': () => [],
    'kuma.list': () => [],
    'kuma.heartbeat': () => off,
    ...extra,
  });
  fireEvent.click(screen.getByRole('button', { name: /Monitors/ }));
  await screen.findByTestId('kuma-section');
  return r;
}

describe('Uptime Kuma in the Monitors view', () => {
  it('connects with a 2FA code when the account asks for one, then lists its monitors live', async () => {
    const calls: KumaAddInput[] = [];
    const { bridge } = await openMonitors({
      'kuma.add': (input: KumaAddInput) => {
        calls.push(input);
        if (input.password !== 'right') throw new EnvelopeError({ code: 'AUTH_FAILED', message: 'Uptime Kuma on nas refused the username or password.', fix: 'Check them.' });
        return input.totp ? { status: 'added', instance: instance() } : { status: 'totp-required' };
      },
    });
    expect(screen.getByTestId('kuma-empty')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Connect Uptime Kuma' }));
    const dialog = within(await screen.findByTestId('connect-kuma-dialog'));
    // A bad address is caught at the form.
    fireEvent.change(dialog.getByLabelText('Address'), { target: { value: 'nas:3001' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Connect' }));
    expect(await dialog.findByText(/starting with http:\/\/ or https:\/\//)).toBeTruthy();
    expect(calls).toHaveLength(0);

    fireEvent.change(dialog.getByLabelText('Address'), { target: { value: 'http://nas:3001' } });
    fireEvent.change(dialog.getByLabelText('Username'), { target: { value: 'admin' } });
    fireEvent.change(dialog.getByLabelText('Password'), { target: { value: 'wrong' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Connect' }));
    expect(await dialog.findByText('Uptime Kuma on nas refused the username or password.')).toBeTruthy();

    // Retyping takes the refusal away: it was about what was typed before.
    fireEvent.change(dialog.getByLabelText('Password'), { target: { value: 'right' } });
    expect(dialog.queryByText('Uptime Kuma on nas refused the username or password.')).toBeNull();
    fireEvent.click(dialog.getByRole('button', { name: 'Connect' }));
    const code = await dialog.findByLabelText('2FA code');
    fireEvent.change(code, { target: { value: '12a3456' } });
    expect((code as HTMLInputElement).value).toBe('123456');
    fireEvent.click(dialog.getByRole('button', { name: 'Verify and connect' }));
    await waitFor(() => expect(screen.queryByTestId('connect-kuma-dialog')).toBeNull());
    expect(calls.at(-1)).toMatchObject({ url: 'http://nas:3001', mode: 'socket', username: 'admin', totp: '123456' });

    act(() => bridge.emit('kuma.changed', [instance()]));
    const rows = await screen.findAllByTestId('kuma-monitor');
    expect(rows.map((r) => [r.dataset.name, r.dataset.status])).toEqual([
      ['Nextcloud', 'up'],
      ['NAS ping', 'down'],
    ]);
    expect(within(rows[0]!).getByText('99.91 %')).toBeTruthy();

    // Kuma itself went quiet: said at the instance.
    act(() => bridge.emit('kuma.changed', [instance({ state: 'reconnecting', problem: 'Uptime Kuma on nas stopped reporting 4 min ago' })]));
    expect((await screen.findByTestId('kuma-problem')).textContent).toBe('Uptime Kuma on nas stopped reporting 4 min ago');
  });

  it('a silent instance: rows say "unknown" with the last known status, and how long Kuma has been silent, counting', async () => {
    const silentSince = Date.now() - 12_000;
    const silent = instance({
      state: 'reconnecting',
      stale: true,
      lastDataAt: silentSince,
      monitors: instance().monitors.map((m) => ({ ...m, status: 'unknown' as const })),
    });
    const { bridge } = await openMonitors({ 'kuma.list': () => [silent] });
    const rows = await screen.findAllByTestId('kuma-monitor');
    expect(rows.map((r) => [r.dataset.name, r.dataset.status, within(r).getByTestId('kuma-last-known').textContent])).toEqual([
      ['Nextcloud', 'unknown', ' (last known: up)'],
      ['NAS ping', 'unknown', ' (last known: down)'],
    ]);
    const note = screen.getByTestId('kuma-silent');
    expect(note.textContent).toMatch(/^No data from Uptime Kuma for 1[23] s: the statuses below are unknown until it answers again\.$/);
    // The figure counts on by itself (nothing else is sent while Kuma is silent).
    await waitFor(() => expect(Number(/for (\d+) s/.exec(note.textContent ?? '')?.[1])).toBeGreaterThanOrEqual(14), { timeout: 4000 });

    // Once it counts as a problem, the problem's own sentence is shown instead.
    act(() => bridge.emit('kuma.changed', [{ ...silent, problem: 'Uptime Kuma on nas has been unreachable for 42 s (connection refused)' }]));
    expect((await screen.findByTestId('kuma-problem')).textContent).toBe('Uptime Kuma on nas has been unreachable for 42 s (connection refused)');
    expect(screen.queryByTestId('kuma-silent')).toBeNull();

    // Heard again: live statuses, no note.
    act(() => bridge.emit('kuma.changed', [instance()]));
    await waitFor(() => expect(screen.getAllByTestId('kuma-monitor').map((r) => r.dataset.status)).toEqual(['up', 'down']));
    expect(screen.queryByTestId('kuma-last-known')).toBeNull();
    expect(screen.queryByTestId('kuma-problem')).toBeNull();
  });

  it('shows the incidents pinned on a status page, and why a second way in to the same Kuma stays quiet', async () => {
    const page = instance({
      mode: 'status-page',
      slug: 'home',
      canPause: false,
      incidents: [
        { title: 'Storage outage', content: 'The NAS is rebuilding its array.', style: 'danger' },
        { title: 'Disk swap', content: 'Tonight 22:00', style: 'info' },
      ],
    });
    const quiet = instance({ id: KumaInstanceId('ku_second'), name: 'Kuma metrics', mode: 'metrics', canPause: false, warning: 'Also connected as “Uptime Kuma on nas” (signed in): alerts about this Uptime Kuma come from there only. Remove one of the two.' });
    await openMonitors({ 'kuma.list': () => [page, quiet] });
    const list = await screen.findByRole('list', { name: 'Incidents pinned on Uptime Kuma on nas' });
    expect(screen.getByTestId('kuma-warning').textContent).toBe(quiet.warning);
    expect(within(list).getAllByTestId('kuma-incident').map((li) => [li.textContent, li.dataset.style])).toEqual([
      ['Storage outage — The NAS is rebuilding its array.', 'danger'],
      ['Disk swap — Tonight 22:00', 'info'],
    ]);
  });

  it('pauses a Kuma monitor through the signed-in session', async () => {
    const { bridge } = await openMonitors({ 'kuma.list': () => [instance()], 'kuma.pauseMonitor': () => undefined });
    fireEvent.click(await screen.findByRole('button', { name: 'Pause Nextcloud' }));
    await waitFor(() => expect(bridge.callsOf('kuma.pauseMonitor')).toEqual([{ id: KumaInstanceId('ku_abcdef'), monitorId: '1' }]));
  });

  it('takes a refused push URL’s error away once the URL changes', async () => {
    await openMonitors({
      'kuma.setHeartbeat': () => {
        throw new EnvelopeError({ code: 'VALIDATION', message: 'Could not save the heartbeat: the URL is not an http(s) address.', fix: 'Correct the URL and try again.', details: { field: 'url' } });
      },
    });
    const section = within(screen.getByTestId('heartbeat-section'));
    fireEvent.change(section.getByLabelText('Push URL'), { target: { value: 'ftp://x' } });
    fireEvent.click(section.getByRole('button', { name: 'Start sending' }));
    expect(await section.findByText('Could not save the heartbeat: the URL is not an http(s) address.')).toBeTruthy();
    fireEvent.change(section.getByLabelText('Push URL'), { target: { value: 'https://hc-ping.com/x' } });
    expect(section.queryByText('Could not save the heartbeat: the URL is not an http(s) address.')).toBeNull();
  });

  it('sets Homeport’s own heartbeat and shows where it goes, without the token', async () => {
    const on: HeartbeatInfo = { ...off, configured: true, target: 'https://hc-ping.com/[redacted]', kind: 'healthchecks', intervalSec: 120, lastOkAt: Date.now(), sent: 1 };
    const { bridge } = await openMonitors({ 'kuma.setHeartbeat': () => on });
    const section = within(screen.getByTestId('heartbeat-section'));
    fireEvent.change(section.getByLabelText('Push URL'), { target: { value: 'https://hc-ping.com/abc-secret' } });
    fireEvent.change(section.getByLabelText('Every (seconds)'), { target: { value: '120' } });
    fireEvent.click(section.getByRole('button', { name: 'Start sending' }));
    expect((await section.findByTestId('heartbeat-status')).textContent).toContain('https://hc-ping.com/[redacted] every 120 s');
    expect(bridge.callsOf('kuma.setHeartbeat')).toEqual([{ url: 'https://hc-ping.com/abc-secret', intervalSec: 120 }]);
    expect((section.getByLabelText('Push URL') as HTMLInputElement).value).toBe('');
  });
});

describe('Uptime Kuma instances that cannot be read', () => {
  it('says why in the section, with a Retry that reads them', async () => {
    let fail = true;
    await openMonitors({
      'kuma.list': () => {
        if (fail) throw new EnvelopeError({ code: 'INTERNAL', message: 'The Uptime Kuma settings could not be read.', fix: 'Check the data folder.' });
        return [instance()];
      },
    });
    const section = screen.getByTestId('kuma-section');
    expect((await within(section).findByRole('alert')).textContent).toContain('The Uptime Kuma settings could not be read.');
    fail = false;
    fireEvent.click(within(section).getByRole('button', { name: 'Retry' }));
    await within(section).findAllByText('Nextcloud');
    expect(within(section).queryByRole('alert')).toBeNull();
  });
});
