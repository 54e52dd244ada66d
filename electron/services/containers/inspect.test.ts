import { describe, expect, it } from 'vitest';
import { portLink } from './inspect';
import { isSecretEnv, splitEnv } from './secret-env';

describe('secret-looking env', () => {
  it('masks by name and by a URL carrying a password', () => {
    for (const n of ['DB_PASSWORD', 'MYSQL_ROOT_PASSWD', 'GITHUB_TOKEN', 'APP_SECRET', 'AWS_SECRET_ACCESS_KEY', 'API_KEY', 'GOOGLE_CREDENTIALS', 'private_key_file', 'BASIC_AUTH']) {
      expect(isSecretEnv(n, 'x'), n).toBe(true);
    }
    for (const n of ['PATH', 'TZ', 'PUID', 'HOME', 'NODE_ENV', 'LANG']) expect(isSecretEnv(n, '/usr/bin'), n).toBe(false);
    expect(isSecretEnv('DATABASE_URL', 'postgres://app:hunter2@db:5432/app')).toBe(true);
    expect(isSecretEnv('HOMEPAGE', 'https://example.org/a@b')).toBe(false);
  });
  it('splits at the first =', () => {
    expect(splitEnv('A=b=c')).toEqual(['A', 'b=c']);
    expect(splitEnv('BARE')).toEqual(['BARE', '']);
  });
});

describe('port links', () => {
  const remote = { kind: 'ssh' as const, hostname: 'nas.lan' };
  it('links a port published on every address to the host SSH name', () => {
    expect(portLink('0.0.0.0', 8080, 80, 'tcp', remote)).toEqual({ url: 'http://nas.lan:8080/', note: null });
    expect(portLink('', 8443, 443, 'tcp', remote).url).toBe('https://nas.lan:8443/');
    expect(portLink('0.0.0.0', 8080, 80, 'tcp', { kind: 'ssh', hostname: 'fd00::5' }).url).toBe('http://[fd00::5]:8080/');
    expect(portLink('0.0.0.0', 8080, 80, 'tcp', { kind: 'local', hostname: 'ignored' }).url).toBe('http://localhost:8080/');
  });
  it('no link for the remote host loopback, nor for UDP; a specific address is used as is', () => {
    expect(portLink('127.0.0.1', 8080, 80, 'tcp', remote)).toEqual({ url: null, note: expect.stringMatching(/loopback/) });
    expect(portLink('0.0.0.0', 53, 53, 'udp', remote).url).toBeNull();
    expect(portLink('10.1.2.3', 8080, 80, 'tcp', remote).url).toBe('http://10.1.2.3:8080/');
    // The lab: sshd on this machine's loopback, so the host's loopback is reachable too.
    expect(portLink('127.0.0.1', 18082, 8080, 'tcp', { kind: 'ssh', hostname: '127.0.0.1' }).url).toBe('http://127.0.0.1:18082/');
  });
});
