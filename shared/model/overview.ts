/**
 * A host's overview: what its Docker engine says about itself (`GET /version`, `GET /info`) and
 * its disk use (`GET /system/df`, costly: fetched on demand and cached briefly by the services).
 * Sizes are bytes; `null` means "the engine does not say".
 */
import type { HostId } from './ids';

export interface HostOverviewInfo {
  hostId: HostId;
  engine: {
    version: string;
    apiVersion: string;
    minApiVersion: string | null;
    gitCommit: string | null;
    goVersion: string | null;
    buildTime: string | null;
    /** The engine's own name for itself (the machine's hostname). */
    name: string | null;
    storageDriver: string | null;
    loggingDriver: string | null;
    cgroupDriver: string | null;
    cgroupVersion: string | null;
    rootDir: string | null;
    /** Daemon warnings (/info Warnings), e.g. "No swap limit support". */
    warnings: string[];
  };
  os: {
    /** "Debian GNU/Linux 13 (trixie)" */
    name: string | null;
    type: string | null;
    kernel: string | null;
    architecture: string | null;
  };
  cpus: number | null;
  memoryBytes: number | null;
  containers: { total: number; running: number; paused: number; stopped: number };
  images: number;
  /** When the services read this (epoch ms). */
  fetchedAt: number;
}

export type DiskCategory = 'images' | 'containers' | 'volumes' | 'buildCache';

export interface DiskCategoryInfo {
  category: DiskCategory;
  /** How many there are (images, containers, volumes, build cache records). */
  count: number;
  /** How many are in use (images used by a container, running containers, mounted volumes, cache in use). */
  active: number;
  sizeBytes: number;
  /** What a prune of that category could give back. */
  reclaimableBytes: number;
}

export interface DiskUsageInfo {
  hostId: HostId;
  categories: DiskCategoryInfo[];
  totalBytes: number;
  /** When the engine computed it (epoch ms): a cached answer is up to 30 s old. */
  fetchedAt: number;
}
