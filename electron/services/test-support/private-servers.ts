import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Lab } from '../ssh/test-lab';
import { until } from './wait';

// Servers a fault test owns: an sshd and a dockerd of its own, which it may kill, freeze and
// restart without touching the lab's shared ones (other test files use those at the same time).
// Both are the real programs, configured like the lab's (scripts/lab.sh).

/** Every descendant of `pid` (children first found, depth-first), from /proc. */
function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // Field 4 of /proc/<pid>/stat, after the command in parentheses (which may hold spaces).
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(name), ppid);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, pp] of parent) {
      if (pp !== p) continue;
      out.push(child);
      walk(child);
    }
  };
  walk(pid);
  return out;
}

function signalTree(pid: number, signal: NodeJS.Signals): void {
  for (const p of [pid, ...descendants(pid)]) {
    try {
      process.kill(p, signal);
    } catch {
      // already gone
    }
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Whether something completes a TCP handshake on the port (a frozen sshd still does: the kernel accepts). */
function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1000, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** Whether an SSH server answers with its banner. */
function sshBanner(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(2000, () => done(false));
    s.once('data', (d: Buffer) => done(d.toString('latin1').startsWith('SSH-')));
    s.once('error', () => done(false));
  });
}

export interface PrivateSshd {
  port: number;
  /** Starts it (again, on the same port and config); resolves when it answers with its banner. */
  start(): Promise<void>;
  /** SIGKILL to the server and every session it forked: connections die at once. */
  kill(): Promise<void>;
  /** SIGSTOP to the server and its sessions: connections stay open and nothing answers. */
  freeze(): void;
  thaw(): void;
  /** Stops it for good and removes its files. */
  dispose(): Promise<void>;
}

/**
 * An sshd of the test's own on a free loopback port, with the lab's host key, users and
 * authorized keys (so the lab's agent logs in as root) and streamlocal forwarding on.
 */
export async function startPrivateSshd(lab: Lab): Promise<PrivateSshd> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hp-sshd-'));
  const template = readFileSync(path.join(process.cwd(), 'scripts', 'lab', 'sshd_config.in'), 'utf8');
  const config = template
    .replaceAll('@PORT@', String(port))
    .replaceAll('@LAB@', lab.dir)
    .replaceAll('@STREAMLOCAL@', 'yes')
    .replace(/^PidFile .*$/m, `PidFile ${path.join(dir, 'sshd.pid')}`);
  writeFileSync(path.join(dir, 'sshd_config'), config);
  mkdirSync('/run/sshd', { recursive: true });
  let child: ChildProcess | null = null;

  const start = async () => {
    const c = spawn('/usr/sbin/sshd', ['-D', '-f', path.join(dir, 'sshd_config'), '-E', path.join(dir, 'sshd.log')], { stdio: 'ignore' });
    child = c;
    c.once('error', () => {});
    await until(`private sshd on ${port}`, async () => {
      if (c.exitCode !== null) throw new Error(`sshd exited with ${c.exitCode}: ${readFileSync(path.join(dir, 'sshd.log'), 'utf8').slice(-500)}`);
      return sshBanner(port);
    }, 15_000);
  };
  const kill = async () => {
    const c = child;
    if (!c?.pid) return;
    signalTree(c.pid, 'SIGKILL');
    await exited(c);
    await until('the private sshd port closed', async () => !(await tcpOpen(port)), 10_000);
  };
  await start();
  return {
    port,
    start,
    kill,
    freeze: () => {
      if (child?.pid) signalTree(child.pid, 'SIGSTOP');
    },
    thaw: () => {
      if (child?.pid) signalTree(child.pid, 'SIGCONT');
    },
    dispose: async () => {
      if (child?.pid) signalTree(child.pid, 'SIGCONT');
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
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
      rmSync(base, { recursive: true, force: true });
      rmSync(data, { recursive: true, force: true });
    },
  };
}
