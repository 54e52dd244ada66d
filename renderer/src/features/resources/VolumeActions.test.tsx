// @vitest-environment happy-dom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StreamId, type AppInfo, type NetworkDetailInfo, type VolumeDirInfo, type VolumeEntryInfo, type VolumeInfo, type VolumeTransferEventInfo } from '../../../../shared/contract';
import { host } from '../../test-support/fixtures';
import { EnvelopeError, type MemoryBridge } from '../../test-support/memory-bridge';
import { renderApp, teardownApp } from '../../test-support/render-app';
import { resetFilesMode } from './volume-transfer';

const lab = host({ name: 'lab', address: 'root@127.0.0.1:2222' });
const vol = (name: string, p: Partial<VolumeInfo> = {}): VolumeInfo => ({
  name,
  hostId: lab.id,
  driver: 'local',
  scope: 'local',
  mountpoint: `/var/lib/docker/volumes/${name}/_data`,
  createdAt: null,
  labels: {},
  project: null,
  anonymous: false,
  sizeBytes: 4096,
  containers: [],
  ...p,
});
const ANON = 'a'.repeat(64);
const volumes = [vol('app-data', { containers: [{ id: 'c1', name: 'app_db_1', state: 'running' }] }), vol('old-cache'), vol(ANON, { anonymous: true, sizeBytes: 1_000_000 })];
const entry = (path: string, type: VolumeEntryInfo['type'], sizeBytes: number | null): VolumeEntryInfo => ({
  name: path.split('/').pop()!,
  path,
  type,
  sizeBytes,
  mode: 0o644,
  modifiedAt: Date.UTC(2026, 0, 2, 3, 4, 5),
  linkTarget: null,
  uid: 0,
  gid: 0,
});
const dirs: Record<string, VolumeEntryInfo[]> = {
  '/': [entry('/config', 'directory', 120), entry('/README.txt', 'file', 21)],
  '/config': [entry('/config/app.yaml', 'file', 2048)],
};
const appInfo = (files: AppInfo['files']): AppInfo => ({ version: 't', mode: files === 'native' ? 'electron' : 'headless', platform: 'linux', dataDir: '/tmp', files });

let clicked: Array<{ href: string; download: string }> = [];
beforeEach(() => {
  resetFilesMode();
  clicked = [];
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    clicked.push({ href: this.getAttribute('href') ?? '', download: this.download });
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  teardownApp();
});

const transferEvent = (bridge: MemoryBridge, streamId: string, data: VolumeTransferEventInfo) => act(() => bridge.emit('stream.data', { streamId: StreamId(streamId), data }));

async function openVolumes(extra: Parameters<typeof renderApp>[0], files: AppInfo['files'] = 'browser') {
  const r = await renderApp({
    'hosts.list': () => [lab],
    'app.info': () => appInfo(files),
    'volumes.list': () => [{ hostId: lab.id, volumes, error: null }],
    'streams.open': () => ({ streamId: StreamId('s_transfer1') }),
    'streams.close': () => undefined,
    ...extra,
  });
  fireEvent.click(screen.getByRole('button', { name: /Volumes/ }));
  await screen.findAllByTestId('volume-row');
  return r;
}

describe('Volume actions', () => {
  it('browses a volume read-only: folders first, Enter opens one, Backspace goes up, errors are shown', async () => {
    const { bridge } = await openVolumes({
      'volumes.browse': ({ name, path }): VolumeDirInfo => {
        if (name === 'old-cache') throw new EnvelopeError({ code: 'NOT_FOUND', message: 'None of the images on this host could run "find".', fix: 'Pull a small image such as busybox.' });
        return { volume: 'app-data', path, entries: dirs[path] ?? [], source: 'archive', truncated: false, note: null };
      },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Browse app-data' }));
    const dialog = await screen.findByTestId('volume-browser');
    await waitFor(() => expect(within(dialog).getAllByTestId('browser-entry').map((r) => r.dataset.name)).toEqual(['config', 'README.txt']));
    const rows = within(dialog).getAllByTestId('browser-entry');
    expect(rows[1]!.textContent).toContain('21 B');
    expect(rows[0]!.textContent).toContain('Folder');
    await waitFor(() => expect(document.activeElement).toBe(rows[0]));
    fireEvent.keyDown(rows[0]!, { key: 'Enter' });
    await waitFor(() => expect(within(dialog).getAllByTestId('browser-entry').map((r) => r.dataset.name)).toEqual(['app.yaml']));
    expect(within(dialog).getByText('2.0 KB')).toBeTruthy();
    expect(bridge.callsOf('volumes.browse')).toEqual([
      { hostId: lab.id, name: 'app-data', path: '/' },
      { hostId: lab.id, name: 'app-data', path: '/config' },
    ]);
    fireEvent.keyDown(within(dialog).getAllByTestId('browser-entry')[0]!, { key: 'Backspace' });
    await waitFor(() => expect(within(dialog).getAllByTestId('browser-entry').length).toBe(2));
    // Coming back up focuses the folder we left.
    await waitFor(() => expect((document.activeElement as HTMLElement).dataset.name).toBe('config'));
    expect(within(dialog).getByText('Read-only')).toBeTruthy();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Done' }));

    fireEvent.click(screen.getByRole('button', { name: 'Browse old-cache' }));
    const failed = await screen.findByTestId('volume-browser');
    expect((await within(failed).findByRole('alert')).textContent).toContain('Pull a small image such as busybox.');
  });

  it('backs up through a download of the transfer URL, with progress, then names the file', async () => {
    const { bridge } = await openVolumes({
      'volumes.prepareBackup': () => ({ transferId: 't_abcdefghijklmnopqrst', url: '/transfers/t_abcdefghijklmnopqrst', fileName: 'app-data-20260102-030405.tar.gz', sizeBytes: null }),
    });
    fireEvent.click(screen.getByRole('button', { name: 'Back up app-data' }));
    const dialog = await screen.findByTestId('backup-dialog');
    await waitFor(() => expect(clicked).toEqual([{ href: '/transfers/t_abcdefghijklmnopqrst', download: 'app-data-20260102-030405.tar.gz' }]));
    expect(bridge.callsOf('streams.open')).toEqual([{ kind: 'volume.transfer', transferId: 't_abcdefghijklmnopqrst' }]);
    // A running container has it mounted: the dialog says the copy is of a live volume.
    expect(within(dialog).getByText(/app_db_1 is running/)).toBeTruthy();
    transferEvent(bridge, 's_transfer1', { type: 'progress', progress: { phase: 'copying', bytes: 2048, totalBytes: 4096 } });
    expect(within(dialog).getByText('Copying: 2.0 KB of 4.0 KB')).toBeTruthy();
    transferEvent(bridge, 's_transfer1', { type: 'backup-done', fileName: 'app-data-20260102-030405.tar.gz', result: { volume: 'app-data', tarBytes: 10240, gzipBytes: 900, runningContainers: ['app_db_1'] } });
    act(() => bridge.emit('stream.end', { streamId: StreamId('s_transfer1'), error: null }));
    expect((await within(dialog).findByTestId('backup-file')).textContent).toBe('app-data-20260102-030405.tar.gz');
    expect(within(dialog).getByText('10.0 KB of files, 900 B compressed.')).toBeTruthy();
  });

  it('shows a failed backup with its cause and fix', async () => {
    const { bridge } = await openVolumes({
      'volumes.prepareBackup': () => ({ transferId: 't_abcdefghijklmnopqrst', url: '/transfers/t_abcdefghijklmnopqrst', fileName: 'x.tar.gz', sizeBytes: null }),
    });
    fireEvent.click(screen.getByRole('button', { name: 'Back up old-cache' }));
    const dialog = await screen.findByTestId('backup-dialog');
    await waitFor(() => expect(clicked.length).toBe(1));
    act(() => bridge.emit('stream.end', { streamId: StreamId('s_transfer1'), error: { code: 'VALIDATION', message: 'Writing the backup failed: ENOSPC.', fix: 'Choose a place with enough free space.' } }));
    expect((await within(dialog).findByRole('alert')).textContent).toContain('ENOSPC');
    expect(within(dialog).getByText('Choose a place with enough free space.')).toBeTruthy();
  });

  it('restores an uploaded file into a new volume, and over an existing one only after a confirmation naming its containers', async () => {
    const puts: Array<{ url: string; method: string | undefined; body: unknown }> = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init?: RequestInit) => {
        puts.push({ url, method: init?.method, body: init?.body });
        return new Response(JSON.stringify({ ok: true, value: {} }), { status: 200 });
      }),
    );
    const { bridge } = await openVolumes({
      'volumes.prepareRestore': (input) => ({ transferId: 't_restore000000000000', url: '/transfers/t_restore000000000000', fileName: input.fileName ?? '', sizeBytes: input.sizeBytes }),
    });
    fireEvent.click(screen.getByRole('button', { name: 'Restore into old-cache' }));
    const dialog = await screen.findByTestId('restore-dialog');
    const submit = within(dialog).getByRole('button', { name: 'Restore' }) as HTMLButtonElement;
    expect(submit.disabled).toBe(true); // no file yet
    const file = new File([new Uint8Array(3000)], 'old-cache-20260101-000000.tar.gz', { type: 'application/gzip' });
    fireEvent.change(await within(dialog).findByTestId('restore-file'), { target: { files: [file] } });
    expect((within(dialog).getByLabelText('New volume name') as HTMLInputElement).value).toBe('old-cache-restored');
    // A taken name is refused before anything is sent.
    fireEvent.change(within(dialog).getByLabelText('New volume name'), { target: { value: 'app-data' } });
    expect(within(dialog).getByText(/A volume with this name exists/)).toBeTruthy();
    fireEvent.change(within(dialog).getByLabelText('New volume name'), { target: { value: 'cache-copy' } });
    expect((within(dialog).getByLabelText(/Keep setuid\/setgid bits/) as HTMLInputElement).checked).toBe(false);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Restore' }));
    await waitFor(() => expect(puts.length).toBe(1));
    expect(bridge.callsOf('volumes.prepareRestore')).toEqual([{ hostId: lab.id, name: 'cache-copy', mode: 'new', fileName: file.name, sizeBytes: 3000, keepSetuid: false }]);
    expect(puts[0]).toMatchObject({ url: '/transfers/t_restore000000000000', method: 'PUT' });
    expect(puts[0]!.body).toBe(file);
    transferEvent(bridge, 's_transfer1', { type: 'progress', progress: { phase: 'copying', bytes: 1500, totalBytes: 3000 } });
    expect(within(dialog).getByRole('progressbar', { name: 'Restore progress' }).getAttribute('value')).toBe('50');
    transferEvent(bridge, 's_transfer1', { type: 'restore-done', result: { volume: 'cache-copy', mode: 'new', entries: 3, bytes: 2048, setuidCleared: 1 } });
    act(() => bridge.emit('stream.end', { streamId: StreamId('s_transfer1'), error: null }));
    expect((await within(dialog).findByTestId('restore-done')).textContent).toBe('Restored 3 entries (2.0 KB) into cache-copy. The setuid/setgid bits of 1 file were removed.');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Done' }));

    // Overwrite: the confirmation names the containers that use it; the engine's refusal is shown.
    fireEvent.click(screen.getByRole('button', { name: 'Restore into app-data' }));
    const again = await screen.findByTestId('restore-dialog');
    fireEvent.change(await within(again).findByTestId('restore-file'), { target: { files: [file] } });
    fireEvent.click(within(again).getByLabelText(/An existing volume/));
    fireEvent.click(within(again).getByLabelText(/Keep setuid\/setgid bits/));
    expect((within(again).getByLabelText('Volume to overwrite') as HTMLSelectElement).value).toBe('app-data');
    fireEvent.click(within(again).getByRole('button', { name: 'Restore over it…' }));
    const confirm = await screen.findByRole('alertdialog', { name: /Replace every file in app-data/ }).catch(() => screen.findByRole('dialog', { name: /Replace every file in app-data/ }));
    expect(within(confirm).getByTestId('overwrite-users').textContent).toContain('app_db_1 (running)');
    expect(bridge.callsOf('volumes.prepareRestore').length).toBe(1);
    fireEvent.click(within(confirm).getByRole('button', { name: 'Replace its files' }));
    await waitFor(() => expect(bridge.callsOf('volumes.prepareRestore').length).toBe(2));
    expect(bridge.callsOf('volumes.prepareRestore')[1]).toMatchObject({ name: 'app-data', mode: 'overwrite', keepSetuid: true });
    act(() =>
      bridge.emit('stream.end', {
        streamId: StreamId('s_transfer1'),
        error: { code: 'CONFLICT', message: 'The volume "app-data" is used by the container app_db_1 (running), so it cannot be overwritten while that container runs.', fix: 'Stop those containers first.' },
      }),
    );
    expect((await within(again).findByRole('alert')).textContent).toContain('cannot be overwritten while that container runs');
  });

  it('in the desktop app, the file is chosen in the native dialog (cancel changes nothing)', async () => {
    const { bridge } = await openVolumes({ 'volumes.prepareRestore': () => null }, 'native');
    fireEvent.click(screen.getByRole('button', { name: 'Restore into old-cache' }));
    const dialog = await screen.findByTestId('restore-dialog');
    const choose = await within(dialog).findByRole('button', { name: 'Choose file and restore…' });
    expect(within(dialog).queryByTestId('restore-file')).toBeNull();
    fireEvent.click(choose);
    await waitFor(() => expect(bridge.callsOf('volumes.prepareRestore')).toEqual([{ hostId: lab.id, name: 'old-cache-restored', mode: 'new', fileName: null, sizeBytes: null, keepSetuid: false }]));
    expect(bridge.callsOf('streams.open')).toEqual([]);
    expect(within(dialog).queryByRole('alert')).toBeNull();
  });

  it('prunes unused volumes after listing exactly which go (anonymous only unless named ones are included)', async () => {
    const { bridge } = await openVolumes({ 'volumes.prune': () => ({ deleted: ['old-cache', ANON], spaceReclaimedBytes: 1_004_096, failed: [] }) });
    fireEvent.click(screen.getByRole('button', { name: 'Prune unused…' }));
    const dialog = await screen.findByRole('alertdialog').catch(() => screen.findByRole('dialog'));
    const listed = () => [...within(dialog).getByTestId('prune-list').querySelectorAll('li')].map((li) => li.firstChild?.textContent?.trim());
    expect(listed()).toEqual([ANON]);
    fireEvent.click(within(dialog).getByRole('checkbox'));
    expect(listed()).toEqual(['old-cache', ANON]); // app-data is in use: never listed
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove 2 volumes' }));
    await waitFor(() => expect(bridge.callsOf('volumes.prune')).toEqual([{ hostId: lab.id, all: true }]));
    expect(await screen.findByText(/Removed 2 volumes/)).toBeTruthy();
  });
});

describe('Network inspect', () => {
  it('shows subnets, gateway, driver and the connected containers with their addresses', async () => {
    const detail: NetworkDetailInfo = {
      id: 'n1234567890abcdef',
      hostId: lab.id,
      name: 'app_default',
      driver: 'bridge',
      scope: 'local',
      subnets: ['172.20.0.0/16'],
      gateways: ['172.20.0.1'],
      internal: false,
      attachable: false,
      ipv6: false,
      createdAt: null,
      labels: {},
      project: 'app',
      builtIn: false,
      containers: [{ id: 'c1', name: 'app_web_1', state: 'running', ipv4: '172.20.0.2', ipv6: null, mac: '02:42:ac:14:00:02' }],
      ipamDriver: 'default',
      ipam: [{ subnet: '172.20.0.0/16', gateway: '172.20.0.1', ipRange: null }],
      options: {},
      ingress: false,
      raw: {},
    };
    const { bridge } = await renderApp({
      'hosts.list': () => [lab],
      'networks.list': () => [{ hostId: lab.id, networks: [detail], error: null }],
      'networks.inspect': () => detail,
    });
    fireEvent.click(screen.getByRole('button', { name: /Networks/ }));
    fireEvent.click(await screen.findByRole('button', { name: 'Inspect app_default' }));
    const dialog = await screen.findByTestId('network-inspect');
    const subnet = await within(dialog).findByTestId('network-subnet');
    expect(subnet.textContent).toContain('172.20.0.0/16');
    expect(subnet.textContent).toContain('172.20.0.1');
    const c = within(dialog).getByTestId('network-container');
    expect(c.textContent).toContain('app_web_1');
    expect(c.textContent).toContain('172.20.0.2');
    expect(within(dialog).getByText('bridge')).toBeTruthy();
    expect(bridge.callsOf('networks.inspect')).toEqual([{ hostId: lab.id, id: 'n1234567890abcdef' }]);
  });
});
