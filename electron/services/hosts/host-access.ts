import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import path from 'node:path';
import type { Client, ClientChannel, SFTPWrapper, Stats } from 'ssh2';
import { HomeportError } from '../../../shared/contract';
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
  readFile(file: string): Promise<string>;
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
        const command = shellCommand(argv, { cwd: opts.cwd ?? null, env: opts.env ?? {} });
        if (opts.signal?.aborted) return resolve({ code: null, signal: 'ABORTED', stdout: '', stderr: '' });
        client.exec(command, (err: Error | undefined, ch: ClientChannel) => {
          if (err) {
            return reject(new HomeportError({ code: 'UNREACHABLE', message: `The host refused to run a command: ${err.message}.`, fix: 'Check sshd\'s MaxSessions, or try again.' }));
          }
          let stdout = '';
          let stderr = '';
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
          ch.setEncoding('utf8');
          ch.stderr.setEncoding('utf8');
          ch.on('data', (d: string) => {
            stdout += d;
            opts.onOutput?.(d, 'stdout');
          });
          ch.stderr.on('data', (d: string) => {
            stderr += d;
            opts.onOutput?.(d, 'stderr');
          });
          ch.on('exit', (c: number | null, s?: string) => {
            code = typeof c === 'number' ? c : null;
            if (s) sig = s;
          });
          ch.on('close', () => {
            opts.signal?.removeEventListener('abort', onAbort);
            resolve({ code: sig === 'ABORTED' ? null : code, signal: sig, stdout, stderr });
          });
          if (opts.stdin !== undefined) ch.end(opts.stdin);
          else ch.end();
        });
      }),
    readFile: (file) =>
      withSftp((s) => p<Buffer>((cb) => s.readFile(file, (e: Error | null | undefined, b: Buffer) => cb(e, b))))
        .then((b) => b.toString('utf8'))
        .catch((e: unknown) => {
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
      throw sshFileError(what, file, e);
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
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8');
        child.stderr.setEncoding('utf8');
        child.stdout.on('data', (d: string) => {
          stdout += d;
          opts.onOutput?.(d, 'stdout');
        });
        child.stderr.on('data', (d: string) => {
          stderr += d;
          opts.onOutput?.(d, 'stderr');
        });
        child.on('error', (e: NodeJS.ErrnoException) => {
          if (e.code === 'ENOENT' && !stdout && !stderr) resolve({ code: 127, signal: null, stdout, stderr: `${argv[0]}: not found` });
          else if (e.name === 'AbortError') resolve({ code: null, signal: 'ABORTED', stdout, stderr });
          else reject(e);
        });
        child.on('close', (code, signal) => resolve({ code, signal: opts.signal?.aborted ? 'ABORTED' : signal, stdout, stderr }));
        child.stdin.end(opts.stdin ?? '');
      }),
    readFile: (file) => wrap('read', file, () => fsp.readFile(file, 'utf8')),
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
