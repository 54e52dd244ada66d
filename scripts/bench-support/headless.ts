// What the benchmarks share: the built headless server in a process of its own, and a client of
// the contract over its WebSocket, logged in as a browser tab would be.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, type WriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';

export interface HeadlessServer {
  pid: number;
  /** The login link printed at start (good for any number of sessions). */
  loginUrl: string;
  origin: string;
  /** The last 20,000 characters the server wrote to stderr (its log). */
  stderr(): string;
  /** SIGTERM, then its data folder and HOME are removed. */
  stop(): Promise<void>;
}

export interface HeadlessOptions {
  /** The repository's root (where `out/` is): a bundled bench does not sit where its source does. */
  root: string;
  /** In the temporary folders' names. */
  name: string;
  /** On top of this process's environment. */
  env?: Record<string, string>;
  /** Node options for the server (profiling, tracing). */
  nodeFlags?: string[];
  /** Everything the server writes, also to this file. */
  log?: WriteStream | null;
}

/** `out/main/server.js` on a free port, with a fresh data folder and HOME of its own. */
export async function startHeadlessServer(opts: HeadlessOptions): Promise<HeadlessServer> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `homeport-bench-${opts.name}-data-`));
  const home = mkdtempSync(path.join(os.tmpdir(), `homeport-bench-${opts.name}-home-`));
  const child: ChildProcess = spawn(process.execPath, [...(opts.nodeFlags ?? []), path.join(opts.root, 'out/main/server.js'), '--port', '0', '--data-dir', dataDir], {
    cwd: opts.root,
    env: { ...process.env, HOME: home, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    opts.log?.write(d);
    stderr = (stderr + d.toString()).slice(-20_000);
  });
  child.stdout!.on('data', (d: Buffer) => opts.log?.write(d));
  const loginUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the headless server did not start:\n${stderr}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Homeport is running: (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on('exit', (code) => reject(new Error(`the headless server exited with ${code}:\n${stderr}`)));
  });
  return {
    pid: child.pid!,
    loginUrl,
    origin: new URL(loginUrl).origin,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export interface ContractClient {
  call<T>(method: string, input?: unknown): Promise<T>;
  /** Events pushed to the client so far, and their size. */
  events: { count: number; bytes: number };
  close(): void;
}

/** Logs in with the server's link and opens the WebSocket the UI uses; calls go through the contract. */
export async function connectClient(server: HeadlessServer): Promise<ContractClient> {
  const login = await fetch(server.loginUrl, { redirect: 'manual' });
  const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
  const ws = new WebSocket(`${server.origin.replace(/^http/, 'ws')}/ws`, { headers: { cookie }, origin: server.origin });
  await new Promise((ok, fail) => {
    ws.once('open', ok);
    ws.once('error', fail);
  });
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const events = { count: 0, bytes: 0 };
  ws.on('message', (data: Buffer) => {
    const frame = JSON.parse(data.toString()) as { t: string; id?: number; result?: { ok: boolean; value?: unknown; error?: { message: string } } };
    if (frame.t === 'event') {
      events.count++;
      events.bytes += data.length;
      return;
    }
    const p = pending.get(frame.id!);
    if (!p) return;
    pending.delete(frame.id!);
    if (frame.result!.ok) p.resolve(frame.result!.value);
    else p.reject(new Error(frame.result!.error!.message));
  });
  let next = 1;
  return {
    events,
    call: <T>(method: string, input?: unknown) =>
      new Promise<T>((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        ws.send(JSON.stringify({ t: 'call', id, method, input }));
      }),
    close: () => ws.close(),
  };
}

/** The newest modification time under `dir` (node_modules left out). */
function newest(dir: string): number {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const p = path.join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds the app (`electron-vite build`) when its output is missing or older than the sources. */
export function buildIfNeeded(root: string, log: (msg: string) => void): void {
  const outputs = ['out/main/server.js', 'out/renderer/index.html'].map((f) => path.join(root, f));
  const built = outputs.every(existsSync) ? Math.min(...outputs.map((f) => statSync(f).mtimeMs)) : 0;
  if (built > Math.max(...['renderer', 'shared', 'electron'].map((d) => newest(path.join(root, d))))) return;
  log('building (electron-vite build)…');
  execFileSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}
