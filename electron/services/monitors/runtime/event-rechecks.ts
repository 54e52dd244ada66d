/**
 * Event-driven monitors (container, push) report only when something changes, so nothing would
 * check them again while the policy waits to confirm a failure or a recovery. While the policy
 * wants a fast re-check of one, its current state is fed again every retry interval.
 *
 * A container is looked at again after a few seconds instead when it is coming back (its start or
 * healthy event is first-hand evidence: the second look only makes sure it did not fall over
 * straight away, the policy's recovery confirmation), and when a new watch (a new monitor,
 * Homeport starting, the host back) found it down: it may have been down for as long as nobody
 * could see it, so its retries are not spread over minutes.
 */
import type { MonitorPolicyStatus } from '../../alerts';
import type { CheckResult, MonitorConfig } from '../checks';
import type { MonitorId } from '../../../../shared/model/ids';

/**
 * How soon a container is looked at again to confirm what a new watch or a start event showed
 * (scaled like the intervals), instead of the retry interval.
 */
const CONTAINER_QUICK_LOOK_MS = 3_000;

export interface EventRechecksOptions {
  /** Test-only interval scale (see MonitorsManagerOptions.intervalScale). */
  scale: number;
  status: (id: MonitorId) => MonitorPolicyStatus | undefined;
  config: (id: MonitorId) => MonitorConfig | undefined;
  /** What the monitor reports right now (null: nothing yet). */
  current: (c: MonitorConfig) => CheckResult | null;
  onResult: (id: MonitorId, result: CheckResult) => void;
}

export class EventRechecks {
  private readonly timers = new Map<MonitorId, NodeJS.Timeout>();
  /** Container monitors whose watch started and whose state is not decided yet. */
  private readonly fresh = new Set<MonitorId>();
  private stopped = false;

  constructor(private readonly opts: EventRechecksOptions) {}

  /** A watch (re)started: a re-read still pending from the last one would read the new one a retry interval late. */
  freshWatch(id: MonitorId): void {
    this.clearTimer(id);
    this.fresh.add(id);
  }

  /** After a result: reads the monitor again later if the policy waits for a confirmation. */
  schedule(c: MonitorConfig): void {
    if (c.type !== 'container' && c.type !== 'push') return;
    const status = this.opts.status(c.id);
    if (!status?.fastRecheck) this.fresh.delete(c.id);
    if (this.timers.has(c.id) || this.stopped || !status?.fastRecheck) return;
    const retryMs = c.retryIntervalSec * 1000 * this.opts.scale;
    const quick = c.type === 'container' && (status.confirmed === 'down' || this.fresh.has(c.id));
    const delay = quick ? Math.min(retryMs, CONTAINER_QUICK_LOOK_MS * this.opts.scale) : retryMs;
    const t = setTimeout(() => {
      this.timers.delete(c.id);
      const cur = this.opts.config(c.id);
      if (!cur || cur.paused || this.stopped) return;
      const r = this.opts.current(cur);
      if (r) this.opts.onResult(c.id, r);
    }, delay);
    t.unref?.();
    this.timers.set(c.id, t);
  }

  /** The monitor stopped (paused, edited, removed). */
  cancel(id: MonitorId): void {
    this.clearTimer(id);
    this.fresh.delete(id);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private clearTimer(id: MonitorId): void {
    const t = this.timers.get(id);
    if (t) clearTimeout(t);
    this.timers.delete(id);
  }
}
