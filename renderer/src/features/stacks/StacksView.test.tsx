// @vitest-environment happy-dom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { StackFileInfo, StackInfo, StreamId } from '../../../../shared/contract';
import { host } from '../../test-support/fixtures';
import { EnvelopeError, type MemoryBridge } from '../../test-support/memory-bridge';
import { renderApp, teardownApp } from '../../test-support/render-app';
import { resetStackRuns } from '../../store';

const lab = host({ name: 'lab', address: 'root@127.0.0.1:2222' });
const garage = host({ name: 'garage' });
const down = host({ name: 'attic', state: { status: 'disconnected' } });

const shop: StackInfo = {
  hostId: lab.id,
  project: 'shop',
  workingDir: '/srv/shop',
  configFiles: ['/srv/shop/docker-compose.yml'],
  running: 1,
  total: 2,
  status: 'partial',
  services: [
    { name: 'db', image: 'postgres:16', running: 0, containers: [{ id: 'c1', name: 'shop_db_1', state: 'exited', status: 'Exited (1) 2 minutes ago' }] },
    { name: 'web', image: 'nginx:1.27', running: 1, containers: [{ id: 'c2', name: 'shop_web_1', state: 'running', status: 'Up 3 hours' }] },
  ],
};
const FILE = 'services:\n  web:\n    image: nginx:1.27\n';
const file = (p: Partial<StackFileInfo> = {}): StackFileInfo => ({ hostId: lab.id, project: 'shop', path: '/srv/shop/docker-compose.yml', content: FILE, previousPath: null, ...p });

let streams = 0;
async function setup(extra: Parameters<typeof renderApp>[0] = {}) {
  const r = await renderApp({
    'hosts.list': () => [lab, garage, down],
    'stacks.list': () => [
      { hostId: lab.id, stacks: [shop], error: null },
      { hostId: garage.id, stacks: [], error: null },
      { hostId: down.id, stacks: [], error: { code: 'DISCONNECTED', message: 'The host is not connected.' } },
    ],
    'streams.open': () => ({ streamId: `s_test${++streams}` as StreamId }),
    ...extra,
  });
  fireEvent.click(screen.getByRole('button', { name: /Stacks/ }));
  await screen.findAllByTestId('stack-card');
  return r;
}
const lastStream = (_bridge?: MemoryBridge) => `s_test${streams}` as StreamId;

afterEach(() => {
  teardownApp();
  resetStackRuns();
});

describe('Stacks', () => {
  it('groups stacks by host with their status, services and container states; says why a host shows none', async () => {
    await setup();
    const card = screen.getByTestId('stack-card');
    expect(card.dataset.project).toBe('shop');
    expect(within(card).getByTestId('stack-status').textContent).toBe('Partly running 1/2');
    expect(within(card).getAllByTestId('stack-service').map((r) => [r.dataset.service, within(r).getByTestId('service-state').textContent])).toEqual([
      ['db', 'Exited'],
      ['web', 'Running'],
    ]);
    const sections = screen.getAllByTestId('host-section');
    expect(sections.map((s) => s.dataset.host)).toEqual(['lab', 'garage', 'attic']);
    expect(within(sections[1]!).getByTestId('stacks-none').textContent).toMatch(/No compose projects on this host/);
    expect(within(sections[2]!).getByText(/Not connected/)).toBeTruthy();
  });

  it('brings a stack down after confirming, streams the output and shows a failure with its exit status', async () => {
    const { bridge } = await setup();
    fireEvent.click(screen.getByRole('button', { name: 'Down shop' }));
    const dialog = await screen.findByRole('dialog', { name: 'Bring shop down?' });
    expect(bridge.callsOf('streams.open')).toEqual([]);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Bring down' }));
    await waitFor(() => expect(bridge.callsOf('streams.open')).toEqual([{ kind: 'stack.run', hostId: lab.id, project: 'shop', action: 'down' }]));
    const id = lastStream(bridge);
    act(() => {
      bridge.emit('stream.data', { streamId: id, data: { line: '$ docker-compose -p shop down', stream: 'info' } });
      bridge.emit('stream.data', { streamId: id, data: { line: 'Stopping shop_web_1 ... done', stream: 'stderr' } });
    });
    const out = await screen.findByTestId('stack-output');
    expect(out.dataset.state).toBe('running');
    expect(screen.getByRole('button', { name: 'Up shop' }).hasAttribute('disabled')).toBe(true);
    expect(within(out).getByLabelText('Command output').textContent).toContain('Stopping shop_web_1 ... done');
    act(() =>
      bridge.emit('stream.end', {
        streamId: id,
        error: { code: 'COMMAND_FAILED', message: 'docker-compose down exited with status 1: network in use', details: { exitStatus: 1 } },
      }),
    );
    await waitFor(() => expect(screen.getByTestId('stack-output').dataset.state).toBe('failed'));
    expect(screen.getByText('Failed (exit status 1)')).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toContain('network in use');
    expect(screen.getByRole('button', { name: 'Up shop' }).hasAttribute('disabled')).toBe(false);
  });

  it('runs restart straight away and reports success', async () => {
    const { bridge } = await setup();
    fireEvent.click(screen.getByRole('button', { name: 'Restart shop' }));
    await waitFor(() => expect(bridge.callsOf('streams.open')).toEqual([{ kind: 'stack.run', hostId: lab.id, project: 'shop', action: 'restart' }]));
    act(() => bridge.emit('stream.end', { streamId: lastStream(bridge), error: null }));
    expect(await screen.findByTestId('run-ok')).toBeTruthy();
  });

  it('keeps an invalid compose file unsaved with the error inline; a valid one is saved and redeployed with rollback offered', async () => {
    let valid = false;
    const { bridge } = await setup({
      'stacks.file': () => file(),
      'stacks.saveFile': ({ content }) => {
        if (!valid) throw new EnvelopeError({ code: 'VALIDATION', message: "Compose rejected the file, nothing was changed: Unsupported config option for services.web: 'bogus'", fix: 'Correct the file and save again.' });
        return file({ content, previousPath: '/srv/shop/docker-compose.yml.homeport-prev' });
      },
      'stacks.rollbackFile': () => file(),
    });
    fireEvent.click(screen.getByRole('button', { name: 'Compose file of shop' }));
    const dialog = await screen.findByRole('dialog', { name: /Compose file — shop/ });
    const editor = (await within(dialog).findByLabelText('Compose file')) as HTMLTextAreaElement;
    expect(editor.value).toBe(FILE);
    expect(within(dialog).queryByRole('button', { name: 'Roll back file' })).toBeNull();
    const bad = `${FILE}    bogus: 1\n`;
    fireEvent.change(editor, { target: { value: bad } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save & redeploy' }));
    expect((await within(dialog).findByRole('alert')).textContent).toMatch(/nothing was changed.*bogus/);
    expect(within(dialog).getByText('The file is not valid — nothing was changed')).toBeTruthy();
    expect((within(dialog).getByLabelText('Compose file') as HTMLTextAreaElement).value).toBe(bad);
    expect(bridge.callsOf('streams.open')).toEqual([]);

    valid = true;
    const good = FILE.replace('1.27', '1.28');
    fireEvent.change(within(dialog).getByLabelText('Compose file'), { target: { value: good } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save & redeploy' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(bridge.callsOf('stacks.saveFile').at(-1)).toEqual({ hostId: lab.id, project: 'shop', path: '/srv/shop/docker-compose.yml', content: good });
    await waitFor(() => expect(bridge.callsOf('streams.open')).toEqual([{ kind: 'stack.run', hostId: lab.id, project: 'shop', action: 'up', revertFile: '/srv/shop/docker-compose.yml' }]));
    act(() => bridge.emit('stream.end', { streamId: lastStream(bridge), error: null }));
    const out = await screen.findByTestId('stack-output');
    expect(within(out).getByText('Save & redeploy')).toBeTruthy();

    fireEvent.click(within(out).getByRole('button', { name: 'Roll back file' }));
    const confirm = await screen.findByRole('dialog', { name: 'Roll back the compose file?' });
    fireEvent.click(within(confirm).getByRole('button', { name: 'Roll back & redeploy' }));
    await waitFor(() => expect(bridge.callsOf('stacks.rollbackFile')).toEqual([{ hostId: lab.id, project: 'shop', path: '/srv/shop/docker-compose.yml' }]));
    await waitFor(() => expect(bridge.callsOf('streams.open')).toHaveLength(2));
  });

  it('rolls the compose file back from its dialog without also saving what is in the editor', async () => {
    const { bridge } = await setup({
      'stacks.file': () => file({ previousPath: '/srv/shop/docker-compose.yml.homeport-prev' }),
      'stacks.saveFile': ({ content }) => file({ content }),
      'stacks.rollbackFile': () => file(),
    });
    fireEvent.click(screen.getByRole('button', { name: 'Compose file of shop' }));
    const dialog = await screen.findByRole('dialog', { name: /Compose file — shop/ });
    fireEvent.change(await within(dialog).findByLabelText('Compose file'), { target: { value: `${FILE}# half-typed\n` } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Roll back file' }));
    const confirm = await screen.findByRole('dialog', { name: 'Roll back the compose file?' });
    fireEvent.click(within(confirm).getByRole('button', { name: 'Roll back & redeploy' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(bridge.callsOf('stacks.rollbackFile')).toEqual([{ hostId: lab.id, project: 'shop', path: '/srv/shop/docker-compose.yml' }]);
    await waitFor(() => expect(bridge.callsOf('streams.open')).toHaveLength(1));
    expect(bridge.callsOf('stacks.saveFile')).toEqual([]);
    expect(screen.getByTestId('stack-output').getAttribute('aria-label')).toBe('Output of Roll back & redeploy');
  });

  it('changes one service image and redeploys; a refusal is shown in the dialog', async () => {
    let refuse = true;
    const { bridge } = await setup({
      'stacks.setServiceImage': ({ image }) => {
        if (refuse) throw new EnvelopeError({ code: 'VALIDATION', message: 'image: not an image reference' });
        return file({ content: FILE.replace('nginx:1.27', image) });
      },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Change image of web' }));
    const dialog = await screen.findByRole('dialog', { name: 'Change image of web' });
    const input = within(dialog).getByLabelText('New image') as HTMLInputElement;
    expect(input.value).toBe('nginx:1.27');
    expect(within(dialog).getByRole('button', { name: 'Change & redeploy' }).hasAttribute('disabled')).toBe(true);
    fireEvent.change(input, { target: { value: 'nginx:1.28' } });
    fireEvent.submit(input.closest('form')!);
    expect((await within(dialog).findByRole('alert')).textContent).toContain('not an image reference');
    // Another image: the refusal was about the one before.
    fireEvent.change(input, { target: { value: 'nginx:1.29' } });
    expect(within(dialog).queryByRole('alert')).toBeNull();
    fireEvent.change(input, { target: { value: 'nginx:1.28' } });
    refuse = false;
    fireEvent.submit(input.closest('form')!);
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(bridge.callsOf('stacks.setServiceImage')).toEqual([
      { hostId: lab.id, project: 'shop', service: 'web', image: 'nginx:1.28' },
      { hostId: lab.id, project: 'shop', service: 'web', image: 'nginx:1.28' },
    ]);
    await waitFor(() => expect(bridge.callsOf('streams.open')).toEqual([{ kind: 'stack.run', hostId: lab.id, project: 'shop', action: 'up', revertFile: '/srv/shop/docker-compose.yml' }]));
  });

  it('says when there are no stacks anywhere yet', async () => {
    await renderApp({ 'hosts.list': () => [garage], 'stacks.list': () => [{ hostId: garage.id, stacks: [], error: null }] });
    fireEvent.click(screen.getByRole('button', { name: /Stacks/ }));
    expect((await screen.findByTestId('stacks-none')).textContent).toMatch(/by hand, by Ansible/);
  });
});
