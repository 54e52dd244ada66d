import Conf from 'conf';
import type { DocumentStore } from './platform';

/** The part of `conf` the adapter uses; electron-store extends Conf, so it fits as well. */
export interface ConfLike {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

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

/** Adapts a conf (or electron-store) instance to the services' DocumentStore. */
export function confDocumentStore(conf: ConfLike): DocumentStore {
  return {
    get: (key) => conf.get(key),
    // conf refuses `undefined` ("use delete()"); for the services "set to undefined" means "forget it".
    set: (key, value) => (value === undefined ? conf.delete(key) : conf.set(key, value)),
    delete: (key) => conf.delete(key),
  };
}

/** The headless mode's settings file: `<dataDir>/settings.json`. */
export function createConfStore(dataDir: string): DocumentStore {
  const conf = new Conf<Record<string, unknown>>({
    projectName: 'homeport',
    cwd: dataDir,
    configName: STORE_FILE_NAME,
    ...STORE_OPTIONS,
  });
  return confDocumentStore(conf);
}
