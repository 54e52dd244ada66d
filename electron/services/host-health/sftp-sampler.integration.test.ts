import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HomeportError } from '../../../shared/contract';
import { KnownHosts } from '../ssh/known-hosts';
import { connectSsh } from '../ssh/ssh-connect';
import { rejectionOf } from '../test-support/errors';
import { requireLab, type Lab } from '../test-support/lab';
import { MemoryStore } from '../test-support/memory-store';
import { descendants, startPrivateSshd, type PrivateSshd } from '../test-support/private-sshd';
import { until } from '../test-support/wait';
import { CAPTURED } from './test-support/captured-proc';
import { filesystemHolding } from './proc-parsers';
import { PROC_FILE_CAP, SftpSampler, type HostSample } from './sftp-sampler';

// The lab's sshd runs on this machine, so what Homeport reads over SSH must agree with what this
// machine's own /proc and df say at the same moment.

let lab: Lab;
const clients: Client[] = [];
const sshds: PrivateSshd[] = [];

async function connectRoot(port: number, hostPublicKey: Buffer): Promise<Client> {
  const kh = new KnownHosts({ store: new MemoryStore(), userKnownHostsFile: null });
  kh.accept('127.0.0.1', port, hostPublicKey);
  const client = await connectSsh(
    { hostname: '127.0.0.1', port, user: 'root', agentSocket: null, keys: [{ label: 'lab', privateKey: readFileSync(lab.keys.plain), passphrase: null }], password: null },
    { verifyHostKey: (key) => kh.check('127.0.0.1', port, key) },
  );
  clients.push(client);
  return client;
}

const localMeminfoKb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/meminfo', 'utf8'))![1]) * 1024;

/** `df -B1 /`: size, used and available in bytes. */
function dfRoot(): { size: number; used: number; avail: number } {
  const line = execFileSync('df', ['-B1', '--output=size,used,avail', '/'], { encoding: 'utf8' }).trim().split('\n')[1]!;
  const [size, used, avail] = line.trim().split(/\s+/).map(Number);
  return { size: size!, used: used!, avail: avail! };
}

beforeAll(async () => {
  lab = await requireLab();
});

afterAll(async () => {
  for (const c of clients) c.end();
  for (const s of sshds) await s.stop();
});

describe('host health over SFTP, against the lab sshd', () => {
  it('reads memory, load, CPU and the root file system as this machine reports them', async () => {
    const client = await connectRoot(lab.ssh.port, Buffer.from(lab.ssh.hostPublicKey.split(' ')[1]!, 'base64'));
    const sampler = new SftpSampler(client);
    try {
      const first = await sampler.sample();
      expect(first.cpuPercent).toBeNull(); // no earlier sample to measure against
      // CPU usage needs time to pass between two readings of the counters (USER_HZ = 100/s).
      const second = await until('a second sample with CPU usage', async () => {
        const s = await sampler.sample();
        return s.cpuPercent !== null ? s : null;
      });
      const localAvailable = localMeminfoKb('MemAvailable');
      const df = dfRoot();

      for (const s of [first, second] as HostSample[]) {
        expect(s.memory!.totalBytes).toBe(localMeminfoKb('MemTotal'));
        expect(s.load).not.toBeNull();
        expect(s.uptimeSeconds).toBeGreaterThan(0);
        expect(s.skipped).toEqual([]);
      }
      // Other tests run beside this one: memory moves, within a margin.
      const total = second.memory!.totalBytes;
      expect(Math.abs(second.memory!.availableBytes - localAvailable)).toBeLessThan(Math.max(512 * 1024 ** 2, total * 0.05));
      expect(second.cpuPercent!).toBeGreaterThanOrEqual(0);
      expect(second.cpuPercent!).toBeLessThanOrEqual(100);
      expect(second.cpu!.cpus).toBe(readFileSync('/proc/stat', 'utf8').split('\n').filter((l) => /^cpu\d+ /.test(l)).length);

      const root = second.filesystems.find((f) => f.mountPoint === '/');
      expect(root, `filesystems: ${second.filesystems.map((f) => f.mountPoint).join(', ')}`).toBeDefined();
      expect(root!.sizeBytes).toBe(df.size);
      const margin = Math.max(256 * 1024 ** 2, df.size * 0.01);
      expect(Math.abs(root!.usedBytes - df.used)).toBeLessThan(margin);
      expect(Math.abs(root!.availableBytes - df.avail)).toBeLessThan(margin);
      // The engine's data root: the file system df names for it.
      const dataRoot = execFileSync('docker', ['-H', `unix://${lab.engine1.socket}`, 'info', '--format', '{{.DockerRootDir}}'], { encoding: 'utf8' }).trim();
      const dfDataRoot = execFileSync('df', ['-B1', '--output=target,size', dataRoot], { encoding: 'utf8' }).trim().split('\n')[1]!.trim().split(/\s+/);
      const holding = filesystemHolding(dataRoot, second.filesystems);
      expect([holding!.mountPoint, ...holding!.alsoAt]).toContain(dfDataRoot[0]);
      expect(holding!.sizeBytes).toBe(Number(dfDataRoot[1]));
      // Kernel views and container roots are not file systems a user fills.
      expect(second.filesystems.some((f) => ['proc', 'sysfs', 'overlay', 'cgroup', 'cgroup2'].includes(f.fsType))).toBe(false);
      // The machine has PSI: the pressure files are read.
      if (readdirSync('/proc').includes('pressure')) expect(second.pressure.memory?.some).not.toBeNull();
      expect(second.network.some((n) => n.name === 'lo')).toBe(true);
    } finally {
      sampler.close();
    }
  }, 60_000);

  it('starts no process on the host per sample: one SFTP session serves them all', async () => {
    const sshd = await startPrivateSshd(lab);
    sshds.push(sshd);
    const client = await connectRoot(sshd.port, sshd.hostKeys[0]!.blob);
    const sampler = new SftpSampler(client);
    try {
      await sampler.sample();
      const sshdPid = Number(readFileSync(path.join(sshd.dir, 'sshd.pid'), 'utf8').trim());
      const sessionsAfterFirst = descendants(sshdPid);
      const startsAfterFirst = sshd.log().match(/Starting session:/g)?.length ?? 0;
      expect(startsAfterFirst).toBe(1);
      for (let i = 0; i < 5; i++) await sampler.sample();
      // sshd logs every session it starts (exec, shell or subsystem) at VERBOSE: still the one.
      expect(sshd.log().match(/Starting session:/g)?.length ?? 0).toBe(1);
      expect(sshd.log()).toMatch(/Starting session: subsystem 'sftp'/);
      // And the processes serving this connection are the same ones, none added.
      expect(descendants(sshdPid).sort()).toEqual([...sessionsAfterFirst].sort());
    } finally {
      sampler.close();
    }
  }, 60_000);

  it('says clearly that a host without /proc/stat is not Linux', async () => {
    // A real sshd whose SFTP is chrooted to an empty directory: the files a Linux kernel provides
    // are absent, as on a BSD or macOS host. sshd wants the chroot root-owned and not writable
    // by others, all the way up, so it lives under /run rather than /tmp.
    const jail = `/run/hp-chroot-${process.pid}`;
    mkdirSync(jail, { mode: 0o755, recursive: true });
    try {
      const sshd = await startPrivateSshd(lab, { extraConfig: `Match User root\n  ChrootDirectory ${jail}\n  ForceCommand internal-sftp` });
      sshds.push(sshd);
      const client = await connectRoot(sshd.port, sshd.hostKeys[0]!.blob);
      const sampler = new SftpSampler(client);
      try {
        const err = await rejectionOf(sampler.sample());
        expect(err).toBeInstanceOf(HomeportError);
        expect(err.code).toBe('FILE_ACCESS');
        expect(err.message).toMatch(/does not look like Linux: it has no \/proc\/stat/);
        expect(err.fix).toMatch(/Linux hosts/);
      } finally {
        sampler.close();
      }
    } finally {
      rmSync(jail, { recursive: true, force: true });
    }
  }, 60_000);

  it('skips what an odd host gives, and reads the rest: no PSI, a cut file, a file too large', async () => {
    // A host whose kernel has no pressure stall information, whose meminfo ends mid-line and whose
    // mounts file is larger than anything a kernel writes: a chrooted SFTP serving those files.
    const jail = `/run/hp-oddhost-${process.pid}`;
    mkdirSync(path.join(jail, 'proc/net'), { mode: 0o755, recursive: true });
    try {
      writeFileSync(path.join(jail, 'proc/stat'), CAPTURED.stat);
      writeFileSync(path.join(jail, 'proc/meminfo'), 'MemTotal:       2048000 kB\nMemFree:         512000 kB\nMemAvailable:   1024000 kB\nFutureField:   7 kB\nCach');
      writeFileSync(path.join(jail, 'proc/loadavg'), CAPTURED.loadavg);
      writeFileSync(path.join(jail, 'proc/uptime'), CAPTURED.uptime);
      writeFileSync(path.join(jail, 'proc/net/dev'), CAPTURED.netDev);
      writeFileSync(path.join(jail, 'proc/diskstats'), 'garbage\n');
      writeFileSync(path.join(jail, 'proc/mounts'), '/dev/vda / ext4 rw 0 0\n'.repeat(PROC_FILE_CAP / 16));
      const sshd = await startPrivateSshd(lab, { extraConfig: `Match User root\n  ChrootDirectory ${jail}\n  ForceCommand internal-sftp` });
      sshds.push(sshd);
      const client = await connectRoot(sshd.port, sshd.hostKeys[0]!.blob);
      const sampler = new SftpSampler(client);
      try {
        const s = await sampler.sample();
        expect(s.pressure).toEqual({ cpu: null, memory: null, io: null });
        expect(s.memory).toMatchObject({ totalBytes: 2048000 * 1024, availableBytes: 1024000 * 1024 });
        expect(s.load).not.toBeNull();
        expect(s.cpu?.cpus).toBe(2);
        expect(s.disks).toEqual([]);
        expect(s.filesystems).toEqual([]);
        // Missing PSI is an answer, not a fault; the oversized file is named with the limit.
        expect(s.skipped).toEqual(['/proc/mounts: /proc/mounts on the host is larger than 1 MiB: Homeport does not read it.']);
      } finally {
        sampler.close();
      }
    } finally {
      rmSync(jail, { recursive: true, force: true });
    }
  }, 60_000);

  it('opens a new SFTP session after the host ended the old one', async () => {
    const sshd = await startPrivateSshd(lab);
    sshds.push(sshd);
    const client = await connectRoot(sshd.port, sshd.hostKeys[0]!.blob);
    const sampler = new SftpSampler(client);
    try {
      await sampler.sample();
      const sshdPid = Number(readFileSync(path.join(sshd.dir, 'sshd.pid'), 'utf8').trim());
      const sftpServer = descendants(sshdPid).find((p) => {
        try {
          return readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'sftp-server';
        } catch {
          return false;
        }
      });
      expect(sftpServer, 'the sftp-server process serving the sampler').toBeDefined();
      process.kill(sftpServer!, 'SIGKILL');
      // The sample in flight when the server died may fail; the next ones read again.
      const s = await until('a sample after sftp-server was killed', async () => sampler.sample().catch(() => null), 30_000, 200);
      expect(s.memory!.totalBytes).toBe(localMeminfoKb('MemTotal'));
      expect(sshd.log().match(/Starting session: subsystem 'sftp'/g)).toHaveLength(2);
    } finally {
      sampler.close();
    }
  }, 60_000);

  it('gives up on a host that stops answering, and samples again when it is back', async () => {
    const sshd = await startPrivateSshd(lab);
    sshds.push(sshd);
    const client = await connectRoot(sshd.port, sshd.hostKeys[0]!.blob);
    const sampler = new SftpSampler(client, { timeoutMs: 2000 });
    try {
      await sampler.sample();
      sshd.freeze();
      const started = Date.now();
      const err = await rejectionOf(sampler.sample());
      expect(err.code).toBe('UNREACHABLE');
      expect(err.message).toMatch(/did not answer host health's reads within 2 s/);
      expect(Date.now() - started).toBeLessThan(15_000);
      sshd.thaw();
      const s = await until('a sample after the host answers again', async () => sampler.sample().catch(() => null), 30_000, 200);
      expect(s.memory!.totalBytes).toBe(localMeminfoKb('MemTotal'));
    } finally {
      sshd.thaw();
      sampler.close();
    }
  }, 60_000);

  it('says the connection ended when the host goes away, not that a file is missing', async () => {
    const sshd = await startPrivateSshd(lab);
    sshds.push(sshd);
    const client = await connectRoot(sshd.port, sshd.hostKeys[0]!.blob);
    const sampler = new SftpSampler(client);
    try {
      await sampler.sample();
      const closed = new Promise<void>((r) => client.once('close', () => r()));
      await sshd.kill();
      await closed;
      const err = await rejectionOf(sampler.sample());
      expect(err.code).toBe('UNREACHABLE');
      expect(err.message).toMatch(/connection to the host ended/);
    } finally {
      sampler.close();
    }
  }, 60_000);

  it('reads the temperatures a host exposes in sysfs, named as sensors does, and skips a sensor that fails', async () => {
    // Real hosts link /sys/class/hwmon/hwmonN to the device's directory; this host's kernel has no
    // sensors (a VM), so a chrooted SFTP serves the layout a laptop's kernel writes.
    const jail = `/run/hp-sensors-${process.pid}`;
    const w = (file: string, text: string) => {
      mkdirSync(path.dirname(path.join(jail, file)), { recursive: true, mode: 0o755 });
      writeFileSync(path.join(jail, file), text);
    };
    mkdirSync(jail, { mode: 0o755, recursive: true });
    try {
      w('proc/stat', CAPTURED.stat);
      w('proc/meminfo', CAPTURED.meminfo);
      w('sys/class/thermal/thermal_zone0/type', 'x86_pkg_temp\n');
      w('sys/class/thermal/thermal_zone0/temp', '52000\n');
      w('sys/class/thermal/cooling_device0/type', 'Processor\n');
      w('sys/devices/platform/coretemp.0/hwmon/hwmon1/name', 'coretemp\n');
      w('sys/devices/platform/coretemp.0/hwmon/hwmon1/temp1_input', '49000\n');
      w('sys/devices/platform/coretemp.0/hwmon/hwmon1/temp1_label', 'Package id 0\n');
      w('sys/devices/platform/coretemp.0/hwmon/hwmon1/temp2_input', '47500\n');
      w('sys/devices/platform/coretemp.0/hwmon/hwmon1/temp3_input', '-273150\n'); // an absent sensor
      mkdirSync(path.join(jail, 'sys/devices/platform/coretemp.0/hwmon/hwmon1/temp4_input')); // a read that fails
      mkdirSync(path.join(jail, 'sys/class/hwmon'), { recursive: true });
      symlinkSync('../../devices/platform/coretemp.0/hwmon/hwmon1', path.join(jail, 'sys/class/hwmon/hwmon1'));
      const sshd = await startPrivateSshd(lab, { extraConfig: `Match User root\n  ChrootDirectory ${jail}\n  ForceCommand internal-sftp` });
      sshds.push(sshd);
      const client = await connectRoot(sshd.port, sshd.hostKeys[0]!.blob);
      const sampler = new SftpSampler(client);
      try {
        for (let i = 0; i < 2; i++) {
          const s = await sampler.sample();
          expect(s.temperatures).toEqual([
            { sensor: 'x86_pkg_temp', celsius: 52 },
            { sensor: 'coretemp Package id 0', celsius: 49 },
            { sensor: 'coretemp temp2', celsius: 47.5 },
          ]);
          expect(s.skipped.filter((x) => x.startsWith('/sys/'))).toEqual([expect.stringMatching(/^\/sys\/class\/hwmon\/hwmon1\/temp4_input: /)]);
        }
      } finally {
        sampler.close();
      }
    } finally {
      rmSync(jail, { recursive: true, force: true });
    }
  }, 60_000);
});
