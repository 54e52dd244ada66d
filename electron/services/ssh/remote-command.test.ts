import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { portableCommand } from './remote-command';
import { shJoin } from './ssh-exec';

// sshd runs a command as `$SHELL -c <command>`: whatever the login shell, the POSIX text Homeport
// meant must be what runs. Checked against the real shells (the lab installs fish and tcsh).

const SHELLS: Array<[string, string[]]> = [
  ['dash', ['/bin/dash']],
  ['bash', ['/bin/bash']],
  ['busybox sh', ['/usr/bin/busybox', 'sh']],
  ['fish', ['/usr/bin/fish']],
  ['tcsh', ['/usr/bin/tcsh']],
  ['csh', ['/bin/csh']],
];

const HOSTILE = [
  `'; touch /tmp/hp-pc-pwned; '`,
  '$(id)',
  '`id`',
  'a b\tc\nd',
  '"$HOME"',
  '\\',
  '\\\\',
  'a\\b',
  "''",
  "it's",
  '*',
  '-rf',
  'ünï©ødé 😀',
  '$((1+1))',
  '!!',
  'a!b',
  '&& echo x',
  '|cat',
  '%s %b \\c \\0101',
  '~',
  '{a,b}',
  '#x',
  '^x',
  '',
  'x'.repeat(8000),
];

// A home of their own, so fish's files (history, universal variables) go somewhere throwaway.
const HOME = mkdtempSync(path.join(tmpdir(), 'hp-pc-home-'));
afterAll(() => rmSync(HOME, { recursive: true, force: true }));

function through(shell: string[], command: string): { out: string; err: string } {
  const [bin, ...pre] = shell;
  try {
    const out = execFileSync(bin!, [...pre, '-c', command], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME }, stdio: ['ignore', 'pipe', 'pipe'] });
    return { out, err: '' };
  } catch (e) {
    const x = e as { stdout?: string; stderr?: string };
    return { out: x.stdout ?? '', err: x.stderr ?? String(e) };
  }
}

describe('portableCommand', () => {
  it('the shells are installed (bash scripts/lab.sh up installs fish and tcsh)', () => {
    for (const [name, [bin]] of SHELLS) expect(existsSync(bin!), name).toBe(true);
  });

  it.each(SHELLS)('gives every hostile argument back unchanged through %s as the login shell, and runs none of it', (_name, shell) => {
    const r = through(shell, portableCommand(`exec printf '%s\\0' ${shJoin(HOSTILE)}`));
    expect(r.err).toBe('');
    expect(r.out.split('\0').slice(0, -1)).toEqual(HOSTILE);
    expect(existsSync('/tmp/hp-pc-pwned')).toBe(false);
  });

  it.each(SHELLS)('keeps the exit status, cd/&& lists and a multi-line script (%s)', (_name, shell) => {
    const script = `cd -- '/tmp' && pwd\nif [ "$(printf %s 'a\\\\b' | wc -c)" -eq 4 ]; then echo four; fi\nexit 7`;
    const [bin, ...pre] = shell;
    let status = 0;
    let out = '';
    try {
      out = execFileSync(bin!, [...pre, '-c', portableCommand(script)], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME } });
    } catch (e) {
      status = (e as { status: number }).status;
      out = (e as { stdout: string }).stdout;
    }
    expect(status).toBe(7);
    expect(out).toBe('/tmp\nfour\n');
  });

  it('is one line of characters every shell keeps literally inside single quotes', () => {
    const c = portableCommand("echo 'it''s' \\ ! \n ü");
    expect(c).toMatch(/^exec \/bin\/sh -c 'eval "\$\(printf %b "\$1"\)"' sh '[^'\\!\n]*(?:\\0[0-7]{3}[^'\\!\n]*)*'$/);
    expect(() => portableCommand('a\0b')).toThrow(/NUL/);
  });
});
