import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HomeportError, KeyId } from '../../../shared/contract';
import { KEYS_STORE_KEY, KeyVault } from './key-vault';
import { MemoryStore, TestSecretBox } from '../test-support/memory-store';

let dir: string;
const files: Record<string, { pem: string; pub: string; fp: string }> = {};

function keygen(name: string, args: string[]) {
  const f = join(dir, name);
  execFileSync('ssh-keygen', ['-q', ...args, '-f', f]);
  const fp = execFileSync('ssh-keygen', ['-lf', f + '.pub'], { encoding: 'utf8' }).split(' ')[1]!;
  files[name] = { pem: readFileSync(f, 'utf8'), pub: readFileSync(f + '.pub', 'utf8').trim(), fp };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hp-kv-'));
  keygen('ed', ['-t', 'ed25519', '-N', '', '-C', 'ed@test']);
  keygen('edpass', ['-t', 'ed25519', '-N', 'secret phrase', '-C', 'edpass@test']);
  keygen('rsapem', ['-t', 'rsa', '-b', '2048', '-m', 'PEM', '-N', 'pem-pass', '-C', 'rsa@test']);
  keygen('ecdsa', ['-t', 'ecdsa', '-N', '', '-C', 'ec@test']);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function vault() {
  const store = new MemoryStore();
  return { store, vault: new KeyVault(store, new TestSecretBox()) };
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(HomeportError);
    return (e as HomeportError).code;
  }
  return undefined;
}

describe('KeyVault.import', () => {
  it('imports OpenSSH ed25519, passphrase ed25519, legacy PEM RSA and ECDSA keys', () => {
    const { vault: v } = vault();
    const cases = [
      ['ed', null, 'ssh-ed25519', false],
      ['edpass', 'secret phrase', 'ssh-ed25519', true],
      ['rsapem', 'pem-pass', 'ssh-rsa', true],
      ['ecdsa', null, 'ecdsa-sha2-nistp256', false],
    ] as const;
    for (const [name, pass, type, hasPass] of cases) {
      const info = v.import({ name: `my ${name}`, pem: files[name]!.pem, passphrase: pass });
      expect(info.id).toMatch(/^k_[A-Za-z0-9_-]{4,40}$/);
      expect(info.type).toBe(type);
      expect(info.fingerprint).toBe(files[name]!.fp);
      expect(info.hasPassphrase).toBe(hasPass);
      expect(info.comment).toBe(`my ${name}`);
      // the public line is the .pub file's key with our comment
      expect(info.publicLine).toBe(files[name]!.pub.split(' ').slice(0, 2).join(' ') + ` my ${name}`);
      const m = v.material(info.id);
      expect(m.passphrase).toBe(pass);
      expect(m.privateKey.toString()).toBe(files[name]!.pem);
    }
    expect(v.list().map((k) => k.type)).toEqual(['ssh-ed25519', 'ssh-ed25519', 'ssh-rsa', 'ecdsa-sha2-nistp256']);
  });

  it("uses the key's own comment when no name is given; tolerates CRLF and indentation", () => {
    const { vault: v } = vault();
    const pasted = files.ed!.pem.replace(/\n/g, '\r\n').split('\r\n').map((l) => '  ' + l).join('\r\n');
    const info = v.import({ name: '  ', pem: pasted, passphrase: null });
    expect(info.comment).toBe('ed@test');
    expect(info.fingerprint).toBe(files.ed!.fp);
  });

  it('ignores a passphrase given for an unencrypted key', () => {
    const { vault: v } = vault();
    const info = v.import({ name: 'x', pem: files.ed!.pem, passphrase: 'unused' });
    expect(info.hasPassphrase).toBe(false);
    expect(v.material(info.id).passphrase).toBeNull();
  });

  it('KEY_PASSPHRASE for a missing or wrong passphrase', () => {
    const { vault: v } = vault();
    expect(codeOf(() => v.import({ name: 'x', pem: files.edpass!.pem, passphrase: null }))).toBe('KEY_PASSPHRASE');
    expect(codeOf(() => v.import({ name: 'x', pem: files.edpass!.pem, passphrase: '' }))).toBe('KEY_PASSPHRASE');
    expect(codeOf(() => v.import({ name: 'x', pem: files.edpass!.pem, passphrase: 'nope' }))).toBe('KEY_PASSPHRASE');
    expect(codeOf(() => v.import({ name: 'x', pem: files.rsapem!.pem, passphrase: null }))).toBe('KEY_PASSPHRASE');
    expect(codeOf(() => v.import({ name: 'x', pem: files.rsapem!.pem, passphrase: 'nope' }))).toBe('KEY_PASSPHRASE');
    try {
      v.import({ name: 'laptop', pem: files.edpass!.pem, passphrase: null });
    } catch (e) {
      expect((e as HomeportError).message).toBe('This key is protected by a passphrase (laptop).');
      expect((e as HomeportError).fix).toMatch(/passphrase/);
    }
    try {
      v.import({ name: 'laptop', pem: files.edpass!.pem, passphrase: 'hunter2-wrong' });
    } catch (e) {
      expect(JSON.stringify((e as HomeportError).toInfo())).not.toContain('hunter2');
    }
    expect(v.list()).toEqual([]);
  });

  it('KEY_INVALID for a public key, garbage, or an unsupported format', () => {
    const { vault: v } = vault();
    expect(codeOf(() => v.import({ name: 'x', pem: files.ed!.pub, passphrase: null }))).toBe('KEY_INVALID');
    expect(codeOf(() => v.import({ name: 'x', pem: 'hello', passphrase: null }))).toBe('KEY_INVALID');
    expect(codeOf(() => v.import({ name: 'x', pem: '', passphrase: null }))).toBe('KEY_INVALID');
    const pkcs8 = execFileSync('openssl', ['genpkey', '-algorithm', 'ed25519'], { encoding: 'utf8' });
    expect(codeOf(() => v.import({ name: 'x', pem: pkcs8, passphrase: null }))).toBe('KEY_INVALID');
    try {
      v.import({ name: 'x', pem: files.ed!.pub, passphrase: null });
    } catch (e) {
      expect((e as HomeportError).message).toMatch(/public key, not a private key/);
    }
  });

  it('CONFLICT when the same key is imported twice', () => {
    const { vault: v } = vault();
    v.import({ name: 'a', pem: files.ed!.pem, passphrase: null });
    expect(codeOf(() => v.import({ name: 'b', pem: files.ed!.pem, passphrase: null }))).toBe('CONFLICT');
  });
});

describe('KeyVault.generate', () => {
  it('generates an ed25519 key OpenSSH can read, without passphrase', () => {
    const { vault: v } = vault();
    const info = v.generate({ comment: 'homeport@laptop', passphrase: null });
    expect(info.type).toBe('ssh-ed25519');
    expect(info.hasPassphrase).toBe(false);
    expect(info.publicLine).toMatch(/^ssh-ed25519 AAAA[A-Za-z0-9+/=]+ homeport@laptop$/);
    const f = join(dir, 'gen-plain');
    writeFileSync(f, v.material(info.id).privateKey, { mode: 0o600 });
    const pubFromOpenSSH = execFileSync('ssh-keygen', ['-y', '-f', f], { encoding: 'utf8' }).trim();
    expect(pubFromOpenSSH.split(' ').slice(0, 2)).toEqual(info.publicLine.split(' ').slice(0, 2));
    writeFileSync(f + '.pub', info.publicLine + '\n');
    expect(execFileSync('ssh-keygen', ['-lf', f + '.pub'], { encoding: 'utf8' }).split(' ')[1]).toBe(info.fingerprint);
  });

  it('generates a passphrase-protected key (aes256-ctr) OpenSSH can unlock', () => {
    const { vault: v } = vault();
    const info = v.generate({ comment: 'with pass', passphrase: 'correct horse' });
    expect(info.hasPassphrase).toBe(true);
    const m = v.material(info.id);
    expect(m.passphrase).toBe('correct horse');
    const f = join(dir, 'gen-pass');
    writeFileSync(f, m.privateKey, { mode: 0o600 });
    expect(() => execFileSync('ssh-keygen', ['-y', '-P', '', '-f', f], { stdio: 'pipe' })).toThrow();
    const pub = execFileSync('ssh-keygen', ['-y', '-P', 'correct horse', '-f', f], { encoding: 'utf8' }).trim();
    expect(pub.split(' ')[1]).toBe(info.publicLine.split(' ')[1]);
    expect(Buffer.from(m.privateKey.toString().split('\n').slice(1, -2).join(''), 'base64').toString('latin1')).toContain('aes256-ctr');
  });
  it('never hands out a malformed key: 1,500 generated keys are all whole ed25519 keys', () => {
    // ssh2's encoder drops leading zero bytes of the key material, so about one key in three
    // hundred came out malformed ("A freshly generated key could not be read back").
    for (let i = 0; i < 1500; i++) {
      const { vault: v } = vault();
      const info = v.generate({ comment: 'many', passphrase: null });
      // An ed25519 public blob is always 51 bytes: string "ssh-ed25519" (4 + 11) and 32 key bytes (4 + 32).
      expect(Buffer.from(info.publicLine.split(' ')[1]!, 'base64').length).toBe(51);
    }
  });
});

describe('KeyVault storage', () => {
  it('keeps nothing secret in clear text', () => {
    const { vault: v, store } = vault();
    v.import({ name: 'a', pem: files.edpass!.pem, passphrase: 'secret phrase' });
    v.generate({ comment: 'g', passphrase: 'another secret' });
    const disk = store.dump();
    expect(disk).not.toContain('secret phrase');
    expect(disk).not.toContain('another secret');
    expect(disk).not.toContain('PRIVATE KEY');
    expect(disk).not.toContain(files.edpass!.pem.split('\n')[1]);
    const stored = store.get(KEYS_STORE_KEY) as Array<Record<string, unknown>>;
    expect(Object.keys(stored[0]!).sort()).toEqual(
      ['comment', 'createdAt', 'fingerprint', 'hasPassphrase', 'id', 'publicLine', 'sealed', 'type'].sort(),
    );
    // list() never exposes the sealed blob
    expect(Object.keys(v.list()[0]!)).not.toContain('sealed');
  });

  it('remove and material of an unknown id are NOT_FOUND; undecryptable material is KEY_INVALID', () => {
    const { vault: v, store } = vault();
    const info = v.generate({ comment: 'x', passphrase: null });
    expect(v.get(info.id).fingerprint).toBe(info.fingerprint);
    expect(codeOf(() => v.material(KeyId('k_nope1234')))).toBe('NOT_FOUND');
    expect(codeOf(() => v.remove(KeyId('k_nope1234')))).toBe('NOT_FOUND');
    // another computer's SecretBox cannot open it
    const other = new KeyVault(store, new TestSecretBox());
    expect(codeOf(() => other.material(info.id))).toBe('KEY_INVALID');
    v.remove(info.id);
    expect(v.list()).toEqual([]);
  });
});
