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
