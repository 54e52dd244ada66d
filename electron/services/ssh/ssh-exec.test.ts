import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shJoin, shQuote } from './ssh-exec';

/** What a real POSIX shell makes of the quoted words: each argument printed on its own line, NUL-separated. */
function throughSh(argv: string[]): string[] {
  const out = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${shJoin(argv)}`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

describe('shQuote', () => {
  it('wraps in single quotes and writes a quote as the four-character escape', () => {
    expect(shQuote('abc')).toBe(`'abc'`);
    expect(shQuote(`it's`)).toBe(`'it'\\''s'`);
    expect(shQuote('')).toBe(`''`);
  });

  it('gives sh every hostile argument back unchanged, and runs none of it', () => {
    const hostile = [`'; touch /tmp/hp-mon-a-pwned; '`, '$(id)', '`id`', 'a b\tc\nd', '"$HOME"', '\\', "''", '*', '-rf', 'ünï©ødé', '$((1+1))', '!!', '&& echo x', '|cat'];
    expect(throughSh(hostile)).toEqual(hostile);
  });

  it('refuses a NUL character', () => {
    expect(() => shQuote('a\0b')).toThrow(/NUL/);
  });
});
