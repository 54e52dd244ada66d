import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// Anything thrown becomes what the user reads through one function (toHomeportError / toErrorInfo
// in shared/model/errors.ts). Copies of its generic fallback — "a HomeportError as it is, anything
// else INTERNAL with a message of its own" written out by hand — drift apart (a fix lost here, the
// raw value quoted there). Domain mappers that turn a known cause into its own words (the engine's,
// SSH's, Kuma's, a pull's) are not this shape: they answer with their own code or look at the error.
const root = path.resolve(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && /\.tsx?$/.test(d.name) && !/\.test\.tsx?$/.test(d.name) && !d.parentPath.includes('node_modules'))
    .map((d) => path.relative(root, path.join(d.parentPath, d.name)));
}

const INTERNAL_LITERAL = String.raw`(new HomeportError\(\s*)?\{\s*code:\s*'INTERNAL'`;
const HAND_WRITTEN_FALLBACK = [
  // e instanceof HomeportError ? e.toInfo() : { code: 'INTERNAL', … }   /   … ? e : new HomeportError({ code: 'INTERNAL', … })
  new RegExp(String.raw`instanceof HomeportError\s*\?\s*\w+(\.toInfo\(\))?\s*:\s*` + INTERNAL_LITERAL),
  // if (e instanceof HomeportError) return e(.toInfo()); [a log line;] return (new HomeportError()({ code: 'INTERNAL', … }
  new RegExp(String.raw`if \(\w+ instanceof HomeportError\) return \w+(\.toInfo\(\))?;\s*(//[^\n]*\n\s*)*(\w+(\.\w+)*\.(error|warn)\([^;]*;\s*)?return\s+` + INTERNAL_LITERAL),
];

function handWrittenFallbacks(files: Array<{ file: string; text: string }>): string[] {
  return files.filter(({ text }) => HAND_WRITTEN_FALLBACK.some((re) => re.test(text))).map(({ file }) => file);
}

describe('one error converter', () => {
  it('finds the hand-written shape it forbids', () => {
    const copies = [
      "function toInfo(e: unknown): ErrorInfo {\n  return e instanceof HomeportError ? e.toInfo() : { code: 'INTERNAL', message: 'Listing failed.' };\n}",
      "const e = err instanceof HomeportError ? err : new HomeportError({ code: 'INTERNAL', message: `Polling failed: ${String(err)}` }, { cause: err });",
      "function as(err: unknown): HomeportError {\n  if (err instanceof HomeportError) return err;\n  // a bug\n  return new HomeportError({ code: 'INTERNAL', message: 'Sending failed.' });\n}",
      "export function toErrorInfo(e: unknown): ErrorInfo {\n  if (e instanceof HomeportError) return e.toInfo();\n  logger.error('unexpected error', { error: String(e) });\n  return {\n    code: 'INTERNAL',\n    message: 'Unexpected.',\n  };\n}",
    ];
    expect(handWrittenFallbacks(copies.map((text, i) => ({ file: `copy${i}`, text })))).toEqual(['copy0', 'copy1', 'copy2', 'copy3']);
    // A domain mapper keeps its own words and code.
    const mapper = "function engineError(e: unknown): HomeportError {\n  if (e instanceof HomeportError) return e;\n  const status = statusOf(e);\n  return new HomeportError({ code: 'ENGINE', message: `Docker engine: ${engineMessage(e)}` });\n}";
    expect(handWrittenFallbacks([{ file: 'mapper', text: mapper }])).toEqual([]);
  });

  it('is not written again in the services, the shells or the renderer', () => {
    const files = ['electron', 'renderer/src', 'shared'].flatMap(sources).filter((f) => f !== path.join('shared', 'model', 'errors.ts'));
    expect(files.length).toBeGreaterThan(100);
    expect(handWrittenFallbacks(files.map((file) => ({ file, text: readFileSync(path.join(root, file), 'utf8') })))).toEqual([]);
  });
});
