import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorInfo, HostInfo, MonitorInfo, StackRunOutputInfo } from '../../../shared/contract';
import { HostId } from '../../../shared/contract';
import { createServices, type Services } from '../app';
import { createTestPlatform, type TestPlatform } from '../test-support/temp-platform';
import { KNOWN_HOSTS_STORE_KEY, knownHostsName, type StoredHostKey } from '../ssh/known-hosts';
import { requireLab, type Lab } from '../test-support/lab';
import { startPrivateSshd, type PrivateSshd } from '../test-support/private-sshd';
import { runStream } from '../test-support/streams';
import { contractCalls, until } from '../test-support/wait';

// sshd runs every exec request through the login user's shell. For users whose login shell is
// fish or tcsh (lab users hpfish and hptcsh), what Homeport sends must still run as meant: an
// ssh-command monitor, a compose action on a stack, a host exec with awkward arguments, and Docker
// itself over dial-stdio. Two private sshds (one without unix-socket forwarding) give each user
// their own home, as a real server would.

let lab: Lab;
let tp: TestPlatform;
let services: Services;
let withForwarding: PrivateSshd;
let dialStdio: PrivateSshd;
let root: string;
const events: Array<{ event: string; payload: unknown }> = [];
const { ok } = contractCalls(() => services);

const docker = (...args: string[]) => execFileSync('docker', ['-H', 'unix:///var/run/docker.sock', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const hostInfo = async (id: string) => (await ok<HostInfo[]>('hosts.list')).find((h) => h.id === id)!;

/** Arguments no shell may touch: backslashes (fish), `!` (csh history), quotes, newlines, `$`. */
const HOSTILE = ['a\\b', '\\\\', 'it\'s', 'wow!', '!!', 'two\nlines', '$HOME', '`id`', '"q"', '%s\\c', 'ünï'];

async function runStack(hostId: string, project: string, action: string): Promise<{ lines: StackRunOutputInfo[]; error: ErrorInfo | null }> {
  const { data: lines, error } = await runStream<StackRunOutputInfo>(ok, events, { kind: 'stack.run', hostId, project, action }, `${action} to end`);
  return { lines, error };
}

beforeAll(async () => {
  lab = await requireLab();
  [withForwarding, dialStdio] = await Promise.all([startPrivateSshd(lab, { labHome: false }), startPrivateSshd(lab, { labHome: false, streamLocal: false })]);
  tp = createTestPlatform({ agentSocket: lab.agentSock });
  const trusted: StoredHostKey[] = [withForwarding, dialStdio].map((s) => ({
    host: knownHostsName('127.0.0.1', s.port),
    keyType: 'ssh-ed25519',
    key: s.hostKeys[0]!.blob.toString('base64'),
    addedAt: 0,
  }));
  tp.platform.store.set(KNOWN_HOSTS_STORE_KEY, trusted);
  services = await createServices(tp.platform, { monitors: { intervalScale: 0.05, referenceTargets: [] } });
  services.events.subscribe((event, payload) => events.push({ event, payload }));
  root = mkdtempSync(`/var/tmp/hp-shells-${process.pid}-`);
  chmodSync(root, 0o755); // the login users must reach their directories below it
}, 60_000);

afterAll(async () => {
  for (const u of ['fish', 'tcsh']) {
    for (const id of docker('ps', '-aq', '--filter', `label=com.docker.compose.project=hp-shells-${u}-${process.pid}`).split('\n').filter(Boolean)) docker('rm', '-f', id);
  }
  await services?.dispose();
  tp?.cleanup();
  await Promise.all([withForwarding?.stop(), dialStdio?.stop()]);
  if (root) rmSync(root, { recursive: true, force: true });
}, 60_000);

describe.each(['fish', 'tcsh'] as const)('a host whose login shell is %s', (shell) => {
  let user: string;
  let hostId: string;
  const project = `hp-shells-${shell}-${process.pid}`;
  let dir: string;

  beforeAll(async () => {
    user = lab.users[shell].user;
    expect(execFileSync('getent', ['passwd', user], { encoding: 'utf8' }).trim().split(':')[6]).toBe(lab.users[shell].shell);
    const host = await ok<HostInfo>('hosts.add', {
      name: `${shell}-host`,
      kind: 'ssh',
      address: `${user}@127.0.0.1:${withForwarding.port}`,
      socketPath: '/var/run/docker.sock',
      useAgent: true,
      keyId: null,
      identityFile: null,
    });
    hostId = host.id;
    await until(`${user} connected`, async () => {
      const s = (await hostInfo(hostId)).state;
      if (s.status === 'failed') throw new Error(s.error.message);
      return s.status === 'connected';
    });
  });

  it('runs a host exec with arguments every shell reads differently, unchanged, in a directory and with an environment', async () => {
    // Two backslashes (fish would make them one) and "!x" (tcsh history) in the directory's name.
    dir = path.join(root, `${shell} it's a\\\\b !x dir`);
    mkdirSync(dir);
    const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }));
    chownSync(dir, uid, gid);
    const r = await services.hosts.access(HostId(hostId)).exec(['sh', '-c', 'pwd; printf "%s\\0" "$HP_VALUE" "$@"', 'sh', ...HOSTILE], { cwd: dir, env: { HP_VALUE: 'v\\1 !x' } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [pwd, ...rest] = r.stdout.split('\n');
    expect(pwd).toBe(dir);
    expect(rest.join('\n').split('\0').slice(0, -1)).toEqual(['v\\1 !x', ...HOSTILE]);
  });

  it('runs an ssh-command monitor as typed', async () => {
    // 'a\\b' is four characters for sh; fish would make it three; tcsh would take "!ok" for history.
    const m = await ok<MonitorInfo>('monitors.add', {
      type: 'ssh-command',
      name: `${shell} monitor`,
      hostId,
      intervalSec: 20,
      retries: 0,
      command: `test "$(printf %s 'a\\\\b' | wc -c)" -eq 4 && echo "four!ok"`,
    });
    const up = await until(`${shell} monitor checked`, async () => {
      const x = (await ok<MonitorInfo[]>('monitors.list')).find((i) => i.id === m.id);
      return x && x.state !== 'pending' && x;
    });
    expect(up.message).toBe('Exit status 0: four!ok');
    expect(up.state).toBe('up');
    await ok('monitors.remove', { id: m.id });
  });

  it('checks and runs a compose action on a stack in that directory', async () => {
    const file = path.join(dir, 'docker-compose.yml');
    writeFileSync(file, `version: "2.4"\nservices:\n  app:\n    image: ${lab.image}:latest\n    network_mode: none\n    stop_signal: SIGKILL\n    command: ["sleep", "86400"]\n`);
    execFileSync('docker-compose', ['-p', project, 'up', '-d'], { cwd: dir, env: { ...process.env, DOCKER_HOST: 'unix:///var/run/docker.sock' }, stdio: 'pipe' });
    const content = `${'# checked by compose on the host\n'}${(await ok<{ content: string }>('stacks.file', { hostId, project })).content}`;
    await ok('stacks.validateFile', { hostId, project, content });
    const r = await runStack(hostId, project, 'restart');
    expect(r.error).toBeNull();
    expect(r.lines.map((l) => l.line).join('\n')).toMatch(new RegExp(`Restarting ${project}_app_1`));
  });

  it('reaches Docker over dial-stdio where the server forbids forwarding', async () => {
    const host = await ok<HostInfo>('hosts.add', {
      name: `${shell}-dial-stdio`,
      kind: 'ssh',
      address: `${user}@127.0.0.1:${dialStdio.port}`,
      socketPath: '/var/run/docker.sock',
      useAgent: true,
      keyId: null,
      identityFile: null,
    });
    const s = await until(`${user} connected over dial-stdio`, async () => {
      const st = (await hostInfo(host.id)).state;
      if (st.status === 'failed') throw new Error(st.error.message);
      return st.status === 'connected' && st;
    });
    expect(s.transport).toBe('dial-stdio');
    await ok('hosts.remove', { id: host.id });
  });
});
