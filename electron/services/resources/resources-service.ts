import { HomeportError, type Contract, type ErrorInfo, type HostId } from '../../../shared/contract';
import type { EngineHub } from '../engines/engine-hub';
import { browseVolume, inspectNetwork, listImages, listNetworks, listVolumes, pruneDanglingImages, pruneVolumes, removeImage, removeUnusedNetworks, removeVolume } from './index';
import type { VolumeTransfers } from '../volumes/transfers';

function errorInfo(e: unknown): ErrorInfo {
  if (e instanceof HomeportError) return e.toInfo();
  return { code: 'INTERNAL', message: `Unexpected error: ${e instanceof Error ? e.message : String(e)}`, fix: 'This is a bug; the log has details.' };
}

/** Lists every host at once; a host that cannot answer gets its error instead of a list. */
async function perHost<T>(hub: EngineHub, list: (hostId: HostId) => Promise<T[]>): Promise<Array<{ hostId: HostId; items: T[]; error: ErrorInfo | null }>> {
  return Promise.all(
    hub.hostIds().map(async (hostId) => {
      try {
        return { hostId, items: await list(hostId), error: null };
      } catch (e) {
        return { hostId, items: [] as T[], error: errorInfo(e) };
      }
    }),
  );
}

/** The contract's images, volumes and networks services over the resource functions (issue #3). */
export function createResourceServices(hub: EngineHub, transfers: VolumeTransfers): Pick<Contract, 'images' | 'volumes' | 'networks'> {
  const docker = (hostId: HostId) => hub.dockerOf(hostId);
  return {
    images: {
      list: async () => (await perHost(hub, (h) => listImages(docker(h), h))).map(({ hostId, items, error }) => ({ hostId, images: items, error })),
      remove: async ({ hostId, id, force }) => removeImage(docker(hostId), id, { force }),
      prune: async ({ hostId }) => pruneDanglingImages(docker(hostId)),
    },
    volumes: {
      list: async () => (await perHost(hub, (h) => listVolumes(docker(h), h))).map(({ hostId, items, error }) => ({ hostId, volumes: items, error })),
      remove: async ({ hostId, name }) => removeVolume(docker(hostId), name),
      browse: async ({ hostId, name, path }) => browseVolume(docker(hostId), name, path),
      prune: async ({ hostId, all }) => pruneVolumes(docker(hostId), { all }),
      prepareBackup: (input) => transfers.prepareBackup(input),
      prepareRestore: (input) => transfers.prepareRestore(input),
    },
    networks: {
      list: async () => (await perHost(hub, (h) => listNetworks(docker(h), h))).map(({ hostId, items, error }) => ({ hostId, networks: items, error })),
      removeUnused: async ({ hostId }) => removeUnusedNetworks(docker(hostId)),
      inspect: async ({ hostId, id }) => inspectNetwork(docker(hostId), hostId, id),
    },
  };
}
