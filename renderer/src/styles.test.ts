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
