import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// Proves by the linter, not by review, that services talk to the window only through app.ts: a
// service announces with its own typed events and listens to other services' events; importing the
// window's event bus anywhere else in electron/services fails (tests included).
const root = path.resolve(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: root });

async function refusals(code: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const REFUSED = expect.stringMatching(/Only app\.ts uses the window's event bus: announce with an Emitter \(platform\/emitter\.ts\) and listen to the services' events/);
const busImport = (from: string) => `import { EventBus } from '${from}';\nexport const probe = EventBus;\n`;

describe("the window's event bus stays in app.ts", { timeout: 60_000 }, () => {
  it('is refused in a feature, a nested folder, a mechanism and a test, imported, type-imported or re-exported', async () => {
    expect(await refusals(busImport('../rpc/event-bus'), 'electron/services/hosts/probe.ts')).toEqual([REFUSED]);
    expect(await refusals(busImport('../../rpc/event-bus'), 'electron/services/monitors/checks/probe.ts')).toEqual([REFUSED]);
    expect(await refusals(busImport('../rpc/event-bus'), 'electron/services/streams/probe.ts')).toEqual([REFUSED]);
    expect(await refusals(busImport('../rpc/event-bus'), 'electron/services/alerts/probe.integration.test.ts')).toEqual([REFUSED]);
    expect(await refusals("import type { EventBus } from '../rpc/event-bus';\nexport type Probe = EventBus;\n", 'electron/services/monitors/probe.ts')).toEqual([REFUSED]);
    expect(await refusals("export { EventBus } from '../rpc/event-bus';\n", 'electron/services/kuma/probe.ts')).toEqual([REFUSED]);
  });

  it('is allowed in app.ts and in rpc/, and the services layer rule still holds there', async () => {
    expect(await refusals(busImport('./rpc/event-bus'), 'electron/services/app.ts')).toEqual([]);
    expect(await refusals(busImport('./event-bus'), 'electron/services/rpc/probe.ts')).toEqual([]);
    expect(await refusals("import { app } from 'electron';\nexport const probe = app;\n", 'electron/services/app.ts')).toEqual([expect.stringMatching(/services never import Electron/)]);
    expect(await refusals("import { app } from 'electron';\nexport const probe = app;\n", 'electron/services/hosts/probe.ts')).toEqual([expect.stringMatching(/services never import Electron/)]);
  });

  it("lets services use each other's events and the emitter", async () => {
    const code = "import { Emitter } from '../platform/emitter';\nimport type { HostsService } from '../hosts/hosts-service';\nexport type Probe = [Emitter<object>, HostsService];\n";
    expect(await refusals(code, 'electron/services/monitors/probe.ts')).toEqual([]);
  });
});
