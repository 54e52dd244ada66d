import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// Stylesheets are edited by many hands and merged often; a rule that loses its closing brace turns
// every later rule into a nested (ignored) one, and nothing else would notice. Every stylesheet of
// the renderer is checked: the global one and those beside the features.
const sheets = (readdirSync(import.meta.dirname, { recursive: true }) as string[]).filter((f) => f.endsWith('.css')).sort();

it('finds the global stylesheet and those beside the features', () => {
  expect(sheets).toContain('styles.css');
  expect(sheets).toContain(path.join('features', 'containers', 'containers.css'));
  expect(sheets).toContain(path.join('features', 'monitors', 'monitors.css'));
});

const sources = (readdirSync(import.meta.dirname, { recursive: true }) as string[])
  .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) && !f.includes('test-support'))
  .map((f) => ({ file: f, text: readFileSync(path.join(import.meta.dirname, f), 'utf8') }));

it('loads every stylesheet: the global one from main.tsx after the app, each feature’s from a module of that feature', () => {
  const main = sources.find((s) => s.file === 'main.tsx')!.text;
  // The features' sheets come first in the page and the global one after them: a global rule that
  // competes with a feature's rule of the same weight wins, as it did when they were one file.
  expect(main.indexOf("import './styles.css';")).toBeGreaterThan(main.indexOf("from './App';"));
  const unloaded = sheets
    .filter((sheet) => sheet !== 'styles.css')
    .filter((sheet) => {
      const dir = path.dirname(sheet);
      const name = path.basename(sheet);
      return !sources.some((s) => path.dirname(s.file) === dir && s.text.includes(`import './${name}';`));
    });
  expect(unloaded).toEqual([]);
});

// Classes the components set as hooks for tests and scripts, with no style of their own.
const UNSTYLED = new Set([
  'alerts-panel',
  'browser-empty',
  'cell-state',
  'channel-default',
  'channels',
  'col-actions',
  'col-bars',
  'col-day',
  'col-name',
  'col-status',
  'health-log',
  'heartbeat',
  'kuma',
  'kuma-incident-text',
  'legend-line',
  'log-text',
  'monitor-detail',
  'network-facts',
  'pull-done',
  'pull-message',
  'push-url',
]);

it('styles every class the components name (a rule lost in a move or a merge shows here)', () => {
  const styled = new Set<string>();
  for (const sheet of sheets) {
    const css = readFileSync(path.join(import.meta.dirname, sheet), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    for (const m of css.matchAll(/\.(-?[_a-zA-Z][\w-]*)/g)) styled.add(m[1]!);
  }
  const named = new Map<string, string>();
  for (const { file, text } of sources) {
    for (const m of text.matchAll(/className=(?:"([^"]*)"|\{`([^`]*)`\}|\{'([^']*)'\})/g)) {
      // In a template, a word glued to a \${…} is only part of a class name: skipped.
      const literal = (m[1] ?? m[2] ?? m[3])!.replace(/[\w-]*\$\{[^}]*\}[\w-]*/g, ' ');
      for (const name of literal.split(/\s+/)) if (name) named.set(name, file);
    }
  }
  const unstyled = [...named].filter(([name]) => !styled.has(name) && !UNSTYLED.has(name)).map(([name, file]) => `${name} (${file})`);
  expect(unstyled).toEqual([]);
  // The list of hooks stays true: a hook that is no longer named, or is styled now, leaves it.
  expect([...UNSTYLED].filter((name) => !named.has(name) || styled.has(name))).toEqual([]);
});

describe.each(sheets)('%s', (sheet) => {
  const css = readFileSync(path.join(import.meta.dirname, sheet), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');

  it('closes every rule, and nests rules only inside @-rules', () => {
    const open: string[] = [];
    let selector = '';
    const problems: string[] = [];
    for (const ch of css) {
      if (ch === '{') {
        const sel = selector.trim().replace(/\s+/g, ' ');
        if (open.length > 0 && !open[open.length - 1]!.startsWith('@')) problems.push(`"${sel}" is nested inside "${open[open.length - 1]}"`);
        open.push(sel);
        selector = '';
      } else if (ch === '}') {
        if (open.pop() === undefined) problems.push('a "}" closes nothing');
        selector = '';
      } else if (ch === ';') selector = '';
      else selector += ch;
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(open).toEqual([]);
  });

  it('has no merge markers', () => {
    expect(css).not.toMatch(/^(<<<<<<<|=======|>>>>>>>)/m);
  });
});
