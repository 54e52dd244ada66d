import type { ContainerStatsSampleInfo } from '../../../shared/contract';

/** The part of the engine's `GET /containers/{id}/stats` answer Homeport reads. */
export interface RawStats {
  read?: string;
  id?: string;
  cpu_stats?: {
    cpu_usage?: { total_usage?: number; percpu_usage?: number[] | null };
    system_cpu_usage?: number;
    online_cpus?: number;
  };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
  blkio_stats?: { io_service_bytes_recursive?: Array<{ op?: string; value?: number }> | null };
}

/** Cumulative counters of one sample; rates come from two of them. */
export interface Counters {
  time: number;
  cpuTotal: number;
  systemTotal: number;
  onlineCpus: number;
  memBytes: number;
  memLimit: number;
  netRx: number;
  netTx: number;
  blkRead: number;
  blkWrite: number;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/**
 * Memory as `docker stats` shows it: usage without the inactive page cache (cgroup v1 reports
 * `total_inactive_file`, v2 `inactive_file`; old engines only `cache`).
 */
export function memoryInUse(m: RawStats['memory_stats']): number {
  const usage = num(m?.usage);
  const s = m?.stats ?? {};
  const inactive = s.total_inactive_file ?? s.inactive_file;
  if (typeof inactive === 'number' && inactive <= usage) return usage - inactive;
  const cache = s.cache;
  if (typeof cache === 'number' && cache <= usage) return usage - cache;
  return usage;
}

export function toCounters(raw: RawStats, now: number): Counters {
  const parsed = raw.read ? Date.parse(raw.read) : NaN;
  // A stopped container answers with the zero time (0001-01-01); the local clock stands in then.
  const time = Number.isFinite(parsed) && parsed > 0 ? parsed : now;
  const cpu = raw.cpu_stats;
  let netRx = 0;
  let netTx = 0;
  for (const n of Object.values(raw.networks ?? {})) {
    netRx += num(n?.rx_bytes);
    netTx += num(n?.tx_bytes);
  }
  let blkRead = 0;
  let blkWrite = 0;
  // cgroup v1 says Read/Write, v2 read/write.
  for (const e of raw.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = (e?.op ?? '').toLowerCase();
    if (op === 'read') blkRead += num(e.value);
    else if (op === 'write') blkWrite += num(e.value);
  }
  return {
    time,
    cpuTotal: num(cpu?.cpu_usage?.total_usage),
    systemTotal: num(cpu?.system_cpu_usage),
    onlineCpus: num(cpu?.online_cpus) || cpu?.cpu_usage?.percpu_usage?.length || 1,
    memBytes: memoryInUse(raw.memory_stats),
    memLimit: num(raw.memory_stats?.limit),
    netRx,
    netTx,
    blkRead,
    blkWrite,
  };
}

/** A per-second rate; null when there is no earlier value or the counter went back (a restart). */
function rate(prev: number, cur: number, seconds: number): number | null {
  if (seconds <= 0 || cur < prev) return null;
  return (cur - prev) / seconds;
}

/**
 * One sample from this round's counters and the previous round's: CPU % as `docker stats`
 * computes it (container CPU time over the host's CPU time in the same interval, times the
 * number of CPUs), byte rates over the time between the two reads.
 */
export function toSample(containerId: string, cur: Counters, prev: Counters | null): ContainerStatsSampleInfo {
  const base = { containerId, time: cur.time, memBytes: cur.memBytes, memLimit: cur.memLimit };
  if (!prev) return { ...base, cpuPercent: null, netRxPerSec: null, netTxPerSec: null, blkReadPerSec: null, blkWritePerSec: null };
  const seconds = (cur.time - prev.time) / 1000;
  const cpuDelta = cur.cpuTotal - prev.cpuTotal;
  const sysDelta = cur.systemTotal - prev.systemTotal;
  const cpuPercent = cpuDelta >= 0 && sysDelta > 0 ? Math.min((cpuDelta / sysDelta) * cur.onlineCpus * 100, cur.onlineCpus * 100) : null;
  return {
    ...base,
    cpuPercent,
    netRxPerSec: rate(prev.netRx, cur.netRx, seconds),
    netTxPerSec: rate(prev.netTx, cur.netTx, seconds),
    blkReadPerSec: rate(prev.blkRead, cur.blkRead, seconds),
    blkWritePerSec: rate(prev.blkWrite, cur.blkWrite, seconds),
  };
}
