import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HomeportError } from '../../../shared/contract';
import type { SecretBox } from './platform';

/**
 * The headless SecretBox: AES-256-GCM with a random 32-byte key kept in `<dataDir>/secret.key`.
 * It protects secrets at rest against a copied settings file or backup, not against someone who
 * can read the key file too; so the key file is owner-only (0600, in a 0700 folder), and a key
 * file that group or others can read is refused rather than used (the way OpenSSH refuses a
 * private key with loose permissions).
 *
 * Sealed format: version (1 byte) | IV (12 bytes, random per message) | GCM tag (16) | ciphertext.
 * The version byte is authenticated as additional data, so it cannot be swapped either.
 *
 * A missing key file is created only when nothing was sealed yet (`sealedCount` says). When the
 * settings hold sealed secrets, a new key would make every one of them unreadable for good, so the
 * box stays without a key (status `missing`: sealing and opening are refused, naming the file)
 * until the user puts the file back (`reload`) or chooses to start over (`createNewKey`).
 */

export const KEY_FILE_NAME = 'secret.key';
const KEY_BYTES = 32;
const FORMAT_V1 = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;

export interface KeyFileSecretBoxOptions {
  /** How many secrets the settings hold sealed (with some key); default: none. */
  sealedCount?: () => number;
}

export function createKeyFileSecretBox(dataDir: string, opts: KeyFileSecretBoxOptions = {}): SecretBox {
  const keyPath = join(dataDir, KEY_FILE_NAME);
  const sealedCount = opts.sealedCount ?? (() => 0);
  // 0700: the folder holds the key and the encrypted vault (mode is ignored if it already exists).
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  let key: Buffer | null = readKeyFile(keyPath) ?? (sealedCount() > 0 ? null : createKey(dataDir, keyPath));

  const missing = (): HomeportError => {
    const n = sealedCount();
    return new HomeportError({
      code: 'SETTINGS',
      message: `Homeport's key file ${keyPath} is missing, and your settings hold ${n} ${n === 1 ? 'secret' : 'secrets'} sealed with it (passwords, keys, tokens). Nothing is sealed or opened without it.`,
      fix: `Put the file back (from a backup) and choose "Check again", or choose "Start over with a new key" (the secrets sealed with the old one then have to be entered again).`,
      details: { keyFile: keyPath },
    });
  };
  const current = (): Buffer => {
    if (!key) throw missing();
    return key;
  };

  return {
    kind: 'key-file',
    keyFile: keyPath,
    status: () => (key ? { state: 'ok' } : { state: 'missing', keyFile: keyPath, sealed: sealedCount() }),
    reload() {
      // A key file deleted while running: the key in memory still opens what it sealed.
      key = readKeyFile(keyPath) ?? key;
    },
    createNewKey() {
      key = readKeyFile(keyPath) ?? createKey(dataDir, keyPath);
    },
    encrypt(plain: Buffer): Buffer {
      const key = current();
      const iv = randomBytes(IV_BYTES);
      const version = Buffer.from([FORMAT_V1]);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(version);
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      return Buffer.concat([version, iv, cipher.getAuthTag(), body]);
    },
    decrypt(sealed: Buffer): Buffer {
      const key = current();
      if (sealed.length < HEADER_BYTES || sealed[0] !== FORMAT_V1) {
        throw unreadable(keyPath, sealed.length < HEADER_BYTES ? 'it is too short to be a sealed secret' : `it has an unknown format version (${sealed[0]})`);
      }
      const iv = sealed.subarray(1, 1 + IV_BYTES);
      const tag = sealed.subarray(1 + IV_BYTES, HEADER_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(sealed.subarray(0, 1));
      decipher.setAuthTag(tag);
      try {
        return Buffer.concat([decipher.update(sealed.subarray(HEADER_BYTES)), decipher.final()]);
      } catch (e) {
        throw unreadable(keyPath, 'it was altered, or it was encrypted with a different key file', e);
      }
    },
  };
}

function unreadable(keyPath: string, why: string, cause?: unknown): HomeportError {
  return new HomeportError(
    {
      code: 'SETTINGS',
      message: `A stored secret could not be decrypted: ${why}.`,
      fix: `Enter the password or key again. If you replaced ${keyPath}, restore the original file.`,
      details: { keyFile: keyPath },
    },
    { cause },
  );
}

function createKey(dataDir: string, keyPath: string): Buffer {
  const key = randomBytes(KEY_BYTES);
  try {
    // 'wx': never overwrite a key another process created a moment ago (that would orphan its secrets).
    writeFileSync(keyPath, key, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      const raced = readKeyFile(keyPath);
      if (raced) return raced;
    }
    throw new HomeportError(
      { code: 'INTERNAL', message: `Homeport could not create its key file ${keyPath}: ${(e as Error).message}.`, fix: `Check that ${dataDir} is writable by you.`, details: { keyFile: keyPath } },
      { cause: e },
    );
  }
}

/** The key, or null if there is no key file yet. Refuses files others can read, links and wrong sizes. */
function readKeyFile(keyPath: string): Buffer | null {
  let link;
  try {
    link = lstatSync(keyPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  if (!link.isFile()) {
    throw new HomeportError({
      code: 'INTERNAL',
      message: `${keyPath} is not a regular file (a symbolic link or a folder), so Homeport will not use it as its key.`,
      fix: `Move it away and put the real key file in its place, or restart without it and choose to start over with a new key (secrets stored with the old key must then be entered again).`,
      details: { keyFile: keyPath },
    });
  }
  // O_NOFOLLOW closes the gap between lstat and open (a file swapped for a link in between).
  const fd = openSync(keyPath, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  try {
    const st = fstatSync(fd);
    // Mode bits mean nothing on Windows (ACLs protect the profile folder instead).
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
      throw new HomeportError({
        code: 'INTERNAL',
        message: `The key file ${keyPath} can be read by other users (mode ${(st.mode & 0o777).toString(8).padStart(3, '0')}), so Homeport refuses to use it.`,
        fix: `Run: chmod 600 ${keyPath}`,
        details: { keyFile: keyPath },
      });
    }
    if (st.size !== KEY_BYTES) {
      throw new HomeportError({
        code: 'INTERNAL',
        message: `The key file ${keyPath} is damaged: it holds ${st.size} bytes instead of ${KEY_BYTES}.`,
        fix: `Restore it from a backup, or move it away and choose to start over with a new key (stored secrets must then be entered again).`,
        details: { keyFile: keyPath },
      });
    }
    const key = Buffer.alloc(KEY_BYTES);
    let read = 0;
    while (read < KEY_BYTES) {
      const n = readSync(fd, key, read, KEY_BYTES - read, read);
      if (n === 0) break;
      read += n;
    }
    if (read !== KEY_BYTES) throw new Error(`short read from ${keyPath}`);
    return key;
  } finally {
    closeSync(fd);
  }
}
