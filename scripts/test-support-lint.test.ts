import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// Proves that test support stays with the tests by the linter, not by review: app code that
// imports a test-support/ module (a fixture, a fake server, the lab) fails; tests and scripts may.
const root = path.resolve(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: root });

async function messages(code: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'homeport-tests/no-test-support').map((m) => m.message);
}

const said = (source: string) => `'${source}' is test support: only tests, e2e specs and scripts import it. Move what the app needs out of test-support/.`;

describe('test support stays with the tests', { timeout: 60_000 }, () => {
  it('refuses it in services, the shell, the server and the renderer, whichever way it is imported', async () => {
    const service = `import { until } from '../test-support/wait';
export { FakeKuma } from '../kuma/test-support/fake-kuma';
export * from './test-support/lab';
export const later = () => import('../test-support/temp-platform');
export const probe = until;
`;
    expect(await messages(service, 'electron/services/hosts/probe.ts')).toEqual([
      said('../test-support/wait'),
      said('../kuma/test-support/fake-kuma'),
      said('./test-support/lab'),
      said('../test-support/temp-platform'),
    ]);
    expect(await messages("import { ROOT } from './test-support/bundle-harness';\nexport const probe = ROOT;\n", 'electron/main/probe.ts')).toEqual([said('./test-support/bundle-harness')]);
    expect(await messages("import { loadLab } from '../services/test-support/lab';\nexport const probe = loadLab;\n", 'electron/server/probe.ts')).toEqual([said('../services/test-support/lab')]);
    expect(await messages("import { hostInfo } from '../test-support/fixtures';\nexport const probe = hostInfo;\n", 'renderer/src/store/probe.ts')).toEqual([said('../test-support/fixtures')]);
  });

  it('allows it in tests, in test support itself, in e2e specs and in scripts', async () => {
    const code = "import { until } from '../test-support/wait';\nexport const probe = until;\n";
    expect(await messages(code, 'electron/services/hosts/probe.test.ts')).toEqual([]);
    expect(await messages(code, 'electron/services/hosts/probe.integration.test.ts')).toEqual([]);
    expect(await messages(code, 'electron/services/kuma/test-support/probe.ts')).toEqual([]);
    expect(await messages(code, 'renderer/src/features/hosts/Probe.test.tsx')).toEqual([]);
    expect(await messages(code, 'e2e/probe.e2e.ts')).toEqual([]);
    expect(await messages(code, 'scripts/bench-probe.ts')).toEqual([]);
  });

  it('refuses the test runner in app code, and allows it in tests and test support', async () => {
    const runner = (source: string) => `'${source}' is the test runner: only tests and test support import it.`;
    const code = "import { expect } from 'vitest';\nimport type { Mock } from 'vitest/dist';\nexport const probe: [typeof expect, Mock | null] = [expect, null];\n";
    const found = async (file: string) => {
      const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
      return (result?.messages ?? []).filter((m) => m.ruleId === 'homeport-tests/no-test-support').map((m) => m.message);
    };
    expect(await found('electron/services/monitors/history/probe.ts')).toEqual([runner('vitest'), runner('vitest/dist')]);
    expect(await found('renderer/src/store/probe.ts')).toEqual([runner('vitest'), runner('vitest/dist')]);
    expect(await found('electron/services/monitors/history/probe.test.ts')).toEqual([]);
    expect(await found('electron/services/monitors/history/test-support/probe.ts')).toEqual([]);
  });

  it('leaves other imports alone', async () => {
    const code = "import { EngineHub } from '../engines';\nimport { supportLink } from './support';\nexport const probe = [EngineHub, supportLink];\n";
    expect(await messages(code, 'electron/services/hosts/probe.ts')).toEqual([]);
  });
});
