import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { shellCommand, shellQuote } from './shell-quote';

// Each hostile value goes through a real POSIX shell (dash, as sshd would run it) and must come
// back byte for byte as one argument, with nothing executed.
const HOSTILE = [
  'plain',
  'with space',
  "it's",
  "''",
  "'; touch PWNED; '",
  '$(touch PWNED)',
  '`touch PWNED`',
  '${HOME}',
  'a;b&&c||d|e',
  'line1\nline2',
  '../../etc/passwd',
  '-rf',
  '--help',
  '*',
  '"double" \\back\\',
  '',
  '\t\r\u007f',
  'ünïcødé ✓',
];

const dir = mkdtempSync(path.join(os.tmpdir(), 'hp-quote-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sh = (command: string) => execFileSync('/bin/sh', ['-c', command], { cwd: dir, encoding: 'utf8' });

describe('shellQuote', () => {
  it('wraps in single quotes and escapes single quotes only', () => {
    expect(shellQuote('abc')).toBe("'abc'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('$(x) `y` "z"')).toBe("'$(x) `y` \"z\"'");
  });

  it('refuses a NUL byte (it would cut the command short)', () => {
    expect(() => shellQuote('a\u0000b')).toThrow(/NUL/);
  });

  it.each(HOSTILE)('passes %j through a real shell as exactly one argument', (value) => {
    // printf prints each argument NUL-terminated: one argument back, identical bytes.
    const out = sh(shellCommand(['printf', '%s\\0', value]));
    expect(out).toBe(`${value}\u0000`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('quotes the working directory and env values the same way', () => {
    const hostile = path.join(dir, "dir with 'q' $(touch PWNED) `x`");
    execFileSync('mkdir', ['-p', '--', hostile]);
    const out = sh(shellCommand(['sh', '-c', 'printf "%s|%s" "$PWD" "$V"'], { cwd: hostile, env: { V: "'; touch PWNED2; '" } }));
    expect(out).toBe(`${hostile}|'; touch PWNED2; '`);
    expect(readdirSync(dir)).toEqual([path.basename(hostile)]);
  });

  it('treats a working directory starting with a dash as a path', () => {
    execFileSync('mkdir', ['-p', '--', path.join(dir, '-L')]);
    expect(sh(shellCommand(['pwd'], { cwd: '-L' })).trim()).toBe(path.join(dir, '-L'));
  });

  it('refuses env names that are not names', () => {
    expect(() => shellCommand(['true'], { env: { 'A;B': 'x' } })).toThrow(/environment variable/);
    expect(() => shellCommand([])).toThrow(/empty/);
  });
});
