import { describe, expect, it } from 'vitest';
import {
  cpuUsagePercent,
  filesystemHolding,
  parseDiskstats,
  parseLoadavg,
  parseMeminfo,
  parseMillidegrees,
  parseMounts,
  parseNetDev,
  parsePressure,
  parseProcStat,
  parseUptime,
} from './proc-parsers';
import { CAPTURED } from './test-support/captured-proc';

describe('proc parsers on text a kernel wrote', () => {
  it('reads the aggregate cpu line and counts the CPUs', () => {
    const t = parseProcStat(CAPTURED.stat)!;
    expect(t.cpus).toBe(2);
    expect(t.user).toBe(2167922);
    expect(t.idle).toBe(1107188);
    expect(t.steal).toBe(1688);
  });

  it('gives CPU busy percent between two samples', () => {
    const a = parseProcStat('cpu 100 0 100 800 0 0 0 0 0 0\ncpu0 1 1 1 1\n')!;
    const b = parseProcStat('cpu 150 0 150 850 50 0 0 0 0 0\ncpu0 1 1 1 1\n')!;
    // 200 jiffies passed, 100 of them idle or waiting on I/O.
    expect(cpuUsagePercent(a, b)).toBe(50);
    expect(cpuUsagePercent(a, a)).toBeNull();
    // counters reset by a reboot are not a negative or absurd usage
    expect(cpuUsagePercent(b, a)).toBeNull();
  });

  it('reads memory in bytes', () => {
    const m = parseMeminfo(CAPTURED.meminfo)!;
    expect(m.totalBytes).toBe(24683772 * 1024);
    expect(m.availableBytes).toBe(23982016 * 1024);
    expect(m.cachedBytes).toBeGreaterThanOrEqual((1218372 + 21292) * 1024);
    expect(m.swapTotalBytes).toBe(0);
  });

  it('reads load, uptime, PSI', () => {
    expect(parseLoadavg(CAPTURED.loadavg)).toEqual({ load1: 0.1, load5: 0.49, load15: 1.57 });
    expect(parseUptime(CAPTURED.uptime)).toBe(18830.44);
    const cpu = parsePressure(CAPTURED.pressureCpu)!;
    expect(cpu.some!.avg10).toBe(1.73);
    expect(cpu.full!.totalUs).toBe(0);
    expect(parsePressure(CAPTURED.pressureMemory)!.some).not.toBeNull();
    expect(parsePressure(CAPTURED.pressureIo)!.full).not.toBeNull();
  });

  it('reads interfaces and disks', () => {
    const nets = parseNetDev(CAPTURED.netDev);
    expect(nets.map((n) => n.name)).toEqual(expect.arrayContaining(['lo', 'eth0', 'br-18e6f7f14920']));
    expect(nets.find((n) => n.name === 'eth0')).toMatchObject({ rxBytes: 4852396599, txBytes: 23744400 });
    // loop devices are left out; the lab's virtual disk stays
    const disks = parseDiskstats(CAPTURED.diskstats);
    expect(disks.some((d) => d.name.startsWith('loop'))).toBe(false);
  });

  it('keeps real file systems once and tmpfs, and leaves out the kernel and container views', () => {
    const m = parseMounts(CAPTURED.mounts);
    const at = m.map((x) => x.mountPoint);
    expect(at).toContain('/');
    expect(at).toContain('/dev/shm');
    // /dev/vda is also mounted at /var/lib/docker and engine2's data: one file system, listed once
    expect(m.filter((x) => x.device === '/dev/vda')).toHaveLength(1);
    expect(m.find((x) => x.device === '/dev/vda')!.alsoAt).toEqual(['/var/lib/docker', '/var/tmp/homeport-lab/engine2/data']);
    expect(m.some((x) => ['proc', 'sysfs', 'cgroup', 'cgroup2', 'overlay', 'nsfs', 'devpts', 'devtmpfs'].includes(x.fsType))).toBe(false);
    expect(at.some((p) => p.startsWith('/sys'))).toBe(false);
    expect(m.find((x) => x.mountPoint === '/mnt/sandboxing/model_tools_env/v1/python')?.readOnly).toBe(true);
  });
});

describe('proc parsers on odd input', () => {
  it('skip cut lines and unknown fields, never throw', () => {
    expect(parseProcStat('')).toBeNull();
    expect(parseProcStat('cpu 1 2\nintr 5')).toBeNull();
    expect(parseProcStat('cpu 1 2 3 4\nweird line\ncpu0 1 2 3 4')).toMatchObject({ user: 1, idle: 4, iowait: 0, cpus: 1 });
    expect(parseMeminfo('MemFree: 10 kB\n')).toBeNull();
    // an old kernel without MemAvailable: estimated from free + cache, a cut line skipped
    expect(parseMeminfo('MemTotal: 100 kB\nMemFree: 10 kB\nCached: 20 kB\nNewThing: x kB\nBuffe')).toMatchObject({
      totalBytes: 102400,
      availableBytes: 30 * 1024,
    });
    expect(parseLoadavg('0.1 0.2')).toBeNull();
    expect(parseLoadavg('a b c')).toBeNull();
    expect(parseUptime('')).toBeNull();
    expect(parseNetDev('Inter-| Receive\n eth0: 1 2 3\n  lo: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n')).toEqual([
      { name: 'lo', rxBytes: 1, rxPackets: 2, txBytes: 9, txPackets: 10 },
    ]);
    expect(parseDiskstats('8 0 sda 1 2\n 8 0 sda 1 0 x 0 1 0 3 0 0 0 0\n')).toEqual([]);
    expect(parsePressure('some avg10=1.00 avg60=2.00\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=7 extra=1')).toEqual({
      some: null,
      full: { avg10: 0, avg60: 0, avg300: 0, totalUs: 7 },
    });
    expect(parsePressure('garbage')).toBeNull();
    expect(parseMounts('/dev/sda1 /\n/dev/sdb1 /srv/my\\040data ext4 rw 0 0\nnot a mount line\n')).toEqual([
      { device: '/dev/sdb1', mountPoint: '/srv/my data', alsoAt: [], fsType: 'ext4', readOnly: false },
    ]);
  });

  it('finds the file system a path lies on, through every place it is mounted', () => {
    const m = parseMounts(
      ['/dev/sda1 / ext4 rw 0 0', '/dev/sdb1 /srv ext4 rw 0 0', '/dev/sda1 /var/lib/docker ext4 rw 0 0', '/dev/sdc1 /var/lib/docker/volumes xfs rw 0 0', 'tmpfs /run tmpfs rw 0 0'].join('\n'),
    );
    expect(filesystemHolding('/var/lib/docker', m)?.device).toBe('/dev/sda1');
    expect(filesystemHolding('/var/lib/docker/volumes/x/_data', m)?.device).toBe('/dev/sdc1');
    expect(filesystemHolding('/srv/backups', m)?.device).toBe('/dev/sdb1');
    expect(filesystemHolding('/srvx', m)?.device).toBe('/dev/sda1');
    expect(filesystemHolding('/run/lock', m)?.fsType).toBe('tmpfs');
    expect(filesystemHolding('/data', [])).toBeNull();
  });

  it('reads sysfs temperatures and refuses what no working sensor reports', () => {
    expect(parseMillidegrees('45000\n')).toBe(45);
    expect(parseMillidegrees('-5500')).toBe(-5.5);
    expect(parseMillidegrees('-273150')).toBeNull();
    expect(parseMillidegrees('255000')).toBeNull();
    expect(parseMillidegrees('')).toBeNull();
    expect(parseMillidegrees('4.5')).toBeNull();
    expect(parseMillidegrees('N/A')).toBeNull();
  });
});
