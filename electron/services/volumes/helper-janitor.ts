import type Dockerode from 'dockerode';
import type { HostId } from '../../../shared/contract';
import type { EngineHub } from '../engines';
import type { Logger } from '../platform/platform';
import { cleanupStaleHelpers, helpersSettled, onHelperLeftBehind } from './helper-containers';

/** Connected hosts are looked over again this often (a leftover of another Homeport ages into removal). */
export const HELPER_SWEEP_INTERVAL_MS = 3600_000;
/** After a helper could not be removed, the hosts that are connected are looked over this soon. */
const LEFT_BEHIND_DELAY_MS = 2000;

/**
 * Keeps the hosts free of Homeport's helper containers that were left behind (see
 * cleanupStaleHelpers): each host is looked over when it connects (a helper left by a lost
 * connection, or by a Homeport that was killed, goes then), every hour while it stays connected,
 * and soon after one of this process's helpers could not be removed. At shutdown, `drain` lets the
 * helpers in use finish (their transfers were cancelled) before the connections close.
 */
export class HelperJanitor {
  private readonly stopAvailability: () => void;
  private readonly stopLeftBehind: () => void;
  private readonly interval: NodeJS.Timeout;
  private soon: NodeJS.Timeout | null = null;
  private disposed = false;

  constructor(
    private readonly hub: EngineHub,
    private readonly logger: Logger,
  ) {
    this.stopAvailability = hub.onAvailability((hostId, available) => {
      if (available) this.sweep(hostId);
    });
    this.stopLeftBehind = onHelperLeftBehind(() => {
      if (this.soon || this.disposed) return;
      this.soon = setTimeout(() => {
        this.soon = null;
        this.sweepAll();
      }, LEFT_BEHIND_DELAY_MS);
      this.soon.unref();
    });
    this.interval = setInterval(() => this.sweepAll(), HELPER_SWEEP_INTERVAL_MS);
    this.interval.unref();
  }

  /** Waits (at most `timeoutMs`) for the helpers in use on this Homeport's hosts to be removed. */
  async drain(timeoutMs: number): Promise<void> {
    await helpersSettled(this.dockers(), timeoutMs);
  }

  dispose(): void {
    this.disposed = true;
    this.stopAvailability();
    this.stopLeftBehind();
    clearInterval(this.interval);
    if (this.soon) clearTimeout(this.soon);
    this.soon = null;
  }

  private dockers(): Dockerode[] {
    return this.hub.hostIds().flatMap((id) => {
      try {
        return [this.hub.dockerOf(id)];
      } catch {
        return []; // not connected
      }
    });
  }

  private sweepAll(): void {
    for (const id of this.hub.hostIds()) this.sweep(id);
  }

  private sweep(hostId: HostId): void {
    if (this.disposed) return;
    let docker: Dockerode;
    try {
      docker = this.hub.dockerOf(hostId);
    } catch {
      return; // not connected: looked over when it connects
    }
    cleanupStaleHelpers(docker).then(
      (n) => {
        if (n > 0) this.logger.info('removed helper containers left behind', { hostId, count: n });
      },
      (e: unknown) => this.logger.warn('could not look for helper containers left behind', { hostId, error: e instanceof Error ? e.message : String(e) }),
    );
  }
}
