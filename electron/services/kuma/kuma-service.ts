import type { HeartbeatInfo, KumaAddInput, KumaAddResultInfo, KumaApi, KumaInstanceId, KumaInstanceInfo } from '../../../shared/contract';
import type { KumaManager } from './kuma-manager';

/** Uptime Kuma as the window sees it: the instances Homeport mirrors, and its own push heartbeat. */
export class KumaService implements KumaApi {
  constructor(private readonly kuma: KumaManager) {}

  async list(): Promise<KumaInstanceInfo[]> {
    return this.kuma.list();
  }

  add(input: KumaAddInput): Promise<KumaAddResultInfo> {
    return this.kuma.add(input);
  }

  async remove({ id }: { id: KumaInstanceId }): Promise<void> {
    this.kuma.remove(id);
  }

  pauseMonitor({ id, monitorId }: { id: KumaInstanceId; monitorId: string }): Promise<void> {
    return this.kuma.pause(id, monitorId);
  }

  resumeMonitor({ id, monitorId }: { id: KumaInstanceId; monitorId: string }): Promise<void> {
    return this.kuma.resume(id, monitorId);
  }

  async heartbeat(): Promise<HeartbeatInfo> {
    return this.kuma.heartbeatInfo();
  }

  setHeartbeat(input: { url: string | null; intervalSec: number }): Promise<HeartbeatInfo> {
    return this.kuma.setHeartbeat(input);
  }

  sendHeartbeat(): Promise<HeartbeatInfo> {
    return this.kuma.sendHeartbeat();
  }
}
