import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The naming rule of the contract, read from the source: `*Info` names exactly the data that
// crosses it from the services to the window; what the window sends is an `*Input`, a `*Ref` or
// a stream's `*Params`; a union of states is a `*State`.

const shared = join(import.meta.dirname, '..');
const sources = (dir: string) =>
  readdirSync(join(shared, dir))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => ts.createSourceFile(f, readFileSync(join(shared, dir, f), 'utf8'), ts.ScriptTarget.Latest, true));

function referencedNames(node: ts.Node): Set<string> {
  const names = new Set<string>();
  const visit = (n: ts.Node) => {
    if (ts.isTypeReferenceNode(n)) names.add(n.typeName.getText().split('.').pop()!);
    if (ts.isExpressionWithTypeArguments(n)) names.add(n.expression.getText().split('.').pop()!);
    ts.forEachChild(n, visit);
  };
  visit(node);
  return names;
}

/** Interfaces, and type aliases that are objects or unions of objects: the shapes of data. */
function isObjectShape(d: ts.InterfaceDeclaration | ts.TypeAliasDeclaration): boolean {
  if (ts.isInterfaceDeclaration(d)) return true;
  const t = d.type;
  const parts = ts.isUnionTypeNode(t) ? t.types : [t];
  return parts.every((p) => ts.isTypeLiteralNode(p) || ts.isIntersectionTypeNode(p));
}

const declared = new Map<string, { decl: ts.InterfaceDeclaration | ts.TypeAliasDeclaration; refs: Set<string> }>();
// The mechanism's own types (define.ts) describe records, not data.
for (const sf of [...sources('model'), ...sources('contract').filter((f) => f.fileName !== 'define.ts')]) {
  for (const st of sf.statements) {
    if (ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) declared.set(st.name.text, { decl: st, refs: referencedNames(st) });
  }
}

// What the feature files name — their interfaces, records, stream shapes and events — and
// everything those types are made of.
const crossing = new Set<string>();
const todo: string[] = [];
for (const sf of sources('contract')) {
  if (['define.ts', 'methods.ts', 'streams.ts', 'events.ts', 'validation.ts', 'client.ts', 'bridge.ts'].includes(sf.fileName)) continue;
  todo.push(...referencedNames(sf));
}
for (const sf of sources('contract').filter((f) => f.fileName === 'streams.ts')) {
  // The generic stream calls: only their own interface (the rest is derived from the features).
  for (const st of sf.statements) if (ts.isInterfaceDeclaration(st) && st.name.text === 'StreamsApi') todo.push(...referencedNames(st));
}
todo.push('EventMap', 'ErrorInfo');
while (todo.length) {
  const name = todo.pop()!;
  const d = declared.get(name);
  if (!d || crossing.has(name)) continue;
  crossing.add(name);
  todo.push(...d.refs);
}

/** Shapes that cross under another name, and why. */
const OTHER_NAMES: Record<string, string> = {
  Brand: 'the type of branded ids, which are strings',
  Envelope: 'the wrapper every answer travels in, not data of its own',
  TerminalSize: 'part of a terminal stream’s parameters and of its resize input',
};

describe('names in the contract', () => {
  it('finds the contract’s data', () => {
    expect(crossing).toContain('HostInfo');
    expect(crossing).toContain('MonitorsChangedInfo');
    expect(crossing).toContain('PullProgressInfo');
    expect(crossing).toContain('HostInput');
  });

  it('calls *Info only data that crosses the contract', () => {
    const notCrossing = [...declared.keys()].filter((n) => n.endsWith('Info') && !crossing.has(n));
    expect(notCrossing).toEqual([]);
  });

  it('gives every shape of data that crosses a name that says which way it goes', () => {
    const unnamed = [...crossing].filter((n) => {
      if (!isObjectShape(declared.get(n)!.decl) || Object.hasOwn(OTHER_NAMES, n)) return false;
      // A feature's interface is its `*Api`.
      return !/(?:Info|Input|Ref|Params|State|Map|Api)$/.test(n);
    });
    expect(unnamed).toEqual([]);
  });
});
