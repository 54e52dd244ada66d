/**
 * Monitor history: every check ("beat") of every monitor, in one SQLite file through `node:sqlite`.
 *
 * Writes. `record()` only validates and appends to an in-memory buffer; the buffer is written in
 * one transaction every `flushEveryMs` (1 s) or `batchSize` (500) beats, or on `flush()` /
 * `close()`. In that same transaction each beat is rolled up into its minute, hour and day
 * buckets (one upsert per bucket touched, the batch pre-aggregated in memory), so the roll-ups
 * are never behind the raw beats, and a crash loses at most the unflushed last second — never
 * consistency (WAL, synchronous=NORMAL). Every table is clustered by time (see schema.ts for why),
 * so a flush touches a few dozen pages whatever it holds.
 *
 * Retention (defaults; `retention` option): raw beats 24 h, minute buckets 48 h, hour buckets
 * 45 days, day buckets 2 years (730 days). `prune()` deletes what has aged out — one range
 * delete per table; the owner calls it on its own timer (every 10–60 min). Reads ignore rows
 * older than the retention even before prune() removed them, so results do not depend on when it
 * ran. Buckets are aligned to UTC (a "day" is 00:00–24:00 UTC).
 *
 * Uptime = up / (up + down). Pending, maintenance and unknown beats count for neither: a monitor
 * under maintenance, or one Homeport could not judge (its own network down, just woke from sleep),
 * neither earns nor loses uptime. No up or down beat in the window → null ("no data"), not 100 %.
 * Window precision: exact to the beat while `sinceMs` is inside the raw window; beyond it the
 * window starts at the start of the minute / hour / day bucket holding `sinceMs`, whichever is the
 * finest still kept (so "30 days" may start up to 1 h early, "1 year" up to 1 day early), and
 * never before the oldest day bucket kept. Reads combine granularities: raw up to the first
 * minute boundary, minutes up to the first hour boundary, hours up to the first day boundary,
 * then days — a year is at most ~366 + 23 + 59 primary-key lookups, never a scan of raw history.
 *
 * Incidents (contiguous down periods) come in two kinds, each with at most one open per monitor:
 *  - 'observed' — derived by `record()`: the first 'down' beat opens one (its message is the
 *    incident's message), the next 'up' beat closes it (end = that beat's time). Pending,
 *    maintenance and unknown beats neither open nor close one. Assumes one monitor's beats arrive
 *    in time order (an 'up' beat older than the open incident's start is ignored for incidents).
 *  - 'confirmed' — recorded by the alert layer with `openIncident()` / `closeIncident()` when it
 *    has confirmed a transition (after retries, flap damping); that is the list to show users next
 *    to the alerts they received. Both are returned by `incidents()` unless `kind` is given.
 *
 * Times are epoch milliseconds; latencies are kept to the microsecond. The clock (`now`) is
 * injectable: it decides retention, window starts and open-incident durations; beats carry their
 * own time. Everything is synchronous (node:sqlite is), on the caller's thread.
 */
import { existsSync, statSync } from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';
import { HomeportError } from '../../../../shared/model/errors';
import type { Logger } from '../../platform/platform';
import { LEVELS, MINUTE, resolveRetention, STATUS_CODE, type Retention } from './levels';
import { openHistoryDatabase } from './open-database';
import { HistoryReads, invalid } from './reads';
import { prepareStatements, type Statements } from './statements';
import { MAX_MESSAGE_LENGTH, type Beat, type HistoryStats, type Incident, type IncidentKind, type LatencyPoint, type MonitorHistoryOptions, type PruneResult, type StatusBar, type UptimeDetail } from './types';

export { DEFAULT_RETENTION, type BeatStatus, type Retention } from './levels';
export * from './types';

interface Pending {
  key: string;
  time: number;
  code: number;
  /** Microseconds. */
  latencyUs: number | null;
  message: string | null;
}

interface Acc {
  mid: number;
  bucket: number;
  n: [number, number, number, number, number];
  latN: number;
  /** Latencies in microseconds. */
  latSum: number;
  latMin: number | null;
  latMax: number | null;
}


const clip = (m: string | null): string | null => (m !== null && m.length > MAX_MESSAGE_LENGTH ? `${m.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : m);

export class MonitorHistory {
  private readonly st: Statements;
  private readonly reads: HistoryReads;
  private readonly now: () => number;
  private readonly logger: Logger;
  private readonly flushEveryMs: number;
  private readonly batchSize: number;
  private readonly maxBuffered: number;
  /** Caller id → integer id in the file. */
  private readonly ids = new Map<string, number>();
  /** Open 'observed' incident per monitor (integer id). */
  private readonly openObserved = new Map<number, { id: number; start: number }>();
  private buffer: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private dropped = 0;
  private lastFailureLog = 0;
  /** After a failed write, automatic writes wait until then (Date.now()), backing off up to a minute. */
  private retryAt = 0;
  private backoffMs = 0;
  /** A monitor was deleted: prune() purges its rows. */
  private pendingPurge = false;
  /** Newest beat time written in this session, where recentBeats() starts looking if it is after now. */
  private newestBeat = -Infinity;

  private constructor(
    private readonly db: DatabaseSync,
    readonly file: string,
    readonly schemaVersion: number,
    readonly retention: Readonly<Retention>,
    opts: MonitorHistoryOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.logger = opts.logger;
    this.flushEveryMs = opts.flushEveryMs ?? 1000;
    this.batchSize = opts.batchSize ?? 500;
    this.maxBuffered = opts.maxBuffered ?? 100_000;
    this.st = prepareStatements(db);
    this.reads = new HistoryReads({
      st: this.st,
      retention,
      now: this.now,
      idOf: (monitorId) => this.ids.get(monitorId),
      newestBeat: () => this.newestBeat,
      beforeRead: () => this.beforeRead(),
    });
    this.reloadCaches();
    this.pendingPurge = (db.prepare('SELECT count(*) AS n FROM monitor WHERE deleted IS NOT NULL').get() as { n: number }).n > 0;
  }

  /**
   * Opens or creates the history file. Throws a HomeportError (code INTERNAL) when the file is
   * damaged, is not a Homeport history, or was written by a newer Homeport; the file is then left
   * exactly as it was, and the error's `fix` says how to move it aside.
   */
  static open(file: string, opts: MonitorHistoryOptions): MonitorHistory {
    const retention = resolveRetention(opts.retention);
    if (typeof retention === 'string') throw invalid(`Monitor history: ${retention}.`);
    for (const [name, v, min] of [
      ['flushEveryMs', opts.flushEveryMs, 1],
      ['batchSize', opts.batchSize, 1],
      ['maxBuffered', opts.maxBuffered, 1],
    ] as const)
      if (v !== undefined && !(Number.isFinite(v) && v >= min)) throw invalid(`Monitor history: ${name} must be a number ≥ ${min}.`);
    const { db, schemaVersion } = openHistoryDatabase(file, opts.logger);
    try {
      return new MonitorHistory(db, file, schemaVersion, retention, opts);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  // ── Writes ────────────────────────────────────────────────────────────────────────────────

  /**
   * Records one check. Cheap: validates and buffers; the write happens within `flushEveryMs`.
   * A beat with the same monitor and time as one already stored is ignored, so replaying a
   * source (e.g. an Uptime Kuma mirror re-sending its recent heartbeats) does not count twice.
   * Throws VALIDATION for a malformed beat (nothing is buffered then).
   */
  record(beat: Beat): void {
    this.assertOpen();
    const code = STATUS_CODE[beat.status];
    if (code === undefined || !Object.hasOwn(STATUS_CODE, beat.status)) throw invalid(`Monitor history: unknown status ${JSON.stringify(beat.status)}.`);
    if (typeof beat.monitorId !== 'string' || beat.monitorId === '') throw invalid('Monitor history: a beat needs a monitor id.');
    if (!Number.isFinite(beat.time)) throw invalid(`Monitor history: beat time must be epoch milliseconds (got ${String(beat.time)}).`);
    const latency = beat.latencyMs ?? null;
    if (latency !== null && !(Number.isFinite(latency) && latency >= 0)) throw invalid(`Monitor history: latency must be a non-negative number or null (got ${String(latency)}).`);
    const message = beat.message ?? null;
    if (message !== null && typeof message !== 'string') throw invalid('Monitor history: message must be a string or null.');
    this.buffer.push({ key: beat.monitorId, time: Math.round(beat.time), code, latencyUs: latency === null ? null : Math.round(latency * 1000), message: clip(message) });
    this.trimBuffer();
    if (this.buffer.length >= this.batchSize) this.flushQuietly();
    else this.arm();
  }

  /** Writes the buffered beats now. Throws (INTERNAL) when the write fails; the beats stay buffered for the next attempt. */
  flush(): void {
    this.assertOpen();
    this.writeBuffer();
  }

  /**
   * Records a confirmed incident (the alert layer's view, after retries). Returns its id; when one
   * is already open for the monitor, returns that one's id unchanged.
   */
  openIncident(monitorId: string, time: number, message: string | null): number {
    this.assertOpen();
    if (!Number.isFinite(time)) throw invalid('Monitor history: incident time must be epoch milliseconds.');
    this.flushQuietly();
    return this.transaction(() => {
      const mid = this.monitorId(monitorId);
      const open = this.st.openConfirmed.get(mid) as { id: number } | undefined;
      if (open) return open.id;
      return Number(this.st.insIncident.run(mid, 'confirmed', Math.round(time), clip(message)).lastInsertRowid);
    });
  }

  /** Closes the monitor's open confirmed incident at `time`; false when none was open. */
  closeIncident(monitorId: string, time: number): boolean {
    this.assertOpen();
    if (!Number.isFinite(time)) throw invalid('Monitor history: incident time must be epoch milliseconds.');
    const mid = this.ids.get(monitorId);
    if (mid === undefined) return false;
    const open = this.st.openConfirmed.get(mid) as { id: number; started: number } | undefined;
    if (!open) return false;
    this.st.endIncident.run(Math.max(open.started, Math.round(time)), open.id);
    return true;
  }

  /**
   * Deletes a monitor's history: its incidents at once; its beats and roll-ups are unreachable
   * from then on (a new monitor with the same id starts from nothing) and are purged by the next
   * prune(), which then scans the tables once (~1 s for 1,000 monitors' worth). False when it had
   * no history.
   */
  deleteMonitor(monitorId: string): boolean {
    this.assertOpen();
    this.flushQuietly();
    this.buffer = this.buffer.filter((b) => b.key !== monitorId);
    const mid = this.ids.get(monitorId);
    if (mid === undefined) return false;
    this.transaction(() => {
      this.st.delIncidents.run(mid);
      this.st.markDeleted.run(this.now(), mid);
    });
    this.ids.delete(monitorId);
    this.openObserved.delete(mid);
    this.pendingPurge = true;
    return true;
  }

  /**
   * Deletes rows older than their retention, and the roll-ups of deleted monitors. Call it on a
   * timer (every 10–60 min); each call deletes what aged out since the last one.
   */
  prune(): PruneResult {
    this.assertOpen();
    const started = performance.now();
    this.flushQuietly();
    const now = this.now();
    const r = this.retention;
    const result = this.transaction(() => {
      // Every table is clustered by time: one range delete from the start of each.
      const beats = Number(this.st.pruneRaw.run(Math.floor((now - r.rawMs) / MINUTE), now - r.rawMs).changes);
      const minute = Number(this.st.pruneRollup.minute.run(now - r.minuteMs).changes);
      const hour = Number(this.st.pruneRollup.hour.run(now - r.hourMs).changes);
      const day = Number(this.st.pruneRollup.day.run(now - r.dayMs).changes);
      const incidents = Number(this.st.pruneIncidents.run(now - r.dayMs).changes);
      let purged = 0;
      if (this.pendingPurge) {
        // Deleted monitors: their rows are found by scanning (rare, and only here).
        for (const stmt of Object.values(this.st.purge)) purged += Number(stmt.run().changes);
        this.st.purgeMonitors.run();
      }
      return { beats, minute, hour, day, incidents, purgedRows: purged };
    });
    this.pendingPurge = false;
    let reclaimedPages = 0;
    const free = this.pragma('freelist_count');
    if (free > 1024 && free > this.pragma('page_count') / 4) {
      this.db.exec('PRAGMA incremental_vacuum');
      reclaimedPages = free - this.pragma('freelist_count');
    }
    const out: PruneResult = { ...result, reclaimedPages, ms: Math.round(performance.now() - started) };
    if (out.beats + out.minute + out.hour + out.day + out.incidents + out.purgedRows > 0) this.logger.info('monitor history: pruned', { ...out });
    return out;
  }

  /** Writes what is buffered and closes the file. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    try {
      this.writeBuffer();
    } catch (e) {
      this.logger.error('monitor history: beats lost on close', { count: this.buffer.length, error: (e as Error).message });
    }
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    try {
      this.db.exec('PRAGMA optimize');
    } catch {
      // Only an optimisation.
    }
    this.db.close();
  }

  // ── Reads (each first writes what is buffered, so it sees every recorded beat) ─────────────

  /** up / (up + down) since `sinceMs` (e.g. now − 24 h, − 30 d, − 365 d); null when no data. */
  uptime(monitorId: string, sinceMs: number): number | null {
    return this.uptimeDetail(monitorId, sinceMs).ratio;
  }

  uptimeDetail(monitorId: string, sinceMs: number): UptimeDetail {
    return this.reads.uptimeDetail(monitorId, sinceMs);
  }

  /** Response times between `fromMs` and `toMs` (inclusive), at most `maxPoints` points, oldest first (see HistoryReads.latencySeries). */
  latencySeries(monitorId: string, fromMs: number, toMs: number, maxPoints: number): LatencyPoint[] {
    return this.reads.latencySeries(monitorId, fromMs, toMs, maxPoints);
  }

  /** The newest `limit` beats, newest first (for the uptime bar of the monitor list). */
  recentBeats(monitorId: string, limit: number): Beat[] {
    return this.reads.recentBeats(monitorId, limit);
  }

  /** `buckets` bars of `bucketMs` each, oldest first, the last one holding now (see HistoryReads.statusBars). */
  statusBars(monitorId: string, buckets: number, bucketMs: number): StatusBar[] {
    return this.reads.statusBars(monitorId, buckets, bucketMs);
  }

  /** Incidents, newest first: of one monitor, or of all (`null`); both kinds unless `kind` is given. */
  incidents(monitorId: string | null, limit: number, kind?: IncidentKind): Incident[] {
    return this.reads.incidents(monitorId, limit, kind);
  }

  /** Every monitor id with history in the file (to find histories of monitors that no longer exist). */
  monitorIds(): string[] {
    this.beforeRead();
    return [...this.ids.keys()];
  }

  /** Row counts and file sizes, for diagnostics (counting scans the tables: not for a hot path). */
  stats(): HistoryStats {
    this.beforeRead();
    const count = (sql: string) => (this.db.prepare(sql).get() as { n: number }).n;
    const size = (f: string) => (existsSync(f) ? statSync(f).size : 0);
    return {
      file: this.file,
      schemaVersion: this.schemaVersion,
      monitors: count('SELECT count(*) AS n FROM monitor WHERE deleted IS NULL'),
      beats: count('SELECT count(*) AS n FROM beat'),
      minuteRows: count('SELECT count(*) AS n FROM rollup_minute'),
      hourRows: count('SELECT count(*) AS n FROM rollup_hour'),
      dayRows: count('SELECT count(*) AS n FROM rollup_day'),
      incidents: count('SELECT count(*) AS n FROM incident'),
      openIncidents: count('SELECT count(*) AS n FROM incident WHERE ended IS NULL'),
      bufferedBeats: this.buffer.length,
      droppedBeats: this.dropped,
      fileBytes: size(this.file),
      walBytes: size(`${this.file}-wal`),
      pageSize: this.pragma('page_size'),
      pageCount: this.pragma('page_count'),
      freePages: this.pragma('freelist_count'),
    };
  }

  // ── Internals ─────────────────────────────────────────────────────────────────────────────

  /** (Re)loads the in-memory mirrors of the file: after open, and after a failed transaction. */
  private reloadCaches(): void {
    this.ids.clear();
    for (const r of this.st.allMonitors.all() as Array<{ id: number; key: string }>) this.ids.set(r.key, r.id);
    this.openObserved.clear();
    for (const r of this.st.openObserved.all() as Array<{ monitor: number; id: number; started: number }>)
      this.openObserved.set(r.monitor, { id: r.id, start: r.started });
  }

  private monitorId(key: string): number {
    let mid = this.ids.get(key);
    if (mid === undefined) {
      mid = Number(this.st.insMonitor.run(key, this.now()).lastInsertRowid);
      this.ids.set(key, mid);
    }
    return mid;
  }

  private transaction<T>(body: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = body();
      this.db.exec('COMMIT');
      return result;
    } catch (e) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      this.reloadCaches();
      throw e;
    }
  }

  private writeBuffer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.buffer.length === 0) return;
    const beats = this.buffer;
    this.buffer = [];
    try {
      this.transaction(() => this.writeBeats(beats));
      this.backoffMs = 0;
      this.retryAt = 0;
    } catch (e) {
      this.buffer = beats.concat(this.buffer);
      this.trimBuffer();
      this.backoffMs = Math.min(60_000, Math.max(this.flushEveryMs, this.backoffMs * 2));
      this.retryAt = Date.now() + this.backoffMs;
      this.arm();
      throw new HomeportError(
        {
          code: 'INTERNAL',
          message: `Monitor history could not be written to ${this.file}: ${(e as Error).message}. ${this.buffer.length} checks wait in memory.`,
          fix: `Free some disk space or check that the file is writable; Homeport keeps retrying, and keeps up to ${this.maxBuffered} checks in memory meanwhile.`,
          details: { file: this.file, buffered: this.buffer.length, dropped: this.dropped },
        },
        { cause: e },
      );
    }
  }

  private writeBeats(beats: Pending[]): void {
    const acc = [new Map<number, Acc>(), new Map<number, Acc>(), new Map<number, Acc>()];
    const sizes = [LEVELS[1]!.ms, LEVELS[2]!.ms, LEVELS[3]!.ms];
    const { insBeat, insIncident, endIncident } = this.st;
    for (const b of beats) {
      const mid = this.monitorId(b.key);
      if (insBeat.run(Math.floor(b.time / MINUTE), mid, b.time, b.code, b.latencyUs, b.message).changes === 0) continue; // same monitor and time: a replay
      if (b.time > this.newestBeat) this.newestBeat = b.time;
      for (let i = 0; i < 3; i++) {
        const index = Math.floor(b.time / sizes[i]!);
        // mid · 2^32 + bucket index stays exact (< 2^53) for any realistic id and date.
        const key = mid * 4294967296 + index;
        let a = acc[i]!.get(key);
        if (!a) {
          a = { mid, bucket: index * sizes[i]!, n: [0, 0, 0, 0, 0], latN: 0, latSum: 0, latMin: null, latMax: null };
          acc[i]!.set(key, a);
        }
        a.n[b.code as 0 | 1 | 2 | 3 | 4]++;
        const us = b.latencyUs;
        if (us !== null) {
          a.latN++;
          a.latSum += us;
          if (a.latMin === null || us < a.latMin) a.latMin = us;
          if (a.latMax === null || us > a.latMax) a.latMax = us;
        }
      }
      if (b.code === STATUS_CODE.down) {
        if (!this.openObserved.has(mid)) {
          const id = Number(insIncident.run(mid, 'observed', b.time, b.message).lastInsertRowid);
          this.openObserved.set(mid, { id, start: b.time });
        }
      } else if (b.code === STATUS_CODE.up) {
        const open = this.openObserved.get(mid);
        if (open && b.time >= open.start) {
          endIncident.run(b.time, open.id);
          this.openObserved.delete(mid);
        }
      }
    }
    const upserts = [this.st.upsert.minute, this.st.upsert.hour, this.st.upsert.day];
    for (let i = 0; i < 3; i++) {
      const stmt = upserts[i]!;
      // In key order, so the B-tree sees appends and neighbouring updates.
      const rows = [...acc[i]!.values()].sort((x, y) => x.bucket - y.bucket || x.mid - y.mid);
      for (const a of rows) stmt.run(a.mid, a.bucket, a.n[0], a.n[1], a.n[2], a.n[3], a.n[4], a.latN, a.latSum, a.latMin, a.latMax);
    }
  }

  /** While writes fail (disk full), the oldest buffered beats go first. */
  private trimBuffer(): void {
    if (this.buffer.length <= this.maxBuffered) return;
    const drop = this.buffer.length - this.maxBuffered;
    this.buffer.splice(0, drop);
    this.dropped += drop;
  }

  /**
   * For the timer, the batch threshold and reads: a failed write is logged (at most once a
   * minute), not thrown, and after one the next attempt waits for the back-off.
   */
  private flushQuietly(): void {
    if (this.buffer.length === 0 || Date.now() < this.retryAt) return;
    try {
      this.writeBuffer();
    } catch (e) {
      const now = Date.now();
      if (now - this.lastFailureLog >= 60_000) {
        this.lastFailureLog = now;
        this.logger.error('monitor history: write failed', { error: (e as Error).message, buffered: this.buffer.length, dropped: this.dropped });
      }
    }
  }

  private arm(): void {
    if (this.timer || this.closed || this.buffer.length === 0) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        if (!this.closed) this.flushQuietly();
      },
      Math.max(this.flushEveryMs, this.retryAt - Date.now()),
    );
    this.timer.unref();
  }

  private beforeRead(): void {
    this.assertOpen();
    if (this.buffer.length > 0) this.flushQuietly();
  }

  private pragma(name: string): number {
    return Object.values(this.db.prepare(`PRAGMA ${name}`).get() as Record<string, number>)[0]!;
  }

  private assertOpen(): void {
    if (this.closed) throw new HomeportError({ code: 'INTERNAL', message: `Monitor history ${this.file} is already closed (a bug: it was used after close()).` });
  }
}
