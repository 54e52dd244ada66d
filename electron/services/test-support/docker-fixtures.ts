import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, lchown, link, lstat, mkdir, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import type Docker from 'dockerode';
import type { Client } from 'ssh2';
import tar from 'tar-stream';
import { expect } from 'vitest';
import { HomeportError } from '../../../shared/contract';
import { openDockerTransport, type DockerTransport } from '../ssh/docker-transport';
import { KnownHosts } from '../ssh/known-hosts';
import { connectSsh } from '../ssh/ssh-connect';
import { MemoryStore } from './memory-store';
import type { Lab } from './lab';

/** Test-only helpers of the resources integration tests (never imported by app code). */

export const LAB_IMAGE = 'homeport-lab/busybox:latest';
export const TEST_LABEL = 'homeport.test';

/**
 * The lab's engine runs on this machine and the tests run as root, so the oracle reads a volume
 * straight from its mountpoint on disk: independent of the code under test and of the engine, and
 * no container start (seconds each on a loaded machine).
 */
export async function mountpointOf(docker: Docker, volume: string): Promise<string> {
  const v = (await docker.getVolume(volume).inspect()) as { Mountpoint: string };
  return v.Mountpoint;
}

/**
 * The fixture: a nested dir, an empty dir, a relative and an absolute symlink, a hard link, a file
 * with spaces, quotes, `;` and `$( )` in its name, odd permissions and owners, and 3 MB of random data.
 */
export const QUOTED_NAME = `it's a "quoted" name; $(x).txt`;

export async function writeFixture(docker: Docker, volume: string): Promise<void> {
  const root = await mountpointOf(docker, volume);
  const p = (...parts: string[]) => path.join(root, ...parts);
  await mkdir(p('sub', 'deep'), { recursive: true });
  await mkdir(p('empty'));
  await writeFile(p('a.txt'), 'hello\n');
  await writeFile(p('sub', 'deep', 'n.txt'), 'nested\n');
  await writeFile(p('sub', QUOTED_NAME), 'quoted\n');
  await symlink('a.txt', p('link-to-a'));
  await symlink('/etc/passwd', p('abs-link'));
  await link(p('a.txt'), p('hard-a'));
  await writeFile(p('sub', 'random.bin'), randomBytes(3_000_000));
  await writeFile(p('private'), 'secret\n', { mode: 0o600 });
  await chmod(p('private'), 0o600);
  await lchown(p('private'), 1000, 1000);
  await chmod(p('sub', 'deep'), 0o750);
}

/** Every path under the volume: type, mode, owner, size (files), link target and sha256 (files). */
export async function listing(docker: Docker, volume: string): Promise<string> {
  const root = await mountpointOf(docker, volume);
  const lines: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const full = path.join(root, rel);
    const st = await lstat(full);
    const perm = (st.mode & 0o7777).toString(8);
    const own = `${st.uid}:${st.gid}`;
    if (st.isDirectory()) {
      // a directory's own size depends on its history, not its content: left out
      lines.push(`${rel || '.'}|dir|${perm}|${own}`);
      for (const name of (await readdir(full)).sort()) await walk(path.join(rel, name));
    } else if (st.isSymbolicLink()) {
      lines.push(`${rel}|symlink|${perm}|${own}|${await readlink(full)}`);
    } else if (st.isFile()) {
      const sum = createHash('sha256').update(await readFile(full)).digest('hex');
      lines.push(`${rel}|file|${perm}|${own}|${st.size}|${sum}`);
    } else {
      lines.push(`${rel}|other|${perm}|${own}`);
    }
  };
  await walk('');
  return lines.join('\n');
}

/** Collects a writable's bytes. */
export function sink(): { stream: Writable; buffer(): Buffer } {
  const parts: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      parts.push(chunk);
      cb();
    },
  });
  return { stream, buffer: () => Buffer.concat(parts) };
}

/** A .tar.gz built entry by entry (for hostile archives). */
export async function makeTarGz(entries: Array<{ name: string; type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'fifo'; content?: string; linkname?: string }>): Promise<Buffer> {
  const pack = tar.pack();
  const gz = createGzip();
  const parts: Buffer[] = [];
  gz.on('data', (d: Buffer) => parts.push(d));
  const done = new Promise<void>((res, rej) => {
    gz.on('end', res);
    gz.on('error', rej);
  });
  pack.pipe(gz);
  for (const e of entries) {
    const header = { name: e.name, type: e.type ?? 'file', ...(e.linkname ? { linkname: e.linkname } : {}), ...(e.type === 'character-device' ? { devmajor: 1, devminor: 3 } : {}) };
    if ((e.type ?? 'file') === 'file') pack.entry(header, e.content ?? '');
    else pack.entry(header);
  }
  pack.finalize();
  await done;
  return Buffer.concat(parts);
}

/** Docker over the lab's real sshd (root, plain key), trusting the lab's host key as a user would have. */
export async function dockerOverSsh(lab: Lab): Promise<{ client: Client; transport: DockerTransport }> {
  const kh = new KnownHosts({ store: new MemoryStore(), userKnownHostsFile: null });
  kh.accept(lab.ssh.host, lab.ssh.port, Buffer.from(lab.ssh.hostPublicKey.split(' ')[1]!, 'base64'));
  const client = await connectSsh(
    { hostname: lab.ssh.host, port: lab.ssh.port, user: 'root', agentSocket: null, keys: [{ label: 'lab', privateKey: readFileSync(lab.keys.plain), passphrase: null }], password: null },
    { verifyHostKey: (key) => kh.check(lab.ssh.host, lab.ssh.port, key) },
  );
  const transport = await openDockerTransport(client, lab.engine1.socket);
  return { client, transport };
}

/** Remove what a test created, by label, whatever state it is in. Never touches anything else. */
export async function cleanupByLabel(docker: Docker, label: string): Promise<void> {
  const filters = { label: [label] };
  for (const c of await docker.listContainers({ all: true, filters })) await docker.getContainer(c.Id).remove({ force: true }).catch(() => {});
  const vols = ((await docker.listVolumes({ filters })) as { Volumes?: Array<{ Name: string }> | null }).Volumes ?? [];
  for (const v of vols) await docker.getVolume(v.Name).remove().catch(() => {});
  for (const n of await docker.listNetworks({ filters })) await docker.getNetwork(n.Id).remove().catch(() => {});
}

/** Awaits a promise that must fail with a HomeportError carrying a fix; returns the error. */
export async function failure(p: Promise<unknown>): Promise<HomeportError> {
  const e = await p.then(
    () => {
      throw new Error('expected a failure');
    },
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(HomeportError);
  expect((e as HomeportError).fix).toBeTruthy();
  return e as HomeportError;
}

/** Runs something that must throw a HomeportError carrying a fix; returns the error. */
export function refusal(f: () => unknown): HomeportError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(HomeportError);
    expect((e as HomeportError).fix).toBeTruthy();
    return e as HomeportError;
  }
  throw new Error('expected a refusal');
}

/**
 * The lab image pushed to the lab registry under a repository of this run's own
 * (`<registry>/<repo>:<tag>`, `repo` being `<namespace>/<name>`), its local tag removed again: a
 * test that pulls and removes it never meets another run doing the same to the lab's shared
 * `lab/busybox` tags. `drop` removes the local tag and the registry's copy: its manifest through
 * the API, then the emptied repository's folder in the lab registry's storage (the API cannot
 * delete a repository, and an empty one would stay in the catalog).
 */
export async function registryCopy(docker: Docker, lab: Pick<Lab, 'registry' | 'dir'>, repo: string, tag: string): Promise<{ ref: string; drop(): Promise<void> }> {
  const ref = `${lab.registry}/${repo}:${tag}`;
  let digest: string | null = null;
  const drop = async () => {
    await docker.getImage(ref).remove().catch(() => {});
    if (digest) await fetch(`http://${lab.registry}/v2/${repo}/manifests/${digest}`, { method: 'DELETE' }).catch(() => {});
    await rm(path.join(lab.dir, 'registry', 'data', 'docker', 'registry', 'v2', 'repositories', repo.split('/')[0]!), { recursive: true, force: true });
  };
  try {
    await docker.getImage(LAB_IMAGE).tag({ repo: `${lab.registry}/${repo}`, tag });
    // Engine 20.10 refuses a push without an X-Registry-Auth header, even for an open registry.
    const push = await docker.getImage(ref).push({ authconfig: { serveraddress: lab.registry } });
    await new Promise((res, rej) => docker.modem.followProgress(push, (e: Error | null) => (e ? rej(e) : res(null))));
    digest = ((await docker.getImage(ref).inspect()).RepoDigests ?? []).find((d) => d.startsWith(`${lab.registry}/${repo}@`))!.split('@')[1]!;
    await docker.getImage(ref).remove();
  } catch (e) {
    await drop();
    throw e;
  }
  return { ref, drop };
}
