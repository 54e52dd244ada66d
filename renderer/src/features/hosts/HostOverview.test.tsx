// @vitest-environment happy-dom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamId, type DiskUsageInfo, type EngineEventInfo, type HostOverviewInfo } from '../../../../shared/contract';
import { host } from '../../test-support/fixtures';
import { EnvelopeError } from '../../test-support/memory-bridge';
import { renderApp, teardownApp } from '../../test-support/render-app';
import { client } from '../../api/client';
import { endStreamsOfLostConnection } from '../../api/open-stream';
import { appStore } from '../../store';
import { EVENT_FEED_MAX } from './HostOverview';

const lab = host({ name: 'lab', address: 'root@127.0.0.1:2222' });
const down = host({ name: 'down', state: { status: 'disconnected' } });
const overview: HostOverviewInfo = {
  hostId: lab.id,
  engine: {
    version: '27.5.1',
    apiVersion: '1.47',
    minApiVersion: '1.24',
    gitCommit: 'abc',
    goVersion: 'go1.22.10',
    buildTime: null,
    name: 'nas',
    storageDriver: 'overlay2',
    loggingDriver: 'json-file',
    cgroupDriver: 'systemd',
    cgroupVersion: '2',
    rootDir: '/var/lib/docker',
    warnings: ['No swap limit support'],
  },
  os: { name: 'Debian GNU/Linux 13 (trixie)', type: 'linux', kernel: '6.12.0', architecture: 'x86_64' },
  cpus: 8,
  memoryBytes: 16 * 1024 ** 3,
  containers: { total: 12, running: 9, paused: 0, stopped: 3 },
  images: 31,
  fetchedAt: Date.now(),
};
const disk: DiskUsageInfo = {
  hostId: lab.id,
  categories: [
    { category: 'images', count: 31, active: 12, sizeBytes: 4 * 1024 ** 3, reclaimableBytes: 1024 ** 3 },
    { category: 'containers', count: 12, active: 9, sizeBytes: 50 * 1024 ** 2, reclaimableBytes: 2 * 1024 ** 2 },
    { category: 'volumes', count: 7, active: 5, sizeBytes: 2 * 1024 ** 3, reclaimableBytes: 300 * 1024 ** 2 },
    { category: 'buildCache', count: 0, active: 0, sizeBytes: 0, reclaimableBytes: 0 },
  ],
  totalBytes: 6 * 1024 ** 3 + 50 * 1024 ** 2,
  fetchedAt: Date.now(),
};
const ev = (i: number, p: Partial<EngineEventInfo> = {}): EngineEventInfo => ({ hostId: lab.id, time: Date.UTC(2026, 0, 1, 12, 0, i % 60), type: 'container', action: 'start', actorId: `id${i}`, name: `c${i}`, ...p });

afterEach(teardownApp);

describe('Host overview', () => {
  it('opens from the hosts list with engine, OS, resources and disk use; the events feed is newest first, bounded, and pauses; Escape returns', async () => {
    const diskCalls: unknown[] = [];
    const { bridge } = await renderApp({
      'hosts.list': () => [lab, down],
      'engines.overview': () => overview,
      'engines.diskUsage': (input) => {
        diskCalls.push(input);
        return disk;
      },
      'streams.open': () => ({ streamId: StreamId('s_events1') }),
      'streams.close': () => undefined,
    });
    fireEvent.click(screen.getByRole('button', { name: 'Hosts' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Overview of lab' }));
    const page = await screen.findByTestId('host-overview');
    expect((await within(page).findByTestId('engine-version')).textContent).toBe('Docker 27.5.1');
    expect(within(page).getByText('Debian GNU/Linux 13 (trixie)')).toBeTruthy();
    expect(within(page).getByTestId('overview-cpus').textContent).toBe('8');
    expect(within(page).getByTestId('overview-memory').textContent).toBe('16.0 GB');
    expect(within(page).getByText('No swap limit support')).toBeTruthy();
    const rows = await within(page).findAllByTestId('disk-row');
    expect(rows.map((r) => r.dataset.category)).toEqual(['images', 'containers', 'volumes', 'buildCache']);
    expect(rows[2]!.textContent).toContain('7 volumes · 5 mounted');
    expect(rows[2]!.textContent).toContain('300 MB reclaimable');
    expect(within(rows[0]!).getByRole('meter').getAttribute('aria-valuetext')).toBe('4.0 GB, 1.0 GB reclaimable');
    // df is costly: the page asks for the cached answer; Refresh asks the engine again.
    expect(diskCalls).toEqual([{ hostId: lab.id, refresh: false }]);
    fireEvent.click(within(within(page).getByTestId('overview-disk')).getByRole('button', { name: 'Refresh' }));
    await waitFor(() => expect(diskCalls).toEqual([{ hostId: lab.id, refresh: false }, { hostId: lab.id, refresh: true }]));

    expect(bridge.callsOf('streams.open')).toEqual([{ kind: 'engine.events', hostId: lab.id }]);
    expect(within(page).getByTestId('events-empty')).toBeTruthy();
    const push = (e: EngineEventInfo) => act(() => bridge.emit('stream.data', { streamId: StreamId('s_events1'), data: e }));
    push(ev(1, { action: 'create', name: 'web' }));
    push(ev(2, { action: 'start', name: 'web' }));
    let feed = within(page).getAllByTestId('event-row');
    expect(feed.map((r) => r.dataset.action)).toEqual(['start', 'create']);
    expect(feed[0]!.textContent).toContain('12:00:02');
    expect(feed[0]!.textContent).toContain('container');
    expect(feed[0]!.textContent).toContain('web');
    act(() => {
      for (let i = 3; i < EVENT_FEED_MAX + 10; i++) bridge.emit('stream.data', { streamId: StreamId('s_events1'), data: ev(i) });
    });
    feed = within(page).getAllByTestId('event-row');
    expect(feed.length).toBe(EVENT_FEED_MAX);
    expect(feed[0]!.textContent).toContain(`c${EVENT_FEED_MAX + 9}`);

    fireEvent.click(within(page).getByRole('button', { name: 'Pause' }));
    push(ev(999, { type: 'volume', action: 'destroy', name: 'old-data' }));
    expect(within(page).getAllByTestId('event-row')[0]!.dataset.action).toBe('start');
    expect(within(page).getByText('Paused · 1 new')).toBeTruthy();
    fireEvent.click(within(page).getByRole('button', { name: 'Resume' }));
    expect(within(page).getAllByTestId('event-row')[0]!.dataset.action).toBe('destroy');

    fireEvent.keyDown(window, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('host-overview')).toBeNull());
    expect(screen.getAllByTestId('host-row').length).toBe(2);
    await waitFor(() => expect(bridge.callsOf('streams.close')).toEqual([{ streamId: 's_events1' }]));
  });

  it('says when the host is not connected, and shows the engine error with a retry', async () => {
    let fail = true;
    await renderApp({
      'hosts.list': () => [lab, down],
      'engines.overview': () => {
        if (fail) throw new EnvelopeError({ code: 'ENGINE', message: 'Docker engine: permission denied', fix: 'Check the socket.' });
        return overview;
      },
      'engines.diskUsage': () => disk,
      'streams.open': () => ({ streamId: StreamId('s_events2') }),
      'streams.close': () => undefined,
    });
    fireEvent.click(screen.getByRole('button', { name: 'Hosts' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Overview of down' }));
    expect(await screen.findByTestId('overview-not-connected')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Back to hosts' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Overview of lab' }));
    expect((await screen.findByText('Docker engine: permission denied')).closest('[role="alert"]')).toBeTruthy();
    fail = false;
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect((await screen.findByTestId('engine-version')).textContent).toBe('Docker 27.5.1');
  });
  it('the event feed says it stopped when the connection to Homeport drops, and goes on once it is back, keeping what it showed', async () => {
    let n = 0;
    const { bridge } = await renderApp({
      'hosts.list': () => [lab, down],
      'engines.overview': () => overview,
      'engines.diskUsage': () => disk,
      'streams.open': () => ({ streamId: StreamId(`s_events${++n}0`) }),
      'streams.close': () => undefined,
    });
    fireEvent.click(screen.getByRole('button', { name: 'Hosts' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Overview of lab' }));
    const feed = await screen.findByTestId('overview-events');
    await waitFor(() => expect(bridge.callsOf('streams.open')).toHaveLength(1));
    act(() => bridge.emit('stream.data', { streamId: StreamId('s_events10'), data: ev(1) }));
    act(() => {
      appStore.setState({ transport: 'reconnecting' });
      endStreamsOfLostConnection(client());
    });
    expect(within(feed).getByRole('alert').textContent).toMatch(/^The event feed stoppedThe connection to Homeport was lost/);
    expect(bridge.callsOf('streams.open')).toHaveLength(1);
    act(() => appStore.setState({ transport: 'open' }));
    await waitFor(() => expect(bridge.callsOf('streams.open')).toHaveLength(2));
    expect(bridge.callsOf('streams.open')[1]).toEqual({ kind: 'engine.events', hostId: lab.id });
    expect(within(feed).queryByRole('alert')).toBeNull();
    act(() => bridge.emit('stream.data', { streamId: StreamId('s_events20'), data: ev(2) }));
    expect(within(feed).getAllByTestId('event-row').map((r) => r.textContent)).toEqual([expect.stringContaining('c2'), expect.stringContaining('c1')]);
  });
});
