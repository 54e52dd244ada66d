import type Dockerode from 'dockerode';
import type { EngineEventInfo, HostId, HostImagesInfo, HostNetworksInfo, HostVolumesInfo, ImageInfo, NetworkInfo, VolumeInfo } from '../../../shared/contract';
import type { EngineHub } from './engine-hub';
import { Emitter } from '../platform/emitter';
import type { Logger } from '../platform/platform';

type Kind = 'volume' | 'image' | 'network';

/**
 * Which lists an engine event changes. A container made or removed changes the "used by" of the
 * images and volumes it uses; joining a network is the network's own event.
 */
function kindsOf(e: EngineEventInfo): Kind[] {
  switch (e.type) {
    case 'volume':
      return ['create', 'destroy', 'prune'].includes(e.action) ? ['volume'] : [];
    case 'image':
      return ['pull', 'tag', 'untag', 'delete', 'import', 'load', 'prune'].includes(e.action) ? ['image'] : [];
    case 'network':
      return ['create', 'destroy', 'remove', 'connect', 'disconnect', 'prune'].includes(e.action) ? ['network'] : [];
    case 'container':
      return e.action === 'create' || e.action === 'destroy' ? ['image', 'volume'] : e.action === 'rename' ? ['image', 'volume', 'network'] : [];
    default:
      return [];
  }
}

/** A burst (a compose up, a pull of many layers) becomes one list per kind. */
export const RESOURCE_DEBOUNCE_MS = 250;

/** One host's list, read again after its engine said it changed. */
export interface ResourceWatchEvents {
  images: HostImagesInfo;
  volumes: HostVolumesInfo;
  networks: HostNetworksInfo;
}

/**
 * How each list is read: the images, volumes and networks features own them (listImages,
 * listVolumes, listNetworks), and app.ts hands them in, so the engines depend on none of them.
 */
export interface ResourceLists {
  images(docker: Dockerode, hostId: HostId): Promise<ImageInfo[]>;
  volumes(docker: Dockerode, hostId: HostId, opts: { sizesMaxAgeMs: number }): Promise<VolumeInfo[]>;
  networks(docker: Dockerode, hostId: HostId): Promise<NetworkInfo[]>;
}

interface Pending {
  kinds: Set<Kind>;
  timer: NodeJS.Timeout | null;
  running: Promise<void> | null;
}

/**
 * Volumes, images and networks follow each engine's event stream, as containers do: an event that
 * changes a list has that host's list read again and announced (the UI gets it as
 * `volumes.changed`, `images.changed` or `networks.changed`) — so what the docker CLI, compose or
 * another tool does on the host shows up without navigating. Volume sizes come from the last `df` (however old):
 * walking every volume again for each event would cost the host more than the list is worth.
 */
export class ResourceWatch {
  private readonly pending = new Map<HostId, Pending>();
  private readonly unsubscribe: () => void;
  private disposed = false;
  readonly events: Emitter<ResourceWatchEvents>;

  constructor(
    private readonly hub: EngineHub,
    private readonly lists: ResourceLists,
    private readonly logger: Logger,
  ) {
    this.events = new Emitter(logger, 'resource lists');
    this.unsubscribe = hub.events.on('engineEvent', (e) => this.onEvent(e));
  }

  dispose(): void {
    this.disposed = true;
    this.unsubscribe();
    // A list still being read arrives late: nobody is to hear it.
    this.events.clear();
    for (const p of this.pending.values()) if (p.timer) clearTimeout(p.timer);
    this.pending.clear();
  }

  private onEvent(e: EngineEventInfo): void {
    const kinds = kindsOf(e);
    if (kinds.length === 0 || this.disposed) return;
    let p = this.pending.get(e.hostId);
    if (!p) this.pending.set(e.hostId, (p = { kinds: new Set(), timer: null, running: null }));
    for (const k of kinds) p.kinds.add(k);
    this.schedule(e.hostId, p);
  }

  private schedule(hostId: HostId, p: Pending): void {
    // One run per host at a time; what arrives meanwhile waits for the next one.
    if (p.timer || p.running) return;
    p.timer = setTimeout(() => {
      p.timer = null;
      const kinds = [...p.kinds];
      p.kinds.clear();
      p.running = this.publish(hostId, kinds).finally(() => {
        p.running = null;
        if (p.kinds.size > 0 && !this.disposed) this.schedule(hostId, p);
      });
    }, RESOURCE_DEBOUNCE_MS);
  }

  private async publish(hostId: HostId, kinds: Kind[]): Promise<void> {
    let docker;
    try {
      docker = this.hub.dockerOf(hostId);
    } catch {
      return; // gone or disconnected: the UI reloads its lists when the host comes back
    }
    await Promise.all(
      kinds.map(async (kind) => {
        try {
          if (kind === 'volume') this.events.emit('volumes', { hostId, volumes: await this.lists.volumes(docker, hostId, { sizesMaxAgeMs: Infinity }), error: null });
          else if (kind === 'image') this.events.emit('images', { hostId, images: await this.lists.images(docker, hostId), error: null });
          else this.events.emit('networks', { hostId, networks: await this.lists.networks(docker, hostId), error: null });
        } catch (e) {
          // The list in the UI stays as it was; the next event (or a reload) tries again.
          this.logger.warn('could not follow a resource list', { hostId, kind, error: e instanceof Error ? e.message : String(e) });
        }
      }),
    );
  }

}
