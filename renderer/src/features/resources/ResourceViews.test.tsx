// @vitest-environment happy-dom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { NetworkInfo, VolumeInfo } from '../../../../shared/contract';
import { host } from '../../test-support/fixtures';
import { EnvelopeError } from '../../test-support/memory-bridge';
import { renderApp, teardownApp } from '../../test-support/render-app';

const lab = host({ name: 'lab', address: 'root@127.0.0.1:2222' });
const down = host({ name: 'down', state: { status: 'disconnected' } });
const vol = (name: string, containers: string[] = []): VolumeInfo => ({
  name,
  hostId: lab.id,
  driver: 'local',
  scope: 'local',
  mountpoint: `/var/lib/docker/volumes/${name}/_data`,
  createdAt: Date.now() - 3_600_000,
  labels: {},
  project: null,
  anonymous: false,
  sizeBytes: 2048,
  containers: containers.map((n) => ({ id: `id-${n}`, name: n, state: 'running' })),
});
const net = (name: string, p: Partial<NetworkInfo> = {}): NetworkInfo => ({
  id: `n-${name}`,
  hostId: lab.id,
  name,
  driver: 'bridge',
  scope: 'local',
  subnets: ['172.20.0.0/16'],
  gateways: [],
  internal: false,
  attachable: false,
  ipv6: false,
  createdAt: null,
  labels: {},
  project: null,
  builtIn: false,
  containers: [],
  ...p,
});

afterEach(teardownApp);

describe('Volumes', () => {
  it('applies volumes.changed as it comes: a volume made outside Homeport appears, one removed goes, other hosts untouched', async () => {
    const other = host({ name: 'other' });
    const { bridge } = await renderApp({
      'hosts.list': () => [lab, other],
      'volumes.list': () => [
        { hostId: lab.id, volumes: [vol('data')], error: null },
        { hostId: other.id, volumes: [{ ...vol('elsewhere'), hostId: other.id }], error: null },
      ],
    });
    fireEvent.click(screen.getByRole('button', { name: /Volumes/ }));
    await waitFor(() => expect(screen.getAllByTestId('volume-row').map((r) => r.dataset.name)).toEqual(['data', 'elsewhere']));
    act(() => bridge.emit('volumes.changed', { hostId: lab.id, volumes: [vol('data'), vol('made-by-cli')], error: null }));
    expect(screen.getAllByTestId('volume-row').map((r) => r.dataset.name)).toEqual(['data', 'made-by-cli', 'elsewhere']);
    act(() => bridge.emit('volumes.changed', { hostId: lab.id, volumes: [vol('made-by-cli')], error: null }));
    expect(screen.getAllByTestId('volume-row').map((r) => r.dataset.name)).toEqual(['made-by-cli', 'elsewhere']);
    expect(bridge.callsOf('volumes.list')).toHaveLength(1);
  });

  it('lists volumes per host with size and users, filters, and removes after confirming (showing a refusal)', async () => {
    let refuse = true;
    const { bridge } = await renderApp({
      'hosts.list': () => [lab, down],
      'volumes.list': () => [
        { hostId: lab.id, volumes: [vol('data', ['db']), vol('cache')], error: null },
        { hostId: down.id, volumes: [], error: { code: 'DISCONNECTED', message: 'The host is not connected.' } },
      ],
      'volumes.remove': () => {
        if (refuse) throw new EnvelopeError({ code: 'CONFLICT', message: 'Volume data is in use by db.', fix: 'Remove db first.' });
      },
    });
    fireEvent.click(screen.getByRole('button', { name: /Volumes/ }));
    const rows = await screen.findAllByTestId('volume-row');
    expect(rows.map((r) => r.dataset.name)).toEqual(['data', 'cache']);
    expect(rows[0]!.textContent).toContain('2.0 KB');
    expect(rows[0]!.textContent).toContain('db');
    expect(screen.getByText(/Not connected/)).toBeTruthy();

    fireEvent.change(screen.getByLabelText('Filter volumes'), { target: { value: 'cach' } });
    expect(screen.getAllByTestId('volume-row').map((r) => r.dataset.name)).toEqual(['cache']);
    fireEvent.change(screen.getByLabelText('Filter volumes'), { target: { value: 'zzz' } });
    expect(screen.getByTestId('empty-no-match')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Filter volumes'), { target: { value: '' } });

    fireEvent.click(screen.getByRole('button', { name: 'Remove data' }));
    const dialog = await screen.findByRole('dialog', { name: /Remove volume data/ });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove' }));
    expect((await within(dialog).findByRole('alert')).textContent).toContain('in use by db');
    refuse = false;
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(bridge.callsOf('volumes.remove')).toEqual([
      { hostId: lab.id, name: 'data' },
      { hostId: lab.id, name: 'data' },
    ]);
  });
});

describe('Networks', () => {
  it('lists networks with driver, subnets and containers, and removes the unused ones after confirming', async () => {
    const { bridge } = await renderApp({
      'hosts.list': () => [lab],
      'networks.list': () => [
        {
          hostId: lab.id,
          networks: [
            net('bridge', { builtIn: true }),
            net('app_default', { containers: [{ id: 'c1', name: 'app_web_1', state: 'running', ipv4: '172.20.0.2', ipv6: null, mac: null }] }),
            net('old'),
          ],
          error: null,
        },
      ],
      'networks.removeUnused': () => ({ deleted: ['old'], failed: [] }),
    });
    fireEvent.click(screen.getByRole('button', { name: /Networks/ }));
    const rows = await screen.findAllByTestId('network-row');
    expect(rows.map((r) => r.dataset.name)).toEqual(['bridge', 'app_default', 'old']);
    expect(rows[1]!.textContent).toContain('172.20.0.0/16');
    expect(rows[1]!.textContent).toContain('app_web_1');

    fireEvent.click(screen.getByRole('button', { name: 'Remove unused' }));
    const dialog = await screen.findByRole('dialog', { name: /Remove unused networks/ });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove unused' }));
    await waitFor(() => expect(bridge.callsOf('networks.removeUnused')).toEqual([{ hostId: lab.id }]));
    expect(await screen.findByText('Removed 1 network')).toBeTruthy();
  });
});

describe('a list that cannot be loaded', () => {
  it('says why, with a Retry that lists it again', async () => {
    let fail = true;
    await renderApp({
      'hosts.list': () => [lab],
      'networks.list': () => {
        if (fail) throw new EnvelopeError({ code: 'INTERNAL', message: 'The networks could not be listed.', fix: 'Try again.' });
        return [{ hostId: lab.id, networks: [net('app_default')], error: null }];
      },
    });
    fireEvent.click(screen.getByRole('button', { name: /Networks/ }));
    expect((await screen.findByRole('alert')).textContent).toContain('The networks could not be listed.');
    fail = false;
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect((await screen.findAllByTestId('network-row')).map((r) => r.dataset.name)).toEqual(['app_default']);
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
