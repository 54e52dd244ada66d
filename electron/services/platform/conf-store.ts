import { join } from 'node:path';
import Conf from 'conf';
import { createSettingsStore, readSettingsFile, type ConfLike, type SettingsStore } from './settings-store';

export type { ConfLike } from './settings-store';

/**
 * Options shared by the headless store (conf) and the Electron store (electron-store), so both
 * write the same file the same way:
 * - keys are plain names, not dot paths, so a key that contains a dot (an address, a file name)
 *   is stored as it is written, in both modes;
 * - the file is owner-only: it holds host names, users and paths (secrets are sealed separately).
 */
export const STORE_OPTIONS = {
  accessPropertiesByDotNotation: false,
  configFileMode: 0o600,
} as const;

export const STORE_FILE_NAME = 'settings';

/** `<dataDir>/settings.json`, in both modes. */
export function settingsFilePath(dataDir: string): string {
  return join(dataDir, `${STORE_FILE_NAME}.json`);
}

/**
 * Adapts a conf (or electron-store) instance to the services' store (see settings-store.ts).
 * Call `readSettingsFile(file)` before constructing the conf instance: conf itself would take a
 * list or a string at the top of the file for an empty document and write over it.
 */
export function confDocumentStore(conf: ConfLike, file: string): SettingsStore {
  return createSettingsStore(conf, file);
}

/** The headless mode's settings file: `<dataDir>/settings.json`. */
export function createConfStore(dataDir: string): SettingsStore {
  const file = settingsFilePath(dataDir);
  readSettingsFile(file);
  const conf = new Conf<Record<string, unknown>>({
    projectName: 'homeport',
    cwd: dataDir,
    configName: STORE_FILE_NAME,
    ...STORE_OPTIONS,
  });
  return confDocumentStore(conf, file);
}
