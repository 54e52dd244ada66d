import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_PORT, parseHeadlessOptions, UsageError, type HeadlessOptions } from './options';

const defaults = { homeDir: '/home/ann', staticDir: '/app/out/renderer' };
const parse = (argv: string[], env: Record<string, string | undefined> = {}) => parseHeadlessOptions(argv, env, defaults) as HeadlessOptions;

describe('parseHeadlessOptions', () => {
  it('has safe defaults: loopback, 7788, XDG data dir, a fresh random token', () => {
    const a = parse([]);
    expect(a).toMatchObject({ port: DEFAULT_PORT, host: '127.0.0.1', dataDir: '/home/ann/.local/share/homeport', staticDir: '/app/out/renderer', tokenGenerated: true });
    expect(a.token).toMatch(/^[0-9a-f]{64}$/);
    expect(parse([]).token).not.toBe(a.token);
    expect(parse([], { XDG_DATA_HOME: '/data' }).dataDir).toBe('/data/homeport');
    // A relative XDG_DATA_HOME is invalid per the spec and ignored.
    expect(parse([], { XDG_DATA_HOME: 'rel' }).dataDir).toBe('/home/ann/.local/share/homeport');
  });

  it('reads flags before HOMEPORT_* variables', () => {
    const env = { HOMEPORT_PORT: '9000', HOMEPORT_HOST: '::1', HOMEPORT_DATA_DIR: '/env/data', HOMEPORT_TOKEN: 'env-token-0123456789' };
    expect(parse([], env)).toMatchObject({ port: 9000, host: '::1', dataDir: '/env/data', token: 'env-token-0123456789', tokenGenerated: false });
    expect(parse(['--port', '0', '--host', '0.0.0.0', '--data-dir', '/flag/data', '--token', 'flag-token-0123456789', '--static-dir', '/ui'], env)).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      dataDir: '/flag/data',
      token: 'flag-token-0123456789',
      staticDir: '/ui',
    });
    expect(parse(['--port=1234']).port).toBe(1234);
  });

  it('refuses bad values with a usage error', () => {
    for (const argv of [['--port', '70000'], ['--port', 'abc'], ['--port', '-1'], ['--port', '1.5'], ['--token', 'short'], ['--token', 'has spaces in it, long enough'], ['--host', ''], ['--bogus'], ['positional']]) {
      expect(() => parse(argv), argv.join(' ')).toThrow(UsageError);
    }
  });

  it('answers --help', () => {
    expect(parseHeadlessOptions(['--help'], {}, defaults)).toBe('help');
    expect(parseHeadlessOptions(['-h'], {}, defaults)).toBe('help');
  });
});

describe('--token-file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'homeport-token-file-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string, mode = 0o600) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    chmodSync(p, mode);
    return p;
  };
  const refusal = (argv: string[], env: Record<string, string> = {}) => {
    try {
      parse(argv, env);
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      return (e as Error).message;
    }
    throw new Error('expected a usage error');
  };

  it('reads the first line, trimmed, from the flag or HOMEPORT_TOKEN_FILE', () => {
    const p = file('token', '  file-token-0123456789abcdef  \nsecond line ignored\n');
    expect(parse(['--token-file', p])).toMatchObject({ token: 'file-token-0123456789abcdef', tokenGenerated: false });
    expect(parse([], { HOMEPORT_TOKEN_FILE: p })).toMatchObject({ token: 'file-token-0123456789abcdef', tokenGenerated: false });
    // A flag beats the environment; a file given by flag beats HOMEPORT_TOKEN.
    expect(parse(['--token-file', p], { HOMEPORT_TOKEN: 'env-token-0123456789' }).token).toBe('file-token-0123456789abcdef');
    expect(parse(['--token', 'flag-token-0123456789'], { HOMEPORT_TOKEN_FILE: p }).token).toBe('flag-token-0123456789');
  });

  it('refuses a missing, short or empty file, one others can read, and a token given twice — saying how to fix it', () => {
    expect(refusal(['--token-file', join(dir, 'nope')])).toMatch(/Cannot read the token file .*nope.*no such file/i);
    expect(refusal(['--token-file', file('short', 'short\n')])).toMatch(/token in .*short is 5 characters; it must be at least 16/);
    expect(refusal(['--token-file', file('empty', '\n\n')])).toMatch(/first line of .*empty is empty/);
    const loose = file('loose', 'loose-token-0123456789abcdef\n', 0o644);
    expect(refusal(['--token-file', loose])).toMatch(/can be read by other users \(mode 644\).*chmod 600 /);
    expect(refusal(['--token-file', file('group', 'group-token-0123456789abcdef\n', 0o640)])).toMatch(/mode 640/);
    expect(refusal(['--token', 'flag-token-0123456789', '--token-file', file('both', 'file-token-0123456789abcdef\n')])).toMatch(/either with --token or with --token-file, not both/);
  });
});

describe('--allowed-host', () => {
  it('takes names (and name:port) from repeated flags or a comma list in HOMEPORT_ALLOWED_HOSTS', () => {
    expect(parse([]).allowedHosts).toEqual([]);
    expect(parse(['--allowed-host', 'homeport.example.net', '--allowed-host', 'nas.lan:8443']).allowedHosts).toEqual(['homeport.example.net', 'nas.lan:8443']);
    expect(parse([], { HOMEPORT_ALLOWED_HOSTS: 'a.example, b.example:444 ,' }).allowedHosts).toEqual(['a.example', 'b.example:444']);
    expect(() => parse(['--allowed-host', 'http://x.example/'])).toThrow(/--allowed-host takes a host name .* \(got "http:\/\/x.example\/"\)/);
  });
});
