/**
 * The history database's schema and its forward migrations.
 *
 * `PRAGMA user_version` holds the schema version; `PRAGMA application_id` marks the file as
 * Homeport's monitor history, so a stray SQLite file chosen by mistake is refused, not written into.
 * Migration `MIGRATIONS[n]` takes a database from version n to n + 1 inside one transaction; a
 * database with a higher version than `SCHEMA_VERSION` was written by a newer Homeport and is
 * refused (never downgraded).
 *
 * Schema v1 (all times are epoch milliseconds, UTC; all tables STRICT):
 *
 *   monitor(id INTEGER PK AUTOINCREMENT, key TEXT, created, deleted NULL)  UNIQUE key WHERE deleted IS NULL
 *       Maps the caller's string ids to small integers, so the big tables repeat 1–2 bytes, not a
 *       UUID. AUTOINCREMENT: an id is never reused, so rows of a deleted monitor (purged by the
 *       next prune) can never be mistaken for a new monitor's.
 *   beat(minute, monitor, time, status, latency_us NULL, message NULL)  PK (minute, monitor, time), WITHOUT ROWID
 *       Raw checks, kept for the raw window (24 h by default). `minute` = floor(time / 60 000).
 *       Latencies are stored as integer microseconds everywhere: 2–3 bytes instead of an 8-byte
 *       float, and sums that are exact.
 *       A second beat with the same monitor and time is ignored (see MonitorHistory.record).
 *   rollup_minute / rollup_hour / rollup_day(bucket, monitor, n_up, n_down, n_pending, n_maint,
 *       n_unknown, lat_n, lat_sum_us, lat_min_us, lat_max_us)  PK (bucket, monitor), WITHOUT ROWID
 *       `bucket` is the bucket's start (a multiple of 60 000 / 3 600 000 / 86 400 000 ms, i.e.
 *       UTC-aligned). Counts per status; latency sum/min/max over the beats that had a latency.
 *       Upserted in the same transaction as the raw beat, so they are never behind it.
 *   incident(id INTEGER PK, monitor → monitor ON DELETE CASCADE, kind 'observed'|'confirmed',
 *       started, ended NULL, message)
 *       Contiguous down periods. At most one open (ended IS NULL) incident per monitor and kind.
 *
 * Why beats and roll-ups are clustered by TIME first, then monitor. Every flush writes the current
 * minute, hour and day of many monitors. Clustered by monitor, each of those rows lives on its own
 * page (one per monitor per table): 4 dirty 4 KiB pages per beat, each written to the WAL and again
 * at the checkpoint, and with 1,000 monitors a hot set of 4,000+ pages that no cache holds — the
 * first version of this store wrote ~15 KiB per beat and slowed down as the file grew. Clustered by
 * time, the rows a flush touches sit together in a few dozen pages at the end of each table, so a
 * flush costs about the same whether it holds 1 beat or 500, and batching pays. The price is on
 * the read side, and it is small: one monitor's rows are read by walking the buckets of the range
 * and looking each up by primary key (a year of days: 366 lookups; 24 h of raw beats: 1,440), and
 * deleting one monitor means a scan, done by the next prune(). Pruning is one range delete from the
 * start of each table. No foreign keys on these tables for the same reason (each would need an
 * index clustered by monitor — the scattered write again).
 *
 * Status codes (as Uptime Kuma's, plus unknown): 0 down, 1 up, 2 pending, 3 maintenance, 4 unknown.
 */
import type { DatabaseSync } from 'node:sqlite';

export const SCHEMA_VERSION = 1;

/** 'HPMH' — Homeport monitor history — in the SQLite header's application-id field. */
export const APPLICATION_ID = 0x48504d48;

const rollupTable = (name: string) => `
  CREATE TABLE ${name} (
    bucket    INTEGER NOT NULL,
    monitor   INTEGER NOT NULL,
    n_up      INTEGER NOT NULL,
    n_down    INTEGER NOT NULL,
    n_pending INTEGER NOT NULL,
    n_maint   INTEGER NOT NULL,
    n_unknown INTEGER NOT NULL,
    lat_n      INTEGER NOT NULL,
    lat_sum_us INTEGER NOT NULL,
    lat_min_us INTEGER,
    lat_max_us INTEGER,
    PRIMARY KEY (bucket, monitor)
  ) STRICT, WITHOUT ROWID;`;

export const MIGRATIONS: ReadonlyArray<(db: DatabaseSync) => void> = [
  // 0 → 1: the initial schema.
  (db) =>
    db.exec(`
      CREATE TABLE monitor (
        id      INTEGER PRIMARY KEY AUTOINCREMENT,
        key     TEXT NOT NULL,
        created INTEGER NOT NULL,
        deleted INTEGER
      ) STRICT;
      CREATE UNIQUE INDEX monitor_key ON monitor (key) WHERE deleted IS NULL;

      CREATE TABLE beat (
        minute  INTEGER NOT NULL,
        monitor INTEGER NOT NULL,
        time    INTEGER NOT NULL,
        status  INTEGER NOT NULL CHECK (status BETWEEN 0 AND 4),
        latency_us INTEGER,
        message TEXT,
        PRIMARY KEY (minute, monitor, time)
      ) STRICT, WITHOUT ROWID;

      ${rollupTable('rollup_minute')}
      ${rollupTable('rollup_hour')}
      ${rollupTable('rollup_day')}

      CREATE TABLE incident (
        id      INTEGER PRIMARY KEY,
        monitor INTEGER NOT NULL REFERENCES monitor(id) ON DELETE CASCADE,
        kind    TEXT NOT NULL CHECK (kind IN ('observed', 'confirmed')),
        started INTEGER NOT NULL,
        ended   INTEGER,
        message TEXT
      ) STRICT;
      CREATE INDEX incident_by_monitor ON incident (monitor, started);
      CREATE INDEX incident_by_start ON incident (started);
      CREATE UNIQUE INDEX incident_one_open ON incident (monitor, kind) WHERE ended IS NULL;
    `),
];

if (MIGRATIONS.length !== SCHEMA_VERSION) throw new Error('schema.ts: one migration per schema version');
