// @vitest-environment happy-dom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ContainerInfo, HostContainersInfo, StreamId, UpgradeOptionsInfo, UpgradeProgressInfo } from '../../../../shared/contract';
import { appStore } from '../../store';
import { container, host, hostContainers } from '../../test-support/fixtures';
import { renderApp, teardownApp } from '../../test-support/render-app';
import { resolveTarget } from './upgrade-model';

/** The upgrade streams opened (the detail page's Logs tab opens its own log stream too). */
const upgradeOpens = (bridge: { callsOf(m: 'streams.open'): unknown[] }) => bridge.callsOf('streams.open').filter((c) => (c as { kind: string }).kind === 'container.upgrade');

const lab = host({ name: 'lab', address: 'root@127.0.0.1:2222' });
const REPO = '127.0.0.1:5555/lab/busybox';
const ID10 = 'sha256:' + '1'.repeat(64);
const ID11 = 'sha256:' + '2'.repeat(64);
const SID = 's_upgradetest1' as StreamId;
const app = container(lab, { name: 'hp-app', image: `${REPO}:1.0` });
const upgraded: ContainerInfo = { ...app, id: 'cnew000000001', image: `${REPO}:1.1` };
const web = container(lab, { name: 'labweb_web_1', project: 'labweb', service: 'web' });

const options = (c: ContainerInfo, p: Partial<UpgradeOptionsInfo> = {}): UpgradeOptionsInfo => ({
  hostId: lab.id,
  containerId: c.id,
  name: c.name,
  image: c.image,
  imageId: ID10,
  repository: REPO,
  tags: [
    { ref: `${REPO}:1.0`, imageId: ID10, createdAt: Date.now() - 86_400_000, current: true },
    { ref: `${REPO}:0.9`, imageId: ID11, createdAt: Date.now() - 2 * 86_400_000, current: false },
  ],
  running: true,
  compose: null,
  blocked: null,
  previous: null,
  ...p,
});

afterEach(teardownApp);

async function openDetail(list: () => HostContainersInfo[], extra: Record<string, unknown>) {
  const r = await renderApp({ 'hosts.list': () => [lab], 'containers.list': list, ...extra });
  act(() => appStore.getState().openDetail({ hostId: lab.id, containerId: list()[0]!.containers[0]!.id }));
  await screen.findByTestId('container-detail');
  return r;
}

const emit = (bridge: Awaited<ReturnType<typeof renderApp>>['bridge'], data: UpgradeProgressInfo) => act(() => bridge.emit('stream.data', { streamId: SID, data }));

describe('Upgrade from the container detail', () => {
  it('upgrades to a typed tag with live steps and pull progress, follows the new container, then rolls back from the banner', async () => {
    let list = [hostContainers(lab, [app])];
    const late: { bridge?: Awaited<ReturnType<typeof renderApp>>['bridge'] } = {};
    const { bridge } = await openDetail(() => list, {
      'containers.upgradeOptions': ({ containerId }: { containerId: string }) =>
        containerId === app.id
          ? options(app)
          : options(upgraded, { imageId: ID11, previous: { containerId: app.id, name: 'hp-app-homeport-previous', image: `${REPO}:1.0`, imageId: ID10, upgradedAt: Date.now() } }),
      'streams.open': () => ({ streamId: SID }),
      'containers.rollback': () => {
        // As the service does: the list is current before the call answers.
        list = [hostContainers(lab, [app])];
        late.bridge!.emit('containers.changed', list[0]!);
        return { containerId: app.id, name: 'hp-app', image: `${REPO}:1.0`, imageId: ID10 };
      },
    });
    late.bridge = bridge;
    const button = await screen.findByTestId('upgrade-button');
    await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false));
    expect(screen.queryByTestId('upgrade-banner')).toBeNull();
    fireEvent.click(button);
    const dialog = await screen.findByTestId('upgrade-dialog');
    expect(within(dialog).getByTestId('upgrade-current').textContent).toBe(`${REPO}:1.0`);
    // Local tags other than the current one are offered; a bare tag means the same repository.
    expect(within(dialog).getByLabelText('Tags on this host').textContent).toContain(`${REPO}:0.9`);
    fireEvent.change(within(dialog).getByLabelText('New image'), { target: { value: '1.1' } });
    expect(within(dialog).getByTestId('upgrade-target').textContent).toContain(`${REPO}:1.1 (pulled first)`);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Upgrade' }));
    await waitFor(() => expect(upgradeOpens(bridge)).toEqual([{ kind: 'container.upgrade', hostId: lab.id, containerId: app.id, image: `${REPO}:1.1`, pull: false }]));

    emit(bridge, { type: 'step', step: 'pull', state: 'running', text: `Pulling ${REPO}:1.1` });
    emit(bridge, { type: 'pull', progress: { layers: [{ id: 'aaaaaaaaaaaa', status: 'Downloading', current: 500, total: 1000 }], overall: { current: 500, total: 1000 }, message: '' } });
    expect(within(dialog).getByLabelText('Pull progress').getAttribute('value')).toBe('50');
    expect(within(dialog).getByRole('button', { name: 'Cancel pull' })).toBeTruthy();
    emit(bridge, { type: 'step', step: 'pull', state: 'done', text: 'Pulled' });
    emit(bridge, { type: 'step', step: 'verify', state: 'running', text: 'Checking that hp-app keeps running' });
    const steps = within(dialog).getByTestId('upgrade-steps');
    expect([...steps.querySelectorAll('li')].map((l) => `${l.dataset.step}:${l.dataset.state}`)).toEqual(['pull:done', 'verify:running']);
    // The pull is over: its bars go (the step list says it was pulled).
    expect(within(dialog).queryByLabelText('Pull progress')).toBeNull();

    // As the service does: the list (new container, old one kept under another name) comes before `done`.
    list = [hostContainers(lab, [upgraded, { ...app, name: 'hp-app-homeport-previous', state: 'exited' }])];
    act(() => bridge.emit('containers.changed', list[0]!));
    emit(bridge, { type: 'step', step: 'verify', state: 'done', text: 'hp-app is running' });
    emit(bridge, { type: 'done', result: { containerId: upgraded.id, name: 'hp-app', image: `${REPO}:1.1`, imageId: ID11, previous: { containerId: app.id, name: 'hp-app-homeport-previous', image: `${REPO}:1.0`, imageId: ID10, upgradedAt: Date.now() } } });
    act(() => bridge.emit('stream.end', { streamId: SID, error: null }));
    expect((await within(dialog).findByTestId('upgrade-done')).textContent).toContain('hp-app-homeport-previous');
    expect(dialog.querySelector('progress')).toBeNull();
    expect(appStore.getState().detail?.containerId).toBe(upgraded.id);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Done' }));

    const banner = await screen.findByTestId('upgrade-banner');
    expect(banner.textContent).toContain(`Upgraded from ${REPO}:1.0`);
    fireEvent.click(within(banner).getByRole('button', { name: 'Roll back' }));
    const confirm = await screen.findByRole('dialog', { name: 'Roll back hp-app?' });
    expect(confirm.textContent).toContain(`goes back to ${REPO}:1.0`);
    fireEvent.click(within(confirm).getByRole('button', { name: 'Roll back' }));
    await waitFor(() => expect(bridge.callsOf('containers.rollback')).toEqual([{ hostId: lab.id, containerId: upgraded.id }]));
    await waitFor(() => expect(appStore.getState().detail?.containerId).toBe(app.id));
    await waitFor(() => expect(screen.queryByTestId('upgrade-banner')).toBeNull());
  });

  it('shows why an upgrade failed and that the old container is back', async () => {
    const { bridge } = await openDetail(() => [hostContainers(lab, [app])], {
      'containers.upgradeOptions': () => options(app),
      'streams.open': () => ({ streamId: SID }),
    });
    fireEvent.click(await screen.findByTestId('upgrade-button'));
    const dialog = await screen.findByTestId('upgrade-dialog');
    // The first other local tag is preselected.
    expect((within(dialog).getByLabelText('New image') as HTMLInputElement).value).toBe(`${REPO}:0.9`);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Upgrade' }));
    await waitFor(() => expect(upgradeOpens(bridge)).toHaveLength(1));
    emit(bridge, { type: 'step', step: 'verify', state: 'failed', text: 'The new container exited at once (exit code 3).' });
    emit(bridge, { type: 'step', step: 'restore', state: 'done', text: 'hp-app is back on 1.0 and running' });
    act(() =>
      bridge.emit('stream.end', {
        streamId: SID,
        error: { code: 'ENGINE', message: 'hp-app on 0.9: The new container exited at once (exit code 3). Homeport put the old container back.', fix: 'Pick another tag.' },
      }),
    );
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toContain('exit code 3');
    expect(alert.textContent).toContain('put the old container back');
    expect(alert.textContent).toContain('Pick another tag.');
    expect(within(dialog).getByRole('button', { name: 'Try again' })).toBeTruthy();
    expect(appStore.getState().detail?.containerId).toBe(app.id);
  });

  it('leads a compose service to the Stacks view instead of recreating it', async () => {
    const { bridge } = await openDetail(() => [hostContainers(lab, [web])], {
      'containers.upgradeOptions': () =>
        options(web, { compose: { project: 'labweb', service: 'web' }, blocked: { code: 'CONFLICT', message: 'labweb_web_1 belongs to the compose project "labweb".', fix: 'Use the Stacks view.' } }),
    });
    fireEvent.click(await screen.findByTestId('upgrade-button'));
    const dialog = await screen.findByTestId('upgrade-dialog');
    expect(within(dialog).getByTestId('upgrade-compose').textContent).toMatch(/detach it from its compose file/);
    expect(within(dialog).queryByRole('button', { name: 'Upgrade' })).toBeNull();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Open Stacks' }));
    await waitFor(() => expect(appStore.getState().view).toBe('stacks'));
    expect(upgradeOpens(bridge)).toEqual([]);
  });

  it('resolves what the user types', () => {
    expect(resolveTarget(' 1.1 ', REPO)).toBe(`${REPO}:1.1`);
    expect(resolveTarget('nginx:1.27', REPO)).toBe('nginx:1.27');
    expect(resolveTarget('ghcr.io/o/app', REPO)).toBe('ghcr.io/o/app');
    expect(resolveTarget('1.1', null)).toBe('1.1');
    expect(resolveTarget('', REPO)).toBe('');
  });
});
