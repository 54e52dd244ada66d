import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';

// The packaging configuration (electron-builder.yml). Packaging itself needs Electron's binaries,
// which the test machines do not have, so what is checked here is the configuration that
// `npm run dist` hands to electron-builder: that electron-builder accepts it (its own schema, the
// check it runs before every build) and that it asks for the fuses Homeport ships with.

const root = join(import.meta.dirname, '../..');
const config = () => YAML.parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;

// electron-builder's own validator, from the copy of app-builder-lib that electron-builder uses.
const fromBuilder = createRequire(createRequire(join(root, 'package.json')).resolve('electron-builder'));
const { validateConfiguration } = fromBuilder('app-builder-lib/out/util/config/config') as {
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = fromBuilder('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

describe('electron-builder.yml', () => {
  it('is a configuration electron-builder accepts (a misspelt option would be refused)', async () => {
    await expect(validateConfiguration(config(), new DebugLogger(false))).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config(), electronFuses: { runAsNod: false } }, new DebugLogger(false))).rejects.toThrow(/electronFuses/);
  });

  it('flips the fuses: no run-as-node, NODE_OPTIONS or --inspect; the app only from an integrity-checked asar', () => {
    const c = config();
    expect(c.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
      enableCookieEncryption: true,
    });
    // onlyLoadAppFromAsar needs the app packed as an asar.
    expect(c.asar).toBe(true);
  });
});
