import type { HostId, HostVolumesInfo, PrepareRestoreInput, PruneVolumesResultInfo, VolumeDirInfo, VolumesApi, VolumeTransferInfo } from '../../../shared/contract';
import { listEveryHost, type EngineHub } from '../engines';
import type { StartersOf } from '../streams/streams-service';
import { volumeTransferStream } from './transfer-stream';
import type { VolumeTransfers } from './transfers';
import { browseVolume } from './browse';
import { listVolumes, pruneVolumes, removeVolume } from './volumes';

/** The volumes of every host: list, browse, remove, and backups to and restores from the user's computer. */
export class VolumesService implements VolumesApi {
  constructor(
    private readonly hub: EngineHub,
    private readonly transfers: VolumeTransfers,
  ) {}

  async list(): Promise<HostVolumesInfo[]> {
    return (await listEveryHost(this.hub, (h) => listVolumes(this.hub.dockerOf(h), h))).map(({ hostId, items, error }) => ({ hostId, volumes: items, error }));
  }

  async remove({ hostId, name }: { hostId: HostId; name: string }): Promise<void> {
    return removeVolume(this.hub.dockerOf(hostId), name);
  }

  async browse({ hostId, name, path }: { hostId: HostId; name: string; path: string }): Promise<VolumeDirInfo> {
    return browseVolume(this.hub.dockerOf(hostId), name, path);
  }

  async prune({ hostId, all }: { hostId: HostId; all: boolean }): Promise<PruneVolumesResultInfo> {
    return pruneVolumes(this.hub.dockerOf(hostId), { all });
  }

  prepareBackup(input: { hostId: HostId; name: string }): Promise<VolumeTransferInfo | null> {
    return this.transfers.prepareBackup(input);
  }

  prepareRestore(input: PrepareRestoreInput): Promise<VolumeTransferInfo | null> {
    return this.transfers.prepareRestore(input);
  }
}

/** The volumes' stream kinds: a backup's or restore's progress. */
export function volumeStreams(transfers: VolumeTransfers): StartersOf<'volumes'> {
  return { 'volume.transfer': volumeTransferStream(transfers) };
}
