import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import tar, { type Header } from 'tar-stream';

/** A header as tar-stream's pack takes it. */
export type TarHeader = Partial<Header> & Pick<Header, 'name'>;
import { HomeportError } from '../../../shared/contract';
import { quote } from '../docker/engine-common';

/**
 * Archives restored into a volume come from the user's disk and may be hostile. Every entry is
 * checked before the engine sees it, and what reaches the engine is a tar Homeport re-wrote from the
 * checked headers (never the user's bytes passed through): so an entry the check refused cannot
 * slip through in a chunk sent before the check finished.
 *
 * Refused: absolute paths, `..` anywhere in a path, device files and FIFOs, hard links to anything
 * but an earlier file of the same archive, any entry below a symlink of the archive (the classic
 * `link -> /etc` then `link/passwd`) or in the place of one (a directory `link/` would have its
 * owner and mode set through it), and archives that unpack to more than the size cap. Symlinks
 * themselves are kept as data, whatever they point at: a volume may legitimately hold
 * `current -> /data/releases/7` or `localtime -> ../usr/share/zoneinfo/UTC`, and nothing is ever
 * written through them.
 *
 * Setuid and setgid bits of files are cleared unless the user keeps them: a volume mounted into a
 * container could otherwise carry a root-owned setuid program in from an archive. A directory's
 * setgid bit (new files take its group) gives no privilege and is kept.
 */
export interface TarPolicyOptions {
  /** Total size of the files, in bytes. */
  maxBytes: number;
  maxEntries: number;
  /** Keep the setuid/setgid bits of files (default: cleared). */
  keepSetuid?: boolean;
}

export const DEFAULT_RESTORE_MAX_BYTES = 100 * 1024 ** 3;
export const DEFAULT_RESTORE_MAX_ENTRIES = 5_000_000;

function refuse(message: string, fix = 'Restore from a backup Homeport (or `tar -C <dir> -czf … .`) made; the file was not changed and nothing was restored from it.'): HomeportError {
  return new HomeportError({ code: 'VALIDATION', message, fix, details: { field: 'archive' } });
}

export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} bytes` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

/** `./a/b/` → `a/b`; throws on absolute paths and `..`. Empty string = the archive's root. */
export function normalizeEntryPath(raw: string, what = 'entry'): string {
  if (raw.includes('\0')) throw refuse(`The archive has an ${what} whose name contains a NUL byte.`);
  if (raw.startsWith('/')) throw refuse(`The archive has an ${what} with an absolute path, ${quote(raw)}: it would be written outside the volume.`);
  const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw refuse(`The archive has an ${what} ${quote(raw)} that climbs out with "..": it would be written outside the volume.`);
  return parts.join('/');
}

function isBelow(path: string, dirs: Set<string>): string | null {
  let i = path.indexOf('/');
  while (i >= 0) {
    const prefix = path.slice(0, i);
    if (dirs.has(prefix)) return prefix;
    i = path.indexOf('/', i + 1);
  }
  return null;
}

/** Checks entries one by one, keeping what later checks need (symlinks, files, totals). */
export class TarPolicy {
  entries = 0;
  bytes = 0;
  /** Files whose setuid/setgid bits were cleared. */
  setuidCleared = 0;
  private readonly symlinks = new Set<string>();
  private readonly files = new Set<string>();

  constructor(private readonly opts: TarPolicyOptions) {}

  /** The clean header to write, or null for an entry to skip (pax global headers). Throws to refuse. */
  accept(h: TarHeader): TarHeader | null {
    const type: string = h.type ?? 'file';
    if (type === 'pax-global-header' || type === 'pax-header' || type === 'gnu-long-path' || type === 'gnu-long-link-path') return null;
    if (type === 'character-device' || type === 'block-device') {
      throw refuse(`The archive has a device file, ${quote(h.name)}: Homeport does not restore device files into a volume.`);
    }
    if (type === 'fifo') throw refuse(`The archive has a named pipe (FIFO), ${quote(h.name)}: Homeport does not restore those.`);
    if (type !== 'file' && type !== 'contiguous-file' && type !== 'directory' && type !== 'symlink' && type !== 'link') {
      throw refuse(`The archive has an entry of an unknown type (${String(type)}), ${quote(h.name)}.`);
    }
    const path = normalizeEntryPath(h.name);
    if (path === '' && type !== 'directory') throw refuse(`The archive has a ${type} entry with an empty name.`);
    const under = isBelow(path, this.symlinks);
    if (under !== null) {
      throw refuse(`The archive writes ${quote(path)} through the symbolic link ${quote(under)} it created earlier: that could write outside the volume.`);
    }
    if (this.symlinks.has(path)) {
      throw refuse(`The archive puts ${quote(path)} in the place of the symbolic link it created earlier: that could change something outside the volume.`);
    }
    if (this.entries + 1 > this.opts.maxEntries) {
      throw refuse(`The archive has more than ${this.opts.maxEntries.toLocaleString('en')} entries, Homeport's limit for a restore.`, 'Split the data, or restore it with your own tools.');
    }
    const out: TarHeader = {
      name: path === '' ? './' : `./${path}${type === 'directory' ? '/' : ''}`,
      type: type === 'contiguous-file' ? 'file' : (type as Header['type']),
      mode: (h.mode ?? (type === 'directory' ? 0o755 : 0o644)) & 0o7777,
      uid: h.uid ?? 0,
      gid: h.gid ?? 0,
      mtime: h.mtime ?? new Date(),
    };
    if (h.uname) out.uname = h.uname;
    if (h.gname) out.gname = h.gname;
    if (type === 'file' || type === 'contiguous-file') {
      const size = h.size ?? 0;
      this.bytes += size;
      if (this.bytes > this.opts.maxBytes) {
        throw refuse(
          `The archive unpacks to more than ${formatBytes(this.opts.maxBytes)}, the size limit for this restore.`,
          'Check that this is the right file; if it is, raise the limit (or free space on the host first).',
        );
      }
      out.size = size;
      if (!this.opts.keepSetuid && (out.mode! & 0o6000) !== 0) {
        out.mode = out.mode! & ~0o6000;
        this.setuidCleared++;
      }
      this.files.add(path);
    } else if (type === 'symlink') {
      if (!h.linkname) throw refuse(`The archive has a symbolic link without a target, ${quote(h.name)}.`);
      if (h.linkname.includes('\0')) throw refuse(`The archive has a symbolic link whose target contains a NUL byte, ${quote(h.name)}.`);
      out.linkname = h.linkname;
      this.symlinks.add(path);
      this.files.delete(path);
    } else if (type === 'link') {
      const target = normalizeEntryPath(h.linkname ?? '', 'hard link target');
      if (!this.files.has(target)) {
        throw refuse(`The archive has a hard link ${quote(path)} to ${quote(h.linkname ?? '')}, which is not a file stored earlier in the archive.`);
      }
      out.linkname = `./${target}`;
      this.files.add(path);
    }
    this.entries++;
    return out;
  }
}

function badArchive(e: unknown): HomeportError {
  if (e instanceof HomeportError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: unknown })?.code;
  const fix = 'Choose a .tar.gz made by a Homeport backup (or by tar -czf); the file may be truncated or damaged.';
  if (typeof code === 'string' && code.startsWith('Z_')) return refuse(`The file is not a valid .tar.gz archive (gzip: ${msg}).`, fix);
  if (/tar header|end of data|tar/i.test(msg)) return refuse(`The file is not a valid tar archive (${msg}).`, fix);
  return refuse(`The archive could not be read (${msg}).`, fix);
}

/**
 * The archive's tar bytes: gunzipped when it starts with the gzip magic, as-is otherwise (a plain
 * `.tar` from `docker cp` works too). Errors of the source are forwarded.
 */
export async function tarBytesOf(input: Readable): Promise<Readable> {
  let first: Buffer | null;
  try {
    first = await readFirstChunk(input);
  } catch (e) {
    throw badArchive(e);
  }
  if (first === null || first.length === 0) throw refuse('The file is empty: there is nothing to restore from it.', 'Choose the .tar.gz a backup wrote.');
  input.unshift(first);
  const gzip = first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b;
  const out = gzip ? createGunzip() : new PassThrough();
  input.on('error', (e) => out.destroy(e));
  input.pipe(out);
  return out;
}

async function readFirstChunk(input: Readable): Promise<Buffer | null> {
  for (;;) {
    const chunk = input.read() as Buffer | string | null;
    if (chunk !== null) return typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (input.readableEnded) return null;
    const r = await Promise.race([once(input, 'readable').then(() => 'r'), once(input, 'end').then(() => 'e')]);
    if (r === 'e') return null;
  }
}

/** Read an archive through the policy without keeping anything: counts, or throws the refusal. */
export async function checkTar(tarBytes: Readable, policy: TarPolicy): Promise<void> {
  const extract = tar.extract();
  tarBytes.on('error', (e) => extract.destroy(e));
  tarBytes.pipe(extract);
  try {
    for await (const entry of extract) {
      policy.accept(entry.header);
      entry.resume();
    }
  } catch (e) {
    tarBytes.destroy();
    throw badArchive(e);
  }
}

/**
 * The archive re-written entry by entry from checked headers. The returned stream errors with the
 * refusal (a HomeportError) when an entry is refused; `done` settles when the whole input was read.
 */
export function sanitizeTar(tarBytes: Readable, policy: TarPolicy): { stream: Readable; done: Promise<void> } {
  const extract = tar.extract();
  const pack = tar.pack();
  // Whoever reads the stream sees its error; this keeps an unread one from crashing the process.
  pack.on('error', () => {});
  tarBytes.on('error', (e) => extract.destroy(e));
  tarBytes.pipe(extract);
  const done = (async () => {
    try {
      for await (const entry of extract) {
        const h = policy.accept(entry.header);
        if (!h) {
          entry.resume();
          continue;
        }
        if (h.type !== 'file') {
          entry.resume();
          // Entries without data (directories, links) finish by themselves.
          await new Promise<void>((resolve, reject) => void pack.entry(h, (err) => (err ? reject(err) : resolve())));
          continue;
        }
        await new Promise<void>((resolve, reject) => {
          const w = pack.entry(h, (err) => (err ? reject(err) : resolve()));
          // An upload cut off mid-file destroys the entry, and the pipe passes that on to `w`:
          // unheard, its error would crash the process.
          w.on('error', reject);
          entry.on('error', reject);
          entry.pipe(w);
        });
      }
      pack.finalize();
    } catch (e) {
      const err = badArchive(e);
      tarBytes.destroy();
      pack.destroy(err);
      throw err;
    }
  })();
  done.catch(() => {}); // the stream carries the error too; this keeps it from being "unhandled"
  return { stream: pack as unknown as Readable, done };
}
