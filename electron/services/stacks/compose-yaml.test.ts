import { describe, expect, it } from 'vitest';
import { HomeportError } from '../../../shared/contract';
import { actionArgs, detectCompose, displayCommand, plainText, resolveConfigFiles } from './compose';
import { serviceImageInText, setServiceImageInText } from './compose-yaml';

const FILE = `# The lab's app — edited by hand, keep the comments.
version: "3.8"
services:
  web:
    image: 127.0.0.1:5555/lab/busybox:1.0   # pinned on purpose
    command: ["sleep", "infinity"]
  # the worker has no image line of its own
  worker:
    build: .
volumes: {}
`;

describe('setServiceImageInText', () => {
  it('changes only the image of that service, keeping comments and layout', () => {
    const out = setServiceImageInText(FILE, 'web', '127.0.0.1:5555/lab/busybox:1.1')!;
    expect(out).toBe(FILE.replace('busybox:1.0', 'busybox:1.1'));
    expect(serviceImageInText(out, 'web')).toBe('127.0.0.1:5555/lab/busybox:1.1');
  });

  it('adds an image line to a service that had none', () => {
    const out = setServiceImageInText(FILE, 'worker', 'homeport-lab/busybox:latest')!;
    expect(serviceImageInText(out, 'worker')).toBe('homeport-lab/busybox:latest');
    expect(out).toContain('# the worker has no image line of its own');
    expect(out).toContain('# pinned on purpose');
  });

  it('returns null for a service this file does not define, and refuses broken YAML', () => {
    expect(setServiceImageInText(FILE, "$(rm -rf /)'", 'x:1')).toBeNull();
    expect(() => setServiceImageInText('services: [oops', 'web', 'x:1')).toThrow(HomeportError);
  });
});

describe('compose commands', () => {
  const v1 = { version: 'v1' as const, argv: ['docker-compose'], versionText: '' };
  const v2 = { version: 'v2' as const, argv: ['docker', 'compose'], versionText: '' };
  const p = { project: 'shop', workingDir: '/srv/shop', configFiles: ['/srv/shop/docker-compose.yml', '/srv/shop/override.yml'] };

  it('maps each action to its compose command with -p and every -f file', () => {
    expect(actionArgs(v1, p, 'up')).toEqual(['docker-compose', '-p', 'shop', '-f', '/srv/shop/docker-compose.yml', '-f', '/srv/shop/override.yml', 'up', '-d']);
    expect(actionArgs(v2, p, 'recreate').slice(0, 2)).toEqual(['docker', 'compose']);
    expect(actionArgs(v2, p, 'recreate').slice(-3)).toEqual(['up', '-d', '--force-recreate']);
    expect(actionArgs(v1, p, 'down').at(-1)).toBe('down');
    expect(actionArgs(v1, p, 'pull').at(-1)).toBe('pull');
    expect(actionArgs(v1, p, 'restart').at(-1)).toBe('restart');
  });

  it('resolves v1 relative config files against the working directory', () => {
    expect(resolveConfigFiles('docker-compose.yml', '/var/lab/web')).toEqual(['/var/lab/web/docker-compose.yml']);
    expect(resolveConfigFiles('a.yml,../shared/b.yml', '/srv/app')).toEqual(['/srv/app/a.yml', '/srv/shared/b.yml']);
    expect(resolveConfigFiles('/abs/c.yml', '/srv/app')).toEqual(['/abs/c.yml']);
    expect(resolveConfigFiles(undefined, '/srv/app')).toEqual(['/srv/app/docker-compose.yml']);
    expect(resolveConfigFiles('rel.yml', null)).toEqual([]);
  });

  it('shows commands readably and strips terminal escapes from output', () => {
    expect(displayCommand(['docker-compose', '-p', "it's", 'up'])).toBe(`docker-compose -p 'it'\\''s' up`);
    expect(plainText('\u001b[32mdone\u001b[0m\u001b[2K')).toBe('done');
  });
});

describe('detectCompose', () => {
  const res = (code: number, stdout = '', stderr = '') => ({ code, signal: null, stdout, stderr });

  it('prefers the v2 plugin', async () => {
    const f = await detectCompose(async (argv) => (argv[0] === 'docker' ? res(0, 'Docker Compose version v2.29.1\n') : res(0)), 'lab');
    expect(f).toEqual({ version: 'v2', argv: ['docker', 'compose'], versionText: 'Docker Compose version v2.29.1' });
  });

  it('falls back to docker-compose v1', async () => {
    const f = await detectCompose(async (argv) => (argv[0] === 'docker' ? res(1, '', "docker: 'compose' is not a docker command.") : res(0, 'docker-compose version 1.29.2, build unknown\n')), 'lab');
    expect(f.version).toBe('v1');
    expect(f.argv).toEqual(['docker-compose']);
  });

  it('names the host and the fix when neither runs', async () => {
    const e = await detectCompose(async (argv) => res(127, '', `sh: 1: ${argv[0]}: not found`), 'garage').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(HomeportError);
    expect((e as HomeportError).code).toBe('COMPOSE_MISSING');
    expect((e as HomeportError).message).toContain('garage');
    expect((e as HomeportError).fix).toBe('Install the Docker Compose plugin (docker compose) or docker-compose on garage.');
  });
});

describe('setServiceImageInText quoting', () => {
  it('keeps the quotes the user chose', () => {
    expect(setServiceImageInText(`services:\n  a:\n    image: "x:1" # c\n`, 'a', 'x:2')).toBe(`services:\n  a:\n    image: "x:2" # c\n`);
    expect(setServiceImageInText(`services:\n  a:\n    image: 'x:1'\n`, 'a', 'x:2')).toBe(`services:\n  a:\n    image: 'x:2'\n`);
  });
});
