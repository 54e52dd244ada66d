import type { Client, FileEntryWithStats, SFTPWrapper } from 'ssh2';
import { HomeportError } from '../../../shared/contract';
import { formatBytes } from '../ssh/bounded-output';
import {
  cpuUsagePercent,
  parseDiskstats,
  parseLoadavg,
  parseMeminfo,
  parseMillidegrees,
  parseMounts,
  parseNetDev,
  parsePressure,
  parseProcStat,
  parseUptime,
  type CpuTimes,
  type DiskStat,
  type LoadAvg,
  type MemInfo,
  type Mount,
  type NetInterface,
  type Pressure,
} from './proc-parsers';

/** Size and use of one file system, as `df -B1` counts them. */
export interface FilesystemUsage extends Mount {
  sizeBytes: number;
  /** Blocks in use (size − free), root's reserve not counted as used, like df's "Used". */
  usedBytes: number;
  /** What an ordinary user may still write (df's "Avail"): free minus root's reserve. */
  availableBytes: number;
  inodesTotal: number;
  inodesFree: number;
}

/** One reading of a host's vital signs. A part the host would not give is null (or left out of a list). */
export interface HostSample {
  /** When the reading finished, by this computer's clock (ms since the epoch). */
  at: number;
  uptimeSeconds: number | null;
  cpu: CpuTimes | null;
  /** Busy share of all CPUs since the previous sample of the same sampler; null on the first. */
  cpuPercent: number | null;
  memory: MemInfo | null;
  load: LoadAvg | null;
  network: NetInterface[];
  disks: DiskStat[];
  /** null where the kernel has no pressure stall information (before 4.20, or turned off). */
  pressure: { cpu: Pressure | null; memory: Pressure | null; io: Pressure | null };
  filesystems: FilesystemUsage[];
  /** Sensors the host lets its users read (thermal zones, hwmon); empty on most VMs. */
  temperatures: Array<{ sensor: string; celsius: number }>;
  /** What could not be read this time, in words (a file the host refused, a mount statvfs failed on). */
  skipped: string[];
}

/**
 * Files larger than this are not read: /proc files are a few KiB; /proc/mounts on a host with
 * hundreds of containers is the largest, well below it. A host that sends more is not trusted.
 */
export const PROC_FILE_CAP = 1024 * 1024;
const CHUNK = 32 * 1024;
/** At most this many temperature sensors are read: the list comes from the host. */
export const MAX_SENSORS = 64;

/** A sample is a few small reads in one round trip; a host that takes longer than this is not answering. */
export const DEFAULT_SAMPLE_TIMEOUT_MS = 15_000;

/** SFTP status codes (draft-ietf-secsh-filexfer-02): 1 EOF, 2 no such file, 3 permission denied. */
const SFTP_EOF = 1;
const SFTP_NO_SUCH_FILE = 2;

const call = <T>(f: (cb: (err: Error | null | undefined, v?: T) => void) => void) =>
  new Promise<T>((resolve, reject) => f((err, v) => (err ? reject(err) : resolve(v as T))));

/**
 * Reads a whole file through an open SFTP session, up to `cap` bytes. /proc files report a size
 * of 0, so the size is never trusted: reads go on until the server says EOF, and stop one byte
 * past the cap.
 */
async function readBounded(s: SFTPWrapper, file: string, cap = PROC_FILE_CAP): Promise<string> {
  const handle = await call<Buffer>((cb) => s.open(file, 'r', (e: Error | undefined, h: Buffer) => cb(e, h)));
  try {
    const buf = Buffer.alloc(cap + 1);
    let got = 0;
    while (got < buf.length) {
      const n = await call<number>((cb) =>
        s.read(handle, buf, got, Math.min(CHUNK, buf.length - got), got, (e: (Error & { code?: number }) | undefined, bytes: number) =>
          e && e.code === SFTP_EOF ? cb(null, 0) : cb(e, bytes),
        ),
      );
      if (n <= 0) break;
      got += n;
    }
    if (got > cap) {
      throw new HomeportError({
        code: 'FILE_ACCESS',
        message: `${file} on the host is larger than ${formatBytes(cap)}: Homeport does not read it.`,
        fix: 'This is not what a Linux kernel writes there; check what is mounted over /proc on the host.',
        details: { path: file, limit: cap },
      });
    }
    return buf.subarray(0, got).toString('utf8');
  } finally {
    await call<void>((cb) => s.close(handle, (e: Error | null | undefined) => cb(e))).catch(() => {});
  }
}

const why = (e: unknown): string => {
  const err = e as { code?: number; message?: string };
  if (err?.code === SFTP_NO_SUCH_FILE) return 'no such file';
  if (err?.code === 3) return 'permission denied';
  return err?.message ?? String(e);
};

/**
 * Samples a host's vital signs over an SSH connection that is already open, with no agent and no
 * process started per sample: one SFTP session is opened and kept (one sftp-server process on the
 * host for the sampler's life), and each sample reads the kernel's /proc files through it and asks
 * each file system's size with OpenSSH's statvfs@openssh.com extension. The files are requested
 * together, so a sample costs about one round trip rather than one per file.
 */
export class SftpSampler {
  private session: SFTPWrapper | null = null;
  private opening: Promise<SFTPWrapper> | null = null;
  private previousCpu: CpuTimes | null = null;
  /** Samples run one at a time: a slow host does not pile up reads. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Temperature files, found once (listing sysfs costs many requests; the sensors do not move). */
  private sensors: Array<{ sensor: string; file: string }> | null = null;

  private readonly timeoutMs: number;

  constructor(
    private readonly client: Client,
    opts: { timeoutMs?: number } = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_SAMPLE_TIMEOUT_MS;
  }

  /**
   * Reads one sample; fails only when nothing at all can be read (no SFTP, not Linux, connection
   * lost, no answer in time).
   */
  sample(): Promise<HostSample> {
    const run = this.queue.then(() => this.withTimeout(this.read()));
    this.queue = run.catch(() => {});
    return run;
  }

  /**
   * A host that stops answering (hung, or its sftp-server stuck) must not hold every later sample
   * behind one that never ends: past the time limit the sample fails and its session is dropped,
   * so the next one opens a fresh session.
   */
  private withTimeout(p: Promise<HostSample>): Promise<HostSample> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const s = this.session;
        this.session = null;
        s?.end();
        reject(
          new HomeportError({
            code: 'UNREACHABLE',
            message: `The host did not answer host health's reads within ${Math.round(this.timeoutMs / 1000)} s.`,
            fix: 'Check that the host is up and not overloaded; sampling goes on and shows a gap meanwhile.',
          }),
        );
      }, this.timeoutMs);
    });
    p.catch(() => {}); // a read still going when the limit passed ends on its own; its failure is not news
    return Promise.race([p, late]).finally(() => clearTimeout(timer));
  }

  /** Ends the SFTP session (and with it the host's sftp-server process). */
  close(): void {
    this.closed = true;
    this.session?.end();
    this.session = null;
  }

  private open(): Promise<SFTPWrapper> {
    if (this.session) return Promise.resolve(this.session);
    this.opening ??= new Promise<SFTPWrapper>((resolve, reject) => {
      const connectionLost = (e: Error) =>
        new HomeportError(
          { code: 'UNREACHABLE', message: `The connection to the host ended: ${e.message}.`, fix: 'Homeport reconnects on its own; sampling goes on when the host is back.' },
          { cause: e },
        );
      const onOpen = (err: Error | undefined, s: SFTPWrapper) => {
        if (err && /not connected|no response from server/i.test(err.message)) {
          reject(connectionLost(err));
          return;
        }
        if (err) {
          reject(
            new HomeportError(
              {
                code: 'UNREACHABLE',
                message: `The host refused an SFTP session, which host health reads the host's figures through: ${err.message}.`,
                fix: "Enable the sftp subsystem in the host's sshd_config (Subsystem sftp …), then reconnect.",
              },
              { cause: err },
            ),
          );
          return;
        }
        // A session the server or the connection ended is opened again on the next sample.
        s.once('close', () => {
          if (this.session === s) this.session = null;
        });
        this.session = s;
        resolve(s);
      };
      try {
        this.client.sftp(onOpen);
      } catch (e) {
        // ssh2 throws at once on a connection that has already closed.
        reject(connectionLost(e as Error));
      }
    }).finally(() => (this.opening = null));
    return this.opening;
  }

  private async read(): Promise<HostSample> {
    if (this.closed) throw new HomeportError({ code: 'DISCONNECTED', message: 'Host health sampling was stopped for this host.', fix: 'Reconnect the host.' });
    const s = await this.open();
    const skipped: string[] = [];
    const optional = (file: string) =>
      readBounded(s, file).catch((e: unknown) => {
        // Pressure files are missing on kernels without PSI: that is an answer (null), not a fault.
        if (!(file.startsWith('/proc/pressure/') && (e as { code?: number })?.code === SFTP_NO_SUCH_FILE)) {
          skipped.push(`${file}: ${e instanceof HomeportError ? e.message : why(e)}`);
        }
        return null;
      });

    const statText = readBounded(s, '/proc/stat').catch((e: unknown) => {
      if ((e as { code?: number })?.code === SFTP_NO_SUCH_FILE) {
        throw new HomeportError({
          code: 'FILE_ACCESS',
          message: 'This host does not look like Linux: it has no /proc/stat. Host health reads the Linux kernel\'s figures and skips other systems.',
          fix: 'Host health works on Linux hosts; containers and monitors on this host work as before.',
          details: { path: '/proc/stat', notLinux: true },
        });
      }
      if (e instanceof HomeportError) throw e;
      // The session closed under the read: the host or the connection went away, not the file.
      if (this.session !== s) {
        throw new HomeportError({ code: 'UNREACHABLE', message: `The connection to the host ended while host health read it: ${why(e)}.`, fix: 'Homeport reconnects on its own; sampling goes on when the host is back.' }, { cause: e });
      }
      throw new HomeportError({ code: 'FILE_ACCESS', message: `Could not read /proc/stat on the host: ${why(e)}.`, fix: 'Check that the login user may read /proc on the host (hidepid or a restricted shell can forbid it).' }, { cause: e });
    });
    const [stat, meminfo, loadavg, uptime, netDev, diskstats, psiCpu, psiMem, psiIo, mounts] = await Promise.all([
      statText,
      optional('/proc/meminfo'),
      optional('/proc/loadavg'),
      optional('/proc/uptime'),
      optional('/proc/net/dev'),
      optional('/proc/diskstats'),
      optional('/proc/pressure/cpu'),
      optional('/proc/pressure/memory'),
      optional('/proc/pressure/io'),
      optional('/proc/mounts'),
    ]);

    const [filesystems, temperatures] = await Promise.all([
      this.statvfsAll(s, mounts === null ? [] : parseMounts(mounts), skipped),
      this.readTemperatures(s, skipped),
    ]);
    const cpu = parseProcStat(stat);
    const cpuPercent = cpu && this.previousCpu ? cpuUsagePercent(this.previousCpu, cpu) : null;
    if (cpu) this.previousCpu = cpu;
    const pressure = (t: string | null) => (t === null ? null : parsePressure(t));
    return {
      at: Date.now(),
      uptimeSeconds: uptime === null ? null : parseUptime(uptime),
      cpu,
      cpuPercent,
      memory: meminfo === null ? null : parseMeminfo(meminfo),
      load: loadavg === null ? null : parseLoadavg(loadavg),
      network: netDev === null ? [] : parseNetDev(netDev),
      disks: diskstats === null ? [] : parseDiskstats(diskstats),
      pressure: { cpu: pressure(psiCpu), memory: pressure(psiMem), io: pressure(psiIo) },
      filesystems,
      temperatures,
      skipped,
    };
  }

  private async readTemperatures(s: SFTPWrapper, skipped: string[]): Promise<HostSample['temperatures']> {
    this.sensors ??= await findSensors(s);
    const read = await Promise.all(
      this.sensors.map(async ({ sensor, file }) => {
        // Some drivers answer a read with an I/O error (a sensor asleep or absent): skipped, said once per sample.
        const text = await readBounded(s, file, 64).catch((e: unknown) => {
          skipped.push(`${file}: ${e instanceof HomeportError ? e.message : why(e)}`);
          return null;
        });
        const celsius = text === null ? null : parseMillidegrees(text);
        return celsius === null ? null : { sensor, celsius };
      }),
    );
    return read.filter((x): x is { sensor: string; celsius: number } => x !== null);
  }

  private async statvfsAll(s: SFTPWrapper, mounts: Mount[], skipped: string[]): Promise<FilesystemUsage[]> {
    if (mounts.length === 0) return [];
    const results = await Promise.all(
      mounts.map(async (m): Promise<FilesystemUsage | null> => {
        try {
          const v = await call<Record<string, number>>((cb) => {
            try {
              s.ext_openssh_statvfs(m.mountPoint, (e, info: Record<string, number>) => cb(e, info));
            } catch (e) {
              // ssh2 throws at once when the server did not announce the extension.
              cb(e as Error);
            }
          });
          const frsize = v.f_frsize || v.f_bsize || 0;
          const blocks = v.f_blocks ?? 0;
          const bfree = v.f_bfree ?? 0;
          return {
            ...m,
            sizeBytes: blocks * frsize,
            usedBytes: Math.max(0, blocks - bfree) * frsize,
            availableBytes: (v.f_bavail ?? 0) * frsize,
            inodesTotal: v.f_files ?? 0,
            inodesFree: v.f_ffree ?? 0,
          };
        } catch (e) {
          const msg = why(e);
          const note = /does not support/.test(msg)
            ? "file system sizes: the host's SFTP server does not offer statvfs@openssh.com (OpenSSH's extension; other SFTP servers may lack it)"
            : `${m.mountPoint}: ${msg}`;
          // Said once, not once per mount.
          if (!skipped.includes(note)) skipped.push(note);
          return null;
        }
      }),
    );
    return results.filter((x): x is FilesystemUsage => x !== null);
  }
}

/**
 * Temperature files under /sys/class/thermal and /sys/class/hwmon, named as `sensors` would
 * (the zone's type; the chip's name and the input's label). What cannot be listed or read is
 * left out: many hosts (VMs, containers) have none, and that is not a fault.
 */
async function findSensors(s: SFTPWrapper): Promise<Array<{ sensor: string; file: string }>> {
  const list = (dir: string) =>
    call<FileEntryWithStats[]>((cb) => s.readdir(dir, (e, l) => cb(e, l))).then(
      (l) => l.map((x) => x.filename).sort((a, b) => a.localeCompare(b, 'en', { numeric: true })),
      () => [] as string[],
    );
  const text = (file: string) =>
    readBounded(s, file, 256).then(
      (t) => t.trim().slice(0, 64) || null,
      () => null,
    );
  const out: Array<{ sensor: string; file: string }> = [];
  for (const zone of (await list('/sys/class/thermal')).filter((n) => /^thermal_zone\d+$/.test(n))) {
    if (out.length >= MAX_SENSORS) return out;
    const dir = `/sys/class/thermal/${zone}`;
    out.push({ sensor: (await text(`${dir}/type`)) ?? zone, file: `${dir}/temp` });
  }
  for (const chip of (await list('/sys/class/hwmon')).filter((n) => /^hwmon\d+$/.test(n))) {
    const dir = `/sys/class/hwmon/${chip}`;
    const name = (await text(`${dir}/name`)) ?? chip;
    for (const input of (await list(dir)).filter((n) => /^temp\d+_input$/.test(n))) {
      if (out.length >= MAX_SENSORS) return out;
      const label = await text(`${dir}/${input.replace('_input', '_label')}`);
      out.push({ sensor: `${name} ${label ?? input.replace('_input', '')}`, file: `${dir}/${input}` });
    }
  }
  return out;
}
