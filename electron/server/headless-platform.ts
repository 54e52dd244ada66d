import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { createConfStore } from '../services/platform/conf-store';
import { createKeyFileSecretBox } from '../services/platform/key-file-secret-box';
import type { Logger, Platform } from '../services/platform/platform';
import { countSealed } from '../services/platform/settings-store';

export interface HeadlessPlatformOptions {
  dataDir: string;
  version: string;
  logger: Logger;
  /** Defaults to the user's home (tests pass a temporary one so they never read the real ~/.ssh). */
  homeDir?: string;
  /** Defaults to SSH_AUTH_SOCK. */
  agentSocket?: string | null;
}

/** The Platform of headless mode and of tests: a key-file SecretBox and a conf DocumentStore. */
export function createHeadlessPlatform(opts: HeadlessPlatformOptions): Platform {
  // 0700: settings, the sealed vault and the key file live here.
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  // The settings first: a missing key file is replaced only when nothing in them was sealed.
  const store = createConfStore(opts.dataDir);
  return {
    mode: 'headless',
    version: opts.version,
    dataDir: opts.dataDir,
    homeDir: opts.homeDir ?? homedir(),
    agentSocket: opts.agentSocket !== undefined ? opts.agentSocket : process.env.SSH_AUTH_SOCK || null,
    secrets: createKeyFileSecretBox(opts.dataDir, { sealedCount: () => countSealed(store.snapshot()) }),
    store,
    logger: opts.logger,
  };
}
