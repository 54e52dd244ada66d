import { z } from 'zod';
import type { EngineEventInfo } from '../model/container';
import type { HostId } from '../model/ids';
import type { DiskUsageInfo, HostOverviewInfo } from '../model/overview';
import { feature, stream } from './define';
import { hostId } from './fields';

/** What a host's engine says about itself (engine events are the `engine.events` stream). */
export interface EnginesApi {
  /** Engine version, OS, CPUs, memory, container counts (`/version` + `/info`). */
  overview(input: { hostId: HostId }): Promise<HostOverviewInfo>;
  /** Disk use per category (`/system/df`: costly, so cached 30 s unless `refresh`). */
  diskUsage(input: { hostId: HostId; refresh: boolean }): Promise<DiskUsageInfo>;
}

export const engines = feature<EnginesApi>()({
  methods: {
    overview: { input: z.object({ hostId }), action: 'read the host’s overview' },
    diskUsage: { input: z.object({ hostId, refresh: z.boolean() }), action: 'read the disk usage' },
  },
  streams: {
    'engine.events': stream<{ params: { hostId: HostId }; data: EngineEventInfo }>({
      params: z.object({ hostId }),
      action: 'follow the engine’s events',
    }),
  },
});
