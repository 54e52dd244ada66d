import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { HomeportError } from '../../../shared/contract';

/**
 * A small runner for the restic CLI on the computer running Homeport. Data arrives as a stream
 * (later: a tar read over the host's SSH connection) and goes into `restic backup --stdin`, one
 * snapshot per item. The repository password reaches restic through its environment
 * (RESTIC_PASSWORD) or a password file, never the command line (which other users can read in
 * the process list), and it is never part of a message.
 */

export interface ResticRepo {
  /** A folder, `sftp:user@host:/path`, `s3:…`: anything restic's `-r` accepts. */
  repository: string;
  /** The repository password; or `passwordFile`. */
  password?: string;
  passwordFile?: string;
  /** The restic executable; `restic` from PATH by default. */
  bin?: string;
  /** Extra environment for restic's backends (e.g. AWS_ACCESS_KEY_ID); never logged either. */
  env?: Record<string, string>;
}

export interface BackupProgress {
  bytesDone: number;
  /** Unknown for a stream until it has ended. */
  totalBytes: number | null;
  /** 0..1; restic only knows it when it knows the total. */
  percent: number | null;
  secondsElapsed: number;
}

export interface BackupResult {
  /** As restic's summary names it: the short id in restic 0.14 (Debian 12), the full id in newer ones; both work for dump and forget. */
  snapshotId: string;
  /** Bytes the snapshot added to the repository (after deduplication and compression). */
  dataAdded: number;
  totalBytesProcessed: number;
}

export interface Snapshot {
  id: string;
  shortId: string;
  time: string;
  hostname: string;
  paths: string[];
  tags: string[];
}

export interface Retention {
  keepDaily?: number;
  keepWeekly?: number;
  keepMonthly?: number;
}

/** Why restic failed, for the UI to pick its words and for tests to assert on. */
export type ResticFailure = 'missing' | 'password' | 'locked' | 'no-repository' | 'full' | 'not-writable' | 'source' | 'failed';

const INSTALL_FIX =
  'Install restic on this computer (Debian/Ubuntu: sudo apt install restic; macOS: brew install restic; Windows: scoop install restic) and try again.';

function failure(reason: ResticFailure, message: string, fix: string, code: HomeportError['code'], cause?: unknown): HomeportError {
  return new HomeportError({ code, message, fix, details: { reason } }, { cause });
}

/** restic's own words (stderr) turned into the cause and the fix a user can act on. */
export function resticError(stderr: string, repo: ResticRepo, what: string): HomeportError {
  const text = stderr.trim();
  const where = repo.repository;
  if (/wrong password|no key found/i.test(text))
    return failure('password', `${what}: the password does not open the backup repository ${where}.`, 'Enter the password this repository was created with.', 'AUTH_FAILED');
  if (/already locked/i.test(text)) {
    const by = /locked (?:exclusively )?by (PID \d+ on [^\s]+ by [^\s\n]+)/i.exec(text)?.[1];
    return failure(
      'locked',
      `${what}: the backup repository ${where} is in use by another restic${by ? ` (${by})` : ''}.`,
      'Wait for the other backup, prune or check to finish and try again. If no restic is running any more, remove the stale lock with: restic -r <repository> unlock',
      'CONFLICT',
    );
  }
  if (/no space left on device|quota exceeded/i.test(text))
    return failure('full', `${what}: the backup destination ${where} is full.`, 'Free space on the destination (or prune old snapshots) and try again.', 'FILE_ACCESS');
  if (/permission denied|read-only file system|access denied|not a directory/i.test(text))
    return failure('not-writable', `${what}: restic cannot write to the backup destination ${where}.`, 'Choose a folder the user running Homeport may write to (and that is not inside a file), or give that user write access.', 'FILE_ACCESS');
  if (/Is there a repository at the following location|repository does not exist|unable to open config file/i.test(text))
    return failure('no-repository', `${what}: there is no restic repository at ${where}.`, 'Check the repository location, or create the repository first.', 'NOT_FOUND');
  const last = text.split('\n').filter(Boolean).slice(-3).join(' ').replace(/^Fatal:\s*/, '');
  return failure('failed', `${what}: restic failed${last ? `: ${last}` : '.'}`, 'Check the repository and try again; restic\'s message says what went wrong.', 'COMMAND_FAILED');
}

interface RunOpts {
  stdin?: Readable;
  stdout?: Writable;
  onLine?: (line: string) => void;
  signal?: AbortSignal;
}

interface Running {
  done: Promise<{ stdout: string; stderr: string }>;
  stdin: Writable;
  kill: () => void;
}

/** Bounded capture: restic's error output is short, but a hostile or broken backend must not fill memory. */
const MAX_CAPTURE = 1 << 20;

export class Restic {
  constructor(private readonly repo: ResticRepo) {}

  private env(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, ...this.repo.env, RESTIC_REPOSITORY: this.repo.repository };
    // Never let a password from the surrounding environment open (or create) a different repository.
    delete env.RESTIC_PASSWORD;
    delete env.RESTIC_PASSWORD_FILE;
    delete env.RESTIC_PASSWORD_COMMAND;
    if (this.repo.password !== undefined) env.RESTIC_PASSWORD = this.repo.password;
    else if (this.repo.passwordFile !== undefined) env.RESTIC_PASSWORD_FILE = this.repo.passwordFile;
    return env;
  }

  private start(args: string[], what: string, opts: RunOpts = {}): Running {
    const child = spawn(this.repo.bin ?? 'restic', args, { env: this.env(), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    let killed = false;
    const kill = () => {
      killed = true;
      // SIGKILL: restic must not get the chance to save what it has read as a snapshot.
      child.kill('SIGKILL');
    };
    const done = new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      let spawnError: NodeJS.ErrnoException | undefined;
      child.on('error', (e: NodeJS.ErrnoException) => (spawnError = e));
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (d: string) => {
        if (stderr.length < MAX_CAPTURE) stderr += d;
      });
      if (opts.stdout) {
        child.stdout.pipe(opts.stdout);
      } else {
        child.stdout.setEncoding('utf8');
        child.stdout.on('data', (d: string) => {
          if (opts.onLine) {
            pending += d;
            const lines = pending.split('\n');
            pending = lines.pop() ?? '';
            for (const l of lines) if (l.trim()) opts.onLine(l);
          } else if (stdout.length < MAX_CAPTURE) stdout += d;
        });
      }
      child.on('close', (code) => {
        if (pending.trim() && opts.onLine) opts.onLine(pending);
        if (spawnError?.code === 'ENOENT')
          return reject(failure('missing', `${what}: restic is not installed on this computer.`, INSTALL_FIX, 'COMMAND_FAILED', spawnError));
        if (spawnError) return reject(failure('failed', `${what}: restic could not be started (${spawnError.message}).`, INSTALL_FIX, 'COMMAND_FAILED', spawnError));
        if (killed) return reject(failure('failed', `${what}: stopped.`, 'Start it again.', 'COMMAND_FAILED'));
        if (code !== 0) return reject(resticError(stderr, this.repo, what));
        resolve({ stdout, stderr });
      });
    });
    if (opts.signal) {
      if (opts.signal.aborted) kill();
      else opts.signal.addEventListener('abort', kill, { once: true });
    }
    if (!opts.stdin) child.stdin.end();
    // restic closing its stdin early (it failed) must not crash us with EPIPE.
    child.stdin.on('error', () => {});
    return { done, stdin: child.stdin, kill };
  }

  private async run(args: string[], what: string, opts?: RunOpts): Promise<string> {
    return (await this.start(args, what, opts).done).stdout;
  }

  /** Whether a repository exists at the location and the password opens it. */
  async exists(): Promise<boolean> {
    try {
      await this.run(['cat', 'config', '--no-lock'], 'Opening the backup repository');
      return true;
    } catch (e) {
      if (e instanceof HomeportError && e.details?.reason === 'no-repository') return false;
      throw e;
    }
  }

  /** Create the repository unless there is one already (a wrong password for it is an error, not a new repository). */
  async init(): Promise<'created' | 'exists'> {
    if (await this.exists()) return 'exists';
    await this.run(['init'], 'Creating the backup repository');
    return 'created';
  }

  /**
   * Back up what `source` gives as one file named `filename` in a new snapshot. If the source
   * fails (a host lost mid-backup), restic is killed before it sees the end of its input, so no
   * snapshot is recorded, and the source's error is thrown.
   */
  async backup(
    source: Readable,
    opts: { filename: string; tags?: string[]; host?: string; onProgress?: (p: BackupProgress) => void; signal?: AbortSignal },
  ): Promise<BackupResult> {
    if (!opts.filename || opts.filename.includes('/') || opts.filename.includes('\0')) throw new HomeportError({ code: 'VALIDATION', message: `"${opts.filename}" is not a file name for a backup item.`, fix: 'Use a name without "/".' });
    for (const t of opts.tags ?? []) if (!t || /[,\0\n]/.test(t)) throw new HomeportError({ code: 'VALIDATION', message: `"${t}" is not a tag restic can keep.`, fix: 'Use tags without commas or line breaks.' });
    const args = ['backup', '--json', '--stdin', '--stdin-filename', opts.filename];
    for (const t of opts.tags ?? []) args.push('--tag', t);
    if (opts.host) args.push('--host', opts.host);
    let summary: BackupResult | undefined;
    const onLine = (line: string) => {
      let m: Record<string, unknown>;
      try {
        m = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      if (m.message_type === 'status' && opts.onProgress) {
        const total = typeof m.total_bytes === 'number' && m.total_bytes > 0 ? m.total_bytes : null;
        opts.onProgress({
          bytesDone: num(m.bytes_done),
          totalBytes: total,
          percent: total !== null && typeof m.percent_done === 'number' ? m.percent_done : null,
          secondsElapsed: num(m.seconds_elapsed),
        });
      } else if (m.message_type === 'summary' && typeof m.snapshot_id === 'string') {
        summary = { snapshotId: m.snapshot_id, dataAdded: num(m.data_added), totalBytesProcessed: num(m.total_bytes_processed) };
      }
    };
    const running = this.start(args, `Backing up ${opts.filename}`, { stdin: source, onLine, signal: opts.signal });
    const stdin = running.stdin;
    let sourceError: unknown;
    const feeding = new Promise<void>((resolve) => {
      source.on('error', (e) => {
        sourceError = e;
        running.kill();
        resolve();
      });
      // Piped without ending: restic ends its snapshot at end of input, which only a source that
      // finished cleanly may give it.
      source.pipe(stdin, { end: false });
      let ended = false;
      source.on('end', () => {
        ended = true;
        if (sourceError === undefined) stdin.end();
        resolve();
      });
      // A stream destroyed without an error (a connection closed under it) never ends: without
      // this, restic would wait for more input forever.
      source.on('close', () => {
        if (ended || sourceError !== undefined) return;
        sourceError = new Error('the data stopped before its end');
        running.kill();
        resolve();
      });
    });
    try {
      await Promise.all([running.done, feeding]);
    } catch (e) {
      if (sourceError !== undefined) throw sourceFailure(opts.filename, sourceError);
      // restic gave up (wrong password, full destination…): stop reading the source.
      source.unpipe(stdin);
      source.destroy();
      throw e;
    }
    if (sourceError !== undefined) throw sourceFailure(opts.filename, sourceError);
    if (!summary) throw failure('failed', `Backing up ${opts.filename}: restic finished without naming the snapshot it saved.`, 'List the snapshots to see whether it was saved, and run the backup again.', 'COMMAND_FAILED');
    return summary;
  }

  /** The snapshots, optionally only those carrying every tag in `tags`. */
  async snapshots(tags: string[] = []): Promise<Snapshot[]> {
    const args = ['snapshots', '--json'];
    if (tags.length) args.push('--tag', tags.join(','));
    const out = await this.run(args, 'Listing the backups');
    const raw = JSON.parse(out || '[]') as Array<Record<string, unknown>> | null;
    return (raw ?? []).map((s) => ({
      id: String(s.id),
      shortId: String(s.short_id ?? String(s.id).slice(0, 8)),
      time: String(s.time),
      hostname: String(s.hostname ?? ''),
      paths: Array.isArray(s.paths) ? s.paths.map(String) : [],
      tags: Array.isArray(s.tags) ? s.tags.map(String) : [],
    }));
  }

  /** Write one item of a snapshot (the file a stdin backup saved as `filename`) to `out`. */
  async dump(snapshotId: string, filename: string, out: Writable, signal?: AbortSignal): Promise<void> {
    if (!/^[0-9a-f]{6,64}$|^latest$/.test(snapshotId)) throw new HomeportError({ code: 'VALIDATION', message: `"${snapshotId}" is not a snapshot id.`, fix: 'Pick a snapshot from the list.' });
    const done = new Promise<void>((resolve, reject) => {
      out.once('finish', resolve);
      out.once('error', reject);
    });
    await this.run(['dump', snapshotId, `/${filename}`], `Restoring ${filename}`, { stdout: out, signal });
    await done;
  }

  /** Apply retention and remove the data no snapshot needs any more. */
  async forget(keep: Retention, tags: string[] = []): Promise<void> {
    const args = ['forget', '--prune'];
    if (keep.keepDaily !== undefined) args.push('--keep-daily', String(keep.keepDaily));
    if (keep.keepWeekly !== undefined) args.push('--keep-weekly', String(keep.keepWeekly));
    if (keep.keepMonthly !== undefined) args.push('--keep-monthly', String(keep.keepMonthly));
    if (args.length === 2) throw new HomeportError({ code: 'VALIDATION', message: 'A retention must keep something.', fix: 'Set how many daily, weekly or monthly snapshots to keep.' });
    if (tags.length) args.push('--tag', tags.join(','));
    await this.run(args, 'Removing old backups');
  }

  /** Verify the repository's structure (and `readData`: read back every pack). */
  async check(readData = false): Promise<void> {
    await this.run(readData ? ['check', '--read-data'] : ['check'], 'Checking the backup repository');
  }

  /** Remove locks left by a restic that is no longer running (restic keeps locks of live ones). */
  async unlockStale(): Promise<void> {
    await this.run(['unlock'], 'Unlocking the backup repository');
  }
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function sourceFailure(filename: string, cause: unknown): HomeportError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return failure('source', `Backing up ${filename}: reading the data failed before it was complete (${why}); no snapshot was saved.`, 'Check the connection to the host and run the backup again.', 'COMMAND_FAILED', cause);
}
