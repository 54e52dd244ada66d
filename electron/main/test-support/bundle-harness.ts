import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RecordedCall, StandInCommand } from './electron-stand-in';

/**
 * Runs the BUILT Electron main bundle (out/main/index.js) in a child Node process with `electron`
 * resolved to the recording stand-in (electron-stand-in.ts), and talks to that stand-in.
 */

export const ROOT = resolve(import.meta.dirname, '../../..');
export const OUT = join(ROOT, 'out');

const SOURCES = ['electron/main', 'electron/preload', 'electron/services', 'shared', 'renderer/src', 'renderer/index.html', 'electron.vite.config.ts', 'package.json'];

function newestSource(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return /\.test\.|test-support/.test(path) ? 0 : st.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name === 'test-support') continue;
    newest = Math.max(newest, newestSource(join(path, name)));
  }
  return newest;
}

function builtAt(): number {
  try {
    return Math.min(...['main/index.js', 'preload/index.cjs', 'renderer/index.html'].map((f) => statSync(join(OUT, f)).mtimeMs));
  } catch {
    return 0;
  }
}

/**
 * The smoke test is about what ships, so it never runs against a stale build: when out/ is
 * missing or older than a source file, it builds (`electron-vite build`, as `npm run build`).
 */
export function ensureBuilt(): void {
  const newest = Math.max(...SOURCES.map((s) => newestSource(join(ROOT, s))));
  if (builtAt() > newest) return;
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`electron-vite build failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
}

export interface StartOptions {
  /** app.isPackaged */
  packaged?: boolean;
  /** Extra environment (e.g. ELECTRON_RENDERER_URL). */
  env?: Record<string, string>;
  /** process.resourcesPath of a packaged app. */
  resourcesDir?: string;
}

export class BundleRun {
  readonly dir: string;
  private readonly child: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  output = '';
  readonly exited: Promise<number | null>;

  private constructor(opts: StartOptions) {
    this.dir = mkdtempSync(join(tmpdir(), 'homeport-bundle-'));
    const env: Record<string, string | undefined> = {
      ...process.env,
      // Nothing of the user running the tests: a home of its own, no agent.
      HOME: this.dir,
      SSH_AUTH_SOCK: undefined,
      ELECTRON_RENDERER_URL: undefined,
      // The app's log lines, kept in `output` (the logger is quiet under Vitest otherwise).
      HOMEPORT_LOG: '1',
      STAND_IN_USER_DATA: join(this.dir, 'userData'),
      STAND_IN_PACKAGED: opts.packaged ? '1' : '0',
      ...(opts.resourcesDir ? { STAND_IN_RESOURCES: opts.resourcesDir } : {}),
      ...opts.env,
    };
    this.child = fork(join(OUT, 'main/index.js'), [], {
      cwd: ROOT,
      env,
      execArgv: ['--import', join(import.meta.dirname, 'use-electron-stand-in.ts')],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.child.on('message', (m: { id: number; ok: boolean; value?: unknown; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.value);
      else p.reject(new Error(`the stand-in failed: ${m.error}`));
    });
    this.exited = new Promise((done) => this.child.once('exit', (code) => done(code)));
    void this.exited.then((code) => {
      for (const p of this.pending.values()) p.reject(new Error(`the app exited (${code}) before answering:\n${this.output}`));
      this.pending.clear();
    });
  }

  static start(opts: StartOptions = {}): BundleRun {
    return new BundleRun(opts);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  send<T = unknown>(command: StandInCommand): Promise<T> {
    if (!this.running) return Promise.reject(new Error(`the app is not running:\n${this.output}`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, ...command });
    });
  }

  calls(): Promise<RecordedCall[]> {
    return this.send<RecordedCall[]>({ cmd: 'calls' });
  }

  async callsOf(api: string): Promise<RecordedCall[]> {
    return (await this.calls()).filter((c) => c.api === api);
  }

  /** Quits like the user does (app.quit) and waits for the process to end; kills it after `ms`. */
  async quit(ms = 20_000): Promise<number | null> {
    if (this.running) {
      this.child.send({ id: 0, cmd: 'quit' });
      const timer = setTimeout(() => this.child.kill('SIGKILL'), ms);
      try {
        return await this.exited;
      } finally {
        clearTimeout(timer);
      }
    }
    return this.child.exitCode;
  }

  async dispose(): Promise<void> {
    if (this.running) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
