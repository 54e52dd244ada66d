import { homedir } from 'node:os';
import { app, safeStorage } from 'electron';
import Store from 'electron-store';
import { HomeportError } from '../../shared/contract';
import { confDocumentStore, settingsFilePath, STORE_FILE_NAME, STORE_OPTIONS } from '../services/platform/conf-store';
import { readSettingsFile } from '../services/platform/settings-store';
import type { Logger, Platform, SecretBox } from '../services/platform/platform';
import { createFileDialogs } from './file-dialogs';

/** The Electron shell's Platform: the OS keychain through safeStorage, electron-store in userData. */
export function createElectronPlatform(logger: Logger): Platform {
  const dataDir = app.getPath('userData');
  // A damaged settings file is refused with its name and the fix before electron-store reads it
  // (it would take a list or text at the top for an empty document and write over it).
  const file = settingsFilePath(dataDir);
  readSettingsFile(file);
  const store = new Store<Record<string, unknown>>({ cwd: dataDir, name: STORE_FILE_NAME, ...STORE_OPTIONS });
  return {
    mode: 'electron',
    version: app.getVersion(),
    dataDir,
    homeDir: homedir(),
    agentSocket: process.env.SSH_AUTH_SOCK || null,
    secrets: createSafeStorageSecretBox(logger),
    store: confDocumentStore(store, file),
    logger,
    files: createFileDialogs(),
  };
}

const FORMAT_V1 = 0x01;

/**
 * Secrets sealed by the OS (Keychain, DPAPI, libsecret/kwallet) through safeStorage. Must be
 * created after `app.whenReady()` (safeStorage is not usable before on Linux).
 *
 * Sealed format: version byte | safeStorage ciphertext of the base64 of the secret (safeStorage
 * takes strings; base64 keeps arbitrary bytes intact).
 */
function createSafeStorageSecretBox(logger: Logger): SecretBox {
  const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null;
  if (backend === 'basic_text') {
    // Chromium's fallback when no keyring is reachable: "encryption" with a hard-coded key.
    // Refusing would lock users of bare window managers out of saved passwords entirely, so it is
    // allowed, and said loudly.
    logger.warn(
      'no OS keyring (gnome-libsecret or kwallet) is available: stored passwords and keys are only obfuscated, not encrypted. Install and unlock a keyring, then re-enter them.',
      { backend },
    );
  }
  const unavailable = () =>
    new HomeportError({
      code: 'INTERNAL',
      message: 'Homeport cannot store secrets: the operating system\u2019s secret storage is not available.',
      fix:
        process.platform === 'linux'
          ? 'Install and unlock a keyring (GNOME Keyring or KWallet), then restart Homeport. Until then, use ssh-agent instead of stored keys and passwords.'
          : 'Unlock your keychain, then restart Homeport. Until then, use ssh-agent instead of stored keys and passwords.',
    });
  // isEncryptionAvailable() is marked deprecated in favour of the async API, but SecretBox is
  // synchronous (the services seal and open secrets inline); the sync API is still supported.
  const usable = () => safeStorage.isEncryptionAvailable() || backend === 'basic_text';

  return {
    kind: backend === 'basic_text' ? 'os-basic-text' : 'os-keychain',
    encrypt(plain: Buffer): Buffer {
      if (!usable()) throw unavailable();
      let sealed: Buffer;
      try {
        sealed = safeStorage.encryptString(plain.toString('base64'));
      } catch (e) {
        logger.error('safeStorage.encryptString failed', { error: e instanceof Error ? e.message : String(e) });
        throw unavailable();
      }
      return Buffer.concat([Buffer.from([FORMAT_V1]), sealed]);
    },
    decrypt(sealed: Buffer): Buffer {
      if (!usable()) throw unavailable();
      if (sealed[0] !== FORMAT_V1) {
        throw new HomeportError({ code: 'INTERNAL', message: 'A stored secret has an unknown format and cannot be read.', fix: 'Enter the password or key again.' });
      }
      try {
        return Buffer.from(safeStorage.decryptString(sealed.subarray(1)), 'base64');
      } catch (e) {
        throw new HomeportError(
          {
            code: 'INTERNAL',
            message: 'A stored secret could not be decrypted by the operating system\u2019s secret storage (it may have been created by another user or computer, or the keyring was reset).',
            fix: 'Enter the password or key again.',
          },
          { cause: e },
        );
      }
    },
  };
}
