/**
 * Pure parsers for the Linux files a host's vital signs are read from. The text comes from a
 * remote host and is untrusted: a line that is cut short, a field this code does not know or a
 * number that is not one is skipped, never thrown on; what cannot be read at all is null.
 */

/** Cumulative CPU time in jiffies (USER_HZ), summed over all CPUs, from the `cpu` line. */
export interface CpuTimes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
  /** Number of `cpuN` lines: the CPUs the kernel has online. */
  cpus: number;
}

export interface MemInfo {
  totalBytes: number;
  /** The kernel's estimate of memory a new workload can take without swapping (MemAvailable). */
  availableBytes: number;
  freeBytes: number;
  /** Page cache plus buffers: memory that is in use but given back under pressure. */
  cachedBytes: number;
  swapTotalBytes: number;
  swapFreeBytes: number;
}

export interface LoadAvg {
  load1: number;
  load5: number;
  load15: number;
}

export interface NetInterface {
  name: string;
  rxBytes: number;
  txBytes: number;
  rxPackets: number;
  txPackets: number;
}

export interface DiskStat {
  name: string;
  readSectors: number;
  writtenSectors: number;
  /** Milliseconds spent doing I/O (the basis of %util). */
  ioMs: number;
}

/** One line of /proc/pressure/*: share of wall time tasks were stalled, in percent, over 10/60/300 s. */
export interface PressureLine {
  avg10: number;
  avg60: number;
  avg300: number;
  /** Total stall time in microseconds. */
  totalUs: number;
}

export interface Pressure {
  some: PressureLine | null;
  /** Absent in /proc/pressure/cpu before Linux 5.13. */
  full: PressureLine | null;
}

export interface Mount {
  device: string;
  mountPoint: string;
  /** The same file system's other mount points (bind mounts, Docker's data root on the root disk). */
  alsoAt: string[];
  fsType: string;
  readOnly: boolean;
}

const num = (s: string | undefined): number | null => {
  if (s === undefined || !/^-?\d+(\.\d+)?$/.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
};

const fields = (line: string): string[] => line.trim().split(/\s+/).filter(Boolean);

/** The aggregate `cpu` line of /proc/stat; null when it is missing or too short to use. */
export function parseProcStat(text: string): CpuTimes | null {
  let total: CpuTimes | null = null;
  let cpus = 0;
  for (const line of text.split('\n')) {
    const f = fields(line);
    if (/^cpu\d+$/.test(f[0] ?? '')) cpus++;
    if (f[0] !== 'cpu' || total) continue;
    // user nice system idle are there since Linux 2.4; later kernels add columns at the end.
    const v = f.slice(1, 9).map(num);
    if (v.length < 4 || v.slice(0, 4).some((x) => x === null)) continue;
    const at = (i: number) => v[i] ?? 0;
    total = { user: at(0), nice: at(1), system: at(2), idle: at(3), iowait: at(4), irq: at(5), softirq: at(6), steal: at(7), cpus: 0 };
  }
  return total ? { ...total, cpus } : null;
}

/**
 * Percent of CPU time busy between two samples of /proc/stat (0–100, over all CPUs), or null when
 * no time passed or the counters went backwards (the host rebooted between the samples).
 */
export function cpuUsagePercent(before: CpuTimes, after: CpuTimes): number | null {
  // iowait is idle time: the CPU had nothing to run while it waited.
  const idle = (t: CpuTimes) => t.idle + t.iowait;
  const all = (t: CpuTimes) => t.user + t.nice + t.system + t.idle + t.iowait + t.irq + t.softirq + t.steal;
  const dAll = all(after) - all(before);
  const dIdle = idle(after) - idle(before);
  if (dAll <= 0 || dIdle < 0 || dIdle > dAll) return null;
  return ((dAll - dIdle) / dAll) * 100;
}

/** /proc/meminfo in bytes; null without MemTotal. MemAvailable (Linux ≥ 3.14) is estimated before it. */
export function parseMeminfo(text: string): MemInfo | null {
  const kb = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([\w()]+):\s+(\d+)(?:\s+kB)?\s*$/.exec(line.trim());
    if (m) kb.set(m[1]!, Number(m[2]) * 1024);
  }
  const total = kb.get('MemTotal');
  if (total === undefined) return null;
  const free = kb.get('MemFree') ?? 0;
  const cached = (kb.get('Cached') ?? 0) + (kb.get('Buffers') ?? 0) + (kb.get('SReclaimable') ?? 0);
  return {
    totalBytes: total,
    availableBytes: kb.get('MemAvailable') ?? Math.min(total, free + cached),
    freeBytes: free,
    cachedBytes: cached,
    swapTotalBytes: kb.get('SwapTotal') ?? 0,
    swapFreeBytes: kb.get('SwapFree') ?? 0,
  };
}

export function parseLoadavg(text: string): LoadAvg | null {
  const [a, b, c] = fields(text).map(num);
  if (a == null || b == null || c == null) return null;
  return { load1: a, load5: b, load15: c };
}

/** Seconds since boot. */
export function parseUptime(text: string): number | null {
  return num(fields(text)[0]);
}

/** Interfaces of /proc/net/dev, loopback included (the caller decides what to show). */
export function parseNetDev(text: string): NetInterface[] {
  const out: NetInterface[] = [];
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const v = fields(line.slice(colon + 1)).map(num);
    // 8 receive columns then 8 transmit columns: bytes and packets first in each.
    if (!name || v.length < 10 || v[0] == null || v[1] == null || v[8] == null || v[9] == null) continue;
    out.push({ name, rxBytes: v[0], rxPackets: v[1], txBytes: v[8], txPackets: v[9] });
  }
  return out;
}

/**
 * Whole disks and partitions of /proc/diskstats. Loop, ram and zram devices are left out: their
 * I/O is counted again on the disk below them, or is memory.
 */
export function parseDiskstats(text: string): DiskStat[] {
  const out: DiskStat[] = [];
  for (const line of text.split('\n')) {
    const f = fields(line);
    // major minor name, then reads merged sectors ms, writes merged sectors ms, in-flight, io ms…
    if (f.length < 14) continue;
    const name = f[2]!;
    if (/^(loop|ram|zram)\d/.test(name)) continue;
    const read = num(f[5]);
    const written = num(f[9]);
    const io = num(f[12]);
    if (read == null || written == null || io == null) continue;
    out.push({ name, readSectors: read, writtenSectors: written, ioMs: io });
  }
  return out;
}

/** /proc/pressure/{cpu,memory,io}; null when the file had neither line (see the sampler for absent files). */
export function parsePressure(text: string): Pressure | null {
  const res: Pressure = { some: null, full: null };
  for (const line of text.split('\n')) {
    const f = fields(line);
    const kind = f[0];
    if (kind !== 'some' && kind !== 'full') continue;
    const kv = new Map(f.slice(1).map((p) => p.split('=') as [string, string]));
    const a10 = num(kv.get('avg10'));
    const a60 = num(kv.get('avg60'));
    const a300 = num(kv.get('avg300'));
    const total = num(kv.get('total'));
    if (a10 == null || a60 == null || a300 == null || total == null) continue;
    res[kind] = { avg10: a10, avg60: a60, avg300: a300, totalUs: total };
  }
  return res.some || res.full ? res : null;
}

/**
 * File systems that hold no one's data: the kernel's views (proc, sysfs, cgroup…), device nodes,
 * container roots (overlay: each is a view of the file system that holds Docker's data root, which
 * is listed itself) and squashfs images (snaps: always 100 % full by design, an alert that cries
 * wolf). tmpfs stays: /dev/shm and /run are memory that fills up, and a tmpfs filling is what
 * takes services down when they keep state there.
 */
const PSEUDO = new Set([
  'proc', 'sysfs', 'devtmpfs', 'devpts', 'cgroup', 'cgroup2', 'nsfs', 'overlay', 'aufs', 'securityfs', 'debugfs',
  'tracefs', 'pstore', 'bpf', 'mqueue', 'hugetlbfs', 'configfs', 'fusectl', 'autofs', 'binfmt_misc', 'squashfs',
  'ramfs', 'efivarfs', 'rpc_pipefs', 'selinuxfs', 'rootfs', 'fuse.lxcfs', 'fuse.gvfsd-fuse', 'fuse.portal', 'nfsd',
]);

/** /proc/mounts escapes space, tab, newline and backslash in paths as octal (`\040`). */
const unescapeMount = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/**
 * Real file systems of /proc/mounts, each once: a device mounted at several places (bind mounts,
 * Docker's data root on the root disk) is kept at its first mount point, the others in alsoAt,
 * since every mount shows the same size and use. tmpfs has no device to tell instances apart, so
 * every tmpfs mount is kept; those under /proc and /sys are the kernel's, not storage.
 */
export function parseMounts(text: string): Mount[] {
  const out: Mount[] = [];
  const devices = new Map<string, Mount>();
  const points = new Set<string>();
  for (const line of text.split('\n')) {
    const f = fields(line);
    if (f.length < 4) continue;
    const [dev, at, type, opts] = [unescapeMount(f[0]!), unescapeMount(f[1]!), f[2]!, f[3]!];
    if (PSEUDO.has(type) || !at.startsWith('/')) continue;
    if (/^\/(proc|sys)(\/|$)/.test(at)) continue;
    if (points.has(at)) continue; // mounted over: the same place listed again
    const byDevice = type !== 'tmpfs' && (dev.startsWith('/') || type.startsWith('nfs') || type === 'cifs' || type === 'zfs' || type === 'btrfs');
    points.add(at);
    const first = byDevice ? devices.get(dev) : undefined;
    if (first) {
      first.alsoAt.push(at);
      continue;
    }
    const m: Mount = { device: dev, mountPoint: at, alsoAt: [], fsType: type, readOnly: opts.split(',').includes('ro') };
    if (byDevice) devices.set(dev, m);
    out.push(m);
  }
  return out;
}

/**
 * The file system a path lies on (e.g. Docker's data root, to mark the disk whose filling stops
 * the engine): the one mounted at the longest prefix of the path, counting every place each is
 * mounted. null when none is (a path on a pseudo file system, or no mounts were read).
 */
export function filesystemHolding<M extends Mount>(file: string, filesystems: readonly M[]): M | null {
  const under = (dir: string) => dir === '/' || file === dir || file.startsWith(`${dir}/`);
  let best: M | null = null;
  let bestLength = -1;
  for (const f of filesystems) {
    for (const at of [f.mountPoint, ...f.alsoAt]) {
      if (under(at) && at.length > bestLength) {
        best = f;
        bestLength = at.length;
      }
    }
  }
  return best;
}

/**
 * A sysfs temperature (thermal_zone*\/temp, hwmon*\/temp*_input: millidegrees Celsius) in °C.
 * null for anything else, and for readings no working sensor gives (drivers report -273 or
 * 255 °C and the like for a sensor that is absent).
 */
export function parseMillidegrees(text: string): number | null {
  const v = num(text.trim());
  if (v === null || !Number.isInteger(v)) return null;
  const c = v / 1000;
  return c > -60 && c < 200 ? c : null;
}
