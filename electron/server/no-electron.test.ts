import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// `node out/main/server.js` runs without Electron, where `import 'electron'` throws. Walk the
// source import graph of the headless entry and make sure no module in it imports Electron.
const ELECTRON = /^(electron|electron-store)(\/|$)|^@electron\//;
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function resolveLocal(from: string, spec: string): string | null {
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && candidate.match(/\.tsx?$/)) return candidate;
  }
  return null;
}

function importGraph(entry: string): { files: Set<string>; bare: Map<string, string> } {
  const files = new Set<string>();
  const bare = new Map<string, string>();
  const todo = [entry];
  while (todo.length) {
    const file = todo.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    // Type-only imports vanish at build time; strip them before looking.
    const src = readFileSync(file, 'utf8').replace(/import\s+type\s[^;]+;/g, '').replace(/export\s+type\s[^;]+;/g, '');
    for (const m of src.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? m[3]!;
      if (spec.startsWith('.')) {
        const target = resolveLocal(file, spec);
        if (target) todo.push(target);
      } else {
        bare.set(spec, file);
      }
    }
  }
  return { files, bare };
}

describe('headless entry', () => {
  it('never imports electron', () => {
    const { files, bare } = importGraph(resolve(import.meta.dirname, 'cli.ts'));
    // The walk reached the services (sanity check of the walker itself).
    expect([...files].some((f) => f.includes(`${join('electron', 'services')}`))).toBe(true);
    expect([...bare.keys()]).toContain('ws');
    const offenders = [...bare].filter(([spec]) => ELECTRON.test(spec)).map(([spec, file]) => `${spec} (in ${file})`);
    expect(offenders).toEqual([]);
  });

  it('the walker does see electron in the Electron entry', () => {
    const { bare } = importGraph(resolve(import.meta.dirname, '../main/index.ts'));
    expect([...bare.keys()].some((s) => ELECTRON.test(s))).toBe(true);
  });
});
