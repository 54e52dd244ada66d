// @vitest-environment happy-dom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { HostInput } from '../../../../shared/contract';
import { host, key } from '../../test-support/fixtures';
import { EnvelopeError } from '../../test-support/memory-bridge';
import { renderApp, teardownApp } from '../../test-support/render-app';

const FP = 'SHA256:' + 'Qx3'.repeat(14) + 'Z';
const hostKeyUnknown = new EnvelopeError({
  code: 'HOSTKEY_UNKNOWN',
  message: 'The server presented a host key Homeport has not seen.',
  details: { hostname: '127.0.0.1', port: 2222, keyType: 'ssh-ed25519', fingerprint: FP },
});
const engine = { version: '27.3.1', apiVersion: '1.47', os: 'linux', name: 'lab' };

afterEach(teardownApp);

async function openAdd(handlers: Parameters<typeof renderApp>[0] = {}) {
  const app = await renderApp(handlers);
  fireEvent.click(screen.getByRole('button', { name: 'Hosts' }));
  fireEvent.click(screen.getByRole('button', { name: 'Add host' }));
  const dialog = screen.getByRole('dialog', { name: 'Add host' });
  return { ...app, dialog };
}

const type = (dialog: HTMLElement, label: string, value: string) =>
  fireEvent.change(within(dialog).getByLabelText(label), { target: { value } });

describe('Add host dialog', () => {
  it('has the labelled fields, with ssh-agent on and the default socket', async () => {
    const k = key({ comment: 'homeport@desk' });
    const { dialog } = await openAdd({ 'keys.list': () => [k] });
    for (const label of ['Name', 'Address', 'Docker socket', 'Use ssh-agent', 'Key', 'Identity file', 'Password']) {
      expect(within(dialog).getByLabelText(label), label).toBeTruthy();
    }
    expect((within(dialog).getByLabelText('Use ssh-agent') as HTMLInputElement).checked).toBe(true);
    expect((within(dialog).getByLabelText('Docker socket') as HTMLInputElement).value).toBe('/var/run/docker.sock');
    expect(within(dialog).getByRole('option', { name: 'homeport@desk (ssh-ed25519)' })).toBeTruthy();
    expect(document.activeElement).toBe(within(dialog).getByLabelText('Name'));
  });

  it('validates the address inline and does not call the services', async () => {
    const { dialog, bridge } = await openAdd();
    type(dialog, 'Name', 'nas');
    type(dialog, 'Address', 'nas.lan');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(within(dialog).getByText(/Include the login user/)).toBeTruthy();
    expect(within(dialog).getByLabelText('Address').getAttribute('aria-invalid')).toBe('true');
    expect(bridge.callsOf('hosts.add')).toEqual([]);
  });

  it('saves with hosts.add (empty password left out) and closes', async () => {
    const { dialog, bridge } = await openAdd({ 'hosts.add': (input) => host({ name: input.name }) });
    type(dialog, 'Name', 'nas');
    type(dialog, 'Address', 'deploy@nas.lan:2222');
    fireEvent.click(within(dialog).getByLabelText('Use ssh-agent'));
    type(dialog, 'Identity file', '~/.ssh/id_ed25519');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(bridge.callsOf('hosts.add')).toEqual([
      {
        name: 'nas',
        kind: 'ssh',
        address: 'deploy@nas.lan:2222',
        socketPath: '/var/run/docker.sock',
        useAgent: false,
        keyId: null,
        identityFile: '~/.ssh/id_ed25519',
        password: undefined,
      } satisfies HostInput,
    ]);
    expect(screen.getByTestId('host-row').dataset.host).toBe('nas');
  });

  it('shows a VALIDATION error from the services at its field', async () => {
    const { dialog } = await openAdd({
      'hosts.add': () => {
        throw new EnvelopeError({
          code: 'VALIDATION',
          message: 'Could not add the host: the Docker socket path must be an absolute path (starting with / or ~/).',
          fix: 'Correct the Docker socket path and try again.',
          details: { field: 'socketPath', reason: 'The Docker socket path must be an absolute path (starting with / or ~/).' },
        });
      },
    });
    type(dialog, 'Name', 'nas');
    type(dialog, 'Address', 'root@nas');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await within(dialog).findByText('The Docker socket path must be an absolute path (starting with / or ~/).');
    expect(within(dialog).getByLabelText('Docker socket').getAttribute('aria-invalid')).toBe('true');
    // Retyping the field takes its error away.
    type(dialog, 'Docker socket', '/run/docker.sock');
    expect(within(dialog).getByLabelText('Docker socket').getAttribute('aria-invalid')).not.toBe('true');
    expect(within(dialog).queryByText('The Docker socket path must be an absolute path (starting with / or ~/).')).toBeNull();
  });

  it('asks to verify an unknown host key during a test, trusts it and re-runs the test', async () => {
    let trusted = false;
    const { dialog, bridge } = await openAdd({
      'hosts.test': () => {
        if (!trusted) throw hostKeyUnknown;
        return { transport: 'streamlocal', engine, elapsedMs: 42.4 };
      },
      'hosts.acceptHostKey': () => {
        trusted = true;
      },
    });
    type(dialog, 'Name', 'lab');
    type(dialog, 'Address', 'root@127.0.0.1:2222');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Test connection' }));
    const prompt = await screen.findByRole('dialog', { name: 'Verify host key' });
    expect(within(prompt).getByText('Verify the host key of 127.0.0.1:2222')).toBeTruthy();
    expect(within(prompt).getByTestId('hostkey-fingerprint').textContent).toBe(FP);
    expect(within(prompt).getByText('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub')).toBeTruthy();
    fireEvent.click(within(prompt).getByRole('button', { name: 'Trust and connect' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Verify host key' })).toBeNull());
    expect(bridge.callsOf('hosts.acceptHostKey')).toEqual([{ hostname: '127.0.0.1', port: 2222, fingerprint: FP }]);
    const result = await within(dialog).findByText(/Docker 27\.3\.1/);
    expect(result.closest('[data-testid="test-result"]')?.textContent).toMatch(/over streamlocal in 42 ms/);
    expect(bridge.callsOf('hosts.test')).toHaveLength(2);
  });

  it('shows a changed host key loudly, with both fingerprints and no way to accept it', async () => {
    const { dialog } = await openAdd({
      'hosts.test': () => {
        throw new EnvelopeError({
          code: 'HOSTKEY_CHANGED',
          message: 'The host key of 127.0.0.1:2222 does not match the one remembered.',
          details: { hostname: '127.0.0.1', port: 2222, fingerprint: FP, expected: 'SHA256:' + 'b'.repeat(43) },
        });
      },
    });
    type(dialog, 'Name', 'lab');
    type(dialog, 'Address', 'root@127.0.0.1:2222');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Test connection' }));
    const loud = await within(dialog).findByTestId('hostkey-changed');
    expect(loud.textContent).toContain(FP);
    expect(loud.textContent).toContain('SHA256:' + 'b'.repeat(43));
    expect(screen.queryByRole('button', { name: 'Trust and connect' })).toBeNull();
  });
});

describe('Hosts screen', () => {
  it('prompts for the host key of a saved host and trusts it', async () => {
    const lab = host({ name: 'lab', state: { status: 'needs-hostkey', hostname: 'lab.lan', port: 22, keyType: 'ssh-ed25519', fingerprint: FP } });
    const { bridge } = await renderApp({ 'hosts.list': () => [lab], 'hosts.acceptHostKey': () => undefined });
    const prompt = await screen.findByRole('dialog', { name: 'Verify host key' });
    fireEvent.click(within(prompt).getByRole('button', { name: 'Trust and connect' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(bridge.callsOf('hosts.acceptHostKey')).toEqual([{ hostname: 'lab.lan', port: 22, fingerprint: FP }]);
    // The services reconnect by themselves and say so.
    act(() => bridge.emit('hosts.changed', [{ ...lab, state: { status: 'connecting', attempt: 1 } }]));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('warns when the host key type changed (a known ED25519 key, now only RSA), apart from a first contact', async () => {
    const OLD = 'SHA256:' + 'Ed2'.repeat(14) + 'Q';
    const lab = host({
      name: 'lab',
      state: { status: 'needs-hostkey', hostname: 'lab.lan', port: 22, keyType: 'ssh-rsa', fingerprint: FP, knownKeys: [{ keyType: 'ssh-ed25519', fingerprint: OLD }] },
    });
    const { bridge } = await renderApp({ 'hosts.list': () => [lab], 'hosts.acceptHostKey': () => undefined });
    const prompt = await screen.findByRole('dialog', { name: 'Verify host key' });
    expect(within(prompt).getByText('The host key type of lab.lan:22 changed')).toBeTruthy();
    const warning = within(prompt).getByTestId('hostkey-type-changed');
    expect(warning.textContent).toMatch(/knows lab \(lab\.lan:22\) by its ED25519 key, but it now offers only an RSA key/);
    expect(within(warning).getByTestId('hostkey-known-fingerprint').textContent).toBe(OLD);
    expect(within(prompt).getByTestId('hostkey-fingerprint').textContent).toBe(FP);
    expect(within(prompt).getByText('ssh-keygen -lf /etc/ssh/ssh_host_rsa_key.pub')).toBeTruthy();
    expect(within(prompt).queryByRole('button', { name: 'Trust and connect' })).toBeNull();
    fireEvent.click(within(prompt).getByRole('button', { name: 'Cancel' }));
    fireEvent.click(screen.getByRole('button', { name: 'Hosts' }));
    expect(screen.getByTestId('host-row').textContent).toContain('Host key type changed');
    fireEvent.click(screen.getByRole('button', { name: 'Verify host key…' }));
    fireEvent.click(within(screen.getByRole('dialog', { name: 'Verify host key' })).getByRole('button', { name: 'Trust the RSA key and connect' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(bridge.callsOf('hosts.acceptHostKey')).toEqual([{ hostname: 'lab.lan', port: 22, fingerprint: FP }]);
  });

  it('cancelling the prompt keeps it away until asked for again', async () => {
    const lab = host({ name: 'lab', state: { status: 'needs-hostkey', hostname: 'lab.lan', port: 22, keyType: 'ssh-ed25519', fingerprint: FP } });
    await renderApp({ 'hosts.list': () => [lab] });
    fireEvent.click(within(await screen.findByRole('dialog', { name: 'Verify host key' })).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Verify host key…' }));
    expect(screen.getByRole('dialog', { name: 'Verify host key' })).toBeTruthy();
  });

  it('lists hosts with their auth and removes one after confirming', async () => {
    const k = key({ comment: 'homeport@desk' });
    const nas = host({ name: 'nas', keyId: k.id, hasPassword: true });
    const { bridge } = await renderApp({ 'hosts.list': () => [nas], 'keys.list': () => [k], 'hosts.remove': () => undefined });
    fireEvent.click(screen.getByRole('button', { name: 'Hosts' }));
    const row = screen.getByTestId('host-row');
    expect(row.textContent).toContain('key homeport@desk');
    expect(row.textContent).toContain('password set');
    expect(row.textContent).toContain('Connected (streamlocal)');
    fireEvent.click(within(row).getByRole('button', { name: 'Remove nas' }));
    fireEvent.click(within(screen.getByRole('dialog', { name: 'Remove host nas?' })).getByRole('button', { name: 'Remove' }));
    await waitFor(() => expect(screen.queryByTestId('host-row')).toBeNull());
    expect(bridge.callsOf('hosts.remove')).toEqual([{ id: nas.id }]);
  });

  it('edits a host: an empty password keeps the stored one, "Clear stored password" clears it', async () => {
    const nas = host({ name: 'nas', hasPassword: true });
    const { bridge } = await renderApp({ 'hosts.list': () => [nas], 'hosts.update': ({ host: h }) => ({ ...nas, name: h.name }) });
    fireEvent.click(screen.getByRole('button', { name: 'Hosts' }));
    fireEvent.click(screen.getByRole('button', { name: 'Edit nas' }));
    let dialog = screen.getByRole('dialog', { name: 'Edit host nas' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    fireEvent.click(screen.getByRole('button', { name: 'Edit nas' }));
    dialog = screen.getByRole('dialog', { name: 'Edit host nas' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Clear stored password' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const passwords = bridge.callsOf('hosts.update').map((c) => (c as { host: HostInput }).host.password);
    expect(passwords).toEqual([undefined, '']);
  });

  it('edits the address of a host with a stored password: says it is not sent there and asks for it again', async () => {
    const nas = host({ name: 'nas', hasPassword: true });
    const { bridge } = await renderApp({ 'hosts.list': () => [nas], 'hosts.update': ({ host: h }) => ({ ...nas, name: h.name, hasPassword: false }) });
    fireEvent.click(screen.getByRole('button', { name: 'Hosts' }));
    fireEvent.click(screen.getByRole('button', { name: 'Edit nas' }));
    const dialog = screen.getByRole('dialog', { name: 'Edit host nas' });
    const password = within(dialog).getByLabelText('Password') as HTMLInputElement;
    expect(password.placeholder).toContain('stored');
    type(dialog, 'Address', 'root@nas2.lan');
    expect(within(dialog).getByText(/The stored password was for root@nas\.lan: it is not sent to a new address/)).toBeTruthy();
    expect(password.placeholder).toBe('');
    expect(within(dialog).queryByRole('button', { name: 'Clear stored password' })).toBeNull();
    // Back to the saved address (another spelling of it): the stored password applies again.
    type(dialog, 'Address', 'root@NAS.lan:22');
    expect(password.placeholder).toContain('stored');
    type(dialog, 'Address', 'admin@nas.lan');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(bridge.callsOf('hosts.update').map((c) => (c as { host: HostInput }).host)).toMatchObject([{ address: 'admin@nas.lan', password: undefined }]);
  });

  it('imports hosts from ~/.ssh/config, leaving already added ones unchecked', async () => {
    const { bridge } = await renderApp({
      'hosts.scanSshConfig': () => ({
        path: '/home/me/.ssh/config',
        hosts: [
          { alias: 'nas', hostname: 'nas.lan', user: 'root', port: 22, identityFile: '~/.ssh/id_ed25519', existingHostId: null },
          { alias: 'pi', hostname: '10.0.0.5', user: 'pi', port: 2222, identityFile: null, existingHostId: host({ name: 'pi' }).id },
        ],
        problems: [{ line: 7, message: 'Unknown keyword "Hostnme"' }],
      }),
      'hosts.importSshConfig': () => [host({ name: 'nas' })],
    });
    fireEvent.click(screen.getByRole('button', { name: 'Hosts' }));
    fireEvent.click(screen.getByRole('button', { name: 'Import from ~/.ssh/config' }));
    const dialog = screen.getByRole('dialog', { name: 'Import from ~/.ssh/config' });
    await within(dialog).findByText('pi@10.0.0.5:2222');
    expect((within(dialog).getByLabelText('Import nas') as HTMLInputElement).checked).toBe(true);
    expect((within(dialog).getByLabelText('Import pi') as HTMLInputElement).checked).toBe(false);
    expect(within(dialog).getByText('already added')).toBeTruthy();
    expect(within(dialog).getByTestId('ssh-config-problems').textContent).toContain('line 7: Unknown keyword "Hostnme"');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Import' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(bridge.callsOf('hosts.importSshConfig')).toEqual([{ aliases: ['nas'] }]);
  });
});
