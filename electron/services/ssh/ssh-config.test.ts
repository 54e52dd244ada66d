import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HomeportError } from '../../../shared/contract';
import { parseSshConfig, readSshConfig } from './ssh-config';

const HOME = '/home/ann';
const parse = (text: string) => parseSshConfig(text, HOME);
const host = (text: string, alias: string) => parse(text).hosts.find((h) => h.alias === alias);

describe('parseSshConfig', () => {
  it('reads a typical config', () => {
    const r = parse(`
# my servers
Host nas
  HostName 192.168.1.20
  User admin
  Port 2222
  IdentityFile ~/.ssh/id_nas

Host web1 web2
    hostname web.example.org
`);
    expect(r.problems).toEqual([]);
    expect(r.hosts).toEqual([
      { alias: 'nas', hostname: '192.168.1.20', user: 'admin', port: 2222, identityFile: '/home/ann/.ssh/id_nas' },
      { alias: 'web1', hostname: 'web.example.org', user: null, port: 22, identityFile: null },
      { alias: 'web2', hostname: 'web.example.org', user: null, port: 22, identityFile: null },
    ]);
  });

  it('defaults the hostname to the alias and skips pattern hosts', () => {
    const r = parse('Host box *.lan !bad db?\n  User me\nHost *\n  Port 2200\n');
    expect(r.hosts).toEqual([{ alias: 'box', hostname: 'box', user: 'me', port: 2200, identityFile: null }]);
  });

  it('keyword=value, quotes, case-insensitive keywords, trailing comments', () => {
    const r = parse(
      [
        'HOST="alpha"',
        '  HostName = alpha.example.org',
        '  USER=root # the admin',
        '  port=2201',
        '  IdentityFile "~/My Keys/id alpha"',
      ].join('\n'),
    );
    expect(r.problems).toEqual([]);
    expect(r.hosts).toEqual([
      { alias: 'alpha', hostname: 'alpha.example.org', user: 'root', port: 2201, identityFile: '/home/ann/My Keys/id alpha' },
    ]);
  });

  it('first value wins, and Host * blocks apply as OpenSSH applies them', () => {
    const text = [
      'Host *',
      '  User everyone', // before the specific block: wins over it, as in OpenSSH
      'Host a',
      '  User alice',
      '  Port 2001',
      '  IdentityFile ~/.ssh/first',
      '  IdentityFile ~/.ssh/second',
      'Host b',
      '  HostName b.example.org',
      'Host *',
      '  Port 2999', // after: fills only what is unset
      '  IdentityFile ~/.ssh/default',
    ].join('\n');
    expect(host(text, 'a')).toEqual({ alias: 'a', hostname: 'a', user: 'everyone', port: 2001, identityFile: '/home/ann/.ssh/first' });
    expect(host(text, 'b')).toEqual({
      alias: 'b',
      hostname: 'b.example.org',
      user: 'everyone',
      port: 2999,
      identityFile: '/home/ann/.ssh/default',
    });
  });

  it('lines before the first Host apply to all; negated patterns exclude', () => {
    const text = 'User top\nHost * !special\n  Port 2022\nHost special other\n  HostName s.lan\n';
    expect(host(text, 'special')).toMatchObject({ user: 'top', port: 22, hostname: 's.lan' });
    expect(host(text, 'other')).toMatchObject({ user: 'top', port: 2022, hostname: 's.lan' });
  });

  it('expands ~, %d, %u, %h, %r, %% in IdentityFile and %h in HostName', () => {
    const me = userInfo().username;
    const text = [
      'Host x',
      '  HostName %h.example.org',
      '  User bob',
      '  IdentityFile %d/.ssh/%u-%h-%r-100%%',
    ].join('\n');
    expect(host(text, 'x')).toMatchObject({
      hostname: 'x.example.org',
      identityFile: `/home/ann/.ssh/${me}-x.example.org-bob-100%`,
    });
    expect(host('Host y\n  IdentityFile none\n', 'y')!.identityFile).toBeNull();
  });

  it('skips Match blocks until the next Host, without a problem', () => {
    const r = parse('Match host foo exec "true"\n  User matched\n  Port 1\nHost foo\n  HostName foo.lan\n');
    expect(r.problems).toEqual([]);
    expect(r.hosts).toEqual([{ alias: 'foo', hostname: 'foo.lan', user: null, port: 22, identityFile: null }]);
  });

  it('reports problems with line numbers and never throws', () => {
    const r = parse(
      [
        'Include ~/.ssh/config.d/*', // 1
        'Host a', // 2
        '  Port 99999', // 3
        '  Port abc', // 4
        '  HostName', // 5
        '  Hostnme a.lan', // 6
        '  User "unterminated', // 7
        '  ProxyJump bastion', // 8
        '  = nothing', // 9
        '  Port 22 23', // 10
        '  IdentityFile keys/id', // 11
        'Host', // 12
        '  Port 0', // 13: inside the ignored block
      ].join('\n'),
    );
    const lines = r.problems.map((p) => p.line);
    expect(lines).toEqual([1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(r.problems[9]!.message).toMatch(/reads it from your home folder/);
    expect(r.problems[10]!.message).toMatch(/Host needs at least one name/);
    expect(r.problems[0]!.message).toMatch(/Include is not followed/);
    expect(r.problems[1]!.message).toMatch(/Port must be a number from 1 to 65535, not "99999"/);
    expect(r.problems[4]!.message).toMatch(/Unknown keyword "Hostnme"/);
    expect(r.problems[5]!.message).toMatch(/unterminated quote/);
    expect(r.problems[6]!.message).toMatch(/ProxyJump is not supported/);
    expect(r.hosts).toEqual([{ alias: 'a', hostname: 'a', user: null, port: 22, identityFile: '/home/ann/keys/id' }]);
    // garbage in, no throw
    expect(() => parse('\u0000\u0001 \n"\n=\n== ==\n\t\t\nHost \u00e9\n')).not.toThrow();
  });

  it('honours IgnoreUnknown', () => {
    const r = parse('IgnoreUnknown UseFancy*,Other\nHost a\n  UseFancyThing yes\n  Other 1\n  Third 1\n');
    expect(r.problems.map((p) => p.line)).toEqual([5]);
  });

  it('accepts real-world keywords without complaint', () => {
    const r = parse(
      'Host *\n  AddKeysToAgent yes\n  UseKeychain yes\n  ServerAliveInterval 30\n  ControlMaster auto\n  ControlPath ~/.ssh/cm-%r@%h:%p\n  StrictHostKeyChecking accept-new\n',
    );
    expect(r.problems).toEqual([]);
    expect(r.hosts).toEqual([]);
  });
});

describe('readSshConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hp-sshcfg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('returns an empty result for a missing file', async () => {
    const p = join(dir, 'missing');
    expect(await readSshConfig(p, HOME)).toEqual({ path: p, hosts: [], problems: [] });
  });

  it('parses an existing file', async () => {
    const p = join(dir, 'config');
    writeFileSync(p, 'Host a\n  HostName a.lan\n');
    const r = await readSshConfig(p, HOME);
    expect(r.path).toBe(p);
    expect(r.hosts.map((h) => h.hostname)).toEqual(['a.lan']);
  });

  it('turns other read errors into SSH_CONFIG', async () => {
    await expect(readSshConfig(dir, HOME)).rejects.toMatchObject({ code: 'SSH_CONFIG' });
    const p = join(dir, 'locked');
    writeFileSync(p, 'Host a\n');
    chmodSync(p, 0o000);
    if (process.getuid?.() !== 0) {
      const e = await readSshConfig(p, HOME).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(HomeportError);
      expect((e as HomeportError).code).toBe('SSH_CONFIG');
    }
  });
});
