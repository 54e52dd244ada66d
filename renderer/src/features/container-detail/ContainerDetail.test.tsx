// @vitest-environment happy-dom
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { container, host, hostContainers } from '../../test-support/fixtures';
import { renderApp, teardownApp } from '../../test-support/render-app';

const lab = host({ name: 'lab', address: 'root@127.0.0.1:2222' });
const web = container(lab, { name: 'labweb_web_1', project: 'labweb', image: 'busybox:latest' });
const handlers = () => ({
  'hosts.list': () => [lab],
  'containers.list': () => [hostContainers(lab, [web])],
});

afterEach(teardownApp);

describe('ContainerDetail', () => {
  it('opens from a row with Enter, moves between tabs with the arrow keys, and Escape goes back', async () => {
    await renderApp(handlers());
    const row = screen.getByTestId('container-row');
    row.focus();
    fireEvent.keyDown(row, { key: 'Enter' });
    const detail = await screen.findByTestId('container-detail');
    expect(detail.querySelector('h1')?.textContent).toContain('labweb_web_1');
    const logs = screen.getByRole('tab', { name: 'Logs' });
    expect(logs.getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(logs, { key: 'ArrowRight' });
    expect(screen.getByRole('tab', { name: 'Terminal' }).getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(window, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('container-detail')).toBeNull());
    expect(screen.getByTestId('container-row')).toBeTruthy();
  });

  it('opens from the name; Back returns to the list', async () => {
    await renderApp(handlers());
    fireEvent.click(screen.getByRole('button', { name: 'Open labweb_web_1' }));
    expect(await screen.findByTestId('container-detail')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Back to containers' }));
    expect(screen.queryByTestId('container-detail')).toBeNull();
  });
});
