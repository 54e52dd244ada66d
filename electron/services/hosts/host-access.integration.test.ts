import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HomeportError, MAX_COMPOSE_FILE_BYTES, type HostId, type HostInfo, type StackFileInfo } from '../../../shared/contract';
import { createServices, type Services } from '../app';
import { createTestPlatform, type TestPlatform } from '../test-support/temp-platform';
import { EXEC_OUTPUT_CAP, LINE_CAP, boundedLines } from '../ssh/bounded-output';
import { KNOWN_HOSTS_STORE_KEY, KnownHosts, knownHostsName, type StoredHostKey } from '../ssh/known-hosts';
import { connectSsh } from '../ssh/ssh-connect';
import { sshExecShell } from '../ssh/ssh-exec';
import { MemoryStore } from '../test-support/memory-store';
import { requireLab, type Lab } from '../test-support/lab';
import { contractCalls, until } from '../test-support/wait';
import { localAccess, sshAccess, type HostAccess } from './host-access';

// What a host sends back is bounded: a command that prints without end (`yes`), or one line of
// tens of megabytes, is kept up to a cap with a marker that says so; a file larger than the
// contract allows is refused before it is read, and a file whose size is not known up front
// (/proc/kallsyms) is refused once it passes the cap. All against the lab's real sshd, and the local
// host's real processes and files.

let lab: Lab;
let client: Client;
let dir: string;
const MiB = 1024 * 1024;
/** `sh -c` text printing `n` bytes of "y" with no newline: one enormous line. */
const bigLine = (n: number) => `head -c ${n} /dev/zero | tr '\\000' y`;

beforeAll(async () => {
  lab = await requireLab();
  const kh = new KnownHosts({ store: new MemoryStore(), userKnownHostsFile: null });
  kh.accept(lab.ssh.host, lab.ssh.port, Buffer.from(lab.ssh.hostPublicKey.split(' ')[1]!, 'base64'));
  client = await connectSsh(
    { hostname: lab.ssh.host, port: lab.ssh.port, user: 'root', agentSocket: null, keys: [{ label: 'plain', privateKey: readFileSync(lab.keys.plain), passphrase: null }], password: null },
    { verifyHostKey: (b) => kh.check(lab.ssh.host, lab.ssh.port, b) },
  );
  dir = mkdtempSync(path.join(tmpdir(), `hp-bounded-${process.pid}-`));
});

afterAll(() => {
  client?.end();
  rmSync(dir, { recursive: true, force: true });
});

const accesses: Array<[string, () => HostAccess]> = [
  ['over SSH', () => sshAccess(client, lab.engine1.socket)],
  ['on the local host', () => localAccess(lab.engine1.socket)],
];

describe.each(accesses)('host exec output is bounded (%s)', (_name, access) => {
  it('a command that never stops printing (yes) is cut at the cap, and the result says so', async () => {
    const ac = new AbortController();
    // `yes` runs until the pipe closes: head ends it after 24 MiB, far past the cap.
    const r = await access().exec(['sh', '-c', 'yes | head -c 25165824'], { signal: ac.signal });
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeLessThan(EXEC_OUTPUT_CAP + 300);
    expect(r.stdout.startsWith('y\ny\ny\n')).toBe(true);
    expect(r.stdout).toMatch(/\[output cut: Homeport kept the first 1 MiB; 23 MiB more were dropped\]$/);
  });

  it('stderr is bounded the same way', async () => {
    const r = await access().exec(['sh', '-c', `${bigLine(4 * MiB)} >&2`]);
    expect(r.stderr.length).toBeLessThan(EXEC_OUTPUT_CAP + 300);
    expect(r.stderr).toMatch(/\[output cut: Homeport kept the first 1 MiB; 3 MiB more were dropped\]$/);
  });

  it('output streamed line by line keeps each line under the line cap, marking the cut', async () => {
    const lines: string[] = [];
    const split = boundedLines((l) => lines.push(l));
    const r = await access().exec(['sh', '-c', `echo before; ${bigLine(20 * MiB)}; echo; echo after`], { onOutput: (chunk) => split.push(chunk) });
    split.flush();
    expect(r.code).toBe(0);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('before');
    expect(lines[1]!.length).toBeLessThan(LINE_CAP + 200);
    expect(lines[1]!.startsWith('yyyy')).toBe(true);
    expect(lines[1]).toMatch(/… \[line cut: \d+(\.\d)? MiB more\]$/);
    expect(lines[2]).toBe('after');
  });

  it('reads a compose-sized file, and refuses one larger than the contract allows before reading it', async () => {
    const small = path.join(dir, 'small.yml');
    writeFileSync(small, 'services: {}\n');
    expect(await access().readFile(small)).toBe('services: {}\n');

    const big = path.join(dir, 'big.yml');
    writeFileSync(big, Buffer.alloc(3 * MiB, 'a'));
    const e = await access().readFile(big).then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(HomeportError);
    expect((e as HomeportError).code).toBe('FILE_ACCESS');
    expect((e as HomeportError).message).toBe(`${big} is 3 MiB: Homeport opens files of up to 1 MiB.`);
    expect((e as HomeportError).details).toMatchObject({ path: big, size: 3 * MiB, limit: MAX_COMPOSE_FILE_BYTES });
  });

  it('a file whose size is not known before reading (/proc/kallsyms: size 0, megabytes of text) is cut off once it passes the cap', async () => {
    // The kernel's symbol table: stat says 0 bytes, reading it gives several MiB.
    expect(execFileSync('wc', ['-c', '/proc/kallsyms'], { encoding: 'utf8' }).trim().split(' ')[0]).toSatisfy((n: string) => Number(n) > 2 * MiB);
    const e = await access().readFile('/proc/kallsyms').then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(HomeportError);
    expect((e as HomeportError).message).toBe('/proc/kallsyms is larger than 1 MiB: Homeport opens files of up to 1 MiB.');
  });
});

describe('ssh-command monitor output is bounded', () => {
  it('keeps the first 1 MiB of a chatty command and says the rest was dropped', async () => {
    const r = await sshExecShell(client, 'yes | head -c 25165824', new AbortController().signal);
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeLessThan(EXEC_OUTPUT_CAP + 300);
    expect(r.stdout).toMatch(/\[output cut: Homeport kept the first 1 MiB; 23 MiB more were dropped\]$/);
  });
});

describe('a compose file larger than the contract allows', () => {
  let tp: TestPlatform;
  let services: Services;
  const { call, ok } = contractCalls(() => services);
  const project = `hp-bigfile-${process.pid}`;
  const docker = (...args: string[]) => execFileSync('docker', ['-H', `unix://${lab.engine1.socket}`, ...args], { encoding: 'utf8' }).trim();

  beforeAll(async () => {
    tp = createTestPlatform({ agentSocket: lab.agentSock });
    const trusted: StoredHostKey[] = [{ host: knownHostsName('127.0.0.1', lab.ssh.port), keyType: lab.ssh.hostKeyType, key: lab.ssh.hostPublicKey.split(' ')[1]!, addedAt: 0 }];
    tp.platform.store.set(KNOWN_HOSTS_STORE_KEY, trusted);
    services = await createServices(tp.platform);
  });
  afterAll(async () => {
    try {
      docker('rm', '-f', `${project}-web`);
    } catch {
      /* not created */
    }
    await services?.dispose();
    tp?.cleanup();
  });

  it('is refused with a clear error when the stack is opened', async () => {
    const file = path.join(dir, 'docker-compose.yml');
    writeFileSync(file, `services:\n  web:\n    image: ${lab.image}:latest\n# ${'x'.repeat(2 * MiB)}\n`);
    // A container as compose labels it, pointing at that file.
    docker(
      'create', '--name', `${project}-web`, '--network', 'none',
      '--label', `com.docker.compose.project=${project}`, '--label', 'com.docker.compose.service=web',
      '--label', `com.docker.compose.project.working_dir=${dir}`, '--label', `com.docker.compose.project.config_files=${file}`,
      `${lab.image}:latest`, 'true',
    );
    const host = await ok<HostInfo>('hosts.add', { name: 'bigfile', kind: 'ssh', address: `root@127.0.0.1:${lab.ssh.port}`, socketPath: lab.engine1.socket, useAgent: true, keyId: null, identityFile: null });
    await until('connected', async () => (await ok<HostInfo[]>('hosts.list')).find((h) => h.id === host.id)?.state.status === 'connected');
    const r = await call<StackFileInfo>('stacks.file', { hostId: host.id as HostId, project });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('FILE_ACCESS');
    expect(r.error.message).toBe(`${file} is 2 MiB: Homeport opens files of up to 1 MiB.`);
    expect(r.error.fix).toMatch(/Edit it on the host/);
  });
});
