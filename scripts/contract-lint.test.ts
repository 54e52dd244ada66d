import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// Proves by the linter that a feature's contract file does not import the lists derived from the
// feature files (an import cycle that would build them before the feature exists), while shared/'s
// own rule still holds for it.
const root = path.resolve(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: root });

async function refusals(code: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const CYCLE = /A feature’s contract file is read by the lists derived from it/;
const SHARED = /shared\/ imports nothing from other folders/;

describe('the contract’s feature files', { timeout: 60_000 }, () => {
  it('refuse the derived lists', async () => {
    const code = `import { METHOD_NAMES } from './methods';
import { STREAM_KINDS } from './streams';
import { FEATURES } from './features';
import { EVENT_NAMES } from './events';
import { actionOf } from './validation';
import { HostId } from '.';
export const probe = [METHOD_NAMES, STREAM_KINDS, FEATURES, EVENT_NAMES, actionOf, HostId];
`;
    const said = await refusals(code, 'shared/contract/probe.ts');
    expect(said).toHaveLength(6);
    for (const m of said) expect(m).toMatch(CYCLE);
  });

  it('still import nothing from outside shared/', async () => {
    expect(await refusals("import { readFileSync } from 'node:fs';\nexport const probe = readFileSync;\n", 'shared/contract/probe.ts')).toEqual([expect.stringMatching(SHARED)]);
  });

  it('take the record helpers, shared fields and the model', async () => {
    const code = `import { feature, none } from './define';
import { hostId } from './fields';
import { terminalInput } from './terminal';
import type { HostInfo } from '../model/host';
export const probe = [feature, none, hostId, terminalInput] as unknown as HostInfo;
`;
    expect(await refusals(code, 'shared/contract/probe.ts')).toEqual([]);
  });

  it('leave the mechanism free to read the features', async () => {
    expect(await refusals("import { FEATURES } from './features';\nexport const probe = FEATURES;\n", 'shared/contract/methods.ts')).toEqual([]);
  });
});
