import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HomeportError } from '../../../shared/contract';
import { createKeyFileSecretBox, KEY_FILE_NAME } from './key-file-secret-box';
import { thrownError } from '../test-support/errors';

const posix = process.platform !== 'win32';

describe('createKeyFileSecretBox', () => {
  let root: string;
  let dataDir: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'homeport-keybox-'));
    dataDir = join(root, 'data');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('creates a 32-byte owner-only key file in an owner-only folder', () => {
    const box = createKeyFileSecretBox(dataDir);
    expect(box.kind).toBe('key-file');
    const keyPath = join(dataDir, KEY_FILE_NAME);
    expect(readFileSync(keyPath)).toHaveLength(32);
    if (posix) {
      expect(statSync(keyPath).mode & 0o777).toBe(0o600);
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    }
  });

  it('round-trips, with a fresh IV each time, and across restarts', () => {
    const box = createKeyFileSecretBox(dataDir);
    const plain = Buffer.from('correct horse battery staple \u00e9\u0000\u00ff');
    const a = box.encrypt(plain);
    const b = box.encrypt(plain);
    expect(a.equals(b)).toBe(false);
    expect(a.includes(plain)).toBe(false);
    expect(a[0]).toBe(1);
    expect(a.length).toBe(1 + 12 + 16 + plain.length);
    expect(box.decrypt(a).equals(plain)).toBe(true);
    // A new process reads the same key file.
    expect(createKeyFileSecretBox(dataDir).decrypt(b).equals(plain)).toBe(true);
    expect(box.decrypt(box.encrypt(Buffer.alloc(0)))).toHaveLength(0);
  });

  it('refuses tampered data with a clear error', () => {
    const box = createKeyFileSecretBox(dataDir);
    const sealed = box.encrypt(Buffer.from('secret'));
    for (const at of [1, 13, 29, sealed.length - 1]) {
      const bad = Buffer.from(sealed);
      bad[at]! ^= 0x01;
      expect(() => box.decrypt(bad)).toThrow(/could not be decrypted: it was altered/);
    }
    const badVersion = Buffer.from(sealed);
    badVersion[0] = 2;
    expect(() => box.decrypt(badVersion)).toThrow(/unknown format version/);
    expect(() => box.decrypt(sealed.subarray(0, 20))).toThrow(/too short/);
  });

  it('cannot decrypt what another key sealed', () => {
    const sealed = createKeyFileSecretBox(dataDir).encrypt(Buffer.from('secret'));
    const other = createKeyFileSecretBox(join(root, 'other'));
    expect(() => other.decrypt(sealed)).toThrow(HomeportError);
  });

  it.runIf(posix)('refuses a key file that group or others can read, naming the path and the fix', () => {
    createKeyFileSecretBox(dataDir);
    const keyPath = join(dataDir, KEY_FILE_NAME);
    chmodSync(keyPath, 0o644);
    const err = thrownError(() => createKeyFileSecretBox(dataDir));
    expect(err.message).toContain(keyPath);
    expect(err.message).toContain('644');
    expect(err.fix).toBe(`Run: chmod 600 ${keyPath}`);
    chmodSync(keyPath, 0o600);
    expect(() => createKeyFileSecretBox(dataDir)).not.toThrow();
  });

  it('refuses a damaged key file and a symbolic link', () => {
    createKeyFileSecretBox(dataDir);
    const keyPath = join(dataDir, KEY_FILE_NAME);
    writeFileSync(keyPath, Buffer.alloc(16), { mode: 0o600 });
    expect(() => createKeyFileSecretBox(dataDir)).toThrow(/damaged: it holds 16 bytes/);
    if (posix) {
      rmSync(keyPath);
      const real = join(root, 'real.key');
      writeFileSync(real, Buffer.alloc(32), { mode: 0o600 });
      symlinkSync(real, keyPath);
      expect(() => createKeyFileSecretBox(dataDir)).toThrow(/not a regular file/);
    }
  });
});

describe('a key file missing while secrets are sealed with it', () => {
  let root: string;
  let dataDir: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'homeport-keybox-missing-'));
    dataDir = join(root, 'data');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is not replaced: nothing is sealed or opened, and the error names the file and both ways out', () => {
    const sealed = createKeyFileSecretBox(dataDir).encrypt(Buffer.from('secret'));
    const keyPath = join(dataDir, KEY_FILE_NAME);
    const original = readFileSync(keyPath);
    rmSync(keyPath);
    const box = createKeyFileSecretBox(dataDir, { sealedCount: () => 3 });
    expect(() => statSync(keyPath)).toThrow();
    expect(box.status!()).toEqual({ state: 'missing', keyFile: keyPath, sealed: 3 });
    for (const f of [() => box.encrypt(Buffer.from('x')), () => box.decrypt(sealed)]) {
      const err = thrownError(f);
      expect(err.code).toBe('SETTINGS');
      expect(err.message).toContain(keyPath);
      expect(err.message).toContain('3 secrets');
      expect(err.fix).toMatch(/Check again.*Start over with a new key/);
    }
    // Put back: read again.
    writeFileSync(keyPath, original, { mode: 0o600 });
    box.reload!();
    expect(box.status!()).toEqual({ state: 'ok' });
    expect(box.decrypt(sealed).toString()).toBe('secret');
  });

  it('starts over only when asked, with a new key that cannot open the old secrets', () => {
    const sealed = createKeyFileSecretBox(dataDir).encrypt(Buffer.from('secret'));
    rmSync(join(dataDir, KEY_FILE_NAME));
    const box = createKeyFileSecretBox(dataDir, { sealedCount: () => 1 });
    box.createNewKey!();
    expect(readFileSync(join(dataDir, KEY_FILE_NAME))).toHaveLength(32);
    expect(box.decrypt(box.encrypt(Buffer.from('new'))).toString()).toBe('new');
    expect(() => box.decrypt(sealed)).toThrow(/different key file/);
  });

  it('is created as before when nothing was sealed yet', () => {
    const box = createKeyFileSecretBox(dataDir, { sealedCount: () => 0 });
    expect(box.status!()).toEqual({ state: 'ok' });
    expect(readFileSync(join(dataDir, KEY_FILE_NAME))).toHaveLength(32);
  });
});
