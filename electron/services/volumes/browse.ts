import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import tar from 'tar-stream';
import { HomeportError, type VolumeDirInfo, type VolumeEntryInfo, type VolumeEntryType } from '../../../shared/contract';
import { abortedError, engineError, invalid, notFound, quote, statusOf, validateName } from '../docker/engine-common';
import { engineMessage } from '../docker/engine-message';
import { NO_IMAGE_FIX, pickArchiveImage, pickToolImages, runHelper, withHelper } from './helper-containers';
import { ByteCounter } from './progress';
import { inspectVolume } from './volumes';

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
