/**
 * Everything the services need from their host process arrives through these small interfaces,
 * so the same services run in Electron (safeStorage, electron-store) and headless (a key file,
 * conf), and under plain Node in tests (services never import electron).
 */

/**
 * `missing`: the key file is gone while the settings hold secrets sealed with it. Nothing is
 * sealed or opened until the user puts it back (`reload`) or starts over (`createNewKey`): a new
 * key made without asking would leave every stored secret unreadable for good.
 */
export type SecretBoxStatus = { state: 'ok' } | { state: 'missing'; keyFile: string; sealed: number };

/** Encrypts secrets at rest: Electron's safeStorage in the app, an AES key file headless. */
export interface SecretBox {
  /** Where the encryption key lives, for the README and diagnostics ("os-keychain", "key-file"). */
  readonly kind: string;
  encrypt(plain: Buffer): Buffer;
  decrypt(sealed: Buffer): Buffer;
  /** Key-file boxes: whether the key is there (see SecretBoxStatus). */
  status?(): SecretBoxStatus;
  /** Key-file boxes: reads the key file again (the user put the original back). */
  reload?(): void;
  /** Key-file boxes: the user chose to start over with a new key file. */
  createNewKey?(): void;
  /** Key-file boxes: the key file, for messages. */
  readonly keyFile?: string;
}

/** A top-level settings entry of the wrong shape, kept as it was (see settings-store.ts). */
export interface DamagedSetting {
  key: string;
  reason: string;
  holds: string;
  keptAside: boolean;
  /** One entry of the setting (`key` then names it for `discardDamaged`), in the user's words: `the SSH key "laptop"`. */
  entry?: string;
}

/** A JSON document store; `conf` and `electron-store` both satisfy it (through settings-store.ts). */
export interface DocumentStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  /** Several entries in one write, where the store can; `owned`: the values are not copied (the caller never changes them). */
  setMany?(values: Record<string, unknown>, opts?: { owned?: boolean }): void;
  /** The settings file, where there is one. */
  readonly file?: string;
  /** Entries of the wrong shape, hidden from `get` and kept in the file. */
  damaged?(): DamagedSetting[];
  /** Removes a damaged entry for good. */
  discardDamaged?(key: string): void;
  /** The whole document (read-only). */
  snapshot?(): Readonly<Record<string, unknown>>;
}

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Native file dialogs (the desktop app's save / open dialogs, shown by main). Headless mode has
 * none: the browser downloads and uploads instead (see electron/server and VolumeTransferInfo).
 */
export interface FileDialogs {
  /** The path the user chose to save to, or null when they cancelled. */
  chooseSaveFile(opts: { title: string; defaultName: string }): Promise<string | null>;
  /** The file the user chose to open, or null when they cancelled. */
  chooseOpenFile(opts: { title: string }): Promise<string | null>;
}

export interface Platform {
  mode: 'electron' | 'headless';
  version: string;
  /** Folder for Homeport's own files (settings, encrypted vault, key file). */
  dataDir: string;
  /** The user's home, for ~/.ssh/config and ~/.ssh/known_hosts. */
  homeDir: string;
  /** ssh-agent socket (SSH_AUTH_SOCK), if any. */
  agentSocket: string | null;
  secrets: SecretBox;
  store: DocumentStore;
  logger: Logger;
  /** Present in the desktop app only. */
  files?: FileDialogs;
}
