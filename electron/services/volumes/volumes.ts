import type Dockerode from 'dockerode';
import { HomeportError, type HostId, type PruneVolumesResultInfo, type VolumeInfo } from '../../../shared/contract';
import { containerName, engineError, hasLabel, listUserContainers, nameList, notFound, quote, refInfo, statusOf, validateName } from '../docker/engine-common';
import { engineMessage } from '../docker/engine-message';

// ── sizes: one `GET /system/df` per host per 30 s ─────────────────────────────────────────────

/**
 * `docker system df` is the only API that reports volume sizes, and the engine computes them by
 * walking every volume (plus images and containers: API 1.41 has no `type=volume` filter) — slow on
 * a big host. So one call serves every list for 30 s, concurrent callers share the call in flight,
 * and Homeport's own changes (remove, prune, restore) drop the cache.
 */
export const DF_CACHE_MS = 30_000;

interface DfEntry {
  at: number;
  sizes: Promise<Map<string, number | null>>;
}
const dfCache = new WeakMap<Dockerode, DfEntry>();

export async function volumeSizes(docker: Dockerode, refresh = false, maxAgeMs = DF_CACHE_MS): Promise<Map<string, number | null>> {
  const hit = dfCache.get(docker);
  if (hit && !refresh && Date.now() - hit.at < maxAgeMs) return hit.sizes;
  const sizes = (async () => {
    const df = (await docker.df()) as { Volumes?: Array<{ Name: string; UsageData?: { Size?: number } | null }> | null };
    const m = new Map<string, number | null>();
    for (const v of df.Volumes ?? []) {
      const s = v.UsageData?.Size;
      m.set(v.Name, typeof s === 'number' && s >= 0 ? s : null);
    }
    return m;
  })();
  const entry = { at: Date.now(), sizes };
  dfCache.set(docker, entry);
  sizes.catch(() => {
    if (dfCache.get(docker) === entry) dfCache.delete(docker);
  });
  return sizes;
}

export function forgetVolumeSizes(docker: Dockerode): void {
  dfCache.delete(docker);
}

// ── list / remove / prune ────────────────────────────────────────────────────────────────────

const ANONYMOUS = /^[0-9a-f]{64}$/;

export function usersByVolume(containers: Dockerode.ContainerInfo[]): Map<string, Dockerode.ContainerInfo[]> {
  const m = new Map<string, Dockerode.ContainerInfo[]>();
  for (const c of containers) {
    for (const mount of c.Mounts ?? []) {
      if (mount.Type !== 'volume' || !mount.Name) continue;
      const list = m.get(mount.Name) ?? [];
      if (!list.includes(c)) list.push(c);
      m.set(mount.Name, list);
    }
  }
  return m;
}

interface RawVolume {
  Name: string;
  Driver: string;
  Mountpoint: string;
  Scope?: string;
  CreatedAt?: string;
  Labels?: Record<string, string> | null;
}

/**
 * Every volume with its size (df, cached 30 s, or `sizesMaxAgeMs`; null if unknown) and the
 * containers mounting it.
 */
export async function listVolumes(docker: Dockerode, hostId: HostId, opts: { refreshSizes?: boolean; sizesMaxAgeMs?: number } = {}): Promise<VolumeInfo[]> {
  let raw: { Volumes?: RawVolume[] | null };
  let containers: Dockerode.ContainerInfo[];
  try {
    [raw, containers] = await Promise.all([docker.listVolumes() as Promise<{ Volumes?: RawVolume[] | null }>, listUserContainers(docker)]);
  } catch (e) {
    throw engineError(e);
  }
  // Sizes are a nicety: a df that fails (or a plugin that cannot size) leaves them null.
  const sizes = await volumeSizes(docker, opts.refreshSizes, opts.sizesMaxAgeMs).catch(() => new Map<string, number | null>());
  const users = usersByVolume(containers);
  return (raw.Volumes ?? [])
    .map((v): VolumeInfo => {
      const labels = v.Labels ?? {};
      const created = v.CreatedAt ? Date.parse(v.CreatedAt) : NaN;
      return {
        name: v.Name,
        hostId,
        driver: v.Driver,
        scope: v.Scope ?? 'local',
        mountpoint: v.Mountpoint,
        createdAt: Number.isFinite(created) ? created : null,
        labels,
        project: labels['com.docker.compose.project'] ?? null,
        anonymous: ANONYMOUS.test(v.Name),
        sizeBytes: sizes.get(v.Name) ?? null,
        containers: (users.get(v.Name) ?? []).map(refInfo).sort((a, b) => a.name.localeCompare(b.name)),
      };
    })
    .sort((a, b) => Number(a.anonymous) - Number(b.anonymous) || a.name.localeCompare(b.name));
}

export async function inspectVolume(docker: Dockerode, name: string): Promise<RawVolume> {
  try {
    return (await docker.getVolume(name).inspect()) as RawVolume;
  } catch (e) {
    if (statusOf(e) === 404) throw notFound(`There is no volume named ${quote(name)} on this host.`, 'Reload the volume list.');
    throw engineError(e);
  }
}

export async function volumeExists(docker: Dockerode, name: string): Promise<boolean> {
  try {
    await docker.getVolume(name).inspect();
    return true;
  } catch (e) {
    if (statusOf(e) === 404) return false;
    throw engineError(e);
  }
}

export function inUseError(name: string, users: Dockerode.ContainerInfo[], action: string, fix: string): HomeportError {
  const running = users.filter((c) => c.State === 'running').map(containerName);
  return new HomeportError({
    code: 'CONFLICT',
    message:
      `The volume ${quote(name)} is used by ${users.length === 1 ? 'the container' : `${users.length} containers:`} ${nameList(users.map(containerName))}` +
      `${running.length && running.length < users.length ? ` (running: ${nameList(running)})` : running.length ? ' (running)' : ''}, so ${action}.`,
    fix,
    details: { volume: name, containers: users.map(containerName).join(', ') },
  });
}

/** Map the engine's "volume is in use - [id, id]" to container names. */
async function engineInUse(docker: Dockerode, name: string, e: unknown): Promise<HomeportError> {
  const ids = [...engineMessage(e).matchAll(/[0-9a-f]{12,64}/g)].map((m) => m[0]);
  let all: Dockerode.ContainerInfo[] = [];
  try {
    all = await docker.listContainers({ all: true });
  } catch {
    // keep the ids
  }
  const users = all.filter((c) => ids.some((id) => c.Id.startsWith(id)));
  if (users.length) return inUseError(name, users, 'it cannot be removed', 'Remove those containers first (stopping is not enough: a stopped container still holds its volumes).');
  return new HomeportError({ code: 'CONFLICT', message: `Docker engine: ${engineMessage(e)}`, fix: 'Remove the containers that use it first.', details: { volume: name } });
}

/** Remove a volume; refused (naming them) while any container, even a stopped one, mounts it. */
export async function removeVolume(docker: Dockerode, name: string): Promise<void> {
  validateName('volume', name);
  await inspectVolume(docker, name);
  const users = usersByVolume(await listUserContainers(docker)).get(name) ?? [];
  if (users.length) {
    throw inUseError(name, users, 'it cannot be removed', 'Remove those containers first (stopping is not enough: a stopped container still holds its volumes).');
  }
  try {
    await docker.getVolume(name).remove();
  } catch (e) {
    if (statusOf(e) === 409) throw await engineInUse(docker, name, e);
    if (statusOf(e) === 404) return;
    throw engineError(e);
  } finally {
    forgetVolumeSizes(docker);
  }
}

/**
 * Remove volumes no container mounts. By default only anonymous ones (64-hex names the engine made
 * for a container): a named volume usually holds data someone meant to keep, and API 1.41's own
 * prune would delete named ones too (1.42+ stopped doing that), so Homeport decides itself, the same
 * way on every engine. `all: true` includes unused named volumes; `label` (`key` or `key=value`)
 * limits it to volumes carrying that label.
 */
export async function pruneVolumes(docker: Dockerode, opts: { all?: boolean; label?: string } = {}): Promise<PruneVolumesResultInfo> {
  let raw: { Volumes?: RawVolume[] | null };
  try {
    raw = (await docker.listVolumes()) as { Volumes?: RawVolume[] | null };
  } catch (e) {
    throw engineError(e);
  }
  const users = usersByVolume(await docker.listContainers({ all: true }).catch((e: unknown) => Promise.reject(engineError(e))));
  const sizes = await volumeSizes(docker, true).catch(() => new Map<string, number | null>());
  const result: PruneVolumesResultInfo = { deleted: [], spaceReclaimedBytes: 0, failed: [] };
  for (const v of raw.Volumes ?? []) {
    if (users.has(v.Name)) continue;
    if (!opts.all && !ANONYMOUS.test(v.Name)) continue;
    if (opts.label && !hasLabel(v.Labels, opts.label)) continue;
    try {
      await docker.getVolume(v.Name).remove();
      result.deleted.push(v.Name);
      result.spaceReclaimedBytes += sizes.get(v.Name) ?? 0;
    } catch (e) {
      if (statusOf(e) !== 404) result.failed.push({ name: v.Name, message: engineMessage(e) });
    }
  }
  forgetVolumeSizes(docker);
  return result;
}
