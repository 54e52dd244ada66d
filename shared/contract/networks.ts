import { z } from 'zod';
import type { HostId } from '../model/ids';
import type { HostNetworksInfo, NetworkDetailInfo, RemoveNetworksResultInfo } from '../model/resources';
import { event, feature, none } from './define';
import { hostId } from './fields';

export interface NetworksApi {
  list(): Promise<HostNetworksInfo[]>;
  /** Removes user networks no container is attached to (built-in ones are never removed). */
  removeUnused(input: { hostId: HostId }): Promise<RemoveNetworksResultInfo>;
  /** Subnets, gateways, options and the attached containers with their addresses. */
  inspect(input: { hostId: HostId; id: string }): Promise<NetworkDetailInfo>;
}

export const networks = feature<NetworksApi>()({
  methods: {
    list: { input: none, action: 'list the networks' },
    removeUnused: { input: z.object({ hostId }), action: 'remove the unused networks' },
    inspect: {
      input: z.object({ hostId, id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/, 'is not a network id or name') }),
      action: 'inspect the network',
    },
  },
  events: {
    /** One host's networks after the engine said they changed (whoever changed them). */
    'networks.changed': event<HostNetworksInfo>(),
  },
});
