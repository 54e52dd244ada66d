import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createConfStore } from '../platform/conf-store';
import { createKeyFileSecretBox } from '../platform/key-file-secret-box';
import { createConsoleLogger } from '../platform/logger';
import { countSealed } from '../platform/settings-store';
import type { Platform } from '../platform/platform';

export interface TestPlatform {
  platform: Platform;
  dataDir: string;
  /** A throwaway HOME, so tests never read or write the real ~/.ssh. */
  home: string;
  cleanup(): void;
}

/** The headless platform's real parts (conf on disk, the key-file SecretBox) in temporary folders. */
export function createTestPlatform(opts: { agentSocket: string | null }): TestPlatform {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'homeport-test-data-'));
  const home = mkdtempSync(path.join(os.tmpdir(), 'homeport-test-home-'));
  const store = createConfStore(dataDir);
  return {
    platform: {
      mode: 'headless',
      version: 'test',
      dataDir,
      homeDir: home,
      agentSocket: opts.agentSocket,
      secrets: createKeyFileSecretBox(dataDir, { sealedCount: () => countSealed(store.snapshot()) }),
      store,
      logger: createConsoleLogger('test'),
    },
    dataDir,
    home,
    cleanup: () => {
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(home, { recursive: true, force: true });
    },
  };
}
