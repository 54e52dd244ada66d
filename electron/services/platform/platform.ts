/**
 * Everything the services need from their host process arrives through these small interfaces,
 * so the same services run in Electron (safeStorage, electron-store) and headless (a key file,
 * conf), and under plain Node in tests (DESIGN.md: services never import electron).
 */

/** Encrypts secrets at rest: Electron's safeStorage in the app, an AES key file headless. */
export interface SecretBox {
  /** Where the encryption key lives, for the README and diagnostics ("os-keychain", "key-file"). */
  readonly kind: string;
  encrypt(plain: Buffer): Buffer;
  decrypt(sealed: Buffer): Buffer;
}

/** A JSON document store; `conf` and `electron-store` both satisfy it. */
export interface DocumentStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
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
