import type { HostId, HostNetworksInfo, NetworkDetailInfo, NetworksApi, RemoveNetworksResultInfo } from '../../../shared/contract';
import { listEveryHost, type EngineHub } from '../engines';
import { inspectNetwork, listNetworks, removeUnusedNetworks } from './networks';

/** The networks of every host. */
export class NetworksService implements NetworksApi {
  constructor(private readonly hub: EngineHub) {}

  async list(): Promise<HostNetworksInfo[]> {
    return (await listEveryHost(this.hub, (h) => listNetworks(this.hub.dockerOf(h), h))).map(({ hostId, items, error }) => ({ hostId, networks: items, error }));
  }

  async removeUnused({ hostId }: { hostId: HostId }): Promise<RemoveNetworksResultInfo> {
    return removeUnusedNetworks(this.hub.dockerOf(hostId));
  }

  async inspect({ hostId, id }: { hostId: HostId; id: string }): Promise<NetworkDetailInfo> {
    return inspectNetwork(this.hub.dockerOf(hostId), hostId, id);
  }
}
