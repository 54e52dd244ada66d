import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Lab } from './lab';
import { until } from './wait';

// A dockerd a fault test owns: it may stop and restart it without touching the lab's shared
// engines (other test files use those at the same time). The real program, configured like the
// lab's second engine (scripts/lab.sh, start_engine2).

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

export interface PrivateDockerd {
  /** The engine's socket (a short path: unix sockets are limited to 108 bytes). */
  socket: string;
  /** `docker -H <this engine> …`, output trimmed. */
  docker(...args: string[]): string;
  /** Stops the engine (SIGTERM, as systemd does) and waits until it is gone. */
  stop(): Promise<void>;
  /** Starts it again on the same data; resolves when it answers. */
  start(): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * A dockerd of the test's own (own data root, exec root, pid file, socket and containerd
 * namespaces; no bridge, no iptables — like the lab's second engine), with the lab's busybox
 * image copied in from the lab's first engine.
 */
export async function startPrivateDockerd(lab: Lab, name: string): Promise<PrivateDockerd> {
  const base = mkdtempSync('/tmp/hpd-');
  const data = path.join('/var/tmp', `homeport-${name}-data`);
  mkdirSync(data, { recursive: true });
  const socket = path.join(base, 'd.sock');
  writeFileSync(path.join(base, 'daemon.json'), '{}');
  let child: ChildProcess | null = null;
  const docker = (...args: string[]) => execFileSync('docker', ['-H', `unix://${socket}`, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

  const start = async () => {
    const c = spawn(
      'dockerd',
      [
        '--config-file', path.join(base, 'daemon.json'),
        '--data-root', data,
        '--exec-root', path.join(base, 'x'),
        '--pidfile', path.join(base, 'd.pid'),
        '-H', `unix://${socket}`,
        '--iptables=false', '--ip-masq=false', '--bridge=none',
        '--containerd-namespace', name,
        '--containerd-plugins-namespace', `${name}-plugins`,
      ],
      { stdio: ['ignore', 'ignore', 'ignore'] },
    );
    child = c;
    c.once('error', () => {});
    await until(`private dockerd ${name}`, () => {
      if (c.exitCode !== null) throw new Error(`dockerd exited with ${c.exitCode}`);
      docker('version', '--format', '{{.Server.Version}}');
      return true;
    }, 60_000, 250);
  };
  const stop = async () => {
    const c = child;
    if (!c?.pid || c.exitCode !== null) return;
    c.kill('SIGTERM');
    const t = setTimeout(() => c.kill('SIGKILL'), 30_000);
    await exited(c);
    clearTimeout(t);
  };
  await start();
  execFileSync('sh', ['-c', `docker -H unix:///var/run/docker.sock save ${lab.image}:latest | docker -H unix://${socket} load`], { stdio: 'ignore' });
  return {
    socket,
    docker,
    stop,
    start,
    dispose: async () => {
      try {
        const ids = docker('ps', '-aq');
        if (ids) docker('rm', '-f', ...ids.split('\n'));
      } catch {
        // the engine is not running
      }
      await stop();
      // dockerd leaves bind mounts under its exec and data roots (netns/default, and any a crash
      // left): unmount ours, deepest first, or the folders cannot be removed.
      const mounts = readFileSync('/proc/self/mounts', 'utf8')
        .split('\n')
        .map((l) => l.split(' ')[1] ?? '')
        .filter((m) => m.startsWith(`${base}/`) || m.startsWith(`${data}/`))
        .sort((a, b) => b.length - a.length);
      for (const m of mounts) {
        try {
          execFileSync('umount', ['-l', m], { stdio: 'ignore' });
        } catch {
          // already gone
        }
      }
      rmSync(base, { recursive: true, force: true });
      rmSync(data, { recursive: true, force: true });
    },
  };
}
