import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// Proves the renderer's data ownership and layers are held by the linter, not by review: only the
// store and a feature's api.ts take the client; components/, store/, lib/ and api/ never import a
// feature; and a feature reaches another only through that feature's index.ts.
const root = path.resolve(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: root });

async function messages(code: string, file: string, rule: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === rule).map((m) => m.message);
}

const CLIENT = 'homeport-data/client-in-data-modules';
const LAYERS = 'homeport-layers/feature-boundaries';

const takesClient = `import { client } from '../../api/client';
export const listAgain = () => client().hosts.list();
`;
const takesClientFromStore = takesClient.replace('../../api/client', '../api/client');

describe('the client is taken only by the store and the features’ api.ts', { timeout: 60_000 }, () => {
  it('refuses it in a feature’s component or hook, in a shared component and in lib/', async () => {
    const refused = "Call the services through the store's actions or this feature's api.ts, not client() here.";
    expect(await messages(takesClient, 'renderer/src/features/hosts/HostProbe.tsx', CLIENT)).toEqual([refused]);
    expect(await messages(takesClient, 'renderer/src/features/hosts/use-probe.ts', CLIENT)).toEqual([refused]);
    expect(await messages(takesClientFromStore, 'renderer/src/components/Probe.tsx', CLIENT)).toEqual([refused]);
    expect(await messages(takesClientFromStore, 'renderer/src/lib/probe.ts', CLIENT)).toEqual([refused]);
    // Taken under another name, or with everything else in the module, it is the same client.
    const aliased = `import { client as c } from '../../api/client';\nexport const f = () => c();\n`;
    const everything = `import * as api from '../../api/client';\nexport const f = () => api.client();\n`;
    expect(await messages(aliased, 'renderer/src/features/hosts/HostProbe.tsx', CLIENT)).toEqual([refused]);
    expect(await messages(everything, 'renderer/src/features/hosts/HostProbe.tsx', CLIENT)).toEqual([refused]);
  });

  it('allows it in the store, a feature’s api.ts and the bridge’s own modules; and the rest of api/client anywhere', async () => {
    expect(await messages(takesClientFromStore, 'renderer/src/store/probe-slice.ts', CLIENT)).toEqual([]);
    expect(await messages(takesClient, 'renderer/src/features/hosts/api.ts', CLIENT)).toEqual([]);
    expect(await messages(`import { client } from './client';\nexport const f = () => client();\n`, 'renderer/src/api/probe.ts', CLIENT)).toEqual([]);
    expect(await messages(`import type { Bridge } from './api/client';\nexport type B = Bridge;\n`, 'renderer/src/probe.ts', CLIENT)).toEqual([]);
  });
});

describe('the renderer’s layers', { timeout: 60_000 }, () => {
  it('refuses a feature in components/, store/, lib/ and api/', async () => {
    const code = `import { availableActions } from '../features/containers';\nexport const a = availableActions;\n`;
    for (const layer of ['components', 'store', 'lib', 'api']) {
      expect(await messages(code, `renderer/src/${layer}/probe.ts`, LAYERS)).toEqual([`${layer}/ is below the features: it does not import '../features/containers'. Move what both need to components/ or lib/.`]);
    }
  });

  it('refuses a feature reaching into another feature’s files', async () => {
    const code = `import { splitImage } from '../containers/container-model';\nexport { keyLabel } from '../hosts/host-model';\nexport const s = splitImage;\n`;
    expect(await messages(code, 'renderer/src/features/resources/probe.ts', LAYERS)).toEqual([
      "A feature imports another only through that feature's index.ts: take it from features/containers/index.ts, not '../containers/container-model'.",
      "A feature imports another only through that feature's index.ts: take it from features/hosts/index.ts, not '../hosts/host-model'.",
    ]);
  });

  it('allows another feature’s index.ts, the feature’s own files, and the features in App', async () => {
    const viaIndex = `import { splitImage } from '../containers';\nimport { keyLabel } from '../hosts/index';\nimport { removeImage } from './api';\nexport const all = [splitImage, keyLabel, removeImage];\n`;
    expect(await messages(viaIndex, 'renderer/src/features/resources/probe.ts', LAYERS)).toEqual([]);
    const app = `import { ContainersView } from './features/containers/ContainersView';\nexport const v = ContainersView;\n`;
    expect(await messages(app, 'renderer/src/AppProbe.tsx', LAYERS)).toEqual([]);
  });
});
