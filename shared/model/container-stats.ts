import type { HostId } from './ids';

/** Bounds of a `container.stats` stream (checked by the contract's schema). */
export const STATS_LIMITS = {
  maxContainers: 200,
  minPeriodMs: 1000,
  maxPeriodMs: 60_000,
  /** The detail page's Stats tab. */
  detailPeriodMs: 2000,
  /** The containers list's CPU and memory columns. */
  listPeriodMs: 5000,
} as const;

/**
 * One container's resource use at `time`, from one-shot samples of the engine. Rates (CPU and the
 * per-second figures) need two consecutive samples: they are null in a container's first sample,
 * and after a counter went backwards (the container restarted).
 */
export interface ContainerStatsSampleInfo {
  containerId: string;
  /** Milliseconds since the epoch, as the engine read the sample. */
  time: number;
  /** Like `docker stats`: 100 = one CPU core fully busy. */
  cpuPercent: number | null;
  /** Memory in use, without the page cache the kernel can drop (as `docker stats` shows it). */
  memBytes: number;
  /** The container's memory limit (the host's memory when it has none). */
  memLimit: number;
  netRxPerSec: number | null;
  netTxPerSec: number | null;
  blkReadPerSec: number | null;
  blkWritePerSec: number | null;
}

export interface ContainerStatsParams {
  hostId: HostId;
  /** Ids (or names) of the containers to sample; those not running are skipped. */
  containerIds: string[];
  /** Milliseconds between samples; default {@link STATS_LIMITS.detailPeriodMs}. */
  periodMs?: number;
}
