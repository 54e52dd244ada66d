import type Dockerode from 'dockerode';
import type { DiskCategoryInfo, DiskUsageInfo, HostId, HostOverviewInfo } from '../../../shared/contract';
import { engineError } from '../docker/engine-common';

/**
 * A host's overview from `GET /version` and `GET /info` (cheap: the engine answers from memory),
 * and its disk use from `GET /system/df` (costly: the engine sizes every image layer, container
 * and volume), which is cached per engine for DISK_CACHE_MS and shared by concurrent callers.
 */
export const DISK_CACHE_MS = 30_000;

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null);
const int = (v: unknown): number => num(v) ?? 0;

export async function hostOverview(docker: Dockerode, hostId: HostId): Promise<HostOverviewInfo> {
  let version: Record<string, unknown>;
  let info: Record<string, unknown>;
  try {
    [version, info] = (await Promise.all([docker.version(), docker.info()])) as unknown as [Record<string, unknown>, Record<string, unknown>];
  } catch (e) {
    throw engineError(e);
  }
  const warnings = Array.isArray(info.Warnings) ? info.Warnings.filter((w): w is string => typeof w === 'string') : [];
  return {
    hostId,
    engine: {
      version: str(version.Version) ?? str(info.ServerVersion) ?? 'unknown',
      apiVersion: str(version.ApiVersion) ?? 'unknown',
      minApiVersion: str(version.MinAPIVersion),
      gitCommit: str(version.GitCommit),
      goVersion: str(version.GoVersion),
      buildTime: str(version.BuildTime),
      name: str(info.Name),
      storageDriver: str(info.Driver),
      loggingDriver: str(info.LoggingDriver),
      cgroupDriver: str(info.CgroupDriver),
      cgroupVersion: str(info.CgroupVersion),
      rootDir: str(info.DockerRootDir),
      warnings,
    },
    os: {
      name: str(info.OperatingSystem),
      type: str(info.OSType) ?? str(version.Os),
      kernel: str(info.KernelVersion) ?? str(version.KernelVersion),
      architecture: str(info.Architecture) ?? str(version.Arch),
    },
    cpus: num(info.NCPU),
    memoryBytes: num(info.MemTotal),
    containers: {
      total: int(info.Containers),
      running: int(info.ContainersRunning),
      paused: int(info.ContainersPaused),
      stopped: int(info.ContainersStopped),
    },
    images: int(info.Images),
    fetchedAt: Date.now(),
  };
}

interface RawDf {
  LayersSize?: number;
  Images?: Array<{ Size?: number; SharedSize?: number; Containers?: number }> | null;
  Containers?: Array<{ SizeRw?: number; State?: string }> | null;
  Volumes?: Array<{ UsageData?: { Size?: number; RefCount?: number } | null }> | null;
  BuildCache?: Array<{ Size?: number; InUse?: boolean; Shared?: boolean }> | null;
}

/** The engine's df answer as categories, computed the way `docker system df` does. */
export function diskCategories(df: RawDf): DiskCategoryInfo[] {
  const images = df.Images ?? [];
  const imageSize = num(df.LayersSize) ?? images.reduce((n, i) => n + int(i.Size) - int(i.SharedSize), 0);
  // An image in use keeps its layers; the rest could go (shared layers are counted once by LayersSize).
  const usedImages = images.filter((i) => int(i.Containers) > 0);
  const usedImageBytes = usedImages.reduce((n, i) => n + int(i.Size) - int(i.SharedSize), 0) + Math.max(0, ...usedImages.map((i) => int(i.SharedSize)));
  const containers = df.Containers ?? [];
  const running = containers.filter((c) => c.State === 'running');
  const containerSize = containers.reduce((n, c) => n + int(c.SizeRw), 0);
  const volumes = df.Volumes ?? [];
  const usedVolumes = volumes.filter((v) => int(v.UsageData?.RefCount) > 0);
  const volumeSize = volumes.reduce((n, v) => n + int(v.UsageData?.Size), 0);
  const cache = df.BuildCache ?? [];
  const cacheSize = cache.filter((c) => !c.Shared).reduce((n, c) => n + int(c.Size), 0);
  const cacheInUse = cache.filter((c) => c.InUse);
  return [
    { category: 'images', count: images.length, active: usedImages.length, sizeBytes: imageSize, reclaimableBytes: Math.max(0, imageSize - usedImageBytes) },
    {
      category: 'containers',
      count: containers.length,
      active: running.length,
      sizeBytes: containerSize,
      reclaimableBytes: containers.filter((c) => c.State !== 'running').reduce((n, c) => n + int(c.SizeRw), 0),
    },
    {
      category: 'volumes',
      count: volumes.length,
      active: usedVolumes.length,
      sizeBytes: volumeSize,
      reclaimableBytes: volumes.filter((v) => int(v.UsageData?.RefCount) === 0).reduce((n, v) => n + int(v.UsageData?.Size), 0),
    },
    {
      category: 'buildCache',
      count: cache.length,
      active: cacheInUse.length,
      sizeBytes: cacheSize,
      reclaimableBytes: cache.filter((c) => !c.InUse && !c.Shared).reduce((n, c) => n + int(c.Size), 0),
    },
  ];
}

const diskCache = new WeakMap<Dockerode, { at: number; usage: Promise<Omit<DiskUsageInfo, 'hostId'>> }>();

export async function diskUsage(docker: Dockerode, hostId: HostId, refresh = false): Promise<DiskUsageInfo> {
  const hit = diskCache.get(docker);
  if (hit && !refresh && Date.now() - hit.at < DISK_CACHE_MS) return { hostId, ...(await hit.usage) };
  const usage = (async () => {
    let df: RawDf;
    try {
      df = (await docker.df()) as RawDf;
    } catch (e) {
      throw engineError(e);
    }
    const categories = diskCategories(df);
    return { categories, totalBytes: categories.reduce((n, c) => n + c.sizeBytes, 0), fetchedAt: Date.now() };
  })();
  const entry = { at: Date.now(), usage };
  diskCache.set(docker, entry);
  usage.catch(() => {
    if (diskCache.get(docker) === entry) diskCache.delete(docker);
  });
  return { hostId, ...(await usage) };
}
