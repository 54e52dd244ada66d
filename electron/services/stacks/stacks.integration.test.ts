import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorInfo, HostId, HostInfo, HostStacksInfo, MethodName, StackFileInfo, StackInfo, StackRunOutputInfo } from '../../../shared/contract';
import { HomeportError } from '../../../shared/contract';
import { createServices, type Services } from '../app';
import { createTestPlatform, type TestPlatform } from '../test-support/temp-platform';
import { loadLab, type Lab } from '../test-support/lab';
import { detectCompose } from './compose';
import { addConnectedHost, labSsh } from '../test-support/lab-host';
import { runStream } from '../test-support/streams';
import { contractCalls, until } from '../test-support/wait';

// Stacks as the UI reaches them — through the dispatcher and the `stack.run` stream — over the
// lab's real sshd (compose runs ON the host through the SSH connection; files move over SFTP).
// The project is our own, deployed "by hand" with docker-compose (v1, as on this machine) in a
// directory whose name is hostile to shells; the lab's labweb/labapi are only looked at.

const PROJECT = `hp-stacks-int-${process.pid}`;
const REG = '127.0.0.1:5555/lab/busybox';
const COMPOSE = `# hp-stacks integration project — comments must survive edits
version: "2.4"
services:
  app:
    image: ${REG}:1.0   # pinned
    network_mode: none
    stop_signal: SIGKILL
    command: ["sleep", "86400"]
  side:
    image: ${REG}:1.0
    network_mode: none
    stop_signal: SIGKILL
    command: ["sleep", "86400"]
`;

let lab: Lab;
let tp: TestPlatform;
let services: Services;
let hostId: HostId;
let root: string;
let dir: string;
let file: string;
const events: Array<{ event: string; payload: unknown }> = [];

const docker = (...args: string[]) => execFileSync('docker', ['-H', 'unix:///var/run/docker.sock', ...args], { encoding: 'utf8' }).trim();
const names = () => docker('ps', '-a', '--filter', `label=com.docker.compose.project=${PROJECT}`, '--format', '{{.Names}} {{.State}}').split('\n').filter(Boolean).sort();
const ids = () => docker('ps', '-a', '--filter', `label=com.docker.compose.project=${PROJECT}`, '--format', '{{.ID}} {{.State}} {{.Image}} {{.Label "com.docker.compose.service"}}').split('\n').filter(Boolean).sort();

const { call, ok } = contractCalls(() => services);
async function err(method: MethodName, input?: unknown): Promise<ErrorInfo> {
  const r = await call(method, input);
  if (r.ok) throw new Error(`${method} should have failed`);
  return r.error;
}
const stackOf = async (project = PROJECT): Promise<StackInfo | undefined> =>
  (await ok<HostStacksInfo[]>('stacks.list')).find((h) => h.hostId === hostId)?.stacks.find((s) => s.project === project);

/** Runs a compose action through the stream as the UI does; resolves with its lines and end error. */
async function run(action: string, project = PROJECT, on: string = hostId, extra: Record<string, unknown> = {}): Promise<{ lines: StackRunOutputInfo[]; error: ErrorInfo | null }> {
  const { data: lines, error } = await runStream<StackRunOutputInfo>(ok, events, { kind: 'stack.run', hostId: on, project, action, ...extra }, `${action} to end`);
  return { lines, error };
}

beforeAll(async () => {
  lab = loadLab();
  root = mkdtempSync('/var/tmp/hp-stacks-');
  // Spaces, quotes, $( ), backticks and a leading dash: all of it must reach the host as data.
  dir = path.join(root, `-proj 'q' $(touch PWNED) \`id\``);
  mkdirSync(dir);
  file = path.join(dir, 'docker-compose.yml');
  writeFileSync(file, COMPOSE);
  // Deployed by hand, the way an Ansible task would: v1 labels config_files relative to the dir.
  execFileSync('docker-compose', ['-p', PROJECT, 'up', '-d'], { cwd: dir, env: { ...process.env, DOCKER_HOST: 'unix:///var/run/docker.sock' }, stdio: 'pipe' });

  tp = createTestPlatform({ agentSocket: lab.agentSock });
  services = await createServices(tp.platform);
  services.events.subscribe((event, payload) => events.push({ event, payload }));
  hostId = (await addConnectedHost(ok, labSsh(lab))).id;
}, 120_000);

afterAll(async () => {
  try {
    if (dir && existsSync(file)) execFileSync('docker-compose', ['-p', PROJECT, '-f', file, 'down', '-t', '1'], { cwd: dir, stdio: 'pipe' });
  } catch {
    /* fall through to removing by label */
  }
  for (const line of ids()) docker('rm', '-f', line.split(' ')[0]!);
  await services?.dispose();
  tp?.cleanup();
  if (root) rmSync(root, { recursive: true, force: true });
}, 120_000);

describe('stacks over SSH', () => {
  it('lists every compose project on the host, ours and the lab\'s, with status and absolute file paths', async () => {
    const hosts = await ok<HostStacksInfo[]>('stacks.list');
    const mine = hosts.find((h) => h.hostId === hostId)!;
    expect(mine.error).toBeNull();
    const names = mine.stacks.map((s) => s.project);
    expect(names).toEqual(expect.arrayContaining([PROJECT, 'labweb', 'labapi']));
    const s = mine.stacks.find((x) => x.project === PROJECT)!;
    expect(s.workingDir).toBe(dir);
    // v1 wrote "docker-compose.yml": resolved against the working dir.
    expect(s.configFiles).toEqual([file]);
    expect(s).toMatchObject({ running: 2, total: 2, status: 'running' });
    expect(s.services.map((x) => [x.name, x.running, x.containers[0]!.state])).toEqual([
      ['app', 1, 'running'],
      ['side', 1, 'running'],
    ]);
    const web = mine.stacks.find((x) => x.project === 'labweb')!;
    expect(web.configFiles).toEqual(['/var/tmp/homeport-lab/compose/labweb/docker-compose.yml']);
  });

  it('reads the compose file over SFTP from the relative path in the labels', async () => {
    const f = await ok<StackFileInfo>('stacks.file', { hostId, project: PROJECT });
    expect(f).toEqual({ hostId, project: PROJECT, path: file, content: COMPOSE, previousPath: null });
    const lab = await ok<StackFileInfo>('stacks.file', { hostId, project: 'labweb' });
    expect(lab.content).toContain('labweb');
    // Only the project's own files: any other path is refused.
    expect((await err('stacks.file', { hostId, project: PROJECT, path: '/etc/shadow' })).code).toBe('VALIDATION');
  });

  it('restarts, brings down (still listed, stopped) and brings up the whole stack, streaming output', async () => {
    const restart = await run('restart');
    expect(restart.error).toBeNull();
    expect(restart.lines[0]).toEqual({ line: `$ docker-compose -p ${PROJECT} -f '${file.replaceAll("'", `'\\''`)}' restart`, stream: 'info' });
    expect(restart.lines.map((l) => l.line).join('\n')).toContain(`Restarting ${PROJECT}_app_1`);

    const down = await run('down');
    expect(down.error).toBeNull();
    expect(down.lines.map((l) => l.line).join('\n')).toContain(`Removing ${PROJECT}_app_1`);
    expect(ids()).toEqual([]);
    const stopped = await stackOf();
    expect(stopped).toMatchObject({ status: 'stopped', running: 0, total: 0 });
    expect(stopped!.services.map((s) => s.name)).toEqual(['app', 'side']);

    const up = await run('up');
    expect(up.error).toBeNull();
    expect(ids().map((l) => l.split(' ')[1])).toEqual(['running', 'running']);
    expect(await stackOf()).toMatchObject({ status: 'running', running: 2, total: 2 });
    expect(existsSync(path.join(root, 'PWNED'))).toBe(false);
    expect(existsSync(path.join(dir, 'PWNED'))).toBe(false);
  }, 240_000);

  it('pulls and recreates the stack', async () => {
    const before = ids().map((l) => l.split(' ')[0]);
    const pull = await run('pull');
    expect(pull.error).toBeNull();
    const recreate = await run('recreate');
    expect(recreate.error).toBeNull();
    expect(recreate.lines.map((l) => l.line).join('\n')).toContain(`Recreating ${PROJECT}_app_1`);
    const after = ids();
    expect(after.map((l) => l.split(' ')[1])).toEqual(['running', 'running']);
    expect(after.map((l) => l.split(' ')[0])).not.toEqual(before);
  }, 240_000);

  it('refuses an invalid file with compose\'s message and changes nothing', async () => {
    const before = ids();
    const e = await err('stacks.saveFile', { hostId, project: PROJECT, content: COMPOSE.replace('    command: ["sleep", "86400"]\n  side:', '    command: ["sleep", "86400"]\n    bogus_key: 1\n  side:') });
    expect(e.code).toBe('VALIDATION');
    expect(e.message).toMatch(/Compose rejected the file, nothing was changed: .*bogus_key/s);
    const yamlError = await err('stacks.saveFile', { hostId, project: PROJECT, content: 'services: [unclosed' });
    expect(yamlError.code).toBe('VALIDATION');
    expect(readFileSync(file, 'utf8')).toBe(COMPOSE);
    expect(readdirSync(dir)).toEqual(['docker-compose.yml']);
    expect(ids()).toEqual(before);
    // validateFile says the same without saving.
    expect((await err('stacks.validateFile', { hostId, project: PROJECT, content: 'services: [unclosed' })).code).toBe('VALIDATION');
    await ok('stacks.validateFile', { hostId, project: PROJECT, content: COMPOSE });
    expect(readdirSync(dir)).toEqual(['docker-compose.yml']);
  }, 120_000);

  it('saves a valid edit atomically, keeps the previous file, redeploys; rolls the file back', async () => {
    const edited = COMPOSE.replace('    command: ["sleep", "86400"]\n  side:', '    command: ["sleep", "86400"]\n    environment:\n      EDITED_BY: homeport\n  side:');
    const saved = await ok<StackFileInfo>('stacks.saveFile', { hostId, project: PROJECT, content: edited });
    expect(saved).toMatchObject({ path: file, content: edited, previousPath: `${file}.homeport-prev` });
    expect(readFileSync(file, 'utf8')).toBe(edited);
    expect(readFileSync(`${file}.homeport-prev`, 'utf8')).toBe(COMPOSE);
    expect(readdirSync(dir).sort()).toEqual(['docker-compose.yml', 'docker-compose.yml.homeport-prev']);

    expect((await run('up')).error).toBeNull();
    const app = ids().find((l) => l.endsWith(' app'))!.split(' ')[0]!;
    expect(docker('inspect', '-f', '{{json .Config.Env}}', app)).toContain('EDITED_BY=homeport');

    const back = await ok<StackFileInfo>('stacks.rollbackFile', { hostId, project: PROJECT });
    expect(back.content).toBe(COMPOSE);
    expect(readFileSync(file, 'utf8')).toBe(COMPOSE);
    // The rolled-back edit is now the previous file: rolling back again re-applies it.
    expect(readFileSync(`${file}.homeport-prev`, 'utf8')).toBe(edited);
    expect((await run('up')).error).toBeNull();
    const app2 = ids().find((l) => l.endsWith(' app'))!.split(' ')[0]!;
    expect(docker('inspect', '-f', '{{json .Config.Env}}', app2)).not.toContain('EDITED_BY');
  }, 240_000);

  it('upgrades one service\'s image tag 1.0 → 1.1 and back, keeping comments', async () => {
    const up = await ok<StackFileInfo>('stacks.setServiceImage', { hostId, project: PROJECT, service: 'app', image: `${REG}:1.1` });
    expect(up.content).toBe(COMPOSE.replace(`${REG}:1.0   # pinned`, `${REG}:1.1   # pinned`));
    expect(readFileSync(`${file}.homeport-prev`, 'utf8')).toBe(COMPOSE);
    expect((await run('up')).error).toBeNull();
    expect(ids().find((l) => l.endsWith(' app'))).toContain(`${REG}:1.1`);
    expect(ids().find((l) => l.endsWith(' side'))).toContain(`${REG}:1.0`);
    expect((await stackOf())!.services.find((s) => s.name === 'app')!.image).toBe(`${REG}:1.1`);

    await ok('stacks.rollbackFile', { hostId, project: PROJECT });
    expect(readFileSync(file, 'utf8')).toBe(COMPOSE);
    expect((await run('up')).error).toBeNull();
    expect(ids().find((l) => l.endsWith(' app'))).toContain(`${REG}:1.0`);
  }, 240_000);

  it('ends a failing command with COMMAND_FAILED naming the exit status, the output kept', async () => {
    await ok('stacks.setServiceImage', { hostId, project: PROJECT, service: 'side', image: `${REG}:no-such-tag` });
    const r = await run('up');
    expect(r.error).toMatchObject({ code: 'COMMAND_FAILED' });
    expect(r.error!.message).toMatch(/^docker-compose up exited with status 1: /);
    expect(r.lines.map((l) => l.line).join('\n')).toMatch(/no-such-tag/);
    await ok('stacks.rollbackFile', { hostId, project: PROJECT });
    expect(readFileSync(file, 'utf8')).toBe(COMPOSE);
  }, 240_000);

  it('puts the previous file back and redeploys it when the new one passes `config -q` but fails at `up`', async () => {
    expect((await run('up')).error).toBeNull();
    expect(names()).toEqual([`${PROJECT}_app_1 running`, `${PROJECT}_side_1 running`]);
    // Valid to `config -q` (compose does not check restart policies), refused by the engine when
    // the container is created: compose v1 has already stopped and renamed the old one by then.
    const broken = COMPOSE.replace('    command: ["sleep", "86400"]\n  side:', '    restart: sometimes\n    command: ["sleep", "86400"]\n  side:');
    await ok('stacks.saveFile', { hostId, project: PROJECT, content: broken });
    const r = await run('up', PROJECT, hostId, { revertFile: file });
    const out = r.lines.map((l) => l.line).join('\n');
    expect(out).toMatch(/invalid restart policy/);
    // What the user sees: the stack runs the previous file again, under its own names…
    expect(readFileSync(file, 'utf8')).toBe(COMPOSE);
    expect(names()).toEqual([`${PROJECT}_app_1 running`, `${PROJECT}_side_1 running`]);
    // …the failed edit is kept, not lost…
    expect(readFileSync(`${file}.homeport-prev`, 'utf8')).toBe(broken);
    // …and the run says what happened, in the output and in its outcome.
    expect(out).toMatch(/The new file failed.*Putting the previous file back and redeploying it/s);
    expect(r.error).toMatchObject({ code: 'COMMAND_FAILED', details: { reverted: true } });
    expect(r.error!.message).toMatch(/^The new file failed: .*invalid restart policy.*; the previous file was put back and redeployed\.$/);
    expect(r.error!.fix).toMatch(/docker-compose\.yml\.homeport-prev/);
  }, 300_000);

  it('passes hostile names as data: unknown projects and services are NOT_FOUND and nothing runs', async () => {
    const marker = path.join(root, 'HOSTILE');
    for (const project of [`x'; touch ${marker}; '`, `$(touch ${marker})`, `\`touch ${marker}\``, '-h', '../labweb']) {
      expect((await err('stacks.file', { hostId, project })).code).toBe('NOT_FOUND');
      expect((await err('streams.open', { kind: 'stack.run', hostId, project, action: 'down' })).code).toBe('NOT_FOUND');
    }
    expect((await err('stacks.setServiceImage', { hostId, project: PROJECT, service: `app'; touch ${marker}; '`, image: `${REG}:1.1` })).code).toBe('NOT_FOUND');
    expect((await err('stacks.setServiceImage', { hostId, project: PROJECT, service: 'app', image: `x; touch ${marker}` })).code).toBe('VALIDATION');
    expect(existsSync(marker)).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe(COMPOSE);

    // The exec layer itself, over the real SSH connection: argv comes back byte for byte.
    const hostile = ["it's", '$(touch PWNED)', '`id`', 'a;b|c&&d', 'line1\nline2', '../x', '-rf', ' spaced '];
    const r = await services.hosts.access(hostId).exec(['printf', '%s\\0', ...hostile], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(hostile);
    expect(existsSync(path.join(dir, 'PWNED'))).toBe(false);
  }, 120_000);

  it('says clearly when the host has no compose at all', async () => {
    // A host whose PATH has no docker nor docker-compose: every command runs under `env PATH=/nonexistent`.
    const access = services.hosts.access(hostId);
    const e = await detectCompose((argv, o) => access.exec(['env', 'PATH=/nonexistent', ...argv], o), 'lab').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(HomeportError);
    expect((e as HomeportError).code).toBe('COMPOSE_MISSING');
    expect((e as HomeportError).message).toMatch(/^Docker Compose is not installed on lab .*docker compose: .*docker-compose: /);
    expect((e as HomeportError).fix).toBe('Install the Docker Compose plugin (docker compose) or docker-compose on lab.');
    // And the real host has v1.
    const f = await detectCompose((argv, o) => access.exec(argv, o), 'lab');
    expect(f).toMatchObject({ version: 'v1', argv: ['docker-compose'] });
  }, 60_000);

  it('works the same for a local host (no SSH: child processes without a shell, local files)', async () => {
    const local = await ok<HostInfo>('hosts.add', { name: 'here', kind: 'local', address: '', socketPath: '/var/run/docker.sock', useAgent: false, keyId: null, identityFile: null });
    await until('local connected', async () => (await ok<HostInfo[]>('hosts.list')).find((h) => h.id === local.id)?.state.status === 'connected');
    const s = (await ok<HostStacksInfo[]>('stacks.list')).find((h) => h.hostId === local.id)!.stacks.find((x) => x.project === PROJECT)!;
    expect(s.configFiles).toEqual([file]);
    expect((await ok<StackFileInfo>('stacks.file', { hostId: local.id, project: PROJECT })).content).toBe(COMPOSE);
    const e = await err('stacks.saveFile', { hostId: local.id, project: PROJECT, content: 'services: {web: {image: 1, bogus: 2}}' });
    expect(e.code).toBe('VALIDATION');
    expect(readFileSync(file, 'utf8')).toBe(COMPOSE);
    expect(readdirSync(dir).filter((f) => f.includes('homeport-new'))).toEqual([]);
    const before = ids();
    const r = await run('restart', PROJECT, local.id);
    expect(r.error).toBeNull();
    expect(r.lines.map((l) => l.line).join('\n')).toContain(`Restarting ${PROJECT}_app_1`);
    expect(ids().map((l) => l.split(' ')[1])).toEqual(before.map((l) => l.split(' ')[1]));
    await ok('hosts.remove', { id: local.id });
  }, 120_000);
});

