// @vitest-environment happy-dom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { host, key } from '../../test-support/fixtures';
import { EnvelopeError } from '../../test-support/memory-bridge';
import { renderApp, teardownApp } from '../../test-support/render-app';
import { defaultKeyComment } from './GenerateKeyDialog';

afterEach(teardownApp);

const PRIVATE = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';

describe('Keys screen', () => {
  it('lists keys with fingerprint and passphrase tag', async () => {
    const k = key({ comment: 'homeport@desk', hasPassphrase: true });
    await renderApp({ 'keys.list': () => [k] });
    fireEvent.click(screen.getByRole('button', { name: 'Keys' }));
    const row = screen.getByTestId('key-row');
    expect(row.dataset.fingerprint).toBe(k.fingerprint);
    expect(within(row).getByText(k.fingerprint)).toBeTruthy();
    expect(within(row).getByText('has passphrase')).toBeTruthy();
    expect(within(row).getByRole('button', { name: 'Copy public key of homeport@desk' })).toBeTruthy();
  });

  it('imports pasted key text, and clears it when the call returns (even on error)', async () => {
    let attempt = 0;
    const { bridge } = await renderApp({
      'keys.import': (input) => {
        attempt++;
        if (attempt === 1) throw new EnvelopeError({ code: 'KEY_PASSPHRASE', message: 'The key is encrypted; its passphrase is needed.', fix: 'Enter the passphrase.' });
        return key({ comment: input.name });
      },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Keys' }));
    fireEvent.click(screen.getByRole('button', { name: 'Import key' }));
    const dialog = screen.getByRole('dialog', { name: 'Import key' });
    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: 'nas key' } });
    fireEvent.click(within(dialog).getByLabelText('Paste the key'));
    fireEvent.change(within(dialog).getByLabelText('Private key'), { target: { value: PRIVATE } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Import' }));
    await within(dialog).findByText('The key is encrypted; its passphrase is needed.');
    expect((within(dialog).getByLabelText('Private key') as HTMLTextAreaElement).value).toBe('');
    expect(bridge.callsOf('keys.import')).toEqual([{ name: 'nas key', path: null, privateKey: PRIVATE, passphrase: null }]);

    fireEvent.change(within(dialog).getByLabelText('Private key'), { target: { value: PRIVATE } });
    fireEvent.change(within(dialog).getByLabelText('Passphrase'), { target: { value: 'secret' } });
    // Typing takes the last attempt's error away.
    expect(within(dialog).queryByText('The key is encrypted; its passphrase is needed.')).toBeNull();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Import' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(bridge.callsOf('keys.import')[1]).toEqual({ name: 'nas key', path: null, privateKey: PRIVATE, passphrase: 'secret' });
    expect(screen.getByTestId('key-row')).toBeTruthy();
    // Nothing in the page holds the key text any more.
    expect(document.body.innerHTML).not.toContain('b3BlbnNzaC1rZXktdjEAAAAA');
  });

  it('generates an ed25519 key and shows the public line to install', async () => {
    const made = key({ comment: 'homeport@desktop' });
    const { bridge } = await renderApp({ 'keys.generate': () => made });
    fireEvent.click(screen.getByRole('button', { name: 'Keys' }));
    fireEvent.click(screen.getByRole('button', { name: 'Generate ed25519 key' }));
    const dialog = screen.getByRole('dialog', { name: 'Generate ed25519 key' });
    expect((within(dialog).getByLabelText('Comment') as HTMLInputElement).value).toMatch(/^homeport@/);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Generate' }));
    const done = await screen.findByRole('dialog', { name: 'Key generated' });
    expect((within(done).getByLabelText('Public key') as HTMLTextAreaElement).value).toBe(made.publicLine);
    expect(within(done).getByText('Add this line to ~/.ssh/authorized_keys on the server.')).toBeTruthy();
    expect(bridge.callsOf('keys.generate')).toEqual([{ comment: (bridge.callsOf('keys.generate')[0] as { comment: string }).comment, passphrase: null }]);
  });

  it('warns which hosts lose a key before removing it', async () => {
    const k = key({ comment: 'homeport@desk' });
    const { bridge } = await renderApp({ 'keys.list': () => [k], 'hosts.list': () => [host({ name: 'nas', keyId: k.id })], 'keys.remove': () => undefined });
    fireEvent.click(screen.getByRole('button', { name: 'Keys' }));
    fireEvent.click(screen.getByRole('button', { name: 'Remove key homeport@desk' }));
    const dialog = screen.getByRole('dialog', { name: 'Remove key homeport@desk?' });
    expect(dialog.textContent).toMatch(/Host nas uses it and will lose it/);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove' }));
    await waitFor(() => expect(screen.queryByTestId('key-row')).toBeNull());
    expect(bridge.callsOf('keys.remove')).toEqual([{ id: k.id }]);
  });
});

describe('defaultKeyComment', () => {
  it('uses the host name when the page has a meaningful one', () => {
    expect(defaultKeyComment('homebox.lan')).toBe('homeport@homebox');
    expect(defaultKeyComment('127.0.0.1')).toBe('homeport@desktop');
    expect(defaultKeyComment('localhost')).toBe('homeport@desktop');
    expect(defaultKeyComment('')).toBe('homeport@desktop');
  });
});
