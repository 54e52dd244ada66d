import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Transform, type Readable, type TransformCallback, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type Dockerode from 'dockerode';
import tar from 'tar-stream';
import { type BackupResultInfo, HomeportError, type HostId, type PruneVolumesResultInfo, type RestoreResultInfo, type VolumeDirInfo, type VolumeEntryInfo, type VolumeEntryType, type VolumeInfo, type VolumeTransferProgressInfo } from '../../../shared/contract';
import { abortedError, containerName, hasLabel, engineError, engineMessage, invalid, listUserContainers, nameList, notFound, quote, refInfo, statusOf, throttle, validateName } from '../engines/engine-common';
import { NO_IMAGE_FIX, pickArchiveImage, pickToolImages, runHelper, withHelper } from './helper-containers';
import { checkTar, DEFAULT_RESTORE_MAX_BYTES, DEFAULT_RESTORE_MAX_ENTRIES, sanitizeTar, TarPolicy, tarBytesOf, type TarPolicyOptions } from './tar-safety';

const PROGRESS_INTERVAL_MS = 100;

// ── sizes: one `GET /system/df` per host per 30 s ─────────────────────────────────────────────

/**
 * `docker system df` is the only API that reports volume sizes, and the engine computes them by
 * walking every volume (plus images and containers: API 1.41 has no `type=volume` filter) — slow on
 * a big host. So one call serves every list for 30 s, concurrent callers share the call in flight,
 * and Homeport's own changes (remove, prune, restore) drop the cache.
 */
export const DF_CACHE_MS = 30_000;

interface DfEntry {
  at: number;
  sizes: Promise<Map<string, number | null>>;
}
const dfCache = new WeakMap<Dockerode, DfEntry>();

export async function volumeSizes(docker: Dockerode, refresh = false, maxAgeMs = DF_CACHE_MS): Promise<Map<string, number | null>> {
  const hit = dfCache.get(docker);
  if (hit && !refresh && Date.now() - hit.at < maxAgeMs) return hit.sizes;
  const sizes = (async () => {
    const df = (await docker.df()) as { Volumes?: Array<{ Name: string; UsageData?: { Size?: number } | null }> | null };
    const m = new Map<string, number | null>();
    for (const v of df.Volumes ?? []) {
      const s = v.UsageData?.Size;
      m.set(v.Name, typeof s === 'number' && s >= 0 ? s : null);
    }
    return m;
  })();
  const entry = { at: Date.now(), sizes };
  dfCache.set(docker, entry);
  sizes.catch(() => {
    if (dfCache.get(docker) === entry) dfCache.delete(docker);
  });
  return sizes;
}

export function forgetVolumeSizes(docker: Dockerode): void {
  dfCache.delete(docker);
}

// ── list / remove / prune ────────────────────────────────────────────────────────────────────

const ANONYMOUS = /^[0-9a-f]{64}$/;

function usersByVolume(containers: Dockerode.ContainerInfo[]): Map<string, Dockerode.ContainerInfo[]> {
  const m = new Map<string, Dockerode.ContainerInfo[]>();
  for (const c of containers) {
    for (const mount of c.Mounts ?? []) {
      if (mount.Type !== 'volume' || !mount.Name) continue;
      const list = m.get(mount.Name) ?? [];
      if (!list.includes(c)) list.push(c);
      m.set(mount.Name, list);
    }
  }
  return m;
}

interface RawVolume {
  Name: string;
  Driver: string;
  Mountpoint: string;
  Scope?: string;
  CreatedAt?: string;
  Labels?: Record<string, string> | null;
}

/**
 * Every volume with its size (df, cached 30 s, or `sizesMaxAgeMs`; null if unknown) and the
 * containers mounting it.
 */
export async function listVolumes(docker: Dockerode, hostId: HostId, opts: { refreshSizes?: boolean; sizesMaxAgeMs?: number } = {}): Promise<VolumeInfo[]> {
  let raw: { Volumes?: RawVolume[] | null };
  let containers: Dockerode.ContainerInfo[];
  try {
    [raw, containers] = await Promise.all([docker.listVolumes() as Promise<{ Volumes?: RawVolume[] | null }>, listUserContainers(docker)]);
  } catch (e) {
    throw engineError(e);
  }
  // Sizes are a nicety: a df that fails (or a plugin that cannot size) leaves them null.
  const sizes = await volumeSizes(docker, opts.refreshSizes, opts.sizesMaxAgeMs).catch(() => new Map<string, number | null>());
  const users = usersByVolume(containers);
  return (raw.Volumes ?? [])
    .map((v): VolumeInfo => {
      const labels = v.Labels ?? {};
      const created = v.CreatedAt ? Date.parse(v.CreatedAt) : NaN;
      return {
        name: v.Name,
        hostId,
        driver: v.Driver,
        scope: v.Scope ?? 'local',
        mountpoint: v.Mountpoint,
        createdAt: Number.isFinite(created) ? created : null,
        labels,
        project: labels['com.docker.compose.project'] ?? null,
        anonymous: ANONYMOUS.test(v.Name),
        sizeBytes: sizes.get(v.Name) ?? null,
        containers: (users.get(v.Name) ?? []).map(refInfo).sort((a, b) => a.name.localeCompare(b.name)),
      };
    })
    .sort((a, b) => Number(a.anonymous) - Number(b.anonymous) || a.name.localeCompare(b.name));
}

async function inspectVolume(docker: Dockerode, name: string): Promise<RawVolume> {
  try {
    return (await docker.getVolume(name).inspect()) as RawVolume;
  } catch (e) {
    if (statusOf(e) === 404) throw notFound(`There is no volume named ${quote(name)} on this host.`, 'Reload the volume list.');
    throw engineError(e);
  }
}

async function volumeExists(docker: Dockerode, name: string): Promise<boolean> {
  try {
    await docker.getVolume(name).inspect();
    return true;
  } catch (e) {
    if (statusOf(e) === 404) return false;
    throw engineError(e);
  }
}

function inUseError(name: string, users: Dockerode.ContainerInfo[], action: string, fix: string): HomeportError {
  const running = users.filter((c) => c.State === 'running').map(containerName);
  return new HomeportError({
    code: 'CONFLICT',
    message:
      `The volume ${quote(name)} is used by ${users.length === 1 ? 'the container' : `${users.length} containers:`} ${nameList(users.map(containerName))}` +
      `${running.length && running.length < users.length ? ` (running: ${nameList(running)})` : running.length ? ' (running)' : ''}, so ${action}.`,
    fix,
    details: { volume: name, containers: users.map(containerName).join(', ') },
  });
}

/** Map the engine's "volume is in use - [id, id]" to container names. */
async function engineInUse(docker: Dockerode, name: string, e: unknown): Promise<HomeportError> {
  const ids = [...engineMessage(e).matchAll(/[0-9a-f]{12,64}/g)].map((m) => m[0]);
  let all: Dockerode.ContainerInfo[] = [];
  try {
    all = await docker.listContainers({ all: true });
  } catch {
    // keep the ids
  }
  const users = all.filter((c) => ids.some((id) => c.Id.startsWith(id)));
  if (users.length) return inUseError(name, users, 'it cannot be removed', 'Remove those containers first (stopping is not enough: a stopped container still holds its volumes).');
  return new HomeportError({ code: 'CONFLICT', message: `Docker engine: ${engineMessage(e)}`, fix: 'Remove the containers that use it first.', details: { volume: name } });
}

/** Remove a volume; refused (naming them) while any container, even a stopped one, mounts it. */
export async function removeVolume(docker: Dockerode, name: string): Promise<void> {
  validateName('volume', name);
  await inspectVolume(docker, name);
  const users = usersByVolume(await listUserContainers(docker)).get(name) ?? [];
  if (users.length) {
    throw inUseError(name, users, 'it cannot be removed', 'Remove those containers first (stopping is not enough: a stopped container still holds its volumes).');
  }
  try {
    await docker.getVolume(name).remove();
  } catch (e) {
    if (statusOf(e) === 409) throw await engineInUse(docker, name, e);
    if (statusOf(e) === 404) return;
    throw engineError(e);
  } finally {
    forgetVolumeSizes(docker);
  }
}

/**
 * Remove volumes no container mounts. By default only anonymous ones (64-hex names the engine made
 * for a container): a named volume usually holds data someone meant to keep, and API 1.41's own
 * prune would delete named ones too (1.42+ stopped doing that), so Homeport decides itself, the same
 * way on every engine. `all: true` includes unused named volumes; `label` (`key` or `key=value`)
 * limits it to volumes carrying that label.
 */
export async function pruneVolumes(docker: Dockerode, opts: { all?: boolean; label?: string } = {}): Promise<PruneVolumesResultInfo> {
  let raw: { Volumes?: RawVolume[] | null };
  try {
    raw = (await docker.listVolumes()) as { Volumes?: RawVolume[] | null };
  } catch (e) {
    throw engineError(e);
  }
  const users = usersByVolume(await docker.listContainers({ all: true }).catch((e: unknown) => Promise.reject(engineError(e))));
  const sizes = await volumeSizes(docker, true).catch(() => new Map<string, number | null>());
  const result: PruneVolumesResultInfo = { deleted: [], spaceReclaimedBytes: 0, failed: [] };
  for (const v of raw.Volumes ?? []) {
    if (users.has(v.Name)) continue;
    if (!opts.all && !ANONYMOUS.test(v.Name)) continue;
    if (opts.label && !hasLabel(v.Labels, opts.label)) continue;
    try {
      await docker.getVolume(v.Name).remove();
      result.deleted.push(v.Name);
      result.spaceReclaimedBytes += sizes.get(v.Name) ?? 0;
    } catch (e) {
      if (statusOf(e) !== 404) result.failed.push({ name: v.Name, message: engineMessage(e) });
    }
  }
  forgetVolumeSizes(docker);
  return result;
}

// ── browse ───────────────────────────────────────────────────────────────────────────────────

/** Bytes of archive stream a listing may read before switching to `find` (see browseVolume). */
export const BROWSE_MAX_BYTES = 64 * 1024 * 1024;
/** Entries a `find` listing returns at most. */
export const BROWSE_MAX_ENTRIES = 5000;

/**
 * A path inside the volume, from the user: `/`-rooted, `.`/empty segments dropped, `..` refused
 * outright (not resolved: it never means anything useful here, and refusing it is the simplest
 * guarantee that the engine is only ever asked about /v and below).
 */
export function normalizeVolumePath(p: unknown): string[] {
  if (p === undefined || p === null || p === '') return [];
  if (typeof p !== 'string') throw invalid('path', 'The path must be text.', 'Give a path inside the volume, like /data/logs.');
  if (p.includes('\0')) throw invalid('path', 'The path contains a NUL byte.', 'Give a path inside the volume, like /data/logs.');
  if (p.length > 4096) throw invalid('path', 'The path is longer than 4096 characters.', 'Give a shorter path.');
  const parts = p.split('/').filter((s) => s !== '' && s !== '.');
  if (parts.includes('..')) {
    throw invalid('path', `The path ${quote(p)} contains "..": browsing is confined to the volume.`, 'Give a path inside the volume, like /data/logs, without "..".');
  }
  return parts;
}

function entryType(t: string | null | undefined): VolumeEntryType {
  switch (t) {
    case 'file':
    case 'contiguous-file':
      return 'file';
    case 'directory':
      return 'directory';
    case 'symlink':
      return 'symlink';
    case 'link':
      return 'hardlink';
    default:
      return 'other';
  }
}

function sortEntries(list: VolumeEntryInfo[]): VolumeEntryInfo[] {
  return list.sort((a, b) => Number(b.type === 'directory') - Number(a.type === 'directory') || a.name.localeCompare(b.name));
}

class ByteCounter extends Transform {
  bytes = 0;
  constructor(private readonly onBytes?: (n: number) => void) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    this.onBytes?.(this.bytes);
    cb(null, chunk);
  }
}

/**
 * List one directory of a volume, read-only. The engine's archive API streams the directory as a
 * tar from a created-but-never-started helper that mounts the volume read-only at /v; only the
 * headers are kept, so this runs no command and needs no shell in any image, and directory sizes
 * come for free. A tar carries every file below the directory, though: past `maxBytes` of stream
 * (default 64 MiB) the listing switches to `find <dir> -mindepth 1 -maxdepth 1 -print0` in a helper
 * (argv, no shell) plus one `HEAD …/archive` stat per entry, which costs nothing per byte of data.
 */
export async function browseVolume(
  docker: Dockerode,
  name: string,
  dirPath: string,
  opts: { helperImage?: string; maxBytes?: number; signal?: AbortSignal } = {},
): Promise<VolumeDirInfo> {
  validateName('volume', name);
  const parts = normalizeVolumePath(dirPath);
  const shown = `/${parts.join('/')}`;
  const inner = parts.length ? `/v/${parts.join('/')}` : '/v';
  await inspectVolume(docker, name);
  const image = await pickArchiveImage(docker, opts.helperImage);
  const maxBytes = opts.maxBytes ?? BROWSE_MAX_BYTES;

  const viaArchive = await withHelper(docker, { volume: name, readOnly: true, purpose: 'browse', image }, async (c) => {
    let stream: Readable;
    try {
      stream = (await c.getArchive({ path: inner })) as unknown as Readable;
    } catch (e) {
      if (statusOf(e) === 404) throw notFound(`There is no ${shown} in the volume ${quote(name)}.`, 'Go back to the volume\'s top level and reload.');
      throw engineError(e);
    }
    return listFromArchive(stream, shown, maxBytes, name);
  });
  if (viaArchive) return { volume: name, path: shown, entries: sortEntries(viaArchive), source: 'archive', truncated: false, note: null };
  return listWithFind(docker, name, parts, shown, opts);
}

/** Entries one level below the archived directory, or null when the budget ran out. */
async function listFromArchive(stream: Readable, shown: string, maxBytes: number, volume: string): Promise<VolumeEntryInfo[] | null> {
  const counter = new ByteCounter();
  const extract = tar.extract();
  stream.on('error', (e) => counter.destroy(e));
  counter.on('error', (e) => extract.destroy(e));
  stream.pipe(counter).pipe(extract);
  const entries = new Map<string, VolumeEntryInfo>();
  const dirSizes = new Map<string, number>();
  let base: string | null = null;
  try {
    for await (const entry of extract) {
      const h = entry.header;
      entry.resume();
      if (counter.bytes > maxBytes) {
        stream.destroy();
        return null;
      }
      const segs = h.name.split('/').filter((s) => s !== '' && s !== '.');
      if (base === null) {
        // The first entry is the directory itself (`v/`, `sub/`), or what the path really is.
        base = segs[0] ?? '';
        if (h.type === 'symlink') {
          throw invalid('path', `${shown} is a symbolic link (to ${quote(h.linkname ?? '')}); Homeport does not follow links, which may point outside the volume.`, `Browse the directory it points to, if it is inside ${quote(volume)}.`);
        }
        if (h.type !== 'directory') throw invalid('path', `${shown} is a file, not a directory.`, 'Browse the directory that holds it.');
        continue;
      }
      const rel = segs[0] === base ? segs.slice(1) : segs;
      if (rel.length === 0) continue;
      const child = rel[0]!;
      if (rel.length === 1) {
        const type = entryType(h.type);
        entries.set(child, {
          name: child,
          path: `${shown === '/' ? '' : shown}/${child}`,
          type,
          sizeBytes: type === 'file' ? (h.size ?? 0) : null,
          mode: (h.mode ?? 0) & 0o7777,
          modifiedAt: h.mtime ? h.mtime.getTime() : null,
          linkTarget: type === 'symlink' || type === 'hardlink' ? (h.linkname ?? null) : null,
          uid: h.uid ?? null,
          gid: h.gid ?? null,
        });
      } else if (h.type === 'file' || h.type === 'contiguous-file') {
        dirSizes.set(child, (dirSizes.get(child) ?? 0) + (h.size ?? 0));
      }
    }
  } catch (e) {
    stream.destroy();
    if (e instanceof HomeportError) throw e;
    throw engineError(e, 'Reading the volume through the engine failed; try again.');
  }
  for (const e of entries.values()) if (e.type === 'directory') e.sizeBytes = dirSizes.get(e.name) ?? 0;
  return [...entries.values()];
}

// Go's os.FileMode bits, as the engine's X-Docker-Container-Path-Stat header carries them.
const GO_DIR = 2 ** 31;
const GO_SYMLINK = 2 ** 27;
const GO_SPECIAL = 2 ** 26 | 2 ** 25 | 2 ** 24 | 2 ** 21 | 2 ** 19;
const GO_SETUID = 2 ** 23;
const GO_SETGID = 2 ** 22;
const GO_STICKY = 2 ** 20;

interface PathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

async function statPath(c: Dockerode.Container, p: string): Promise<PathStat | null> {
  try {
    const res = (await c.infoArchive({ path: p })) as unknown as { headers: Record<string, string | undefined>; resume?: () => void };
    res.resume?.();
    const h = res.headers['x-docker-container-path-stat'];
    return h ? (JSON.parse(Buffer.from(h, 'base64').toString('utf8')) as PathStat) : null;
  } catch {
    return null; // gone meanwhile
  }
}

async function listWithFind(
  docker: Dockerode,
  volume: string,
  parts: string[],
  shown: string,
  opts: { helperImage?: string; signal?: AbortSignal },
): Promise<VolumeDirInfo> {
  const inner = parts.length ? `/v/${parts.join('/')}` : '/v';
  const images = await pickToolImages(docker, opts.helperImage);
  if (images.length === 0) {
    throw new HomeportError({
      code: 'NOT_FOUND',
      message: `The directory ${shown} is too big to list through the engine's archive stream, and this host has no image with a "find" to list it otherwise.`,
      fix: NO_IMAGE_FIX,
    });
  }
  let lastError: unknown = null;
  for (const image of images) {
    try {
      return await withHelper(docker, { volume, readOnly: true, purpose: 'list', image, cmd: ['find', inner, '-mindepth', '1', '-maxdepth', '1', '-print0'] }, async (c) => {
        const r = await runHelper(docker, c, { maxStdout: 16 * 1024 * 1024, timeoutMs: 60_000, ...(opts.signal ? { signal: opts.signal } : {}) });
        if (opts.signal?.aborted) throw abortedError('Browsing the volume');
        if (r.exitCode === 126 || r.exitCode === 127) throw Object.assign(new Error(r.stderr || `exit ${r.exitCode}`), { tryNext: true });
        if (r.exitCode !== 0 && r.stdout.length === 0) throw engineError(new Error(`find failed (exit ${r.exitCode}): ${r.stderr}`));
        let names = r.stdout
          .toString('utf8')
          .split('\0')
          .filter(Boolean)
          .map((full) => full.slice(inner.length + 1));
        const truncated = names.length > BROWSE_MAX_ENTRIES || r.truncated;
        names = names.sort().slice(0, BROWSE_MAX_ENTRIES);
        const entries: VolumeEntryInfo[] = [];
        for (let i = 0; i < names.length; i += 8) {
          const batch = names.slice(i, i + 8);
          const stats = await Promise.all(batch.map((n) => statPath(c, `${inner}/${n}`)));
          batch.forEach((n, k) => {
            const st = stats[k];
            if (!st) return;
            const type: VolumeEntryType = st.mode & GO_DIR ? 'directory' : st.mode & GO_SYMLINK ? 'symlink' : st.mode & GO_SPECIAL ? 'other' : 'file';
            const perm = (st.mode & 0o777) | (st.mode & GO_SETUID ? 0o4000 : 0) | (st.mode & GO_SETGID ? 0o2000 : 0) | (st.mode & GO_STICKY ? 0o1000 : 0);
            const mtime = Date.parse(st.mtime);
            entries.push({
              name: n,
              path: `${shown === '/' ? '' : shown}/${n}`,
              type,
              sizeBytes: type === 'file' ? st.size : null,
              mode: perm,
              modifiedAt: Number.isFinite(mtime) ? mtime : null,
              linkTarget: type === 'symlink' ? (st.linkTarget.startsWith('/v/') ? st.linkTarget.slice(2) : st.linkTarget) : null,
              uid: null,
              gid: null,
            });
          });
        }
        return {
          volume,
          path: shown,
          entries: sortEntries(entries),
          source: 'find' as const,
          truncated,
          note: truncated ? `Only the first ${BROWSE_MAX_ENTRIES.toLocaleString('en')} entries (by name) are listed.` : null,
        };
      });
    } catch (e) {
      if (e instanceof HomeportError) throw e;
      lastError = e;
      if (!(e as { tryNext?: boolean }).tryNext && !/executable file not found|no such file or directory|exec format error/i.test(engineMessage(e))) throw engineError(e);
    }
  }
  throw new HomeportError({
    code: 'NOT_FOUND',
    message: `None of the images on this host could run "find" to list ${shown} (${lastError ? engineMessage(lastError) : 'no image'}).`,
    fix: NO_IMAGE_FIX,
  });
}

// ── backup ───────────────────────────────────────────────────────────────────────────────────

/**
 * Stream a volume as .tar.gz into `out` (ended on success, destroyed on failure): the engine's
 * archive of /v/. (entries `./…`, the layout `tar -C <dir> -czf - .` gives) from a created,
 * never-started helper that mounts the volume read-only, gzipped here. Progress counts tar bytes
 * read; `totalBytes` is the volume's size from df (the tar is a little bigger: headers).
 * A volume in use by a running container is backed up as it is on disk at that moment: the result
 * names those containers so the UI can say so.
 */
export async function backupVolume(
  docker: Dockerode,
  name: string,
  out: Writable,
  onProgress: (p: VolumeTransferProgressInfo) => void,
  signal?: AbortSignal,
  opts: { helperImage?: string; gzipLevel?: number } = {},
): Promise<BackupResultInfo> {
  validateName('volume', name);
  if (signal?.aborted) throw abortedError(`Backing up ${name}`);
  await inspectVolume(docker, name);
  const [image, containers] = await Promise.all([pickArchiveImage(docker, opts.helperImage), listUserContainers(docker)]);
  const running = (usersByVolume(containers).get(name) ?? []).filter((c) => c.State === 'running').map(containerName);
  // The expected size comes from df, which can take a while on a big host: the copy does not wait
  // for it; progress carries a total from the moment it is known.
  let totalBytes: number | null = null;
  volumeSizes(docker)
    .then((m) => (totalBytes = m.get(name) ?? null))
    .catch(() => {});
  const progress = throttle(onProgress, PROGRESS_INTERVAL_MS);

  return withHelper(docker, { volume: name, readOnly: true, purpose: 'backup', image }, async (c) => {
    let stream: Readable;
    try {
      stream = (await c.getArchive({ path: '/v/.' })) as unknown as Readable;
    } catch (e) {
      out.destroy();
      throw engineError(e);
    }
    const tarCount = new ByteCounter((bytes) => progress.push({ phase: 'copying', bytes, totalBytes }));
    const gzCount = new ByteCounter();
    progress.push({ phase: 'copying', bytes: 0, totalBytes });
    try {
      await pipeline(stream, tarCount, createGzip({ level: opts.gzipLevel ?? 6 }), gzCount, out, ...(signal ? [{ signal }] : []));
    } catch (e) {
      progress.cancel();
      stream.destroy();
      if (signal?.aborted) throw abortedError(`Backing up ${name}`);
      if (typeof (e as NodeJS.ErrnoException).syscall === 'string') {
        // The destination on this computer failed (disk full, permissions…), not the engine.
        throw new HomeportError(
          { code: 'VALIDATION', message: `Writing the backup failed: ${(e as Error).message}.`, fix: 'Choose a place with enough free space that you may write to, and back up again.', details: { field: 'destination' } },
          { cause: e },
        );
      }
      throw engineError(e, 'The backup stopped before the end; the output file is incomplete — delete it and back up again.');
    }
    progress.flush();
    return { volume: name, tarBytes: tarCount.bytes, gzipBytes: gzCount.bytes, runningContainers: running };
  });
}

// ── restore ──────────────────────────────────────────────────────────────────────────────────

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
    return options.mode === 'new'
      ? await restoreNew(docker, name, input, options, policyOpts, progress, signal)
      : await restoreOverwrite(docker, name, input, options, policyOpts, progress, signal);
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

type Progress = ReturnType<typeof throttle<VolumeTransferProgressInfo>>;

async function restoreNew(
  docker: Dockerode,
  name: string,
  input: Readable,
  options: RestoreOptions,
  policyOpts: TarPolicyOptions,
  progress: Progress,
  signal?: AbortSignal,
): Promise<RestoreResultInfo> {
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

async function restoreOverwrite(
  docker: Dockerode,
  name: string,
  input: Readable,
  options: RestoreOptions,
  policyOpts: TarPolicyOptions,
  progress: Progress,
  signal?: AbortSignal,
): Promise<RestoreResultInfo> {
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
