/**
 * The runtime's side of the history: each result as a beat, with the state the policy gave it;
 * confirmed transitions (the policy's `confirmed` field changing) as 'confirmed' incidents, so an
 * outage is recorded even while muted; and, after a restart, each monitor's last confirmed state
 * read back (an open confirmed incident → down), so a known outage is not announced again. A
 * write that fails is logged, never thrown: a full disk must not stop the monitors.
 */
import type { MonitorPolicyStatus } from '../../alerts';
import type { Logger } from '../../platform/platform';
import { MonitorHistory, type BeatStatus, type Incident, type LatencyPoint, type PruneResult, type StatusBar } from '../history/monitor-history';
import type { MonitorId } from '../../../../shared/model/ids';

export class HistoryLog {
  readonly history: MonitorHistory;
  /** Each monitor's last confirmed state as recorded (an open incident while 'down'). */
  private readonly confirmed = new Map<MonitorId, 'up' | 'down' | null>();

  constructor(
    file: string,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {
    this.history = MonitorHistory.open(file, { logger, now });
  }

  /**
   * Records one result as a beat: maintenance, up, or — for a failure — down once the policy
   * confirmed it, unknown while the host cannot be reached, else pending (a retry is under way).
   * Returns the beat written, null when it could not be.
   */
  record(monitorId: MonitorId, time: number, result: { status: 'up' | 'down'; latencyMs: number | null; message: string }, state: MonitorPolicyStatus['state'] | undefined): BeatStatus | null {
    let beat: BeatStatus;
    if (state === 'maintenance') beat = 'maintenance';
    else if (result.status === 'up') beat = 'up';
    else if (state === 'down') beat = 'down';
    else if (state === 'unknown') beat = 'unknown';
    else beat = 'pending';
    try {
      this.history.record({ monitorId, time, status: beat, latencyMs: result.latencyMs, message: result.message });
      return beat;
    } catch (e) {
      this.logger.warn('monitors: could not record a check', { monitorId, error: (e as Error).message });
      return null;
    }
  }

  /** The policy's view of a monitor changed: a confirmed outage opens an incident, its end closes it. */
  policyState(s: MonitorPolicyStatus): void {
    const prev = this.confirmed.get(s.monitorId) ?? null;
    if (s.confirmed === prev) return;
    this.confirmed.set(s.monitorId, s.confirmed);
    try {
      if (s.confirmed === 'down') this.history.openIncident(s.monitorId, s.downSince ?? this.now(), s.message || null);
      else if (prev === 'down') this.history.closeIncident(s.monitorId, this.now());
    } catch (e) {
      this.logger.warn('monitors: could not record an incident', { monitorId: s.monitorId, error: (e as Error).message });
    }
  }

  /** The last confirmed state before a restart, for the policy (undefined: nothing to go by). */
  restoredState(monitorId: MonitorId): { status: 'up' | 'down'; since?: number } | undefined {
    const [inc] = this.history.incidents(monitorId, 1, 'confirmed');
    if (inc && inc.end === null) return { status: 'down', since: inc.start };
    const [beat] = this.history.recentBeats(monitorId, 1);
    if (beat?.status === 'up') return { status: 'up', since: inc?.end ?? beat.time };
    return undefined;
  }

  /** A monitor was removed: its history goes. */
  forget(monitorId: MonitorId): void {
    this.confirmed.delete(monitorId);
    this.history.deleteMonitor(monitorId);
  }

  latencySeries(id: MonitorId, fromMs: number, toMs: number, maxPoints: number): LatencyPoint[] {
    this.flush();
    return this.history.latencySeries(id, fromMs, toMs, maxPoints);
  }

  statusBars(id: MonitorId, buckets: number, bucketMs: number): StatusBar[] {
    this.flush();
    return this.history.statusBars(id, buckets, bucketMs);
  }

  incidents(id: MonitorId | null, limit: number, kind?: 'observed' | 'confirmed'): Incident[] {
    this.flush();
    return this.history.incidents(id, limit, kind);
  }

  /** Deletes history that has aged out. */
  prune(): PruneResult {
    return this.history.prune();
  }

  /** Writes the beats still buffered. */
  flush(): void {
    try {
      this.history.flush();
    } catch (e) {
      this.logger.warn('monitors: could not write the history', { error: (e as Error).message });
    }
  }

  close(): void {
    this.history.close();
  }
}
