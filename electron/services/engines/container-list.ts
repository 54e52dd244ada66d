import type Dockerode from 'dockerode';
import type { ContainerInfo, ContainerStateName, HostId, PortInfo } from '../../../shared/contract';

const STATES: ReadonlySet<string> = new Set(['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead']);

/** When a container's run started and ended: the list API has neither, `inspect` has both. */
export interface RunTimes {
  startedAt: number | null;
  finishedAt: number | null;
  exitCode: number | null;
}
const NO_TIMES: RunTimes = { startedAt: null, finishedAt: null, exitCode: null };

/** Engine list entry → the DTO the UI sees (plain data; labels other than compose's stay behind). `image`: its name as people know it (see ContainerTimes.imageName). */
export function toContainerInfo(hostId: HostId, c: Dockerode.ContainerInfo, times: RunTimes = NO_TIMES, image: string = c.Image, state: string = c.State): ContainerInfo {
  const labels = c.Labels ?? {};
  const name = (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, '');
  return {
    id: c.Id,
    hostId,
    name,
    image,
    state: (STATES.has(state) ? state : 'dead') as ContainerStateName,
    status: c.Status,
    ports: toPorts(c.Ports ?? []),
    project: labels['com.docker.compose.project'] ?? null,
    service: labels['com.docker.compose.service'] ?? null,
    createdAt: c.Created * 1000,
    ...times,
  };
}

/** Docker writes "0001-01-01T00:00:00Z" for a time that never happened. */
function engineTime(s: string | undefined): number | null {
  const t = s ? Date.parse(s) : NaN;
  return Number.isFinite(t) && t > 0 ? t : null;
}

/**
 * Run times per container, read with one `inspect` when a container is new or changed (its state
 * differs from when it was read, or an engine event named it) and kept otherwise: the list is
 * refreshed on every burst of container events, and most of its containers did not change.
 */
export class ContainerTimes {
  /** `state`: what the list said when the container was inspected; `engineState`: what the inspect said. */
  private readonly known = new Map<string, { state: string; engineState: string | null; times: RunTimes; image: string | null }>();
  /** A tag of each image a container was created from by id, '' when it has none. */
  private readonly tags = new Map<string, string>();

  /** An engine event named the container: read it again at the next list (a restart keeps its state). */
  forget(id: string): void {
    this.known.delete(id);
  }

  clear(): void {
    this.known.clear();
    this.tags.clear();
  }

  async of(docker: Dockerode, list: readonly Dockerode.ContainerInfo[]): Promise<Map<string, RunTimes>> {
    const ids = new Set(list.map((c) => c.Id));
    for (const id of this.known.keys()) if (!ids.has(id)) this.known.delete(id);
    const images = new Set(list.map((c) => c.ImageID));
    for (const id of this.tags.keys()) if (!images.has(id)) this.tags.delete(id);
    const stale = list.filter((c) => this.known.get(c.Id)?.state !== c.State);
    // A few at a time: a host that just connected reads all of them once.
    for (let i = 0; i < stale.length; i += 8) {
      await Promise.all(
        stale.slice(i, i + 8).map(async (c) => {
          try {
            const info = (await docker.getContainer(c.Id).inspect()) as { State?: { StartedAt?: string; FinishedAt?: string; ExitCode?: number; Status?: string }; Config?: { Image?: string } };
            const s = info.State ?? {};
            const ended = s.Status === 'exited' || s.Status === 'dead' || s.Status === 'restarting';
            this.known.set(c.Id, {
              state: c.State,
              engineState: typeof s.Status === 'string' ? s.Status : null,
              image: info.Config?.Image || null,
              times: { startedAt: engineTime(s.StartedAt), finishedAt: engineTime(s.FinishedAt), exitCode: ended && typeof s.ExitCode === 'number' ? s.ExitCode : null },
            });
          } catch {
            // Removed meanwhile: the next list drops it; until then the engine's status text stands.
          }
        }),
      );
    }
    // Created by id (or from an image that only has an id now): a tag of that image, if it has one.
    const byId = [...new Set(list.filter((c) => IMAGE_ID.test(c.Image) && IMAGE_ID.test(this.known.get(c.Id)?.image ?? c.Image) && !this.tags.has(c.ImageID)).map((c) => c.ImageID))];
    await Promise.all(
      byId.map(async (id) => {
        try {
          const tags = ((await docker.getImage(id).inspect()) as { RepoTags?: string[] }).RepoTags ?? [];
          this.tags.set(id, tags.find((t) => t !== '<none>:<none>') ?? '');
        } catch {
          // Removed meanwhile: the id stands.
        }
      }),
    );
    return new Map(list.map((c) => [c.Id, this.known.get(c.Id)?.times ?? NO_TIMES]));
  }

  /**
   * The container's state. The engine answers a list from a copy it updates a moment after its
   * events: a list made right after a container's `die` can still say "running", and no later
   * event corrects it. An inspect made after the list saw that state reads the container itself,
   * so while the list has not changed since, the inspect's word is the fresher one.
   */
  stateOf(c: Dockerode.ContainerInfo): string {
    const k = this.known.get(c.Id);
    return k && k.state === c.State && k.engineState && STATES.has(k.engineState) ? k.engineState : c.State;
  }

  /**
   * The container's image as people know it. The engine lists it by id once the name it was
   * created from points elsewhere (a newer image took the tag, or the tag was removed), or when it
   * was created by id: then the name it was created from, else a tag of its image, else the id.
   */
  imageName(c: Dockerode.ContainerInfo): string {
    if (!IMAGE_ID.test(c.Image)) return c.Image;
    const configured = this.known.get(c.Id)?.image;
    if (configured && !IMAGE_ID.test(configured)) return configured;
    return this.tags.get(c.ImageID) || c.Image;
  }
}

/** An image named by its id (`sha256:…` or hex), not by a repository and tag. */
const IMAGE_ID = /^(?:sha256:)?[a-f0-9]{12,64}$/;

/** Docker lists a port once per address family (0.0.0.0 and ::); show it once. */
export function toPorts(ports: Dockerode.Port[]): PortInfo[] {
  const seen = new Set<string>();
  const out: PortInfo[] = [];
  for (const p of ports) {
    const ip = p.IP === '::' ? '0.0.0.0' : (p.IP ?? '');
    const key = `${ip}|${p.PrivatePort}|${p.PublicPort ?? ''}|${p.Type}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      ip,
      privatePort: p.PrivatePort,
      publicPort: p.PublicPort ?? null,
      protocol: (p.Type === 'udp' || p.Type === 'sctp' ? p.Type : 'tcp') as PortInfo['protocol'],
    });
  }
  return out.sort((a, b) => (a.publicPort ?? 0) - (b.publicPort ?? 0) || a.privatePort - b.privatePort);
}

export function sortContainers(list: ContainerInfo[]): ContainerInfo[] {
  return list.sort((a, b) => (a.project ?? '\uffff').localeCompare(b.project ?? '\uffff') || a.name.localeCompare(b.name));
}
