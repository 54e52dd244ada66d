import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import path from 'node:path';
import type { Client, ClientChannel, SFTPWrapper, Stats } from 'ssh2';
import { HomeportError, MAX_COMPOSE_FILE_BYTES } from '../../../shared/contract';
import { CappedOutput, cappedStream, formatBytes } from '../ssh/bounded-output';
import { portableCommand } from '../ssh/remote-command';
import { shellCommand } from './shell-quote';

export interface ExecOptions {
  /** The working directory (quoted, never spliced). */
  cwd?: string | null;
  /** Extra environment (names are ours; values are quoted). */
  env?: Readonly<Record<string, string>>;
  stdin?: string | Buffer;
  /** Output as it arrives, stdout and stderr interleaved as the host sent them. */
  onOutput?(chunk: string, stream: 'stdout' | 'stderr'): void;
  signal?: AbortSignal;
}

export interface ExecResult {
  /** Exit status, or null when the command died of a signal (or was aborted). */
  code: number | null;
  signal: string | null;
  /** At most EXEC_OUTPUT_CAP bytes each; past that, a last line says how much was dropped. */
  stdout: string;
  stderr: string;
}

/**
 * What a feature may do on a connected host besides the Docker API: run a program (argv, never a
 * command string) and read/write files. Over SSH: exec channels and SFTP on the host's one
 * connection; for a local host: child processes without a shell and the local file system.
 */
export interface HostAccess {
  readonly kind: 'ssh' | 'local';
  /** The Docker socket this host's engine listens on (for DOCKER_HOST of CLI tools). */
  readonly socketPath: string;
  /** Identifies the connection (the ssh2 client; null for a local host), for per-connection caches. */
  readonly connectionKey: object | null;
  exec(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
  /**
   * A text file, refused (FILE_ACCESS) when it is larger than `maxBytes` (default: the largest
   * compose file the contract takes): checked before reading, and again while reading, for files
   * whose size is not known up front.
   */
  readFile(file: string, opts?: { maxBytes?: number }): Promise<string>;
  /** null when the path does not exist. */
  stat(file: string): Promise<{ mode: number; uid: number; gid: number } | null>;
  /** Writes a new file (fails if it exists) with `mode`, owned like `owner` where allowed. */
  writeNewFile(file: string, content: string, opts: { mode: number; owner?: { uid: number; gid: number } | null }): Promise<void>;
  /** Atomically replaces `to` with `from` (POSIX rename). */
  rename(from: string, to: string): Promise<void>;
  unlink(file: string): Promise<void>;
}

/** A file name next to `file` that no one else uses: `.<name>.<tag>-<random>`. */
export function siblingTemp(file: string, tag: string): string {
  return path.posix.join(path.posix.dirname(file), `.${path.posix.basename(file)}.${tag}-${randomBytes(6).toString('hex')}`);
}

const sshFileError = (what: string, file: string, e: unknown): HomeportError => {
  const err = e as { code?: number | string; message?: string };
  // SFTP status codes: 2 = no such file, 3 = permission denied (errno names for a local host).
  const missing = err?.code === 2 || err?.code === 'ENOENT';
  const denied = err?.code === 3 || err?.code === 'EACCES' || err?.code === 'EPERM';
  return new HomeportError(
    {
      code: missing ? 'NOT_FOUND' : 'FILE_ACCESS',
      message: `Could not ${what} ${file}: ${denied ? 'permission denied' : missing ? 'no such file' : (err?.message ?? String(e))}.`,
      fix: denied
        ? 'Connect as a user who may write the compose project directory (its owner, or root).'
        : missing
          ? 'The compose file may have moved since the stack was deployed; redeploy it from its new place.'
          : 'Check the host (disk full? read-only file system?) and try again.',
      details: { path: file },
    },
    { cause: e },
  );
};

function tooLarge(file: string, size: number | null, limit: number): HomeportError {
  return new HomeportError({
    code: 'FILE_ACCESS',
    message: `${file} is ${size === null ? `larger than ${formatBytes(limit)}` : formatBytes(size)}: Homeport opens files of up to ${formatBytes(limit)}.`,
    fix: 'Edit it on the host, or split it (compose files can include or extend others).',
    details: { path: file, ...(size === null ? {} : { size }), limit },
  });
}

/**
 * Reads through `read(buffer, offset, length, position) → bytes read (0 at the end)` after the
 * size check; stops one byte past `limit` (a file that grew, or reports no size, like /proc).
 */
async function readCapped(file: string, size: number, limit: number, read: (buf: Buffer, off: number, len: number, pos: number) => Promise<number>): Promise<string> {
  if (size > limit) throw tooLarge(file, size, limit);
  const buf = Buffer.alloc(limit + 1);
  let got = 0;
  while (got < buf.length) {
    const n = await read(buf, got, Math.min(32 * 1024, buf.length - got), got);
    if (n <= 0) break;
    got += n;
  }
  if (got > limit) throw tooLarge(file, null, limit);
  return buf.subarray(0, got).toString('utf8');
}

export function sshAccess(client: Client, socketPath: string): HostAccess {
  const sftp = () =>
    new Promise<SFTPWrapper>((resolve, reject) =>
      client.sftp((err, s) =>
        err
          ? reject(new HomeportError({ code: 'UNREACHABLE', message: `The host refused an SFTP session: ${err.message}.`, fix: 'Enable the sftp subsystem in the host\'s sshd_config.' }))
          : resolve(s),
      ),
    );
  const withSftp = async <T>(f: (s: SFTPWrapper) => Promise<T>): Promise<T> => {
    const s = await sftp();
    try {
      return await f(s);
    } finally {
      s.end();
    }
  };
  const p = <T>(f: (cb: (err: Error | null | undefined, v?: T) => void) => void) =>
    new Promise<T>((resolve, reject) => f((err, v) => (err ? reject(err) : resolve(v as T))));

  return {
    kind: 'ssh',
    socketPath,
    connectionKey: client,
    exec: (argv, opts = {}) =>
      new Promise<ExecResult>((resolve, reject) => {
        // POSIX text, carried past the login shell (fish, csh…) to /bin/sh unchanged.
        const command = portableCommand(shellCommand(argv, { cwd: opts.cwd ?? null, env: opts.env ?? {} }));
        if (opts.signal?.aborted) return resolve({ code: null, signal: 'ABORTED', stdout: '', stderr: '' });
        client.exec(command, (err: Error | undefined, ch: ClientChannel) => {
          if (err) {
            return reject(new HomeportError({ code: 'UNREACHABLE', message: `The host refused to run a command: ${err.message}.`, fix: 'Check sshd\'s MaxSessions, or try again.' }));
          }
          // What is kept is bounded, and so is what is handed on live: the host's output is untrusted.
          const stdout = new CappedOutput();
          const stderr = new CappedOutput();
          const live = {
            stdout: cappedStream((t) => opts.onOutput?.(t, 'stdout')),
            stderr: cappedStream((t) => opts.onOutput?.(t, 'stderr')),
          };
          let code: number | null = null;
          let sig: string | null = null;
          const onAbort = () => {
            sig = 'ABORTED';
            try {
              ch.signal('TERM');
            } catch {
              /* not all servers take signals; closing the channel ends it */
            }
            ch.close();
          };
          opts.signal?.addEventListener('abort', onAbort, { once: true });
          ch.on('data', (d: Buffer) => {
            stdout.push(d);
            if (opts.onOutput) live.stdout.push(d);
          });
          ch.stderr.on('data', (d: Buffer) => {
            stderr.push(d);
            if (opts.onOutput) live.stderr.push(d);
          });
          ch.on('exit', (c: number | null, s?: string) => {
            code = typeof c === 'number' ? c : null;
            if (s) sig = s;
          });
          ch.on('close', () => {
            opts.signal?.removeEventListener('abort', onAbort);
            if (opts.onOutput) {
              live.stdout.end();
              live.stderr.end();
            }
            resolve({ code: sig === 'ABORTED' ? null : code, signal: sig, stdout: stdout.text(), stderr: stderr.text() });
          });
          if (opts.stdin !== undefined) ch.end(opts.stdin);
          else ch.end();
        });
      }),
    readFile: (file, { maxBytes = MAX_COMPOSE_FILE_BYTES } = {}) =>
      withSftp(async (s) => {
        const handle = await p<Buffer>((cb) => s.open(file, 'r', (e: Error | undefined, h: Buffer) => cb(e, h)));
        try {
          const st = await p<Stats>((cb) => s.fstat(handle, (e: Error | undefined, x: Stats) => cb(e, x)));
          return await readCapped(file, st.size, maxBytes, (buf, off, len, pos) =>
            p<number>((cb) =>
              s.read(handle, buf, off, len, pos, (e: (Error & { code?: number }) | undefined, n: number) =>
                // SFTP answers a read at the end of the file with an EOF status, not 0 bytes.
                e && e.code === 1 ? cb(null, 0) : cb(e, n),
              ),
            ),
          );
        } finally {
          await p<void>((cb) => s.close(handle, (e: Error | null | undefined) => cb(e))).catch(() => {});
        }
      }).catch((e: unknown) => {
        throw e instanceof HomeportError ? e : sshFileError('read', file, e);
      }),
    stat: (file) =>
      withSftp((s) =>
        p<Stats>((cb) => s.stat(file, (e: Error | undefined, st: Stats) => cb(e, st))).then(
          (st) => ({ mode: st.mode & 0o7777, uid: st.uid, gid: st.gid }),
          (e: { code?: number }) => {
            if (e?.code === 2) return null;
            throw sshFileError('inspect', file, e);
          },
        ),
      ),
    writeNewFile: (file, content, { mode, owner }) =>
      withSftp(async (s) => {
        // 'wx': O_CREAT|O_EXCL — never follows or clobbers something already at that name.
        const handle = await p<Buffer>((cb) => s.open(file, 'wx', { mode }, (e: Error | undefined, h: Buffer) => cb(e, h)));
        try {
          const data = Buffer.from(content, 'utf8');
          let off = 0;
          while (off < data.length) {
            const n = Math.min(32 * 1024, data.length - off);
            await p<void>((cb) => s.write(handle, data, off, n, off, (e: Error | null | undefined) => cb(e)));
            off += n;
          }
          await p<void>((cb) => s.fchmod(handle, mode, (e: Error | null | undefined) => cb(e)));
          if (owner) {
            // Only root may give a file away; a normal user's file is already theirs.
            await p<void>((cb) => s.fchown(handle, owner.uid, owner.gid, (e: Error | null | undefined) => cb(e))).catch(() => {});
          }
        } finally {
          await p<void>((cb) => s.close(handle, (e: Error | null | undefined) => cb(e))).catch(() => {});
        }
      }).catch((e: unknown) => {
        throw e instanceof HomeportError ? e : sshFileError('write', file, e);
      }),
    rename: (from, to) =>
      withSftp((s) =>
        // SFTP v3 rename refuses to replace; OpenSSH's posix-rename is the atomic rename(2).
        p<void>((cb) => s.ext_openssh_rename(from, to, (e?: Error | null) => cb(e))),
      ).catch((e: unknown) => {
        throw e instanceof HomeportError ? e : sshFileError('replace', to, e);
      }),
    unlink: (file) =>
      withSftp((s) => p<void>((cb) => s.unlink(file, (e?: Error | null) => cb(e)))).catch((e: unknown) => {
        throw e instanceof HomeportError ? e : sshFileError('remove', file, e);
      }),
  };
}

/** The same for the computer Homeport runs on (a `local` host): no shell at all. */
export function localAccess(socketPath: string): HostAccess {
  const wrap = <T>(what: string, file: string, f: () => Promise<T>) =>
    f().catch((e: unknown) => {
      throw e instanceof HomeportError ? e : sshFileError(what, file, e);
    });
  return {
    kind: 'local',
    socketPath,
    connectionKey: null,
    exec: (argv, opts = {}) =>
      new Promise<ExecResult>((resolve, reject) => {
        const child = spawn(argv[0]!, argv.slice(1), {
          cwd: opts.cwd ?? undefined,
          env: { ...process.env, ...opts.env },
          stdio: ['pipe', 'pipe', 'pipe'],
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
        const stdout = new CappedOutput();
        const stderr = new CappedOutput();
        const live = {
          stdout: cappedStream((t) => opts.onOutput?.(t, 'stdout')),
          stderr: cappedStream((t) => opts.onOutput?.(t, 'stderr')),
        };
        let any = false;
        child.stdout.on('data', (d: Buffer) => {
          any = true;
          stdout.push(d);
          if (opts.onOutput) live.stdout.push(d);
        });
        child.stderr.on('data', (d: Buffer) => {
          any = true;
          stderr.push(d);
          if (opts.onOutput) live.stderr.push(d);
        });
        let finished = false;
        const finish = (r: Omit<ExecResult, 'stdout' | 'stderr'>, err?: string) => {
          // 'error' and 'close' may both come: the first one settles.
          if (finished) return;
          finished = true;
          if (opts.onOutput) {
            live.stdout.end();
            live.stderr.end();
          }
          resolve({ ...r, stdout: stdout.text(), stderr: err ?? stderr.text() });
        };
        child.on('error', (e: NodeJS.ErrnoException) => {
          if (e.code === 'ENOENT' && !any) finish({ code: 127, signal: null }, `${argv[0]}: not found`);
          else if (e.name === 'AbortError') finish({ code: null, signal: 'ABORTED' });
          else reject(e);
        });
        child.on('close', (code, signal) => finish({ code, signal: opts.signal?.aborted ? 'ABORTED' : signal }));
        child.stdin.end(opts.stdin ?? '');
      }),
    readFile: (file, { maxBytes = MAX_COMPOSE_FILE_BYTES } = {}) =>
      wrap('read', file, async () => {
        const h = await fsp.open(file, 'r');
        try {
          const st = await h.stat();
          return await readCapped(file, st.size, maxBytes, async (buf, off, len, pos) => (await h.read(buf, off, len, pos)).bytesRead);
        } finally {
          await h.close();
        }
      }),
    stat: (file) =>
      fsp.stat(file).then(
        (st) => ({ mode: st.mode & 0o7777, uid: st.uid, gid: st.gid }),
        (e: NodeJS.ErrnoException) => {
          if (e.code === 'ENOENT') return null;
          throw sshFileError('inspect', file, e);
        },
      ),
    writeNewFile: (file, content, { mode, owner }) =>
      wrap('write', file, async () => {
        const h = await fsp.open(file, 'wx', mode);
        try {
          await h.writeFile(content, 'utf8');
          await h.chmod(mode);
          if (owner) await h.chown(owner.uid, owner.gid).catch(() => {});
        } finally {
          await h.close();
        }
      }),
    rename: (from, to) => wrap('replace', to, () => fsp.rename(from, to)),
    unlink: (file) => wrap('remove', file, () => fsp.unlink(file)),
  };
}
