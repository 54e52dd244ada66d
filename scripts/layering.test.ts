import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

// Proves the layering (README, Layout) is enforced by the tools, not by review: a file that crosses a
// layer fails both the folder's TypeScript project and ESLint.
const root = path.resolve(import.meta.dirname, '..');
const written: string[] = [];

function tryBoth(file: string, source: string, tsconfig: string): { tsc: string; eslint: string } {
  const abs = path.join(root, file);
  writeFileSync(abs, source);
  written.push(abs);
  const run = (cmd: string, args: string[]) => {
    try {
      execFileSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: 'pipe' });
      return '';
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      return `${err.stdout ?? ''}${err.stderr ?? ''}`;
    }
  };
  const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
  return { tsc: run(bin('tsc'), ['-p', tsconfig, '--noEmit', '--composite', 'false', '--declaration', 'false', '--emitDeclarationOnly', 'false']), eslint: run(bin('eslint'), [file]) };
}

afterEach(() => {
  for (const f of written.splice(0)) rmSync(f, { force: true });
});

// Each case runs tsc and ESLint over a whole folder: seconds alone, much longer on a busy machine.
describe('layering', { timeout: 180_000 }, () => {
  it('a service importing electron fails the build', () => {
    const r = tryBoth('electron/services/layering-probe.ts', "import { app } from 'electron';\nexport const probe = app;\n", 'electron/services/tsconfig.json');
    expect(r.tsc).toMatch(/layering-probe\.ts.*has no exported member 'app'/);
    expect(r.eslint).toMatch(/services never import Electron/);
  });

  it('the renderer importing main-process code fails the build', () => {
    const r = tryBoth('renderer/src/layering-probe.ts', "import { createServices } from '../../electron/services/app';\nexport const probe = createServices;\n", 'renderer/tsconfig.json');
    expect(r.tsc).toMatch(/layering-probe\.ts|is not under 'rootDir'|not listed within the file list/);
    expect(r.eslint).toMatch(/the renderer imports only shared/);
  });

  it('shared importing Node fails the build', () => {
    const r = tryBoth('shared/layering-probe.ts', "import { readFileSync } from 'node:fs';\nexport const probe = readFileSync;\n", 'shared/tsconfig.json');
    expect(r.tsc).toMatch(/layering-probe\.ts.*Cannot find module 'node:fs'/);
    expect(r.eslint).toMatch(/shared\/ imports nothing/);
  });
});
