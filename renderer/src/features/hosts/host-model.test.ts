import { describe, expect, it } from 'vitest';
import { HomeportError, KeyId } from '../../../../shared/contract';
import { host, key } from '../../test-support/fixtures';
import { addressError, authSummary, nameError, validationField } from './host-model';
import { hostKeyFile } from './HostKeyDialog';

describe('address validation', () => {
  it('accepts what parseAddress accepts', () => {
    expect(addressError('ssh', 'root@192.168.1.10')).toBeNull();
    expect(addressError('ssh', 'deploy@nas.lan:2222')).toBeNull();
    expect(addressError('ssh', 'root@[::1]:22')).toBeNull();
  });

  it('explains what is wrong', () => {
    expect(addressError('ssh', '')).toMatch(/Enter the SSH address/);
    expect(addressError('ssh', 'nas.lan')).toMatch(/login user/);
    expect(addressError('ssh', 'root@nas:70000')).toMatch(/between 1 and 65535/);
    expect(addressError('ssh', 'root@nas lan')).toMatch(/user@host or user@host:port/);
  });

  it('ignores the address of the local engine', () => {
    expect(addressError('local', '')).toBeNull();
  });

  it('wants a name', () => {
    expect(nameError('  ')).toMatch(/name/);
    expect(nameError('nas')).toBeNull();
  });
});

describe('authSummary', () => {
  it('lists the credentials a host will try', () => {
    const k = key({ comment: 'homeport@desk' });
    const h = host({ name: 'nas', keyId: k.id, identityFile: '~/.ssh/id_ed25519', hasPassword: true });
    expect(authSummary(h, [k])).toEqual(['ssh-agent', 'key homeport@desk', 'identity ~/.ssh/id_ed25519', 'password set']);
    expect(authSummary(host({ name: 'x', useAgent: false, keyId: KeyId('k_gone0000') }), [])).toEqual(['key (removed)']);
    expect(authSummary(host({ name: 'y', useAgent: false }), [])).toEqual(['no credentials']);
    expect(authSummary(host({ name: 'z', kind: 'local' }), [])).toEqual(['local socket']);
  });
});

describe('validationField', () => {
  it('maps details.field of a VALIDATION error to a form field', () => {
    const v = (field: string) => new HomeportError({ code: 'VALIDATION', message: 'bad', details: { field } });
    expect(validationField(v('address'))).toBe('address');
    expect(validationField(v('host.socketPath'))).toBe('socketPath');
    expect(validationField(v('id'))).toBeNull();
    expect(validationField(new HomeportError({ code: 'CONFLICT', message: 'x', details: { field: 'name' } }))).toBeNull();
  });
});

describe('hostKeyFile', () => {
  it('names the server file to compare with', () => {
    expect(hostKeyFile('ssh-ed25519')).toBe('/etc/ssh/ssh_host_ed25519_key.pub');
    expect(hostKeyFile('ecdsa-sha2-nistp256')).toBe('/etc/ssh/ssh_host_ecdsa_key.pub');
    expect(hostKeyFile('ssh-rsa')).toBe('/etc/ssh/ssh_host_rsa_key.pub');
  });
});
