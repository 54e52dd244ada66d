import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HomeportError } from '../../../shared/contract';
import {
  fingerprintOf,
  KNOWN_HOSTS_STORE_KEY,
  KnownHosts,
  keyTypeOf,
  matchPattern,
  matchPatternList,
  parseKnownHosts,
} from './known-hosts';
import { MemoryStore } from '../test-support/memory-store';
import { thrownError } from '../test-support/errors';

interface TestKey {
  line: string; // "type base64 comment"
  type: string;
  blob: Buffer;
  pubFile: string;
}

let dir: string;
let edA: TestKey;
let edB: TestKey;
let ecC: TestKey;

function makeKey(name: string, type: 'ed25519' | 'ecdsa'): TestKey {
  const f = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', name, '-f', f]);
  const line = readFileSync(f + '.pub', 'utf8').trim();
  const [t, b64] = line.split(' ');
  return { line, type: t!, blob: Buffer.from(b64!, 'base64'), pubFile: f + '.pub' };
}
const pub = (k: TestKey) => `${k.type} ${k.blob.toString('base64')}`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hp-kh-'));
  edA = makeKey('a', 'ed25519');
  edB = makeKey('b', 'ed25519');
  ecC = makeKey('c', 'ecdsa');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function knownHostsWith(text: string): KnownHosts {
  const f = join(dir, `kh-${Math.random().toString(36).slice(2)}`);
  writeFileSync(f, text);
  return new KnownHosts({ store: new MemoryStore(), userKnownHostsFile: f });
}

describe('fingerprintOf', () => {
  it('matches ssh-keygen -lf', () => {
    for (const k of [edA, ecC]) {
      const out = execFileSync('ssh-keygen', ['-lf', k.pubFile], { encoding: 'utf8' });
      expect(out.split(' ')[1]).toBe(fingerprintOf(k.blob));
    }
    expect(fingerprintOf(edA.blob)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
  it('reads the key type from the blob', () => {
    expect(keyTypeOf(edA.blob)).toBe('ssh-ed25519');
    expect(keyTypeOf(ecC.blob)).toBe('ecdsa-sha2-nistp256');
    expect(keyTypeOf(Buffer.from([0, 0, 0]))).toBeNull();
    expect(keyTypeOf(Buffer.from([0xff, 0, 0, 1, 65]))).toBeNull();
  });
});

describe('patterns', () => {
  it('globs like OpenSSH match_pattern', () => {
    expect(matchPattern('web1.example.com', '*.example.com')).toBe(true);
    expect(matchPattern('example.com', '*.example.com')).toBe(false);
    expect(matchPattern('web1', 'web?')).toBe(true);
    expect(matchPattern('web12', 'web?')).toBe(false);
    expect(matchPattern('[10.0.0.1]:2222', '[10.0.0.*]:2222')).toBe(true);
    expect(matchPattern('abc', '*')).toBe(true);
    expect(matchPattern('aXbXc', 'a*b*c')).toBe(true);
  });
  it('negation wins over any positive match', () => {
    expect(matchPatternList('web1.lan', '*.lan,!db*.lan')).toBe(true);
    expect(matchPatternList('db1.lan', '*.lan,!db*.lan')).toBe(false);
    expect(matchPatternList('db1.lan', '!db*.lan')).toBe(false);
    expect(matchPatternList('WEB1.LAN', 'web1.lan')).toBe(true);
  });
});

describe('KnownHosts with the user known_hosts file', () => {
  it('plain, comma lists and [host]:port', () => {
    const kh = knownHostsWith(
      [
        '# comment',
        `server1,192.168.1.10 ${pub(edA)}`,
        `[127.0.0.1]:2222 ${pub(edB)}`,
        `127.0.0.1 ${pub(ecC)}`,
      ].join('\n'),
    );
    expect(kh.check('server1', 22, edA.blob)).toEqual({ verdict: 'trusted' });
    expect(kh.check('192.168.1.10', 22, edA.blob)).toEqual({ verdict: 'trusted' });
    expect(kh.check('SERVER1', 22, edA.blob)).toEqual({ verdict: 'trusted' });
    // the port matters: [127.0.0.1]:2222 is a different entry from 127.0.0.1
    expect(kh.check('127.0.0.1', 2222, edB.blob)).toEqual({ verdict: 'trusted' });
    expect(kh.check('server1', 2222, edA.blob).verdict).toBe('unknown');
    expect(kh.check('127.0.0.1', 22, ecC.blob)).toEqual({ verdict: 'trusted' });
  });

  it('hashed entries (written by ssh-keygen -H)', () => {
    const f = join(dir, 'kh-hashed');
    writeFileSync(f, `server1 ${pub(edA)}\n[127.0.0.1]:2222 ${pub(edB)}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', f], { stdio: 'ignore' });
    const text = readFileSync(f, 'utf8');
    expect(text).toMatch(/^\|1\|/m);
    expect(text).not.toContain('server1');
    const kh = new KnownHosts({ store: new MemoryStore(), userKnownHostsFile: f });
    expect(kh.check('server1', 22, edA.blob)).toEqual({ verdict: 'trusted' });
    expect(kh.check('127.0.0.1', 2222, edB.blob)).toEqual({ verdict: 'trusted' });
    expect(kh.check('server2', 22, edA.blob).verdict).toBe('unknown');
    const changed = kh.check('server1', 22, edB.blob);
    expect(changed).toMatchObject({ verdict: 'changed', expected: [fingerprintOf(edA.blob)] });
  });

  it('wildcards and negation', () => {
    const kh = knownHostsWith(`*.lan,!db?.lan ${pub(edA)}\n`);
    expect(kh.check('web.lan', 22, edA.blob)).toEqual({ verdict: 'trusted' });
    expect(kh.check('db1.lan', 22, edA.blob).verdict).toBe('unknown');
  });

  it('a different key of the same type is "changed"; only other types remembered is "unknown", naming the known keys', () => {
    const kh = knownHostsWith(`server1 ${pub(edA)}\n`);
    expect(kh.check('server1', 22, edB.blob)).toEqual({
      verdict: 'changed',
      keyType: 'ssh-ed25519',
      fingerprint: fingerprintOf(edB.blob),
      expected: [fingerprintOf(edA.blob)],
    });
    expect(kh.check('server1', 22, ecC.blob)).toEqual({
      verdict: 'unknown',
      keyType: 'ecdsa-sha2-nistp256',
      fingerprint: fingerprintOf(ecC.blob),
      known: [{ keyType: 'ssh-ed25519', fingerprint: fingerprintOf(edA.blob) }],
    });
    expect(kh.knownKeyTypes('server1', 22)).toEqual(['ssh-ed25519']);
    expect(kh.knownKeyTypes('server2', 22)).toEqual([]);
  });

  it('@revoked refuses the key even if another line trusts it; @cert-authority is ignored', () => {
    const kh = knownHostsWith(`@revoked * ${pub(edA)}\nserver1 ${pub(edA)}\n@cert-authority server2 ${pub(edB)}\n`);
    expect(kh.check('server1', 22, edA.blob)).toMatchObject({ verdict: 'changed', revoked: true, expected: [] });
    expect(kh.check('server2', 22, edB.blob).verdict).toBe('unknown');
  });

  it('ignores malformed lines and a missing file', () => {
    const kh = knownHostsWith(
      [
        'garbage',
        'server1 ssh-ed25519',
        'server1 ssh-ed25519 !!!notbase64',
        `server1 ssh-rsa ${edB.blob.toString('base64')}`, // type does not match the blob
        'server1 2048 35 1234567', // SSH1 RSA
        '|1|bad|hash ssh-ed25519 AAAA',
        `server1 ${pub(edA)}`,
      ].join('\n'),
    );
    expect(kh.check('server1', 22, edA.blob)).toEqual({ verdict: 'trusted' });
    expect(kh.check('server1', 22, edB.blob).verdict).toBe('changed');
    const none = new KnownHosts({ store: new MemoryStore(), userKnownHostsFile: join(dir, 'does-not-exist') });
    expect(none.check('server1', 22, edA.blob).verdict).toBe('unknown');
    expect(parseKnownHosts('\n\n  \n', 'x')).toEqual([]);
  });
});

describe('KnownHosts own store', () => {
  it('accept stores OpenSSH-style host names, then trusts', () => {
    const store = new MemoryStore();
    const kh = new KnownHosts({ store, userKnownHostsFile: null });
    expect(kh.check('Example.org', 2222, edA.blob).verdict).toBe('unknown');
    kh.accept('Example.org', 2222, edA.blob);
    kh.accept('example.org', 22, ecC.blob);
    const stored = store.get(KNOWN_HOSTS_STORE_KEY) as Array<Record<string, unknown>>;
    expect(stored.map((e) => [e.host, e.keyType])).toEqual([
      ['[example.org]:2222', 'ssh-ed25519'],
      ['example.org', 'ecdsa-sha2-nistp256'],
    ]);
    expect(stored[0]!.key).toBe(edA.blob.toString('base64'));
    expect(typeof stored[0]!.addedAt).toBe('number');
    expect(kh.check('example.org', 2222, edA.blob)).toEqual({ verdict: 'trusted' });
    expect(kh.check('example.org', 22, edA.blob).verdict).toBe('unknown');
    // accepting twice does not duplicate
    kh.accept('example.org', 2222, edA.blob);
    expect(kh.list()).toHaveLength(2);
  });

  it('never replaces a remembered key silently; forget first', () => {
    const kh = new KnownHosts({ store: new MemoryStore(), userKnownHostsFile: null });
    kh.accept('h', 2222, edA.blob);
    expect(kh.check('h', 2222, edB.blob)).toMatchObject({ verdict: 'changed', expected: [fingerprintOf(edA.blob)] });
    const err = thrownError(() => kh.accept('h', 2222, edB.blob));
    expect(err.code).toBe('HOSTKEY_CHANGED');
    expect(err.fix).toContain("ssh-keygen -R '[h]:2222'");
    expect(kh.forget('h', 2222)).toBe(1);
    kh.accept('h', 2222, edB.blob);
    expect(kh.check('h', 2222, edB.blob)).toEqual({ verdict: 'trusted' });
  });

  it('a key in the user file conflicts with an accept too', () => {
    const f = join(dir, 'kh-conflict');
    writeFileSync(f, `h ${pub(edA)}\n`);
    const kh = new KnownHosts({ store: new MemoryStore(), userKnownHostsFile: f });
    expect(() => kh.accept('h', 22, edB.blob)).toThrow(/different key is remembered/);
  });

  it('acceptFingerprint accepts only a key that was presented as unknown', () => {
    const kh = new KnownHosts({ store: new MemoryStore(), userKnownHostsFile: null });
    expect(() => kh.acceptFingerprint('h', 22, fingerprintOf(edA.blob))).toThrow(HomeportError);
    expect(kh.check('h', 22, edA.blob).verdict).toBe('unknown');
    expect(() => kh.acceptFingerprint('h', 22, fingerprintOf(edB.blob))).toThrow(/has not presented/);
    kh.acceptFingerprint('h', 22, fingerprintOf(edA.blob));
    expect(kh.check('h', 22, edA.blob)).toEqual({ verdict: 'trusted' });
  });

  it('ignores malformed store content', () => {
    const store = new MemoryStore();
    store.set(KNOWN_HOSTS_STORE_KEY, [null, 3, { host: 'h' }, { host: 'h', keyType: 'ssh-rsa', key: edA.blob.toString('base64') }]);
    const kh = new KnownHosts({ store, userKnownHostsFile: null });
    expect(kh.check('h', 22, edA.blob).verdict).toBe('unknown');
  });
});
