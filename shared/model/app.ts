export interface AppInfo {
  version: string;
  mode: 'electron' | 'headless';
  platform: string;
  dataDir: string;
  /**
   * How files move between the user's computer and the services (volume backups and restores):
   * `native` = main shows the save / open dialog and the services read and write the file;
   * `browser` = the browser downloads and uploads through the headless server's transfer URLs.
   */
  files: 'native' | 'browser';
}

/** Where a saved setting that cannot be read belongs, for the UI to group and place it. */
export type SettingsArea = 'settings-file' | 'secret-key' | 'hosts' | 'keys' | 'monitors' | 'channels' | 'kuma';

/**
 * What the user can do about it: `discard` removes the entry for good; `check-again` reads the
 * key file and the entries again (after the original `secret.key` was put back); `new-secret-key`
 * starts over with a new key file (what was sealed with the old one stays listed until removed).
 */
export type SettingsAction = 'discard' | 'check-again' | 'new-secret-key';

/**
 * A saved setting Homeport cannot read. It is kept in the settings file exactly as it was (never
 * overwritten by a later save) and listed here until the user fixes it or chooses an action.
 */
export interface SettingsProblemInfo {
  /** Stable: `secret-key`, `setting:<key>`, `monitor:<id>`, `channel:<id>`, `key:<id>`, `host-password:<id>`, `kuma:<id>`. */
  id: string;
  area: SettingsArea;
  /** The entry as the user knows it ("the monitor web", "the alert channel phone"). */
  entry: string;
  /** Why it cannot be read. */
  reason: string;
  /** What to do about it. */
  fix: string;
  actions: SettingsAction[];
}
