import type { DiskUsageInfo, EnginesApi, HostId, HostOverviewInfo } from '../../../shared/contract';
import type { StartersOf } from '../streams/streams-service';
import type { EngineHub } from './engine-hub';
import { engineEventsStream } from './events-stream';
import { diskUsage, hostOverview } from './overview';

/** A host's engine at a glance: what it runs on and what its disk holds. */
export class EnginesService implements EnginesApi {
  constructor(private readonly hub: EngineHub) {}

  async overview({ hostId }: { hostId: HostId }): Promise<HostOverviewInfo> {
    return hostOverview(this.hub.dockerOf(hostId), hostId);
  }

  async diskUsage({ hostId, refresh }: { hostId: HostId; refresh: boolean }): Promise<DiskUsageInfo> {
    return diskUsage(this.hub.dockerOf(hostId), hostId, refresh);
  }
}

/** The engines' stream kinds. */
export function engineStreams(hub: EngineHub): StartersOf<'engines'> {
  return { 'engine.events': engineEventsStream(hub) };
}
