import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type Dockerode from 'dockerode';
import { HomeportError, type RestoreResultInfo, type VolumeTransferProgressInfo } from '../../../shared/contract';
import { abortedError, engineError, invalid, listUserContainers, quote, statusOf, throttle, validateName } from '../docker/engine-common';
import { engineMessage } from '../docker/engine-message';
import { NO_IMAGE_FIX, pickArchiveImage, pickToolImages, runHelper, withHelper } from './helper-containers';
import { ByteCounter, PROGRESS_INTERVAL_MS } from './progress';
import { checkTar, DEFAULT_RESTORE_MAX_BYTES, DEFAULT_RESTORE_MAX_ENTRIES, sanitizeTar, TarPolicy, tarBytesOf, type TarPolicyOptions } from './tar-safety';
import { forgetVolumeSizes, inspectVolume, inUseError, usersByVolume, volumeExists } from './volumes';

export interface RestoreOptions {
  mode: 'new' | 'overwrite';
  /** Image for the helper containers; by default the host's busybox/alpine/smallest image. */
  helperImage?: string;
  /** Size cap of the unpacked files (default 100 GiB). */
  maxBytes?: number;
  maxEntries?: number;
  /** Where an overwrite restore keeps the checked archive until the volume is emptied (default os.tmpdir()). */
  tmpDir?: string;
  /** Size of the input (the file's size), for progress totals. */
  sizeBytes?: number;
  /** Keep the setuid/setgid bits of files (default: cleared, see tar-safety.ts). */
  keepSetuid?: boolean;
}

/**
 * The command that unpacks a restore inside the helper: the checked, re-written archive on stdin,
 * numeric owners (as the engine's own extraction does: names would be looked up in the helper
 * image's /etc/passwd), modes as written by the policy. busybox, GNU and BSD tar all spell it so.
 */
const TAR_EXTRACT_CMD = ['tar', '-x', '-f', '-', '-C', '/v', '--numeric-owner'];
const NO_TAR = /executable file not found|no such file or directory|exec format error/i;

/**
 * Unpack `source` into the volume through the tar policy. With an image that has `tar`: a helper
 * runs it on the re-written archive — a restore must take back whatever a backup gave, and the
 * engine's archive API refuses ordinary relative symlinks that point above the volume's root
 * (`localtime -> ../usr/share/zoneinfo/UTC`). Without one, the engine's archive API is the way left.
 */
async function extractInto(
  docker: Dockerode,
  volume: string,
  source: Readable,
  policy: TarPolicy,
  images: { tools: string[]; archive: string },
  signal?: AbortSignal,
): Promise<void> {
  const tarBytes = await tarBytesOf(source);
  const { stream, done } = sanitizeTar(tarBytes, policy);
  let settled: { error: unknown } | null = null;
  done.then(
    () => (settled = { error: null }),
    (x: unknown) => (settled = { error: x }),
  );
  const refusal = async (): Promise<unknown> => {
    await new Promise((r) => setImmediate(r)); // let a refusal that is on its way land first
    return (settled as { error: unknown } | null)?.error;
  };
  const stop = () => {
    // Stop reading: the engine or tar gave up (or an entry was refused), so the rest goes nowhere.
    tarBytes.destroy(new Error('upload stopped'));
    source.destroy();
    stream.destroy();
  };
  for (const image of images.tools) {
    let r: Awaited<ReturnType<typeof runHelper>>;
    try {
      r = await withHelper(docker, { volume, readOnly: false, purpose: 'restore', image, cmd: TAR_EXTRACT_CMD, stdin: true }, (c) =>
        runHelper(docker, c, { maxStdout: 64 * 1024, timeoutMs: 7 * 24 * 3600_000, input: stream, ...(signal ? { signal } : {}) }),
      );
    } catch (e) {
      // No tar in this image (or for another CPU): it failed to start, nothing was read; next one.
      if (NO_TAR.test(engineMessage(e))) continue;
      const refused = await refusal();
      stop();
      if (refused instanceof HomeportError) throw refused;
      throw e;
    }
    const refused = await refusal();
    if (refused instanceof HomeportError) {
      stop();
      throw refused;
    }
    if (signal?.aborted) {
      stop();
      throw abortedError(`Restoring ${volume}`);
    }
    if (r.exitCode !== 0) {
      stop();
      const said = r.stderr.split('\n').filter(Boolean).slice(-3).join(' ');
      throw new HomeportError({
        code: 'ENGINE',
        message: `Unpacking the archive into the volume failed (tar exited with status ${r.exitCode}${said ? `: ${said}` : ''}).`,
        fix: 'The message says why (for example no space left on the host); fix the cause and restore again.',
        details: { volume },
      });
    }
    await done;
    return;
  }
  await withHelper(docker, { volume, readOnly: false, purpose: 'restore', image: images.archive }, async (c) => {
    try {
      await c.putArchive(stream, { path: '/v', ...(signal ? { abortSignal: signal } : {}) });
      await done;
    } catch (e) {
      const refused = await refusal();
      stop();
      if (refused instanceof HomeportError) throw refused;
      if (/invalid symlink/i.test(engineMessage(e))) {
        throw new HomeportError(
          {
            code: 'ENGINE',
            message: `The engine refused a symbolic link of the archive that points above the volume's root (${engineMessage(e)}), and no image on this host has a "tar" to unpack it otherwise.`,
            fix: NO_IMAGE_FIX,
            details: { volume },
          },
          { cause: e },
        );
      }
      throw e;
    }
  });
}

/**
 * Restore a .tar.gz (or plain .tar) into a volume. Every entry is checked (see tar-safety.ts) and
 * re-packed before the engine's `PUT /containers/{id}/archive` extracts it into /v of a created,
 * never-started helper.
 *
 * - `new`: the volume must not exist; it is created, and removed again if anything fails (the
 *   error says so, or that it could not be — the connection to the host was lost).
 * - `overwrite`: no running container may use the volume. The archive is first read to the end
 *   and checked while it is saved to a private temp file — a refused or damaged archive changes
 *   nothing — then the volume is emptied (`find` + `rm -rf` in a helper, see emptyVolume) and filled
 *   from the checked copy. A failure after the emptying says so, and the way back is restoring the
 *   same file again.
 */
export async function restoreVolume(
  docker: Dockerode,
  name: string,
  input: Readable,
  options: RestoreOptions,
  onProgress: (p: VolumeTransferProgressInfo) => void,
  signal?: AbortSignal,
): Promise<RestoreResultInfo> {
  validateName('volume', name);
  if (options.mode !== 'new' && options.mode !== 'overwrite') throw invalid('mode', 'The restore mode must be "new" or "overwrite".', 'Choose new or overwrite.');
  const what = `Restoring ${name}`;
  if (signal?.aborted) throw abortedError(what);
  const policyOpts = { maxBytes: options.maxBytes ?? DEFAULT_RESTORE_MAX_BYTES, maxEntries: options.maxEntries ?? DEFAULT_RESTORE_MAX_ENTRIES, keepSetuid: options.keepSetuid === true };
  const progress = throttle(onProgress, PROGRESS_INTERVAL_MS);
  try {
    const job: RestoreJob = { docker, name, input, options, policyOpts, progress, signal };
    return options.mode === 'new' ? await restoreNew(job) : await restoreOverwrite(job);
  } catch (e) {
    progress.cancel();
    input.destroy();
    // A restore that had changed something already says what (an emptied volume, a new one).
    if (signal?.aborted && !(e instanceof HomeportError && (e.details?.partial || e.details?.newVolume))) throw abortedError(what);
    throw e;
  } finally {
    progress.flush();
    forgetVolumeSizes(docker);
  }
}

/** One restore under way: where to, from what, with which limits, reporting to whom. */
interface RestoreJob {
  docker: Dockerode;
  name: string;
  input: Readable;
  options: RestoreOptions;
  policyOpts: TarPolicyOptions;
  progress: ReturnType<typeof throttle<VolumeTransferProgressInfo>>;
  signal?: AbortSignal | undefined;
}

async function restoreNew({ docker, name, input, options, policyOpts, progress, signal }: RestoreJob): Promise<RestoreResultInfo> {
  if (await volumeExists(docker, name)) {
    throw new HomeportError({
      code: 'CONFLICT',
      message: `A volume named ${quote(name)} already exists.`,
      fix: 'Choose another name for the new volume, or restore over the existing one (overwrite).',
      details: { volume: name },
    });
  }
  const tools = await pickToolImages(docker, options.helperImage);
  const images = { tools, archive: tools[0] ?? (await pickArchiveImage(docker, options.helperImage)) };
  try {
    await docker.createVolume({ Name: name });
  } catch (e) {
    throw engineError(e);
  }
  const policy = new TarPolicy(policyOpts);
  try {
    const counted = input.pipe(new ByteCounter((bytes) => progress.push({ phase: 'copying', bytes, totalBytes: options.sizeBytes ?? null })));
    input.on('error', (e) => counted.destroy(e));
    await extractInto(docker, name, counted, policy, images, signal);
  } catch (e) {
    // The volume is Homeport's own, made a moment ago for this restore and holding only part of
    // the backup: it goes again, and the message says whether it could.
    const left = await removeNewVolume(docker, name);
    const base = signal?.aborted ? abortedError(`Restoring ${name}`) : e instanceof HomeportError ? e : engineError(e, 'Fix the cause and restore again.', { volume: name });
    throw new HomeportError(
      {
        code: base.code,
        message: left
          ? `${base.message} The new volume ${quote(name)} is still there, with part of the backup in it: Homeport could not remove it (${left}).`
          : `${base.message} The new volume ${quote(name)} was removed again: nothing of this restore is left on the host.`,
        fix: left ? `Once the host is connected again, remove the volume ${quote(name)} in Volumes, then restore again.` : (base.fix ?? 'Restore again.'),
        details: { ...base.details, volume: name, newVolume: left ? 'kept' : 'removed' },
      },
      { cause: e },
    );
  }
  return { volume: name, mode: 'new', entries: policy.entries, bytes: policy.bytes, setuidCleared: policy.setuidCleared };
}

/** Removes the volume a failed restore made; why it could not, or null when it is gone. */
async function removeNewVolume(docker: Dockerode, name: string): Promise<string | null> {
  try {
    await docker.getVolume(name).remove();
    return null;
  } catch (e) {
    if (statusOf(e) === 404) return null;
    return engineMessage(e);
  }
}

async function runningUsers(docker: Dockerode, name: string): Promise<Dockerode.ContainerInfo[]> {
  return (usersByVolume(await listUserContainers(docker)).get(name) ?? []).filter((c) => c.State === 'running' || c.State === 'restarting' || c.State === 'paused');
}

async function restoreOverwrite({ docker, name, input, options, policyOpts, progress, signal }: RestoreJob): Promise<RestoreResultInfo> {
  await inspectVolume(docker, name);
  const busyFix = 'Stop those containers first (for a compose stack: bring it down), restore, then start them again.';
  const overwriteRefused = (busy: Dockerode.ContainerInfo[]) =>
    inUseError(name, busy, `it cannot be overwritten while ${busy.length === 1 ? 'that container runs' : 'they run'}`, busyFix);
  let busy = await runningUsers(docker, name);
  if (busy.length) throw overwriteRefused(busy);
  const toolImages = await pickToolImages(docker, options.helperImage);
  if (toolImages.length === 0) {
    throw new HomeportError({
      code: 'NOT_FOUND',
      message: 'Overwriting a volume needs an image with "find" on this host (busybox, alpine, debian…) to empty it first, and there is none.',
      fix: `${NO_IMAGE_FIX} Or restore into a new volume instead.`,
    });
  }

  const dir = await mkdtemp(path.join(options.tmpDir ?? os.tmpdir(), 'homeport-restore-'));
  const spool = path.join(dir, 'archive');
  try {
    // 1. Save and check. Nothing on the host changes until the whole archive has passed.
    const counter = new ByteCounter((bytes) => progress.push({ phase: 'checking', bytes, totalBytes: options.sizeBytes ?? null }));
    try {
      await pipeline(input, counter, createWriteStream(spool, { mode: 0o600 }), ...(signal ? [{ signal }] : []));
    } catch (e) {
      if (signal?.aborted) throw abortedError(`Restoring ${name}`);
      throw new HomeportError({ code: 'VALIDATION', message: `The archive could not be read: ${e instanceof Error ? e.message : String(e)}.`, fix: 'Choose the file again.' });
    }
    await checkTar(await tarBytesOf(createReadStream(spool)), new TarPolicy(policyOpts));
    const total = (await stat(spool)).size;
    if (signal?.aborted) throw abortedError(`Restoring ${name}`);

    // 2. Empty. Look again: a container may have started while the archive was read.
    busy = await runningUsers(docker, name);
    if (busy.length) throw overwriteRefused(busy);
    progress.push({ phase: 'emptying', bytes: 0, totalBytes: total });
    await emptyVolume(docker, name, toolImages, signal);

    // 3. Fill from the checked copy.
    const policy = new TarPolicy(policyOpts);
    try {
      const source = createReadStream(spool).pipe(new ByteCounter((bytes) => progress.push({ phase: 'copying', bytes, totalBytes: total })));
      await extractInto(docker, name, source, policy, { tools: toolImages, archive: toolImages[0]! }, signal);
    } catch (e) {
      const cause = e instanceof HomeportError ? e.message : engineMessage(e);
      throw new HomeportError(
        {
          code: e instanceof HomeportError && e.code !== 'ENGINE' ? e.code : 'ENGINE',
          message: `The volume ${quote(name)} was emptied, but restoring into it failed: ${cause} It now holds only part of the backup.`,
          fix: 'Fix the cause (for example free disk space on the host), then restore the same file again with overwrite; the backup file itself is unchanged.',
          details: { volume: name, partial: true },
        },
        { cause: e },
      );
    }
    return { volume: name, mode: 'overwrite', entries: policy.entries, bytes: policy.bytes, setuidCleared: policy.setuidCleared };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Empty the volume with `find /v -mindepth 1 -maxdepth 1 -exec rm -rf {} +` in a helper (argv, no
 * shell), trying each candidate image. Not `-delete`: Debian's busybox is built without it, while
 * `-exec … {} +` is in busybox, GNU and BSD find alike.
 */
const EMPTY_CMD = ['find', '/v', '-mindepth', '1', '-maxdepth', '1', '-exec', 'rm', '-rf', '{}', '+'];
const UNSUPPORTED = /unrecognized|unknown (predicate|option)|invalid (argument|predicate|option)|applet not found|not found/i;

async function emptyVolume(docker: Dockerode, name: string, images: string[], signal?: AbortSignal): Promise<void> {
  const failures: string[] = [];
  for (const image of images) {
    let exit: { exitCode: number; stderr: string } | null = null;
    try {
      exit = await withHelper(docker, { volume: name, readOnly: false, purpose: 'empty', image, cmd: EMPTY_CMD }, (c) =>
        runHelper(docker, c, { maxStdout: 64 * 1024, timeoutMs: 30 * 60_000, ...(signal ? { signal } : {}) }),
      );
    } catch (e) {
      // The image has no find (or is for another CPU): the volume is untouched, try the next one.
      if (/executable file not found|no such file or directory|exec format error/i.test(engineMessage(e))) {
        failures.push(`${image}: ${engineMessage(e)}`);
        continue;
      }
      throw e;
    }
    if (exit.exitCode === 0) return;
    // No such tool, or a find that does not know an option: it stopped before deleting anything.
    if (!signal?.aborted && (exit.exitCode === 126 || exit.exitCode === 127 || UNSUPPORTED.test(exit.stderr))) {
      failures.push(`${image}: exit ${exit.exitCode} ${exit.stderr}`);
      continue;
    }
    throw new HomeportError({
      code: 'ENGINE',
      message: `Emptying the volume ${quote(name)} before the restore failed${signal?.aborted ? ' (cancelled)' : ''} (exit ${exit.exitCode}${exit.stderr ? `: ${exit.stderr.split('\n')[0]}` : ''}); some of its files may already be deleted.`,
      fix: 'Restore again with overwrite: it empties the volume and fills it from the backup.',
      details: { volume: name, partial: true },
    });
  }
  throw new HomeportError({
    code: 'NOT_FOUND',
    message: `No image on this host could run "find" to empty the volume before the restore (${failures.join('; ')}). Nothing was changed.`,
    fix: `${NO_IMAGE_FIX} Or restore into a new volume instead.`,
  });
}
