import { describe, expect, it } from 'vitest';
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
