export interface AppInfo {
  version: string;
  mode: 'electron' | 'headless';
  platform: string;
  dataDir: string;
}
