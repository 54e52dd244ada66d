// @vitest-environment happy-dom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamId, type StreamOpenInput } from '../../../../shared/contract';
import { container, host, hostContainers } from '../../test-support/fixtures';
import { EnvelopeError } from '../../test-support/memory-bridge';
import { renderApp, teardownApp } from '../../test-support/render-app';

const lab = host({ name: 'lab', address: 'root@127.0.0.1:2222' });
const two = host({
  name: 'labtwo',
  state: { status: 'failed', error: { code: 'AUTH_FAILED', message: 'The server refused every key offered.', fix: 'Add a key on the Keys screen.' } },
});
const web = container(lab, {
  name: 'labweb_web_1',
  project: 'labweb',
  image: 'busybox:latest',
  ports: [{ ip: '127.0.0.1', privatePort: 8080, publicPort: 18082, protocol: 'tcp' }],
});
const worker = container(lab, { name: 'labweb_worker_1', project: 'labweb', state: 'exited', status: 'Exited (0) 1 hour ago' });
const loose = container(lab, { name: 'scratch', image: 'alpine:3' });

const rows = () => screen.getAllByTestId('container-row');
const handlers = () => ({
  'hosts.list': () => [lab, two],
  'containers.list': () => [hostContainers(lab, [web, worker, loose]), hostContainers(two, [])],
});

afterEach(teardownApp);

describe('ContainersView', () => {
  it('groups rows by host and compose project', async () => {
    await renderApp(handlers());
    const sections = screen.getAllByTestId('host-section');
    expect(sections.map((s) => s.dataset.host)).toEqual(['lab', 'labtwo']);
    const labSection = sections[0]!;
    expect(within(labSection).getByText('root@127.0.0.1:2222')).toBeTruthy();
    const groups = within(labSection).getAllByTestId('project-group');
    expect(groups.map((g) => g.dataset.project)).toEqual(['labweb', 'Standalone']);
    expect(within(groups[0]!).getByRole('button', { name: /^labweb/ }).textContent).toContain('1 running / 2');
    expect(rows().map((r) => [r.dataset.name, r.dataset.state])).toEqual([
      ['labweb_web_1', 'running'],
      ['labweb_worker_1', 'exited'],
      ['scratch', 'running'],
    ]);
    expect(within(rows()[0]!).getByText('127.0.0.1:18082→8080/tcp')).toBeTruthy();
    // Only what applies is enabled.
    expect((screen.getByRole('button', { name: 'Stop labweb_web_1' }) as HTMLButtonElement).disabled).toBe(false);
    expect((screen.getByRole('button', { name: 'Start labweb_web_1' }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Start labweb_worker_1' }) as HTMLButtonElement).disabled).toBe(false);
    // The failing host says why, with the fix.
    const failing = sections[1]!;
    expect(within(failing).getByText('The server refused every key offered.')).toBeTruthy();
    expect(within(failing).getByText('Add a key on the Keys screen.')).toBeTruthy();
  });

  it('collapses a project group', async () => {
    await renderApp(handlers());
    const header = screen.getByRole('button', { name: /^labweb/ });
    expect(header.getAttribute('aria-expanded')).toBe('true');
    fireEvent.click(header);
    expect(header.getAttribute('aria-expanded')).toBe('false');
    expect(rows().map((r) => r.dataset.name)).toEqual(['scratch']);
  });

  it('replaces one host entry when containers.changed arrives', async () => {
    const { bridge } = await renderApp(handlers());
    act(() => bridge.emit('containers.changed', hostContainers(lab, [{ ...web, state: 'exited', status: 'Exited (137) now' }])));
    expect(rows().map((r) => [r.dataset.name, r.dataset.state])).toEqual([['labweb_web_1', 'exited']]);
    expect(screen.getAllByTestId('host-section')).toHaveLength(2);
  });

  it('runs an action with a spinner and shows the engine message when it fails', async () => {
    let release!: () => void;
    const { bridge } = await renderApp({
      ...handlers(),
      'containers.stop': () =>
        new Promise<void>((_, reject) => {
          release = () => reject(new EnvelopeError({ code: 'ENGINE', message: 'cannot stop container: permission denied' }));
        }),
    });
    fireEvent.click(screen.getByRole('button', { name: 'Stop labweb_web_1' }));
    await waitFor(() => expect(rows()[0]!.getAttribute('aria-busy')).toBe('true'));
    expect(screen.getByRole('status', { name: 'Stopping labweb_web_1' })).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Restart labweb_web_1' }) as HTMLButtonElement).disabled).toBe(true);
    expect(bridge.callsOf('containers.stop')).toEqual([{ hostId: lab.id, containerId: web.id }]);
    release();
    const toast = await screen.findByTestId('toast');
    expect(toast.textContent).toContain('Could not stop labweb_web_1');
    expect(toast.textContent).toContain('cannot stop container: permission denied');
    expect(rows()[0]!.getAttribute('aria-busy')).toBeNull();
  });

  it('asks before removing, and passes removeVolumes and force', async () => {
    const { bridge } = await renderApp({ ...handlers(), 'containers.remove': () => undefined });
    fireEvent.click(screen.getByRole('button', { name: 'Remove labweb_web_1' }));
    const dialog = screen.getByRole('dialog', { name: 'Remove container labweb_web_1?' });
    expect(within(dialog).getByTestId('force-note').textContent).toMatch(/force-removed/);
    fireEvent.click(within(dialog).getByLabelText('Also remove its anonymous volumes'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(bridge.callsOf('containers.remove')).toEqual([{ hostId: lab.id, containerId: web.id, removeVolumes: true, force: true }]);
  });

  it('Escape cancels the remove dialog; Enter confirms it', async () => {
    const { bridge } = await renderApp({ ...handlers(), 'containers.remove': () => undefined });
    fireEvent.click(screen.getByRole('button', { name: 'Remove labweb_worker_1' }));
    const dialog = screen.getByRole('dialog', { name: 'Remove container labweb_worker_1?' });
    expect(within(dialog).queryByTestId('force-note')).toBeNull();
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(bridge.callsOf('containers.remove')).toEqual([]);

    fireEvent.click(screen.getByRole('button', { name: 'Remove labweb_worker_1' }));
    const again = screen.getByRole('dialog');
    // The confirm button has focus; Enter in the dialog submits it.
    expect(document.activeElement?.textContent).toBe('Remove');
    fireEvent.keyDown(within(again).getByLabelText('Also remove its anonymous volumes'), { key: 'Enter' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(bridge.callsOf('containers.remove')).toEqual([{ hostId: lab.id, containerId: worker.id, removeVolumes: false, force: false }]);
  });

  it('filters live, and says when nothing matches', async () => {
    await renderApp(handlers());
    const box = screen.getByPlaceholderText('Filter containers');
    fireEvent.keyDown(document.body, { key: '/' });
    expect(document.activeElement).toBe(box);
    fireEvent.change(box, { target: { value: 'alpine' } });
    expect(rows().map((r) => r.dataset.name)).toEqual(['scratch']);
    expect(screen.getAllByTestId('host-section').map((s) => s.dataset.host)).toEqual(['lab']);
    fireEvent.change(box, { target: { value: 'no-such-thing' } });
    expect(screen.queryAllByTestId('container-row')).toHaveLength(0);
    expect(screen.getByText('No containers match “no-such-thing”')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Clear filter' }));
    expect(rows()).toHaveLength(3);
  });

  it('moves between rows with the arrow keys', async () => {
    await renderApp(handlers());
    const [first, second] = rows();
    expect(first!.tabIndex).toBe(0);
    expect(second!.tabIndex).toBe(-1);
    first!.focus();
    fireEvent.keyDown(first!, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(second);
    fireEvent.keyDown(second!, { key: 'ArrowUp' });
    expect(document.activeElement).toBe(first);
    fireEvent.keyDown(first!, { key: 'Enter' }); // opens the container
    expect(screen.getByTestId('container-detail').querySelector('h1')?.textContent).toContain('labweb_web_1');
  });

  it('with no hosts, offers to add the first one', async () => {
    await renderApp({});
    fireEvent.click(screen.getByRole('button', { name: 'Add your first host' }));
    expect(screen.getByRole('dialog', { name: 'Add host' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Hosts' }).getAttribute('aria-current')).toBe('page');
  });

  describe('a long list', () => {
    // 80 running containers in one project: more than the list draws at once (here, without a
    // layout, the first screenful).
    const many = Array.from({ length: 80 }, (_, i) => container(lab, { name: `shop_app_${i + 1}`, project: 'shop' }));
    const long = () => ({
      'hosts.list': () => [lab],
      'containers.list': () => [hostContainers(lab, many)],
      'streams.open': () => ({ streamId: StreamId('s_list0000') }),
      'streams.close': () => undefined,
    });

    it('draws part of it, and samples CPU and memory for the rows drawn only', async () => {
      const { bridge } = await renderApp(long());
      const drawn = rows().map((r) => r.dataset.containerId!);
      expect(drawn.length).toBeGreaterThan(5);
      expect(drawn.length).toBeLessThan(many.length);
      await waitFor(() => expect(bridge.callsOf('streams.open')).toHaveLength(1));
      const open = bridge.callsOf('streams.open')[0] as StreamOpenInput & { containerIds: string[] };
      expect(open.kind).toBe('container.stats');
      expect([...open.containerIds].sort()).toEqual([...drawn].sort());
    });

    it('End and Home reach the last and first rows, drawn or not', async () => {
      await renderApp(long());
      const first = rows()[0]!;
      expect(rows().some((r) => r.dataset.name === 'shop_app_80')).toBe(false);
      first.focus();
      fireEvent.keyDown(first, { key: 'End' });
      expect((document.activeElement as HTMLElement).dataset.name).toBe('shop_app_80');
      fireEvent.keyDown(document.activeElement!, { key: 'ArrowUp' });
      expect((document.activeElement as HTMLElement).dataset.name).toBe('shop_app_79');
      fireEvent.keyDown(document.activeElement!, { key: 'Home' });
      expect((document.activeElement as HTMLElement).dataset.name).toBe('shop_app_1');
    });
  });
});
