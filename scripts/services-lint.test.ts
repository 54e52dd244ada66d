import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// Proves by the linter, not by review, that a feature of the services is reached through its
// folder's index.ts (a folder of electron/services/ with an index.ts is a feature): from another
// feature, from app.ts, from the Electron shell or headless mode.
const root = path.resolve(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: root });

async function refusals(code: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'homeport-services/feature-through-index').map((m) => m.message);
}

const said = (source: string, feature: string) =>
  `'${source}' reaches inside the services' ${feature} feature: import it from the folder's index.ts (export it there if the others need it).`;

describe('a services feature is reached through its index.ts', { timeout: 60_000 }, () => {
  it('refuses reaching inside another feature, imported, re-exported or loaded later', async () => {
    const code = `import type { EngineHub } from '../engines/engine-hub';
import { diskUsage } from '../engines/overview';
export { listImages } from '../images/images';
export * from '../alerts/channels/http';
export const later = () => import('../hosts/host-access');
export const probe: [EngineHub | null, typeof diskUsage] = [null, diskUsage];
`;
    expect(await refusals(code, 'electron/services/volumes/probe.ts')).toEqual([
      said('../engines/engine-hub', 'engines'),
      said('../engines/overview', 'engines'),
      said('../images/images', 'images'),
      said('../alerts/channels/http', 'alerts'),
      said('../hosts/host-access', 'hosts'),
    ]);
    // From deeper inside a feature, from app.ts, and from the two shells.
    expect(await refusals("import type { RawEngineEvent } from '../../engines/engine-events';\nexport type Probe = RawEngineEvent;\n", 'electron/services/monitors/checks/probe.ts')).toEqual([
      said('../../engines/engine-events', 'engines'),
    ]);
    expect(await refusals("import { MonitorsManager } from './monitors/monitors-manager';\nexport const probe = MonitorsManager;\n", 'electron/services/probe.ts')).toEqual([said('./monitors/monitors-manager', 'monitors')]);
    expect(await refusals("import type { TrayView } from '../services/tray/tray';\nexport type Probe = TrayView;\n", 'electron/main/probe.ts')).toEqual([said('../services/tray/tray', 'tray')]);
    expect(await refusals("import { TRANSFER_PATH } from '../services/volumes/transfers';\nexport const probe = TRANSFER_PATH;\n", 'electron/server/probe.ts')).toEqual([said('../services/volumes/transfers', 'volumes')]);
  });

  it('allows the index, the feature’s own inside, the mechanisms, and tests', async () => {
    const code = `import { EngineHub, listEveryHost } from '../engines';
import { quote } from '../docker/engine-common';
import { listImages } from '../images/index';
import { backupVolume } from './backup';
import { KeyVault } from '../ssh/key-vault';
import { StreamsService } from '../streams/streams-service';
import type { Logger } from '../platform/platform';
export const probe: [unknown, unknown, unknown, unknown, unknown, unknown, unknown, Logger | null] = [EngineHub, listEveryHost, quote, listImages, backupVolume, KeyVault, StreamsService, null];
`;
    expect(await refusals(code, 'electron/services/volumes/probe.ts')).toEqual([]);
    const inside = "import { diskUsage } from '../engines/overview';\nexport const probe = diskUsage;\n";
    expect(await refusals(inside, 'electron/services/volumes/probe.test.ts')).toEqual([]);
    expect(await refusals(inside, 'electron/services/volumes/probe.integration.test.ts')).toEqual([]);
    expect(await refusals(inside, 'electron/services/volumes/test-support/probe.ts')).toEqual([]);
    expect(await refusals(inside, 'electron/services/engines/probe.ts')).toEqual([]);
  });
});
