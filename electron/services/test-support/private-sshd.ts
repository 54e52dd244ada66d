import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from './wait';
import type { Lab } from './lab';

/**
 * A private OpenSSH server for fault tests: its own port, host keys, pid file and log, in the
 * style of the lab's (scripts/lab/sshd_config.in), so a test can give it another host key type or
 * read what it logged without touching the shared lab sshd. Users and authorised keys are the
 * lab's (the same AuthorizedKeysFile, passwords from /etc/shadow).
 */
export interface PrivateSshd {
  port: number;
  dir: string;
  /** Host public keys as `ssh-keygen` wrote them, by type. */
  hostKeys: Array<{ type: 'ed25519' | 'rsa' | 'ecdsa'; line: string; blob: Buffer; fingerprint: string }>;
  /** Everything the server logged so far. */
  log(): string;
  /** SIGKILL to the server and every session it forked (a crash): connections die at once. */
  kill(): Promise<void>;
  /** Starts it again after `kill`, on the same port with the same keys and config. */
  restart(): Promise<void>;
  /** SIGSTOP to the server and its sessions (a hung host): connections stay open and nothing answers. */
  freeze(): void;
  thaw(): void;
  stop(): Promise<void>;
}

export interface PrivateSshdOptions {
  /** Host key types the server offers, in this order. Default: ed25519 only. */
  hostKeyTypes?: Array<'ed25519' | 'rsa' | 'ecdsa'>;
  /** Extra sshd_config lines. */
  extraConfig?: string;
  /** Unix-socket forwarding (Docker over streamlocal); off makes the app fall back to dial-stdio. Default on. */
  streamLocal?: boolean;
  /**
   * Point HOME at the lab's empty, read-only home (as the lab sshd does: root's real ~/.bashrc is
   * slow). Off: each user gets their own home, where a shell like fish can keep its files. Default on.
   */
  labHome?: boolean;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function signalTree(root: number, signal: NodeJS.Signals): void {
  for (const p of [root, ...descendants(root)]) {
    try {
      process.kill(p, signal);
    } catch {
      /* already gone */
    }
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1000, () => done(false));
    s.once('data', () => done(true)); // the SSH banner: sshd answers, not just the kernel
    s.once('error', () => done(false));
  });
}

/** Pids of every process whose parent chain leads to `root` (sshd's per-connection children). */
export function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* gone */
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [pid, pp] of parent) {
      if (pp === p) {
        out.push(pid);
        walk(pid);
      }
    }
  };
  walk(root);
  return out;
}

export async function startPrivateSshd(lab: Lab, opts: PrivateSshdOptions = {}): Promise<PrivateSshd> {
  const dir = mkdtempSync(join(tmpdir(), `hp-sshd-${process.pid}-`));
  const types = opts.hostKeyTypes ?? ['ed25519'];
  const hostKeys: PrivateSshd['hostKeys'] = [];
  for (const type of types) {
    const file = join(dir, `ssh_host_${type}_key`);
    execFileSync('ssh-keygen', ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '2048'] : []), '-N', '', '-C', `hp-private-${type}`, '-f', file]);
    const line = readFileSync(`${file}.pub`, 'utf8').trim();
    const fingerprint = execFileSync('ssh-keygen', ['-lf', `${file}.pub`], { encoding: 'utf8' }).split(' ')[1]!;
    hostKeys.push({ type, line, blob: Buffer.from(line.split(' ')[1]!, 'base64'), fingerprint });
  }
  mkdirSync('/run/sshd', { recursive: true }); // privilege separation dir
  const logFile = join(dir, 'sshd.log');
  writeFileSync(logFile, '');

  for (let tries = 0; ; tries++) {
    const port = await freePort();
    const conf = join(dir, 'sshd_config');
    writeFileSync(
      conf,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        ...types.map((t) => `HostKey ${join(dir, `ssh_host_${t}_key`)}`),
        `PidFile ${join(dir, 'sshd.pid')}`,
        'LogLevel VERBOSE',
        'UsePAM no',
        'StrictModes no',
        'PermitRootLogin yes',
        'PasswordAuthentication yes',
        'KbdInteractiveAuthentication no',
        'PubkeyAuthentication yes',
        `AuthorizedKeysFile ${lab.dir}/ssh/authorized_keys/%u`,
        `AllowStreamLocalForwarding ${opts.streamLocal === false ? 'no' : 'yes'}`,
        'X11Forwarding no',
        'MaxSessions 50',
        'MaxStartups 100:30:200',
        opts.labHome === false ? '' : `SetEnv HOME=${lab.dir}/home`,
        'PrintMotd no',
        'PrintLastLog no',
        'UseDNS no',
        'Subsystem sftp /usr/lib/openssh/sftp-server',
        opts.extraConfig ?? '',
      ].join('\n') + '\n',
    );
    // -D: stays our child (we own and end it); -E: its own log file.
    const launch = async () => {
      const child: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-f', conf, '-E', logFile], { stdio: 'ignore' });
      const run = { child, exited: false };
      child.once('exit', () => (run.exited = true));
      try {
        await until(`private sshd on 127.0.0.1:${port}`, async () => run.exited || (await accepts(port)), 20_000);
      } catch (e) {
        child.kill('SIGKILL');
        throw e;
      }
      return run;
    };
    let run = await launch();
    if (run.exited) {
      // Someone took the port between our probe and sshd's bind: try another.
      if (tries < 5) continue;
      throw new Error(`the private sshd did not start: ${readFileSync(logFile, 'utf8')}`);
    }
    const kill = async () => {
      const r = run;
      if (r.exited) return;
      signalTree(r.child.pid!, 'SIGKILL');
      await until('private sshd killed', () => r.exited, 10_000);
    };
    return {
      port,
      dir,
      hostKeys,
      log: () => readFileSync(logFile, 'utf8'),
      kill,
      restart: async () => {
        await kill();
        run = await launch();
        if (run.exited) throw new Error(`the private sshd did not start again: ${readFileSync(logFile, 'utf8').slice(-500)}`);
      },
      freeze: () => signalTree(run.child.pid!, 'SIGSTOP'),
      thaw: () => signalTree(run.child.pid!, 'SIGCONT'),
      stop: async () => {
        const r = run;
        // A frozen server cannot act on SIGTERM: let it go on first.
        signalTree(r.child.pid!, 'SIGCONT');
        signalTree(r.child.pid!, 'SIGTERM');
        await until('private sshd ended', () => r.exited, 10_000).catch(() => r.child.kill('SIGKILL'));
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}
