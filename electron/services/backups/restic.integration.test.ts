import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HomeportError } from '../../../shared/contract';
import { until } from '../test-support/wait';
import { type BackupProgress, Restic } from './restic';

// Against the real restic CLI (Debian's package) and a repository in a temporary folder.

const dirs: string[] = [];
function tempRepo(): string {
  const d = mkdtempSync(path.join(tmpdir(), `homeport-restic-${process.pid}-`));
  dirs.push(d);
  return path.join(d, 'repo');
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Data that restic cannot shrink: random bytes in chunks, like a tar of media files. */
function chunks(data: Buffer, size = 256 * 1024): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) parts.push(data.subarray(i, i + size));
  return Readable.from(parts);
}

class Collect extends Writable {
  parts: Buffer[] = [];
  override _write(c: Buffer, _e: BufferEncoding, cb: () => void) {
    this.parts.push(c);
    cb();
  }
  get data() {
    return Buffer.concat(this.parts);
  }
}

async function rejection(p: Promise<unknown>): Promise<HomeportError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof HomeportError) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

const password = `pw-${randomBytes(8).toString('hex')}`;

// Generous: tens of MiB through restic on a machine other tests load too.
describe('restic runner (real restic)', { timeout: 120_000 }, () => {
  let repo: string;
  let restic: Restic;
  const data = randomBytes(64 * 1024 * 1024);

  beforeAll(async () => {
    repo = tempRepo();
    restic = new Restic({ repository: repo, password });
    expect(await restic.init()).toBe('created');
    expect(await restic.init()).toBe('exists');
  });

  it('backs up a stream as a tagged snapshot and dumps it back byte for byte', async () => {
    const progress: BackupProgress[] = [];
    const r = await restic.backup(chunks(data), { filename: 'vol-data.tar', tags: ['plan:p1', 'stack:web'], host: 'lab-a', onProgress: (p) => progress.push(p) });
    expect(r.snapshotId).toMatch(/^[0-9a-f]{8,64}$/);
    // Random data: nearly all of it is new to the repository.
    expect(r.dataAdded).toBeGreaterThan(data.length * 0.9);
    expect(r.totalBytesProcessed).toBe(data.length);
    // restic reports progress as it reads; the last status line it prints has read everything.
    for (const p of progress) expect(p.bytesDone).toBeLessThanOrEqual(data.length);

    const snaps = await restic.snapshots(['plan:p1']);
    expect(snaps).toHaveLength(1);
    expect(snaps[0]).toMatchObject({ hostname: 'lab-a', paths: ['/vol-data.tar'] });
    expect(snaps[0]!.id.startsWith(r.snapshotId)).toBe(true);
    expect(snaps[0]!.tags.sort()).toEqual(['plan:p1', 'stack:web']);
    expect(await restic.snapshots(['plan:other'])).toEqual([]);

    const out = new Collect();
    await restic.dump(r.snapshotId, 'vol-data.tar', out);
    expect(out.data.equals(data)).toBe(true);
  });

  it('a second backup of data with 1% changed adds little to the repository', async () => {
    const changed = Buffer.from(data);
    // 1% of the bytes, in one place, as when one file inside a tar changes.
    randomBytes(changed.length / 100).copy(changed, Math.floor(changed.length / 2));
    const r = await restic.backup(chunks(changed), { filename: 'vol-data.tar', tags: ['plan:p1'], host: 'lab-a' });
    // restic cuts data into chunks of 0.5 to 8 MiB (1 MiB on average): the change touches one or
    // two of them, so at most 16 MiB of 64 are new, usually a few percent.
    expect(r.dataAdded).toBeLessThan(data.length * 0.3);
    expect(r.dataAdded).toBeGreaterThan(0);
    const out = new Collect();
    await restic.dump(r.snapshotId, 'vol-data.tar', out);
    expect(out.data.equals(changed)).toBe(true);
    await restic.check();
  });

  it('a wrong password says the password does not open the repository', async () => {
    const wrong = new Restic({ repository: repo, password: 'not-the-password' });
    const e = await rejection(wrong.snapshots());
    expect(e.code).toBe('AUTH_FAILED');
    expect(e.details?.reason).toBe('password');
    expect(e.message).toContain('password does not open');
    expect(e.message).not.toContain('not-the-password');
    // A wrong password must not make init create a second repository over the first.
    expect((await rejection(wrong.init())).details?.reason).toBe('password');
  });

  it('a repository locked by another restic names the lock and how to clear it', async () => {
    // Another restic (not ours) holds the repository: a backup waiting on its stdin keeps its lock.
    const other = spawn('restic', ['backup', '--stdin', '--stdin-filename', 'held'], { env: { ...process.env, RESTIC_REPOSITORY: repo, RESTIC_PASSWORD: password } });
    try {
      await until('the other restic to lock the repository', () => readdirSync(path.join(repo, 'locks')).length > 0);
      const e = await rejection(restic.forget({ keepDaily: 1 }));
      expect(e.code).toBe('CONFLICT');
      expect(e.details?.reason).toBe('locked');
      expect(e.message).toMatch(/in use by another restic \(PID \d+/);
      expect(e.fix).toContain('unlock');
    } finally {
      other.kill('SIGKILL');
    }
    await restic.unlockStale();
  });

  it('a source that fails halfway leaves no snapshot', async () => {
    const before = await restic.snapshots();
    const source = new PassThrough();
    const failing = restic.backup(source, { filename: 'half.tar', tags: ['plan:broken'] });
    source.write(randomBytes(2 * 1024 * 1024));
    // restic has started reading before the connection drops.
    await until('restic to lock the repository', () => readdirSync(path.join(repo, 'locks')).length > 0);
    source.destroy(new Error('the SSH connection was lost'));
    const e = await rejection(failing);
    expect(e.details?.reason).toBe('source');
    expect(e.message).toContain('the SSH connection was lost');
    expect(e.message).toContain('no snapshot was saved');
    await restic.unlockStale();
    const after = await restic.snapshots();
    expect(after.map((s) => s.id)).toEqual(before.map((s) => s.id));
    expect(await restic.snapshots(['plan:broken'])).toEqual([]);
    // The repository stays sound for the next run.
    await restic.check();
  });

  it('a source closed before its end without an error leaves no snapshot either', async () => {
    const source = new PassThrough();
    const failing = restic.backup(source, { filename: 'cut.tar', tags: ['plan:cut'] });
    source.write(randomBytes(1024 * 1024));
    await until('restic to lock the repository', () => readdirSync(path.join(repo, 'locks')).length > 0);
    source.destroy();
    const e = await rejection(failing);
    expect(e.details?.reason).toBe('source');
    expect(e.message).toContain('stopped before its end');
    await restic.unlockStale();
    expect(await restic.snapshots(['plan:cut'])).toEqual([]);
  });

  it('retention forgets old snapshots and prunes', async () => {
    await restic.forget({ keepDaily: 1 }, ['plan:p1']);
    expect(await restic.snapshots(['plan:p1'])).toHaveLength(1);
    await restic.check();
  });

  it('a full destination says so and saves no snapshot', async () => {
    // A small file system of its own (the tests run as root, like the lab): 8 MiB for 32 MiB of data.
    const d = mkdtempSync(path.join(tmpdir(), `homeport-restic-full-${process.pid}-`));
    dirs.push(d);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', d]);
    try {
      const small = new Restic({ repository: path.join(d, 'repo'), password });
      await small.init();
      const e = await rejection(small.backup(chunks(randomBytes(32 * 1024 * 1024)), { filename: 'big.tar' }));
      expect(e.code).toBe('FILE_ACCESS');
      expect(e.details?.reason).toBe('full');
      expect(e.message).toContain(`the backup destination ${path.join(d, 'repo')} is full`);
      expect(e.fix).toContain('Free space');
      expect(await small.snapshots()).toEqual([]);
    } finally {
      execFileSync('umount', [d]);
    }
  });

  it('restic missing says how to install it', async () => {
    const none = new Restic({ repository: repo, password, bin: `restic-missing-${process.pid}` });
    const e = await rejection(none.snapshots());
    expect(e.details?.reason).toBe('missing');
    expect(e.message).toContain('restic is not installed');
    expect(e.fix).toContain('apt install restic');
  });

  it('a destination restic may not write to says so', async () => {
    // A path under a regular file cannot be created, even by root.
    const d = mkdtempSync(path.join(tmpdir(), `homeport-restic-${process.pid}-`));
    dirs.push(d);
    const file = path.join(d, 'file');
    writeFileSync(file, 'x');
    const bad = new Restic({ repository: path.join(file, 'repo'), password });
    const e = await rejection(bad.init());
    expect(e.code).toBe('FILE_ACCESS');
    expect(e.details?.reason).toBe('not-writable');
    expect(e.message).toContain(`cannot write to the backup destination ${path.join(file, 'repo')}`);
  });
});
