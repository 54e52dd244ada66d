/**
 * What the list shows of each monitor besides its state: its last result and its uptime and
 * latency figures, kept in memory so that a list or a change event never reads SQLite for every
 * monitor.
 *
 * The figures are read from the history once per monitor, then counted as beats arrive (`count`),
 * and read again on a slow round (`refreshStep`, one step a second) so that beats which left a
 * window stop counting — 24 h every 10 minutes, 30 d and 1 y every 6 h. Between two reads a window
 * can hold a few beats older than its span; that is the price of not reading SQLite for every
 * monitor at every check.
 */
import type { Logger } from '../../platform/platform';
import type { BeatStatus, MonitorHistory } from '../history/monitor-history';
import type { MonitorId } from '../../../../shared/model/ids';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The slow round: one step per tick; every 24 h window is read again within 10 minutes, the others within 6 h. */
export const FIGURES_TICK_MS = 1000;
const DAY_FIGURES_EVERY_MS = 10 * 60_000;
const LONG_FIGURES_EVERY_MS = 6 * HOUR;

export interface LastResult {
  time: number;
  status: 'up' | 'down';
  latencyMs: number | null;
  message: string;
  details?: Record<string, string | number | boolean>;
}

/** Beats counted in one window of a monitor's history: up, down, and the latencies. */
interface WindowCounts {
  up: number;
  down: number;
  latencyCount: number;
  latencySumMs: number;
}

/** A monitor's figures: 24 h, 30 d and 1 y, and when each was last read from the history. */
interface Figures {
  day: WindowCounts;
  month: WindowCounts;
  year: WindowCounts;
  dayAt: number;
  longAt: number;
}

/** The figures a list row shows. */
export interface RowFigures {
  uptime: { day: number | null; month: number | null; year: number | null };
  /** Average latency over the last 24 h (null: none recorded). */
  avgLatencyMs24h: number | null;
}

export class MonitorFigures {
  private readonly figures = new Map<MonitorId, Figures>();
  private cursor: MapIterator<[MonitorId, Figures]> = this.figures.entries();
  private readonly last = new Map<MonitorId, LastResult>();
  /** Monitors whose last result was looked up in the history already (found or not). */
  private readonly lastLooked = new Set<MonitorId>();

  constructor(
    private readonly history: MonitorHistory,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  /** The last result: this session's, else the newest beat in the history (looked up once). */
  lastOf(id: MonitorId): LastResult | null {
    const known = this.last.get(id);
    if (known !== undefined || this.lastLooked.has(id)) return known ?? null;
    this.lastLooked.add(id);
    try {
      const [b] = this.history.recentBeats(id, 1);
      if (!b) return null;
      const last: LastResult = { time: b.time, status: b.status === 'up' ? 'up' : 'down', latencyMs: b.latencyMs, message: b.message ?? '' };
      this.last.set(id, last);
      return last;
    } catch (e) {
      this.logger.warn('monitors: could not read the history', { monitorId: id, error: (e as Error).message });
      return null;
    }
  }

  /** Whether a last result is known already (this session's, or one looked up in the history). */
  hasLast(id: MonitorId): boolean {
    return this.last.has(id);
  }

  setLast(id: MonitorId, last: LastResult): void {
    this.last.set(id, last);
  }

  /** Uptime and average latency, from memory (read from the history the first time). */
  of(id: MonitorId): RowFigures {
    const f = this.figuresOf(id);
    const ratio = (w: WindowCounts) => (w.up + w.down === 0 ? null : w.up / (w.up + w.down));
    return {
      uptime: { day: ratio(f.day), month: ratio(f.month), year: ratio(f.year) },
      avgLatencyMs24h: f.day.latencyCount ? f.day.latencySumMs / f.day.latencyCount : null,
    };
  }

  /** A beat just recorded counts in every window of figures already read (others read it from the history). */
  count(id: MonitorId, beat: BeatStatus, latencyMs: number | null): void {
    const f = this.figures.get(id);
    if (!f) return;
    for (const w of [f.day, f.month, f.year]) {
      if (beat === 'up') w.up++;
      else if (beat === 'down') w.down++;
      if (latencyMs !== null) {
        w.latencyCount++;
        // Kept to the microsecond, as the history keeps it.
        w.latencySumMs += Math.round(latencyMs * 1000) / 1000;
      }
    }
  }

  /** A monitor removed: nothing of it is kept. */
  forget(id: MonitorId): void {
    this.last.delete(id);
    this.lastLooked.delete(id);
    this.figures.delete(id);
  }

  /**
   * One step of the slow round: the figures read longest ago are read again from the history.
   * Figures of monitors that are gone (`known` says no) are dropped; `changed` hears of each
   * monitor whose counts moved.
   */
  refreshStep(known: (id: MonitorId) => boolean, changed: (id: MonitorId) => void): void {
    const now = this.now();
    const n = this.figures.size;
    if (!n) return;
    const steps = Math.ceil((n * FIGURES_TICK_MS) / DAY_FIGURES_EVERY_MS) + 1;
    for (let i = 0; i < steps; i++) {
      let next = this.cursor.next();
      if (next.done) {
        this.cursor = this.figures.entries();
        next = this.cursor.next();
        if (next.done) return;
      }
      const [id, f] = next.value;
      if (!known(id)) {
        this.figures.delete(id);
        continue;
      }
      const before = [f.day.up, f.day.down, f.month.up, f.month.down, f.year.up, f.year.down].join();
      if (now - f.dayAt >= DAY_FIGURES_EVERY_MS) {
        f.day = this.windowCounts(id, now - DAY);
        f.dayAt = now;
      }
      if (now - f.longAt >= LONG_FIGURES_EVERY_MS) {
        f.month = this.windowCounts(id, now - 30 * DAY);
        f.year = this.windowCounts(id, now - 365 * DAY);
        f.longAt = now;
      }
      if ([f.day.up, f.day.down, f.month.up, f.month.down, f.year.up, f.year.down].join() !== before) changed(id);
    }
  }

  private figuresOf(id: MonitorId): Figures {
    let f = this.figures.get(id);
    if (!f) {
      const now = this.now();
      f = { day: this.windowCounts(id, now - DAY), month: this.windowCounts(id, now - 30 * DAY), year: this.windowCounts(id, now - 365 * DAY), dayAt: now, longAt: now };
      this.figures.set(id, f);
    }
    return f;
  }

  private windowCounts(id: MonitorId, since: number): WindowCounts {
    try {
      const d = this.history.uptimeDetail(id, since);
      return { up: d.up, down: d.down, latencyCount: d.latencyCount, latencySumMs: d.latencySumMs };
    } catch (e) {
      this.logger.warn('monitors: could not read the history', { monitorId: id, error: (e as Error).message });
      return { up: 0, down: 0, latencyCount: 0, latencySumMs: 0 };
    }
  }
}
