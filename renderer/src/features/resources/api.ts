import type { HostId, ImageInfo, InputOf, NetworkInfo } from '../../../../shared/contract';
import { client } from '../../api/client';

/*
 * The calls the images, volumes and networks views make besides their lists (which the store
 * holds): one-shot actions and detail reads. The lists follow by the engines' events, and the views
 * list them again after an action.
 */

export const removeImage = (image: Pick<ImageInfo, 'hostId'>, target: string, force: boolean) => client().images.remove({ hostId: image.hostId, id: target, force });
export const pruneImages = (hostId: HostId) => client().images.prune({ hostId });

export const removeVolume = (hostId: HostId, name: string) => client().volumes.remove({ hostId, name });
export const pruneVolumes = (hostId: HostId, all: boolean) => client().volumes.prune({ hostId, all });
export const browseVolume = (hostId: HostId, name: string, path: string) => client().volumes.browse({ hostId, name, path });
export const prepareBackup = (hostId: HostId, name: string) => client().volumes.prepareBackup({ hostId, name });
export const prepareRestore = (input: InputOf<'volumes.prepareRestore'>) => client().volumes.prepareRestore(input);

export const inspectNetwork = (network: Pick<NetworkInfo, 'hostId' | 'id'>) => client().networks.inspect({ hostId: network.hostId, id: network.id });
export const removeUnusedNetworks = (hostId: HostId) => client().networks.removeUnused({ hostId });
