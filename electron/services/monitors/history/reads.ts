/**
 * The history's reads: uptime windows, response-time series, recent beats, status bars and
 * incidents, each combining raw beats and roll-ups as the module comment of monitor-history.ts
 * describes. Each first has the owner write what is buffered (`beforeRead`), so it sees every
 * recorded beat.
 */
import { HomeportError } from '../../../../shared/model/errors';
import { MonitorId } from '../../../../shared/model/ids';
import { ceilTo, DAY, floorTo, HOUR, LEVELS, MINUTE, STATUS_NAME, worstStatus, type Level, type Retention } from './levels';
import type { Statements } from './statements';
import type { Beat, Incident, IncidentKind, LatencyPoint, StatusBar, UptimeDetail } from './types';

/** What the reads need of the open history. */
export interface ReadContext {
  st: Statements;
  retention: Readonly<Retention>;
  now: () => number;
  /** The file's id of a monitor; undefined when it has no history. */
  idOf: (monitorId: string) => number | undefined;
  /** Newest beat time written in this session. */
  newestBeat: () => number;
  /** Writes what is buffered (a failure is logged, not thrown); throws when the history is closed. */
  beforeRead: () => void;
}

interface Counts {
  up: number;
  down: number;
  pending: number;
  maintenance: number;
  unknown: number;
}

/** A caller's mistake (an argument out of range), named in the message. */
export function invalid(message: string): HomeportError {
  return new HomeportError({ code: 'VALIDATION', message });
}

export class HistoryReads {
  constructor(private readonly c: ReadContext) {}

  /** Up and down beats and latency sums since `sinceMs`, and where the window really starts (see the module comment of monitor-history.ts on precision). */
  uptimeDetail(monitorId: string, sinceMs: number): UptimeDetail {
    if (!Number.isFinite(sinceMs)) throw invalid('Monitor history: sinceMs must be epoch milliseconds.');
    this.c.beforeRead();
    const mid = this.c.idOf(monitorId);
    const now = this.c.now();
    let li = LEVELS.findIndex((l) => this.keeps(l, sinceMs, now));
    let s: number;
    if (li >= 0) s = floorTo(sinceMs, LEVELS[li]!.ms);
    else {
      // Older than anything kept: the window starts at the oldest day bucket kept.
      li = LEVELS.length - 1;
      s = Math.max(floorTo(sinceMs, DAY), this.oldestKept(LEVELS[li]!, now));
    }
    const fromMs = s;
    if (mid === undefined) return { ratio: null, up: 0, down: 0, latencyCount: 0, latencySumMs: 0, fromMs };
    let up = 0;
    let down = 0;
    let latN = 0;
    let latUs = 0;
    for (let i = li; i < LEVELS.length; i++) {
      const level = LEVELS[i]!;
      const next = LEVELS[i + 1];
      // Each granularity covers from s up to the next coarser boundary; days run to the present.
      const end = next ? ceilTo(s, next.ms) : floorTo(Math.max(now, s), DAY) + 2 * DAY;
      if (end > s) {
        const row = (
          level.name === 'raw'
            ? this.c.st.upDown.raw.get(BigInt(Math.floor(s / MINUTE)), mid, s, end)
            : this.c.st.upDown[level.name].get(BigInt(s), BigInt(level.ms), BigInt(end - level.ms), mid)
        ) as { up: number | null; down: number | null; ln: number | null; ls: number | null };
        up += row.up ?? 0;
        down += row.down ?? 0;
        latN += row.ln ?? 0;
        latUs += row.ls ?? 0;
      }
      s = end;
    }
    return { ratio: up + down === 0 ? null : up / (up + down), up, down, latencyCount: latN, latencySumMs: latUs / 1000, fromMs };
  }

  /**
   * Response times between `fromMs` and `toMs` (inclusive), at most `maxPoints` points, oldest
   * first. Raw beats (t = the beat's time) when the range is inside the raw window and holds no
   * more than `maxPoints` of them. Otherwise regular buckets (t = bucket start), a multiple of a
   * minute, hour or day — the coarsest granularity still fine enough, among those kept back to
   * `fromMs` — every bucket present, avg/min/max null where no beat had a latency. The first
   * bucket starts at or before `fromMs`. When the buckets touching the range are one more than
   * `maxPoints`, the partial one at the start (or, if the start is aligned, at the end) is left
   * out, so a year at 365 points is 365 days and 24 h at 288 points is 5-minute buckets, not
   * 183 × 2 days and 241 × 6 minutes.
   */
  latencySeries(monitorId: string, fromMs: number, toMs: number, maxPoints: number): LatencyPoint[] {
    if (!Number.isInteger(maxPoints) || maxPoints < 1) throw invalid('Monitor history: maxPoints must be a positive integer.');
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || toMs < fromMs) throw invalid('Monitor history: the range must run from an earlier to a later time.');
    this.c.beforeRead();
    const mid = this.c.idOf(monitorId);
    if (mid === undefined) return [];
    const now = this.c.now();

    const rawTo = Math.min(toMs, this.horizon(now));
    if (this.keeps(LEVELS[0]!, fromMs, now) && this.rawMightFit(mid, fromMs, rawTo, maxPoints)) {
      const rows =
        rawTo < fromMs
          ? []
          : (this.c.st.rawSeries.all(...this.minutes(fromMs, rawTo), mid, fromMs, toMs, maxPoints + 1) as Array<{ time: number; us: number | null }>);
      if (rows.length <= maxPoints)
        return rows.map((r) => {
          const ms = r.us === null ? null : r.us / 1000;
          return { t: r.time, avg: ms, min: ms, max: ms };
        });
    }

    const rollups = LEVELS.slice(1);
    const kept = rollups.filter((l) => this.keeps(l, fromMs, now));
    const candidates = kept.length > 0 ? kept : [rollups[rollups.length - 1]!];
    const ideal = (toMs - fromMs + 1) / maxPoints;
    let level = candidates[0]!;
    for (const l of candidates) if (l.ms <= ideal) level = l;
    const plan = (k: number) => {
      const step = k * level.ms;
      let first = Math.floor(fromMs / step);
      let last = Math.floor(toMs / step);
      if (last - first + 1 > maxPoints) {
        if (first * step < fromMs) first++;
        else if (last * step + step - 1 > toMs) last--;
      }
      return { step, first, last };
    };
    let k = Math.max(1, Math.floor(ideal / level.ms));
    let p = plan(k);
    for (let tries = 0; p.last - p.first + 1 > maxPoints; tries++) p = plan((k = tries < 8 ? k + 1 : k * 2));
    const { step, first, last } = p;

    const lo = Math.max(first * step < fromMs ? floorTo(fromMs, level.ms) : first * step, this.oldestKept(level, now));
    const hi = Math.min(floorTo(toMs, level.ms), floorTo(now, level.ms) + DAY);
    const rows =
      lo > hi
        ? []
        : (this.c.st.series[level.name as 'minute' | 'hour' | 'day'].all(BigInt(lo), BigInt(level.ms), BigInt(hi), mid, BigInt(step)) as Array<{
            i: number;
            n: number;
            s: number;
            mn: number | null;
            mx: number | null;
          }>);
    const byIndex = new Map(rows.map((r) => [r.i, r]));
    const out: LatencyPoint[] = [];
    for (let i = first; i <= last; i++) {
      const r = byIndex.get(i);
      out.push(r && r.n > 0 ? { t: i * step, avg: r.s / r.n / 1000, min: r.mn! / 1000, max: r.mx! / 1000 } : { t: i * step, avg: null, min: null, max: null });
    }
    return out;
  }

  /**
   * Whether the raw beats in [from, to] might number no more than `maxPoints`, from the hour
   * roll-ups (~25 lookups), so that a range that clearly holds too many is not read beat by beat.
   */
  private rawMightFit(mid: number, from: number, to: number, maxPoints: number): boolean {
    if (to < from) return true;
    const hours = this.c.st.hourCounts.all(BigInt(floorTo(from, HOUR)), BigInt(HOUR), BigInt(floorTo(to, HOUR)), mid) as Array<{ bucket: number; n: number }>;
    // Hours wholly inside the range: their beats are all in it.
    let inside = 0;
    for (const h of hours) if (h.bucket >= from && h.bucket + HOUR - 1 <= to) inside += h.n;
    return inside <= maxPoints;
  }

  /** The newest `limit` beats, newest first (for the uptime bar of the monitor list). */
  recentBeats(monitorId: string, limit: number): Beat[] {
    if (!Number.isInteger(limit) || limit < 0) throw invalid('Monitor history: limit must be a non-negative integer.');
    this.c.beforeRead();
    const mid = this.c.idOf(monitorId);
    if (mid === undefined || limit === 0) return [];
    // Minute by minute, newest first, until `limit` beats (at most the raw window: 1,440 lookups).
    const now = this.c.now();
    const out: Beat[] = [];
    const oldest = Math.floor((now - this.c.retention.rawMs) / MINUTE);
    for (let m = Math.floor(this.horizon(now) / MINUTE); m >= oldest && out.length < limit; m--) {
      for (const r of this.c.st.recentInMinute.all(m, mid) as Array<{ time: number; status: number; us: number | null; message: string | null }>) {
        out.push({ monitorId, time: r.time, status: STATUS_NAME[r.status]!, latencyMs: r.us === null ? null : r.us / 1000, message: r.message });
        if (out.length === limit) break;
      }
    }
    return out;
  }

  /**
   * `buckets` bars of `bucketMs` each, oldest first, the last one holding now; bars are aligned to
   * multiples of `bucketMs` since the epoch (UTC), so they do not shift as time passes. Read from
   * the coarsest granularity that divides `bucketMs` (a 1-hour bar reads hour roll-ups, a 90-second
   * bar raw beats — so bars older than that granularity's retention come back empty).
   */
  statusBars(monitorId: string, buckets: number, bucketMs: number): StatusBar[] {
    if (!Number.isInteger(buckets) || buckets < 1 || buckets > 100_000) throw invalid('Monitor history: buckets must be an integer from 1 to 100000.');
    if (!Number.isInteger(bucketMs) || bucketMs < 1) throw invalid('Monitor history: bucketMs must be a positive integer.');
    this.c.beforeRead();
    const now = this.c.now();
    const end = floorTo(now, bucketMs) + bucketMs;
    const start = end - buckets * bucketMs;
    const mid = this.c.idOf(monitorId);
    const rows = new Map<number, Counts>();
    if (mid !== undefined) {
      let level = LEVELS[0]!;
      for (const l of LEVELS) if (bucketMs % l.ms === 0) level = l;
      let found: Array<Counts & { i: number }> = [];
      if (level.name === 'raw') {
        const lo = Math.max(start, now - this.c.retention.rawMs);
        if (lo < end) found = this.c.st.bars.raw.all(...this.minutes(lo, end - 1), mid, BigInt(bucketMs), lo, end) as unknown as typeof found;
      } else {
        const lo = Math.max(start, this.oldestKept(level, now));
        if (lo < end) found = this.c.st.bars[level.name].all(BigInt(lo), BigInt(level.ms), BigInt(end - level.ms), mid, BigInt(bucketMs)) as unknown as typeof found;
      }
      for (const r of found) rows.set(r.i, r);
    }
    const out: StatusBar[] = [];
    for (let t = start; t < end; t += bucketMs) {
      const c = rows.get(t / bucketMs);
      if (!c) out.push({ t, status: null, up: 0, down: 0, other: 0 });
      else out.push({ t, status: worstStatus(c), up: c.up, down: c.down, other: c.pending + c.maintenance + c.unknown });
    }
    return out;
  }

  /** Incidents, newest first: of one monitor, or of all (`null`); both kinds unless `kind` is given. */
  incidents(monitorId: string | null, limit: number, kind?: IncidentKind): Incident[] {
    if (!Number.isInteger(limit) || limit < 0) throw invalid('Monitor history: limit must be a non-negative integer.');
    this.c.beforeRead();
    const kinds = kind ? [kind, kind] : ['observed', 'confirmed'];
    let rows: Array<{ id: number; key: string; kind: IncidentKind; started: number; ended: number | null; message: string | null }>;
    if (monitorId === null) rows = this.c.st.incidentsAll.all(...kinds, limit) as typeof rows;
    else {
      const mid = this.c.idOf(monitorId);
      if (mid === undefined) return [];
      rows = this.c.st.incidentsOf.all(mid, ...kinds, limit) as typeof rows;
    }
    const now = this.c.now();
    return rows.map((r) => ({
      id: r.id,
      // The id the monitor was recorded under.
      monitorId: MonitorId(r.key),
      kind: r.kind,
      start: r.started,
      end: r.ended,
      durationMs: Math.max(0, (r.ended ?? now) - r.started),
      message: r.message,
    }));
  }

  /** The newest time worth looking at for raw beats: now, or a little later if beats came from a clock ahead of ours. */
  private horizon(now: number): number {
    return Math.max(now, Math.min(this.c.newestBeat(), now + DAY));
  }

  /** WALK parameters (first, step, last) for the minutes holding [from, to]. */
  private minutes(from: number, to: number): [bigint, bigint, bigint] {
    return [BigInt(Math.floor(from / MINUTE)), 1n, BigInt(Math.floor(to / MINUTE))];
  }

  /** Whether `level` still holds the data at `t`: the bucket holding `t` is not older than the retention. */
  private keeps(level: Level, t: number, now: number): boolean {
    return floorTo(t, level.ms) >= now - this.c.retention[level.retention];
  }

  /** Start of the oldest bucket of `level` that retention keeps (older rows may linger until prune(); reads ignore them). */
  private oldestKept(level: Level, now: number): number {
    return ceilTo(now - this.c.retention[level.retention], level.ms);
  }
}
