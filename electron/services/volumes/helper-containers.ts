import { randomBytes } from 'node:crypto';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import type Dockerode from 'dockerode';
import { HomeportError } from '../../../shared/contract';
import { engineError, HELPER_LABEL } from '../engines/engine-common';

/**
 * Throwaway helper containers that give Homeport access to a volume's files on a remote host
 * without a shell on the host and without an agent.
 *
 * Design: a helper is CREATED, mounting the volume at /v (read-only unless it must write), and in
 * most cases never started: the engine's archive API (`GET`/`HEAD`/`PUT /containers/{id}/archive`)
 * works on a created container and mounts its volumes for the call. So browse, backup and restore
 * run no command at all and work with whatever image the host has (the image only provides a root
 * filesystem to mount /v under). Three things need a process: emptying a volume before an
 * overwrite restore (`find /v … -exec rm -rf {} +`), listing a directory too big for the archive
 * stream (`find … -print0`), and extracting a restore (`tar -x`, fed on stdin — the engine's own
 * extraction refuses ordinary symlinks that point above the volume's root, so a backup of
 * `localtime -> ../usr/share/zoneinfo/UTC` could not be restored through it); those pick an image
 * with a `find` and a `tar` (busybox, alpine, debian…) and are run with an argv array, never a shell
 * string.
 *
 * Every helper: labelled `homeport.helper=1` (so lists never show it as a "user" of anything, and
 * `cleanupStaleHelpers` can find leftovers of a crash), network `none`, read-only root filesystem,
 * all capabilities dropped except the file ones a root `rm -rf` needs, `no-new-privileges`,
 * log driver `none`, an entrypoint that does not exist (starting a create-only helper by hand
 * fails harmlessly), and removed with its anonymous volumes in a `finally`.
 */

export interface HelperOptions {
  volume: string;
  readOnly: boolean;
  purpose: 'browse' | 'backup' | 'restore' | 'empty' | 'list';
  image: string;
  /** argv of the process to run; omitted for archive-only helpers (never started). */
  cmd?: string[];
  /** The process reads stdin (given to runHelper as `input`). */
  stdin?: boolean;
}

/** Images that have `find` (with -mindepth/-maxdepth/-exec +/-print0) and `rm`, most preferred first. */
const TOOL_IMAGES = [/(^|\/)busybox(:|@|$)/, /(^|\/)alpine(:|@|$)/, /(^|\/)(debian|ubuntu)(:|@|$)/, /(^|\/)(fedora|centos|rockylinux|almalinux|archlinux|amazonlinux|opensuse[^:/]*)(:|@|$)/];

export const NO_IMAGE_FIX =
  'Pull a small image on the host (for example busybox:latest from the Images view), then try again. Homeport mounts the volume in a throwaway container made from it.';

/**
 * Image for an archive-only helper: any image works, since nothing is started. The caller's
 * preference if present, else a busybox/alpine-like one, else the smallest image on the host.
 */
export async function pickArchiveImage(docker: Dockerode, preferred?: string): Promise<string> {
  const images = await listTagged(docker);
  if (preferred && images.some((i) => i.tags.includes(preferred))) return preferred;
  for (const re of TOOL_IMAGES) {
    const hit = images.find((i) => i.tags.some((t) => re.test(t)));
    if (hit) return hit.tags.find((t) => re.test(t))!;
  }
  const smallest = [...images].sort((a, b) => a.size - b.size)[0];
  if (smallest) return smallest.tags[0] ?? smallest.id;
  throw new HomeportError({ code: 'NOT_FOUND', message: 'There is no image on this host to build a helper container from.', fix: NO_IMAGE_FIX });
}

/** Images that should have a usable `find`, most preferred first (the caller's preference leads). */
export async function pickToolImages(docker: Dockerode, preferred?: string): Promise<string[]> {
  const images = await listTagged(docker);
  const out: string[] = [];
  if (preferred && images.some((i) => i.tags.includes(preferred))) out.push(preferred);
  for (const re of TOOL_IMAGES) {
    for (const i of images) {
      const t = i.tags.find((x) => re.test(x));
      if (t && !out.includes(t) && !i.tags.some((x) => out.includes(x))) out.push(t);
    }
  }
  return out;
}

async function listTagged(docker: Dockerode): Promise<Array<{ id: string; tags: string[]; size: number }>> {
  try {
    const list = await docker.listImages({ all: false });
    return list.map((i) => ({ id: i.Id, tags: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'), size: i.Size }));
  } catch (e) {
    throw engineError(e);
  }
}

function helperConfig(o: HelperOptions): Dockerode.ContainerCreateOptions {
  const run = o.cmd && o.cmd.length > 0;
  return {
    name: `homeport-helper-${o.purpose}-${randomBytes(4).toString('hex')}`,
    Image: o.image,
    Entrypoint: run ? [o.cmd![0]!] : ['/homeport-helper-is-never-started'],
    Cmd: run ? o.cmd!.slice(1) : [],
    User: '0:0',
    WorkingDir: '/',
    Env: [],
    AttachStdout: !!run,
    AttachStderr: !!run,
    AttachStdin: !!(run && o.stdin),
    OpenStdin: !!(run && o.stdin),
    // The process gets EOF when Homeport closes its side of the attach stream.
    StdinOnce: !!(run && o.stdin),
    NetworkDisabled: true,
    Labels: { [HELPER_LABEL]: '1', 'homeport.helper.purpose': o.purpose, 'homeport.helper.volume': o.volume },
    HostConfig: {
      NetworkMode: 'none',
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
      // A restore's tar gives files their owners from the archive (CHOWN) and keeps the setgid bit
      // of a file whose group root is not in when the user keeps those bits (FSETID); the other
      // processes only read and delete.
      CapAdd: run ? ['DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', ...(o.purpose === 'restore' ? ['CHOWN', 'FSETID'] : [])] : [],
      SecurityOpt: ['no-new-privileges'],
      LogConfig: { Type: 'none', Config: {} },
      RestartPolicy: { Name: 'no' },
      // NoCopy: never copy image content into the volume (the engine does that for an empty volume
      // mounted over a non-empty image directory).
      Mounts: [{ Type: 'volume', Source: o.volume, Target: '/v', ReadOnly: o.readOnly, VolumeOptions: { NoCopy: true } as Dockerode.MountSettings['VolumeOptions'] }],
    },
  };
}

/** Create a helper, hand it to `fn`, and remove it (and its anonymous volumes) whatever happens. */
export async function withHelper<T>(docker: Dockerode, o: HelperOptions, fn: (c: Dockerode.Container) => Promise<T>): Promise<T> {
  let c: Dockerode.Container;
  try {
    c = await docker.createContainer(helperConfig(o));
  } catch (e) {
    throw engineError(e, 'The engine could not create Homeport\'s helper container; its message above says why.');
  }
  try {
    return await fn(c);
  } finally {
    await removeHelper(c);
  }
}

async function removeHelper(c: Dockerode.Container): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await c.remove({ force: true, v: true });
      return;
    } catch (e) {
      const status = (e as { statusCode?: number }).statusCode;
      if (status === 404) return;
      // 409 "removal already in progress": wait and look again.
      await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
    }
  }
}

export interface RunResult {
  exitCode: number;
  stdout: Buffer;
  stderr: string;
  /** stdout was longer than the cap and was cut. */
  truncated: boolean;
}

/**
 * Start a created helper, collect its output (stdout capped), wait for it to exit. `input` (for a
 * helper created with `stdin`) is streamed to the process's stdin once it runs, then closed; an
 * input that fails stops the process (the caller reports why).
 */
export async function runHelper(
  docker: Dockerode,
  c: Dockerode.Container,
  opts: { maxStdout: number; timeoutMs: number; signal?: AbortSignal; input?: Readable },
): Promise<RunResult> {
  const stdoutParts: Buffer[] = [];
  let stdoutLen = 0;
  let truncated = false;
  let stderr = '';
  const out = new PassThrough();
  const err = new PassThrough();
  out.on('data', (d: Buffer) => {
    if (stdoutLen >= opts.maxStdout) {
      truncated = true;
      return;
    }
    stdoutParts.push(d);
    stdoutLen += d.length;
  });
  err.on('data', (d: Buffer) => {
    if (stderr.length < 4000) stderr += d.toString('utf8');
  });
  let attached: NodeJS.ReadWriteStream;
  try {
    attached = (await c.attach({ stream: true, stdout: true, stderr: true, ...(opts.input ? { stdin: true, hijack: true } : {}) })) as NodeJS.ReadWriteStream;
  } catch (e) {
    throw engineError(e);
  }
  const ended = new Promise<void>((resolve) => {
    attached.on('end', resolve);
    attached.on('close', resolve);
    attached.on('error', () => resolve());
  });
  docker.modem.demuxStream(attached, out, err);
  let timer: NodeJS.Timeout | undefined;
  const onAbort = () => void c.kill().catch(() => {});
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await c.start();
    timer = setTimeout(onAbort, opts.timeoutMs);
    if (opts.input) {
      const input = opts.input;
      // The process may exit before reading everything (an error): writes then fail, harmlessly.
      attached.on('error', () => {});
      // (The input may be a streamx stream, tar-stream's pack: only events, no readableEnded.)
      let ended = false;
      input.on('end', () => (ended = true));
      input.on('error', onAbort);
      input.on('close', () => !ended && onAbort());
      // An input that failed before the process ran (an archive refused at its first entry) never
      // ends: without this the process would wait for stdin for ever.
      if (input.destroyed) onAbort();
      else input.pipe(attached as unknown as Writable);
    }
    const res = (await c.wait()) as { StatusCode: number };
    await Promise.race([ended, new Promise((r) => setTimeout(r, 2000))]);
    let stdout = Buffer.concat(stdoutParts);
    if (stdout.length > opts.maxStdout) {
      stdout = stdout.subarray(0, opts.maxStdout);
      truncated = true;
    }
    return { exitCode: res.StatusCode, stdout, stderr: stderr.trim(), truncated };
  } catch (e) {
    throw engineError(e);
  } finally {
    if (timer) clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    (attached as unknown as { destroy?: () => void }).destroy?.();
  }
}

/**
 * Remove helpers a crash (of Homeport or of the link) left behind: labelled ones not running and
 * older than `olderThanMs` (default 6 h: a backup of a big volume keeps its helper for as long as
 * it streams, and another Homeport — headless mode, a second computer — may be running one on the
 * same host). Call it when a host connects. Returns how many went.
 */
export async function cleanupStaleHelpers(docker: Dockerode, olderThanMs = 6 * 3600_000): Promise<number> {
  let list: Dockerode.ContainerInfo[];
  try {
    list = await docker.listContainers({ all: true, filters: { label: [`${HELPER_LABEL}=1`] } });
  } catch (e) {
    throw engineError(e);
  }
  const cutoff = Date.now() - olderThanMs;
  let n = 0;
  for (const c of list) {
    if (c.State === 'running' || c.Created * 1000 > cutoff) continue;
    await removeHelper(docker.getContainer(c.Id));
    n++;
  }
  return n;
}
