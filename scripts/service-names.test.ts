import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The naming rule of the services, read from the source: what implements a contract interface
// (`*Api` in shared/contract/, or a part of ContractImpl) is a `*Service`, and a `*Service` is
// such an implementation. A feature's runtime under its service is something else (`*Manager`),
// so a reader who sees `*Service` knows the window calls it.
const services = path.resolve(import.meta.dirname, '..', 'electron', 'services');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => path.join(e.parentPath, e.name))
    .filter((f) => !f.split(path.sep).includes('test-support'));
}

interface Found {
  file: string;
  name: string;
  implementsContract: boolean;
}

function classesOf(file: string): Found[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  // Local aliases of a part of the contract's implementation (`type StreamsImpl = ContractImpl['streams']`).
  const contractAliases = new Set<string>();
  for (const st of sf.statements) {
    if (ts.isTypeAliasDeclaration(st) && /\bContractImpl\[/.test(st.type.getText(sf))) contractAliases.add(st.name.text);
  }
  const found: Found[] = [];
  for (const st of sf.statements) {
    if (!ts.isClassDeclaration(st) || !st.name) continue;
    const implemented = (st.heritageClauses ?? []).filter((h) => h.token === ts.SyntaxKind.ImplementsKeyword).flatMap((h) => h.types.map((t) => t.expression.getText(sf)));
    const implementsContract = implemented.some((n) => /Api$/.test(n) || contractAliases.has(n));
    found.push({ file: path.relative(services, file), name: st.name.text, implementsContract });
  }
  return found;
}

const classes = sources(services).flatMap(classesOf);

describe('the services name their contract implementations one way', () => {
  it('finds the implementations (the rule reads real code)', () => {
    const names = classes.filter((c) => c.implementsContract).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['HostsService', 'ContainersService', 'MonitorsService', 'KumaService', 'StreamsService', 'AppService']));
  });

  it('what implements a contract interface is a *Service', () => {
    expect(classes.filter((c) => c.implementsContract && !c.name.endsWith('Service')).map((c) => `${c.file}: ${c.name}`)).toEqual([]);
  });

  it('a *Service implements a contract interface', () => {
    expect(classes.filter((c) => !c.implementsContract && c.name.endsWith('Service')).map((c) => `${c.file}: ${c.name}`)).toEqual([]);
  });
});
