// @vitest-environment happy-dom
import { fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { VolumeInfo } from '../../../shared/contract';
import { host } from '../test-support/fixtures';
import { renderApp, teardownApp } from '../test-support/render-app';

const lab = host({ name: 'lab', address: 'root@127.0.0.1:2222' });
const vol = (name: string): VolumeInfo => ({
  name, hostId: lab.id, driver: 'local', scope: 'local', mountpoint: `/var/lib/docker/volumes/${name}/_data`, createdAt: Date.now(), labels: {},
  project: null, anonymous: false, sizeBytes: 2048, containers: [],
});

afterEach(teardownApp);

describe('arrow keys in lists', () => {
  it('move to the same action in the row below or above, in any list', async () => {
    await renderApp({ 'hosts.list': () => [lab], 'volumes.list': () => [{ hostId: lab.id, volumes: [vol('alpha'), vol('beta'), vol('gamma')], error: null }] });
    fireEvent.click(screen.getByRole('button', { name: /Volumes/ }));
    await screen.findAllByTestId('volume-row');
    const first = screen.getByRole('button', { name: 'Remove alpha' });
    first.focus();
    fireEvent.keyDown(first, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Remove beta' }));
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Remove gamma' }));
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' }); // the last row: stays
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Remove gamma' }));
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowUp' });
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Remove beta' }));
  });

  it('leave typing alone', async () => {
    await renderApp({ 'hosts.list': () => [lab], 'volumes.list': () => [{ hostId: lab.id, volumes: [vol('alpha'), vol('beta')], error: null }] });
    fireEvent.click(screen.getByRole('button', { name: /Volumes/ }));
    await screen.findAllByTestId('volume-row');
    const filter = screen.getByLabelText('Filter volumes');
    filter.focus();
    fireEvent.keyDown(filter, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(filter);
  });
});
