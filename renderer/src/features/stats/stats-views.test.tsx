// @vitest-environment happy-dom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamId, type ContainerInspectInfo, type ContainerStatsSampleInfo, type StreamOpenInput } from '../../../../shared/contract';
import { client } from '../../api/client';
import { endStreamsOfLostConnection } from '../../api/open-stream';
import { appStore } from '../../store';
import { container, host, hostContainers } from '../../test-support/fixtures';
import { EnvelopeError, type MemoryBridge } from '../../test-support/memory-bridge';
import { renderApp, teardownApp } from '../../test-support/render-app';

const lab = host({ name: 'lab', address: 'root@nas.lan:22', hostname: 'nas.lan' });
const web = container(lab, { name: 'web', project: 'shop' });
const db = container(lab, { name: 'db', project: 'shop' });
const old = container(lab, { name: 'old', state: 'exited', status: 'Exited (0) 1 hour ago' });
const loose = container(lab, { name: 'loose' });

const sample = (c: { id: string }, over: Partial<ContainerStatsSampleInfo> = {}): ContainerStatsSampleInfo => ({
  containerId: c.id,
  time: Date.now(),
  cpuPercent: 12.5,
  memBytes: 48 * 1024 * 1024,
  memLimit: 512 * 1024 * 1024,
  netRxPerSec: 2048,
  netTxPerSec: 1024,
  blkReadPerSec: 0,
  blkWritePerSec: 4096,
  ...over,
});

function withStreams(extra: Record<string, unknown> = {}) {
  let n = 0;
  return {
    'hosts.list': () => [lab],
    'containers.list': () => [hostContainers(lab, [web, db, old, loose])],
    'streams.open': () => ({ streamId: StreamId(`s_test${++n}000`) }),
    'streams.close': () => undefined,
    ...extra,
  };
}
const opened = (bridge: MemoryBridge) => bridge.callsOf('streams.open') as StreamOpenInput[];
const closed = (bridge: MemoryBridge) => (bridge.callsOf('streams.close') as Array<{ streamId: string }>).map((c) => c.streamId);
const cell = (name: string, testId: string) => within(screen.getAllByTestId('container-row').find((r) => r.dataset.name === name)!).getByTestId(testId).textContent;

afterEach(teardownApp);

describe('CPU and memory columns', () => {
  it('samples the running containers shown, with one stream, and shows the figures', async () => {
    const { bridge } = await renderApp(withStreams());
    await waitFor(() => expect(opened(bridge)).toHaveLength(1));
    const open = opened(bridge)[0]!;
    expect(open).toMatchObject({ kind: 'container.stats', hostId: lab.id, periodMs: 5000 });
    expect((open as { containerIds: string[] }).containerIds.sort()).toEqual([web.id, db.id, loose.id].sort());
    act(() => bridge.emit('stream.data', { streamId: StreamId('s_test1000'), data: [sample(web), sample(db, { cpuPercent: null, memBytes: 2048 })] }));
    expect(cell('web', 'cell-cpu')).toBe('12.5 %');
    expect(cell('web', 'cell-mem')).toBe('48.0 MiB');
    expect(cell('db', 'cell-cpu')).toBe('—');
    expect(cell('db', 'cell-mem')).toBe('2.0 KiB');
    expect(cell('old', 'cell-cpu')).toBe('—');
    expect(cell('loose', 'cell-mem')).toBe('—');
  });

  it('stops sampling when the connection to Homeport drops, and samples again once it is back', async () => {
    const { bridge } = await renderApp(withStreams());
    await waitFor(() => expect(opened(bridge)).toHaveLength(1));
    act(() => {
      appStore.setState({ transport: 'reconnecting' });
      endStreamsOfLostConnection(client());
    });
    expect(opened(bridge)).toHaveLength(1); // nothing to reopen while it is down
    act(() => appStore.setState({ transport: 'open' }));
    await waitFor(() => expect(opened(bridge)).toHaveLength(2));
    expect(opened(bridge)[1]).toEqual(opened(bridge)[0]);
    act(() => bridge.emit('stream.data', { streamId: StreamId('s_test2000'), data: [sample(web)] }));
    expect(cell('web', 'cell-cpu')).toBe('12.5 %');
  });

  it('reopens for the new set when a group is collapsed or the filter hides rows; nothing when none is shown', async () => {
    const { bridge } = await renderApp(withStreams());
    await waitFor(() => expect(opened(bridge)).toHaveLength(1));
    fireEvent.click(screen.getByRole('button', { name: /^shop/ }));
    await waitFor(() => expect(opened(bridge)).toHaveLength(2));
    expect(closed(bridge)).toEqual(['s_test1000']);
    expect((opened(bridge)[1] as { containerIds: string[] }).containerIds).toEqual([loose.id]);
    act(() => appStore.getState().setFilter('old'));
    await waitFor(() => expect(closed(bridge)).toEqual(['s_test1000', 's_test2000']));
    await new Promise((r) => setTimeout(r, 600));
    expect(opened(bridge)).toHaveLength(2); // only a stopped container shown: nothing to sample
  });
});

const inspectInfo = (): ContainerInspectInfo => ({
  hostId: lab.id,
  id: web.id,
  name: 'web',
  image: 'nginx:1.27',
  imageId: 'sha256:abc',
  created: Date.now() - 3_600_000,
  startedAt: Date.now() - 600_000,
  finishedAt: null,
  state: 'running',
  exitCode: null,
  restartCount: 0,
  entrypoint: ['/docker-entrypoint.sh'],
  command: ['nginx', '-g', 'daemon off;'],
  workingDir: '/',
  user: '',
  hostname: 'web',
  restartPolicy: { name: 'unless-stopped', maximumRetryCount: 0 },
  env: [
    { name: 'DB_PASSWORD', value: null, masked: true },
    { name: 'TZ', value: 'Europe/Paris', masked: false },
  ],
  mounts: [{ type: 'volume', name: 'shop_data', source: '/var/lib/docker/volumes/shop_data/_data', destination: '/data', readOnly: false, mode: 'z' }],
  ports: [
    { privatePort: 80, protocol: 'tcp', hostIp: '0.0.0.0', hostPort: 8080, url: 'http://nas.lan:8080/', note: null },
    { privatePort: 9000, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 9000, url: null, note: "Bound to the host's loopback: reachable only from the host itself" },
  ],
  labels: [{ key: 'com.docker.compose.project', value: 'shop' }],
  networkMode: 'shop_default',
  networks: [{ name: 'shop_default', ipAddress: '172.20.0.2', ipv6Address: '', gateway: '172.20.0.1', macAddress: '', aliases: ['web'] }],
  health: { status: 'unhealthy', failingStreak: 3, test: ['CMD-SHELL', 'curl -f localhost'], log: [{ start: Date.now() - 1000, end: Date.now(), exitCode: 7, output: 'curl: (7) Failed to connect' }] },
  rawJson: '{\n  "Config": { "Env": ["DB_PASSWORD=<masked by Homeport>"] }\n}',
});

describe('Inspect tab', () => {
  it('masks a secret until Reveal, shows port links and the health checks', async () => {
    const { bridge } = await renderApp(withStreams({ 'containers.inspect': inspectInfo, 'containers.revealEnv': () => ({ value: 'hunter2' }) }));
    act(() => appStore.getState().openDetail({ hostId: lab.id, containerId: web.id }, 'inspect'));
    const tab = await screen.findByTestId('inspect-tab');
    const pw = within(tab).getAllByTestId('env-row').find((r) => r.dataset.name === 'DB_PASSWORD')!;
    expect(pw.textContent).not.toContain('hunter2');
    expect(within(pw).getByLabelText('hidden value')).toBeTruthy();
    expect(within(tab).getAllByTestId('env-row').find((r) => r.dataset.name === 'TZ')!.textContent).toContain('Europe/Paris');
    fireEvent.click(within(pw).getByRole('button', { name: 'Reveal DB_PASSWORD' }));
    await waitFor(() => expect(pw.textContent).toContain('hunter2'));
    expect(bridge.callsOf('containers.revealEnv')).toEqual([{ hostId: lab.id, containerId: web.id, name: 'DB_PASSWORD' }]);
    fireEvent.click(within(pw).getByRole('button', { name: 'Hide DB_PASSWORD' }));
    expect(pw.textContent).not.toContain('hunter2');

    const link = within(tab).getByRole('link', { name: 'http://nas.lan:8080/' });
    expect(link.getAttribute('target')).toBe('_blank');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(within(tab).getByText(/Bound to the host's loopback/)).toBeTruthy();
    expect(screen.getByTestId('inspect-health').textContent).toMatch(/unhealthy.*failing 3× in a row/);
    expect(within(tab).getByText('curl: (7) Failed to connect')).toBeTruthy();
    expect(screen.getByTestId('inspect-raw').textContent).toContain('<masked by Homeport>');
    expect(within(tab).getByText('unless-stopped')).toBeTruthy();
  });

  it('shows the error with a retry when inspect fails', async () => {
    let fail = true;
    await renderApp(
      withStreams({
        'containers.inspect': () => {
          if (fail) throw new EnvelopeError({ code: 'DISCONNECTED', message: 'The host is not connected.', fix: 'Wait for it to reconnect.' });
          return inspectInfo();
        },
      }),
    );
    act(() => appStore.getState().openDetail({ hostId: lab.id, containerId: web.id }, 'inspect'));
    expect((await screen.findByRole('alert')).textContent).toContain('The host is not connected.');
    fail = false;
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByTestId('inspect-tab')).toBeTruthy();
  });
});

describe('Stats tab', () => {
  it('shows the numbers of the latest sample and closes its stream on leaving', async () => {
    const { bridge } = await renderApp(withStreams());
    await waitFor(() => expect(opened(bridge)).toHaveLength(1));
    act(() => appStore.getState().openDetail({ hostId: lab.id, containerId: web.id }, 'stats'));
    await waitFor(() => expect(opened(bridge).some((o) => o.kind === 'container.stats' && (o as { periodMs: number }).periodMs === 2000)).toBe(true));
    const mine = opened(bridge).findIndex((o) => (o as { periodMs: number }).periodMs === 2000);
    const streamId = StreamId(`s_test${mine + 1}000`);
    expect(opened(bridge)[mine]).toMatchObject({ containerIds: [web.id] });
    act(() => bridge.emit('stream.data', { streamId, data: [sample(web, { cpuPercent: null, time: Date.now() - 2000 })] }));
    act(() => bridge.emit('stream.data', { streamId, data: [sample(web, { cpuPercent: 37.25 })] }));
    expect(screen.getByTestId('stat-cpu').textContent).toContain('37.3 %');
    expect(screen.getByTestId('stat-mem').textContent).toMatch(/48\.0 MiB.*of 512 MiB.*9\.4 %/);
    expect(screen.getByTestId('stat-net').textContent).toMatch(/2\.0 KiB\/s.*1\.0 KiB\/s/);
    expect(screen.getByTestId('stat-blk').textContent).toMatch(/0 B\/s.*4\.0 KiB\/s/);
    expect(screen.getAllByRole('figure').map((f) => f.getAttribute('aria-label'))).toEqual(['CPU', 'Memory', 'Network', 'Block I/O']);
    fireEvent.click(screen.getByRole('tab', { name: 'Inspect' }));
    await waitFor(() => expect(closed(bridge)).toContain(streamId));
  });

  it('says so for a container that is not running, without sampling', async () => {
    const { bridge } = await renderApp(withStreams());
    act(() => appStore.getState().openDetail({ hostId: lab.id, containerId: old.id }, 'stats'));
    expect(await screen.findByTestId('stats-not-running')).toBeTruthy();
    await new Promise((r) => setTimeout(r, 100));
    expect(opened(bridge).every((o) => (o as { periodMs: number }).periodMs !== 2000)).toBe(true);
  });
});
