/**
 * Where the runtime's alerts go, in order: the recent list (`remember`), whoever listens to the
 * monitors (`announce`), then the channels (`dispatch`). Deliveries still under way are kept, so that stopping can wait for them
 * (bounded: a supervisor kills a process that takes too long) and tests can wait until every
 * alert is out.
 */
import type { Alert } from '../../alerts';
import type { Logger } from '../../platform/platform';

export interface AlertOutletOptions {
  logger: Logger;
  /** Every alert, first: kept in the recent list. */
  remember: (alert: Alert) => void;
  /** Every alert, next: told to whoever listens to the monitors (a listener that throws is the emitter's to log). */
  announce: (alert: Alert) => void;
  /** Every alert, last: handed to the channels; resolves when delivered (or given up). */
  dispatch: (alert: Alert) => Promise<unknown>;
}

export class AlertOutlet {
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(private readonly opts: AlertOutletOptions) {}

  send(alerts: readonly Alert[]): void {
    for (const alert of alerts) {
      this.opts.remember(alert);
      this.opts.announce(alert);
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
