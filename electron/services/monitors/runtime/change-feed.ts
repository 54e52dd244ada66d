/**
 * Collects which monitors changed (their state, figures or settings) and which were removed, and
 * hands them on at most twice a second: with 1,000 monitors checked every 20 s, one event per
 * check would be 50 a second, each carrying the monitor — the window needs far fewer.
 */
import type { MonitorId } from '../../../../shared/model/ids';

/** Changes go out at most this often. */
const CHANGE_EVERY_MS = 500;

export interface ChangeBatch {
  /** Ids of the monitors that changed and still exist. */
  changed: MonitorId[];
  removed: MonitorId[];
}

export class ChangeFeed {
  /** Monitors changed since the last batch (all of them when `all`), and those removed. */
  private readonly dirty = new Set<MonitorId>();
  private all = false;
  private readonly removed = new Set<MonitorId>();
  private timer: NodeJS.Timeout | null = null;
  private lastAt = 0;
  private stopped = false;

  constructor(
    /** Every monitor's id now, and whether one still exists. */
    private readonly monitors: { ids(): Iterable<MonitorId>; has(id: MonitorId): boolean },
    /** Gets the batches; none: changes are not collected. */
    private readonly send: ((batch: ChangeBatch) => void) | undefined,
  ) {}

  /** Something about a monitor (or, without an id, about every monitor) changed. */
  changed(id?: MonitorId): void {
    if (id === undefined) this.all = true;
    else this.dirty.add(id);
    this.schedule();
  }

  /** A monitor was removed: the next batch says so. */
  gone(id: MonitorId): void {
    this.dirty.delete(id);
    this.removed.add(id);
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    const send = this.send;
    if (!send || this.stopped || this.timer) return;
    const wait = Math.max(0, this.lastAt + CHANGE_EVERY_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.stopped) return;
      this.lastAt = Date.now();
      const changed = this.all ? [...this.monitors.ids()] : [...this.dirty].filter((x) => this.monitors.has(x));
      const removed = [...this.removed].filter((x) => !this.monitors.has(x));
      this.dirty.clear();
      this.all = false;
      this.removed.clear();
      if (!changed.length && !removed.length) return;
      send({ changed, removed });
    }, wait);
  }
}
