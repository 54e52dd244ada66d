/**
 * Where the runtime's alerts go, in order: the recent list (`remember`), the listeners, then the
 * channels (`dispatch`). Deliveries still under way are kept, so that stopping can wait for them
 * (bounded: a supervisor kills a process that takes too long) and tests can wait until every
 * alert is out.
 */
import type { Alert } from '../../alerts';
import type { Logger } from '../../platform/platform';

export interface AlertOutletOptions {
  logger: Logger;
  /** Every alert, first: kept in the recent list. */
  remember: (alert: Alert) => void;
  /** Every alert, last: handed to the channels; resolves when delivered (or given up). */
  dispatch: (alert: Alert) => Promise<unknown>;
}

export class AlertOutlet {
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly listeners = new Set<(alert: Alert) => void>();

  constructor(private readonly opts: AlertOutletOptions) {}

  onAlert(listener: (alert: Alert) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  send(alerts: readonly Alert[]): void {
    for (const alert of alerts) {
      this.opts.remember(alert);
      for (const l of this.listeners) {
        try {
          l(alert);
        } catch (e) {
          // One listener's bug must not keep the alert from the others or from the channels.
          this.opts.logger.error('monitors: an alert listener failed', { error: (e as Error).message });
        }
      }
      const p = this.opts.dispatch(alert);
      this.inflight.add(p);
      void p.finally(() => this.inflight.delete(p));
    }
  }

  /** Resolves when every alert handed to the channels so far has been delivered (or given up). */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  /** Waits at most `waitMs` for the deliveries under way; the log says when some were cut short. */
  async drain(waitMs: number): Promise<void> {
    if (!this.inflight.size) return;
    this.opts.logger.info('monitors: waiting for alerts being delivered', { alerts: this.inflight.size, atMostMs: waitMs });
    let timer: NodeJS.Timeout | undefined;
    const delivered = await Promise.race([
      Promise.allSettled([...this.inflight]).then(() => true),
      new Promise<false>((done) => (timer = setTimeout(() => done(false), waitMs))),
    ]);
    clearTimeout(timer);
    if (!delivered) this.opts.logger.warn('monitors: stopped before every alert was delivered', { alerts: this.inflight.size });
  }
}
