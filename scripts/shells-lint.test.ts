import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// Proves by the linter, not by review, that the Electron shell and headless mode stay apart: each
// may take what both need from electron/web/, neither imports the other, and electron/web/ imports
// neither of them (nor the services, nor Electron).
const root = path.resolve(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: root });

async function refusals(code: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const MAIN = /The Electron shell does not import headless mode: move what both need to electron\/web\//;
const SERVER = /headless mode runs without Electron: the server never imports it or the shell/;
const WEB = /electron\/web\/ is what both shells need to serve the UI/;

describe('the two shells stay apart', { timeout: 60_000 }, () => {
  it('refuses headless mode in the Electron shell, imported or re-exported (ipc.ts too)', async () => {
    const code = `import { isWildcardHost } from '../server/auth';
export { startServer } from '../server/server';
export const probe = isWildcardHost;
`;
    const said = await refusals(code, 'electron/main/probe.ts');
    expect(said).toHaveLength(2);
    for (const m of said) expect(m).toMatch(MAIN);
    expect(await refusals("import { CONTENT_SECURITY_POLICY } from '../server/pages';\nexport const probe = CONTENT_SECURITY_POLICY;\n", 'electron/main/ipc.ts')).toEqual([expect.stringMatching(MAIN)]);
    // The rule about raw IPC still holds beside it.
    expect(await refusals("import { ipcMain } from 'electron';\nexport const probe = ipcMain;\n", 'electron/main/probe.ts')).toEqual([expect.stringMatching(/Use electron\/main\/ipc\.ts/)]);
  });

  it('refuses the Electron shell in headless mode', async () => {
    expect(await refusals("import { APP_ORIGIN } from '../main/app-url';\nexport const probe = APP_ORIGIN;\n", 'electron/server/probe.ts')).toEqual([expect.stringMatching(SERVER)]);
  });

  it('keeps electron/web/ free of both shells, the services and Electron', async () => {
    const code = `import { app } from 'electron';
import { APP_ORIGIN } from '../main/app-url';
import { urlHost } from '../server/auth';
import { createServices } from '../services/app';
export const probe = [app, APP_ORIGIN, urlHost, createServices];
`;
    const said = await refusals(code, 'electron/web/probe.ts');
    expect(said).toHaveLength(4);
    for (const m of said) expect(m).toMatch(WEB);
  });

  it('lets both shells take what they share from electron/web/', async () => {
    const code = "import { CONTENT_SECURITY_POLICY } from '../web/csp';\nimport { isLoopbackHost } from '../web/loopback';\nexport const probe = [CONTENT_SECURITY_POLICY, isLoopbackHost];\n";
    expect(await refusals(code, 'electron/main/probe.ts')).toEqual([]);
    expect(await refusals(code, 'electron/main/ipc.ts')).toEqual([]);
    expect(await refusals(code, 'electron/server/probe.ts')).toEqual([]);
  });
});
