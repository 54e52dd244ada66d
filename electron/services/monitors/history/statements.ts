/**
 * Every statement the history runs, prepared once when the file is opened. The tables are
 * clustered by time (see schema.ts): one monitor's rows are read by walking the minutes or bucket
 * starts and looking each up by primary key.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { LEVELS, type Level, type LevelName } from './levels';

export interface Statements {
  insMonitor: StatementSync;
  allMonitors: StatementSync;
  delIncidents: StatementSync;
  markDeleted: StatementSync;
  purge: Record<LevelName, StatementSync>;
  purgeMonitors: StatementSync;
  insBeat: StatementSync;
  upsert: Record<'minute' | 'hour' | 'day', StatementSync>;
  insIncident: StatementSync;
  endIncident: StatementSync;
  openConfirmed: StatementSync;
  openObserved: StatementSync;
  incidentsOf: StatementSync;
  incidentsAll: StatementSync;
  upDown: Record<LevelName, StatementSync>;
  bars: Record<LevelName, StatementSync>;
  hourCounts: StatementSync;
  rawSeries: StatementSync;
  series: Record<'minute' | 'hour' | 'day', StatementSync>;
  recentInMinute: StatementSync;
  pruneRaw: StatementSync;
  pruneRollup: Record<'minute' | 'hour' | 'day', StatementSync>;
  pruneIncidents: StatementSync;
}

/** The bucket starts ?1, ?1 + ?2, … up to ?3 (bound as BigInt, so they are INTEGERs). */
const WALK = 'WITH RECURSIVE b(x) AS (SELECT ?1 UNION ALL SELECT x + ?2 FROM b WHERE x + ?2 <= ?3)';

export function prepareStatements(db: DatabaseSync): Statements {
  const p = (sql: string) => db.prepare(sql);
  const rollupNames = ['minute', 'hour', 'day'] as const;
  const byRollup = <T>(f: (table: string) => T) =>
    Object.fromEntries(rollupNames.map((n) => [n, f(`rollup_${n}`)])) as Record<(typeof rollupNames)[number], T>;
  const byLevel = <T>(f: (l: Level) => T) => Object.fromEntries(LEVELS.map((l) => [l.name, f(l)])) as Record<LevelName, T>;
  return {
    insMonitor: p('INSERT INTO monitor (key, created) VALUES (?, ?)'),
    allMonitors: p('SELECT id, key FROM monitor WHERE deleted IS NULL'),
    delIncidents: p('DELETE FROM incident WHERE monitor = ?'),
    markDeleted: p('UPDATE monitor SET deleted = ? WHERE id = ?'),
    purge: byLevel((l) => p(`DELETE FROM ${l.table} WHERE monitor IN (SELECT id FROM monitor WHERE deleted IS NOT NULL)`)),
    purgeMonitors: p('DELETE FROM monitor WHERE deleted IS NOT NULL'),
    insBeat: p('INSERT INTO beat (minute, monitor, time, status, latency_us, message) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    upsert: byRollup((t) =>
      p(`INSERT INTO ${t} (monitor, bucket, n_down, n_up, n_pending, n_maint, n_unknown, lat_n, lat_sum_us, lat_min_us, lat_max_us)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (bucket, monitor) DO UPDATE SET
           n_down = n_down + excluded.n_down, n_up = n_up + excluded.n_up, n_pending = n_pending + excluded.n_pending,
           n_maint = n_maint + excluded.n_maint, n_unknown = n_unknown + excluded.n_unknown,
           lat_n = lat_n + excluded.lat_n, lat_sum_us = lat_sum_us + excluded.lat_sum_us,
           lat_min_us = CASE WHEN lat_min_us IS NULL OR excluded.lat_min_us < lat_min_us THEN excluded.lat_min_us ELSE lat_min_us END,
           lat_max_us = CASE WHEN lat_max_us IS NULL OR excluded.lat_max_us > lat_max_us THEN excluded.lat_max_us ELSE lat_max_us END`),
    ),
    insIncident: p('INSERT INTO incident (monitor, kind, started, message) VALUES (?, ?, ?, ?)'),
    endIncident: p('UPDATE incident SET ended = ? WHERE id = ?'),
    openConfirmed: p("SELECT id, started FROM incident WHERE monitor = ? AND kind = 'confirmed' AND ended IS NULL"),
    openObserved: p("SELECT monitor, id, started FROM incident WHERE kind = 'observed' AND ended IS NULL"),
    incidentsOf: p(`SELECT i.id, m.key, i.kind, i.started, i.ended, i.message FROM incident i JOIN monitor m ON m.id = i.monitor
                    WHERE i.monitor = ? AND i.kind IN (?, ?) ORDER BY i.started DESC, i.id DESC LIMIT ?`),
    incidentsAll: p(`SELECT i.id, m.key, i.kind, i.started, i.ended, i.message FROM incident i JOIN monitor m ON m.id = i.monitor
                     WHERE i.kind IN (?, ?) ORDER BY i.started DESC, i.id DESC LIMIT ?`),
    // Tables are clustered by time: one monitor's rows are read by walking the minutes or bucket
    // starts (?1 first, ?2 step, ?3 last, inclusive) and looking each up by primary key.
    upDown: byLevel((l) =>
      l.name === 'raw'
        ? p('SELECT sum(status = 1) AS up, sum(status = 0) AS down, count(latency_us) AS ln, sum(latency_us) AS ls FROM beat WHERE minute = ?1 AND monitor = ?2 AND time >= ?3 AND time < ?4')
        : p(`${WALK} SELECT sum(r.n_up) AS up, sum(r.n_down) AS down, sum(r.lat_n) AS ln, sum(r.lat_sum_us) AS ls FROM b CROSS JOIN ${l.table} r ON r.bucket = b.x AND r.monitor = ?4`),
    ),
    bars: byLevel((l) =>
      l.name === 'raw'
        ? p(`${WALK} SELECT r.time / ?5 AS i, sum(r.status = 1) AS up, sum(r.status = 0) AS down, sum(r.status = 2) AS pending,
                    sum(r.status = 3) AS maintenance, sum(r.status = 4) AS unknown
             FROM b CROSS JOIN beat r ON r.minute = b.x AND r.monitor = ?4 WHERE r.time >= ?6 AND r.time < ?7 GROUP BY i`)
        : p(`${WALK} SELECT r.bucket / ?5 AS i, sum(r.n_up) AS up, sum(r.n_down) AS down, sum(r.n_pending) AS pending,
                    sum(r.n_maint) AS maintenance, sum(r.n_unknown) AS unknown
             FROM b CROSS JOIN ${l.table} r ON r.bucket = b.x AND r.monitor = ?4 GROUP BY i`),
    ),
    hourCounts: p(`${WALK} SELECT r.bucket, r.n_up + r.n_down + r.n_pending + r.n_maint + r.n_unknown AS n
                   FROM b CROSS JOIN rollup_hour r ON r.bucket = b.x AND r.monitor = ?4`),
    rawSeries: p(`${WALK} SELECT r.time, r.latency_us AS us FROM b CROSS JOIN beat r ON r.minute = b.x AND r.monitor = ?4
                  WHERE r.time >= ?5 AND r.time <= ?6 ORDER BY r.time LIMIT ?7`),
    series: byRollup((t) =>
      p(`${WALK} SELECT r.bucket / ?5 AS i, sum(r.lat_n) AS n, sum(r.lat_sum_us) AS s, min(r.lat_min_us) AS mn, max(r.lat_max_us) AS mx
         FROM b CROSS JOIN ${t} r ON r.bucket = b.x AND r.monitor = ?4 GROUP BY i`),
    ),
    recentInMinute: p('SELECT time, status, latency_us AS us, message FROM beat WHERE minute = ? AND monitor = ? ORDER BY time DESC'),
    pruneRaw: p('DELETE FROM beat WHERE minute <= ? AND time < ?'),
    pruneRollup: byRollup((t) => p(`DELETE FROM ${t} WHERE bucket < ?`)),
    pruneIncidents: p('DELETE FROM incident WHERE ended IS NOT NULL AND ended < ?'),
  };
}
