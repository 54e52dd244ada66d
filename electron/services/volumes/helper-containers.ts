import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import type Dockerode from 'dockerode';
import { HomeportError } from '../../../shared/contract';
import { abortedError, engineError, HELPER_LABEL, statusOf } from '../docker/engine-common';

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
 * fails harmlessly), and removed with its anonymous volumes in a `finally`. A helper that could not
 * be removed then (the connection to the host was lost, Homeport was killed) is left for
 * `cleanupStaleHelpers`, which runs whenever a host connects: each helper names the Homeport
 * process that made it (`homeport.helper.owner`), so leftovers of this process or of one that is
 * gone go at once, and those of another Homeport only when that cannot disturb it.
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

// ── who made a helper, and which ones this process is using ──────────────────────────────────

/** Label naming the Homeport process that made a helper (see Owner). */
export const OWNER_LABEL = 'homeport.helper.owner';

/**
 * A Homeport process, as far as another process on the same machine can check that it still
 * runs: the machine (a hash of its name and PID namespace — two containers may share a hostname,
 * never a namespace — so the host learns no computer's name), the pid, and when that process
 * started (a pid is reused after a while); and which load of this module made it (one process
 * could hold two, as a test runner's threads do).
 */
interface Owner {
  machine: string;
  pid: number;
  start: string;
  run: string;
}

function pidNamespace(): string {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return ''; // not Linux: the hostname and the pid are all there is
  }
}

/** The process's start time in clock ticks since boot (Linux /proc), null when there is no such process, '' when not known. */
function startOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? null : '';
  }
}

const SELF: Owner = {
  machine: createHash('sha256').update(`${os.hostname()}\0${pidNamespace()}`).digest('hex').slice(0, 16),
  pid: process.pid,
  start: startOf(process.pid) ?? '',
  run: randomBytes(6).toString('hex'),
};
const SELF_LABEL = JSON.stringify(SELF);

function parseOwner(label: string | undefined): Owner | null {
  if (!label) return null;
  try {
    const o = JSON.parse(label) as Partial<Owner>;
    if (typeof o.machine !== 'string' || typeof o.pid !== 'number' || typeof o.start !== 'string' || typeof o.run !== 'string') return null;
    return { machine: o.machine, pid: o.pid, start: o.start, run: o.run };
  } catch {
    return null;
  }
}

/**
 * Whether the owner runs: 'gone' only when that is sure — it ran on this machine, in this PID
 * namespace, and its pid is free now or belongs to a process that started at another time;
 * 'running' when it surely runs there; 'unknown' for another machine or a container of its own.
 */
function ownerState(o: Owner): 'self' | 'gone' | 'running' | 'unknown' {
  if (o.machine !== SELF.machine) return 'unknown';
  if (o.pid === SELF.pid && o.start === SELF.start && o.run === SELF.run) return 'self';
  try {
    process.kill(o.pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH' ? 'gone' : 'running';
  }
  // Without /proc (macOS, Windows) a pid that answers counts as the owner.
  const start = SELF.start ? startOf(o.pid) : '';
  return start === null || (o.start !== '' && start !== '' && start !== o.start) ? 'gone' : 'running';
}

/** Helpers this process is using now, by name (named before they are created), with when they are done. */
const inUse = new Map<string, { docker: Dockerode; done: Promise<void> }>();
const leftBehindListeners = new Set<() => void>();

/** Called when a helper of this process could not be removed (the engine could not be reached). */
export function onHelperLeftBehind(listener: () => void): () => void {
  leftBehindListeners.add(listener);
  return () => void leftBehindListeners.delete(listener);
}

/**
 * Waits (at most `timeoutMs`) until no helper on these engines is in use: at shutdown, after the
 * transfers were cancelled, so their helpers are removed while the connections are still open.
 */
export async function helpersSettled(dockers: Dockerode[], timeoutMs: number): Promise<void> {
  const pending = [...inUse.values()].filter((h) => dockers.includes(h.docker)).map((h) => h.done);
  if (pending.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(pending), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
  clearTimeout(timer);
}

function helperConfig(o: HelperOptions, name: string): Dockerode.ContainerCreateOptions {
  const run = o.cmd && o.cmd.length > 0;
  return {
    name,
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
    Labels: { [HELPER_LABEL]: '1', 'homeport.helper.purpose': o.purpose, 'homeport.helper.volume': o.volume, [OWNER_LABEL]: SELF_LABEL },
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

/**
 * Create a helper, hand it to `fn`, and remove it (and its anonymous volumes) whatever happens. One
 * that cannot be removed (the engine is out of reach) is reported to `onHelperLeftBehind`.
 */
export async function withHelper<T>(docker: Dockerode, o: HelperOptions, fn: (c: Dockerode.Container) => Promise<T>): Promise<T> {
  const name = `homeport-helper-${o.purpose}-${randomBytes(4).toString('hex')}`;
  let settle = () => {};
  inUse.set(name, { docker, done: new Promise<void>((r) => (settle = r)) });
  let leftBehind = false;
  try {
    let c: Dockerode.Container;
    try {
      c = await docker.createContainer(helperConfig(o, name));
    } catch (e) {
      // No answer at all: the engine may have made it all the same.
      leftBehind = statusOf(e) === undefined;
      throw engineError(e, 'The engine could not create Homeport\'s helper container; its message above says why.');
    }
    try {
      return await fn(c);
    } finally {
      leftBehind = !(await removeHelper(c));
    }
  } finally {
    inUse.delete(name);
    settle();
    if (leftBehind) for (const l of [...leftBehindListeners]) l();
  }
}

/** How long a removal the engine refuses for a moment (still tearing the container down) is retried. */
const REMOVE_RETRY_MS = 15_000;

/** Removes a helper; false when it may still be there. */
async function removeHelper(c: Dockerode.Container): Promise<boolean> {
  const deadline = Date.now() + REMOVE_RETRY_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      await c.remove({ force: true, v: true });
      return true;
    } catch (e) {
      const status = statusOf(e);
      if (status === 404) return true;
      // No answer: the connection to the engine is gone (the sweep after the reconnect removes
      // it). Otherwise — "removal already in progress", "device or resource busy" while the
      // engine still tears a killed process down — try again for a while.
      if (status === undefined || Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, Math.min(2000, 200 * 2 ** attempt)));
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
  let settled = false;
  const onAbort = () => void c.kill().catch(() => {});
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    // A cancel that came while the helper was being created never reached the listener.
    if (opts.signal?.aborted) throw abortedError('The helper\'s work');
    await c.start();
    // One that came while it was starting found nothing to stop yet.
    if (opts.signal?.aborted) onAbort();
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
    const res = await Promise.race([c.wait() as Promise<{ StatusCode: number }>, exitSeenAfter(ended, c, () => settled)]);
    settled = true;
    await Promise.race([ended, new Promise((r) => setTimeout(r, 2000))]);
    let stdout = Buffer.concat(stdoutParts);
    if (stdout.length > opts.maxStdout) {
      stdout = stdout.subarray(0, opts.maxStdout);
      truncated = true;
    }
    return { exitCode: res.StatusCode, stdout, stderr: stderr.trim(), truncated };
  } catch (e) {
    settled = true;
    throw engineError(e);
  } finally {
    if (timer) clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    (attached as unknown as { destroy?: () => void }).destroy?.();
  }
}

/**
 * The attach stream ends when the process exits — and when the connection to the engine is lost,
 * and then `wait` may never answer: the engine sent its response's headers at once, and a response
 * cut short by a dropped SSH channel is not an error docker-modem hears. So once the stream has
 * ended, the container's state is asked for as well: an exit is the answer, and a question that
 * fails is the lost connection.
 */
async function exitSeenAfter(ended: Promise<void>, c: Dockerode.Container, done: () => boolean): Promise<{ StatusCode: number }> {
  await ended;
  for (let i = 0; ; i++) {
    await new Promise((r) => setTimeout(r, i === 0 ? 1000 : 3000));
    if (done()) return { StatusCode: -1 }; // `wait` answered first: this is not used
    const info = await c.inspect();
    if (!info.State.Running) return { StatusCode: info.State.ExitCode };
  }
}

/** A helper of another Homeport that is not running is left this long (see cleanupStaleHelpers). */
export const STALE_HELPER_AGE_MS = 3600_000;

/** Removals under way (one may wait for hours behind another Homeport's backup), by container id. */
const removing = new Set<string>();

/**
 * Remove the helpers left behind on an engine — by a lost connection, or by a Homeport that was
 * killed or crashed — and never one that some Homeport is using now:
 *
 * - this process's own helpers that it is not using, whatever their state;
 * - helpers of a Homeport process that surely runs no more (same machine and PID namespace, its
 *   pid gone or reused), whatever their state; those of one that runs on this machine are its own
 *   to remove;
 * - any other helper (another machine, an older Homeport) that is not running once it is older
 *   than `olderThanMs` (1 hour). A process helper (tar, find) that exited is done: its owner only
 *   had to read the exit status. One that was never started may be serving another Homeport's
 *   backup through the archive API for hours, but the engine holds a removal back until that
 *   stream ends (and the backup is whole). Running helpers of another Homeport are left alone.
 *
 * `only` limits it to some helpers (tests share an engine with others). Returns how many went.
 */
export async function cleanupStaleHelpers(
  docker: Dockerode,
  opts: { olderThanMs?: number; only?: (c: Dockerode.ContainerInfo) => boolean } = {},
): Promise<number> {
  let list: Dockerode.ContainerInfo[];
  try {
    list = await docker.listContainers({ all: true, filters: { label: [`${HELPER_LABEL}=1`] } });
  } catch (e) {
    throw engineError(e);
  }
  const cutoff = Date.now() - (opts.olderThanMs ?? STALE_HELPER_AGE_MS);
  const doomed = list.filter((c) => {
    if (opts.only && !opts.only(c)) return false;
    if (removing.has(c.Id)) return false;
    const name = (c.Names?.[0] ?? '').replace(/^\//, '');
    const owner = parseOwner(c.Labels?.[OWNER_LABEL]);
    const state = owner ? ownerState(owner) : 'unknown';
    if (state === 'self') return !inUse.has(name);
    if (state === 'gone') return true;
    if (state === 'running') return false;
    if (c.State === 'running' || c.State === 'restarting' || c.State === 'paused' || c.State === 'removing') return false;
    return c.Created * 1000 < cutoff;
  });
  const removed = await Promise.all(
    doomed.map(async (c) => {
      removing.add(c.Id);
      try {
        return await removeHelper(docker.getContainer(c.Id));
      } finally {
        removing.delete(c.Id);
      }
    }),
  );
  return removed.filter(Boolean).length;
}
