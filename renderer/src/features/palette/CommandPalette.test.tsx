// @vitest-environment happy-dom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { container, host, hostContainers } from '../../test-support/fixtures';
import { renderApp, teardownApp } from '../../test-support/render-app';

afterEach(teardownApp);

const lab = host({ name: 'lab', address: 'root@127.0.0.1:2222' });
const web = container(lab, { name: 'labweb_web_1', project: 'labweb', image: 'busybox:latest' });
const sleeper = container(lab, { name: 'lab-sleeper', image: 'homeport-lab/busybox' });

async function open() {
  const r = await renderApp({
    'hosts.list': () => [lab],
    'containers.list': () => [hostContainers(lab, [web, sleeper])],
    'images.list': () => [{ hostId: lab.id, error: null, images: [{ id: 'sha256:' + 'a'.repeat(64), hostId: lab.id, repoTags: ['homeport-lab/busybox:latest'], repoDigests: [], sizeBytes: 1, createdAt: 0, dangling: false, containers: [] }] }],
    'volumes.list': () => [],
    'networks.list': () => [],
    'containers.restart': () => undefined,
  });
  fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
  const palette = await screen.findByTestId('command-palette');
  return { ...r, palette: within(palette), input: within(palette).getByRole('combobox') };
}

describe('the command palette', () => {
  it('finds a container by words and runs its action with Enter', async () => {
    const { bridge, input, palette } = await open();
    expect(document.activeElement).toBe(input);
    fireEvent.change(input, { target: { value: 'restart web' } });
    const options = palette.getAllByRole('option');
    expect(options[0]!.textContent).toContain('Restart labweb_web_1');
    expect(options[0]!.getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(bridge.callsOf('containers.restart')).toEqual([{ hostId: lab.id, containerId: web.id }]));
    expect(screen.queryByTestId('command-palette')).toBeNull();
  });

  it('moves with the arrow keys and opens a container’s terminal', async () => {
    const { input, palette } = await open();
    fireEvent.change(input, { target: { value: 'sleeper' } });
    const titles = () => palette.getAllByRole('option').map((o) => o.querySelector('.palette-title')!.textContent);
    const i = titles().indexOf('Terminal in lab-sleeper');
    expect(i).toBeGreaterThanOrEqual(0);
    for (let n = 0; n < i; n++) fireEvent.keyDown(input, { key: 'ArrowDown' });
    expect(palette.getAllByRole('option')[i]!.getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(input, { key: 'Enter' });
    const detail = await screen.findByTestId('container-detail');
    expect(detail.querySelector('h1')!.textContent).toContain('lab-sleeper');
    expect(screen.getByRole('tab', { name: 'Terminal' }).getAttribute('aria-selected')).toBe('true');
  });

  it('lists images it fetched, says when nothing matches, and Escape closes it', async () => {
    const { input, palette } = await open();
    fireEvent.change(input, { target: { value: 'image busybox' } });
    await waitFor(() => expect(palette.getAllByRole('option')[0]!.textContent).toContain('Image homeport-lab/busybox:latest'));
    fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(screen.getByRole('button', { name: /^Images/ }).getAttribute('aria-current')).toBe('page'));
    fireEvent.keyDown(window, { key: 'k', metaKey: true });
    const again = within(await screen.findByTestId('command-palette'));
    fireEvent.change(again.getByRole('combobox'), { target: { value: 'qqqzzz' } });
    expect(again.getByTestId('palette-empty').textContent).toContain('Nothing matches');
    fireEvent.keyDown(again.getByRole('combobox'), { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('command-palette')).toBeNull());
  });

  it('? lists the keyboard shortcuts (not while typing)', async () => {
    await renderApp({});
    fireEvent.keyDown(document.body, { key: '?' });
    const dialog = await screen.findByTestId('shortcuts-dialog');
    expect(dialog.textContent).toContain('Command palette');
    fireEvent.click(within(dialog).getAllByRole('button', { name: 'Close' }).at(-1)!);
    await waitFor(() => expect(screen.queryByTestId('shortcuts-dialog')).toBeNull());
    // Not while typing in a field: the ? goes into the field.
    const filter = screen.getByRole('searchbox');
    filter.focus();
    fireEvent.keyDown(filter, { key: '?' });
    expect(screen.queryByTestId('shortcuts-dialog')).toBeNull();
  });
});
