/**
 * Opening the history file safely: check it before anything writes to it, then configure and
 * migrate it. A damaged file, a file that is not ours, or one written by a newer Homeport is
 * reported with a HomeportError and left exactly as it was — never deleted, reset or "repaired".
 *
 * The check runs on a read-only connection (`PRAGMA quick_check`, then the header fields), because
 * even a read-write open can change the file: setting WAL mode rewrites the header, and closing the
 * last connection checkpoints a left-over WAL into the main file. A read-only connection to a
 * WAL-mode file creates empty `-wal`/`-shm` files beside it and cannot remove them on close, so we
 * remove the ones it created (and only those) when we refuse the file.
 */
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { HomeportError } from '../../../../shared/model/errors';
import type { Logger } from '../../platform/platform';
import { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION } from './schema';
import { loadSqlite } from './sqlite';

/** SQLite primary result codes we tell apart (errcode & 0xff). */
const SQLITE_CORRUPT = 11;
const SQLITE_NOTADB = 26;

const BUSY_TIMEOUT_MS = 5000;

interface SqliteError extends Error {
  errcode?: number;
  errstr?: string;
}

function moveAsideFix(file: string, freshStart = 'To start a fresh history'): string {
  return (
    `Homeport left the file untouched. ${freshStart}, quit Homeport and move ${file} ` +
    `(with ${path.basename(file)}-wal and ${path.basename(file)}-shm beside it, if present) to another name, ` +
    `e.g. ${path.basename(file)}.damaged; Homeport creates a new one on the next start.`
  );
}

export function damagedError(file: string, reason: string, cause?: unknown, rescuable = true): HomeportError {
  const rescue = rescuable ? ` To try to rescue the old history first: sqlite3 "${file}" .recover | sqlite3 recovered.db` : '';
  return new HomeportError(
    {
      code: 'INTERNAL',
      message: `The monitor history database ${file} is damaged: ${reason}.`,
      fix: `${moveAsideFix(file)}${rescue}`,
      details: { file, reason },
    },
    { cause },
  );
}

function firstLine(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('*** in database'));
  const line = (lines[0] ?? text).trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

function sideFiles(file: string): string[] {
  return [`${file}-wal`, `${file}-shm`];
}

/** Reads the file without writing to it; throws the user-facing error when it cannot be used. */
function preflight(file: string): void {
  const { DatabaseSync } = loadSqlite();
  const existed = new Set(sideFiles(file).filter((f) => existsSync(f)));
  let db: DatabaseSync | undefined;
  let refused: HomeportError | undefined;
  try {
    db = new DatabaseSync(file, { readOnly: true, timeout: BUSY_TIMEOUT_MS });
    const rows = db.prepare('PRAGMA quick_check').all() as Array<{ quick_check: string }>;
    const report = rows.map((r) => r.quick_check);
    if (report.length !== 1 || report[0] !== 'ok') {
      refused = damagedError(file, firstLine(report.join('\n')) || 'quick_check failed');
    } else {
      const appId = (db.prepare('PRAGMA application_id').get() as { application_id: number }).application_id;
      const version = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
      const tables = (db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as { n: number }).n;
      if (appId !== APPLICATION_ID && (appId !== 0 || version !== 0 || tables !== 0)) {
        refused = new HomeportError({
          code: 'INTERNAL',
          message: `${file} is a SQLite database, but not Homeport's monitor history; Homeport will not write into it.`,
          fix: `Check the history path in Homeport's settings. ${moveAsideFix(file)}`,
          details: { file, applicationId: appId },
        });
      } else if (version > SCHEMA_VERSION) {
        refused = new HomeportError({
          code: 'INTERNAL',
          message: `The monitor history database ${file} was written by a newer version of Homeport (schema ${version}; this version understands up to ${SCHEMA_VERSION}).`,
          fix: `Update Homeport to the version that wrote it. ${moveAsideFix(file, 'To start a fresh history with this version instead')}`,
          details: { file, schemaVersion: version, supportedVersion: SCHEMA_VERSION },
        });
      }
    }
  } catch (e) {
    const err = e as SqliteError;
    const code = (err.errcode ?? 0) & 0xff;
    if (code === SQLITE_NOTADB || code === SQLITE_CORRUPT) refused = damagedError(file, err.errstr ?? err.message, e, code === SQLITE_CORRUPT);
    else
      refused = new HomeportError(
        {
          code: 'INTERNAL',
          message: `The monitor history database ${file} could not be opened: ${err.errstr ?? err.message}.`,
          fix: 'Check that the file and its folder are readable and writable by you, and that no other program holds it locked.',
          details: { file },
        },
        { cause: e },
      );
  } finally {
    db?.close();
  }
  if (refused) {
    for (const f of sideFiles(file)) if (!existed.has(f)) rmSync(f, { force: true });
    throw refused;
  }
}

export interface OpenedDatabase {
  db: DatabaseSync;
  schemaVersion: number;
  migratedFrom: number;
}

/**
 * Opens (or creates) the history file: WAL, synchronous=NORMAL (a committed transaction survives
 * a crash of Homeport; after a power cut the last ~second may roll back, the file stays
 * consistent), foreign keys, and forward migrations to SCHEMA_VERSION.
 */
export function openHistoryDatabase(file: string, logger: Logger): OpenedDatabase {
  const { DatabaseSync } = loadSqlite();
  mkdirSync(path.dirname(file), { recursive: true });
  if (existsSync(file) && statSync(file).size > 0) preflight(file);

  let db: DatabaseSync;
  try {
    db = new DatabaseSync(file, { timeout: BUSY_TIMEOUT_MS, enableForeignKeyConstraints: true });
  } catch (e) {
    throw new HomeportError(
      {
        code: 'INTERNAL',
        message: `The monitor history database ${file} could not be created: ${(e as SqliteError).errstr ?? (e as Error).message}.`,
        fix: 'Check that the folder exists and is writable by you.',
        details: { file },
      },
      { cause: e },
    );
  }
  try {
    db.enableDefensive(true);
    const version = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
    if (version === 0) {
      // Only takes effect before the first table exists: lets prune() hand freed pages back.
      db.exec('PRAGMA auto_vacuum = INCREMENTAL');
      db.exec(`PRAGMA application_id = ${APPLICATION_ID}`);
    }
    const mode = (db.prepare('PRAGMA journal_mode = WAL').get() as { journal_mode: string }).journal_mode;
    if (mode !== 'wal') logger.warn('monitor history: WAL mode unavailable, using rollback journal', { file, mode });
    db.exec(`
      PRAGMA synchronous = NORMAL;
      PRAGMA foreign_keys = ON;
      PRAGMA journal_size_limit = ${16 * 1024 * 1024};
      PRAGMA cache_size = -8192;
      PRAGMA temp_store = MEMORY;
    `);
    for (let v = version; v < SCHEMA_VERSION; v++) {
      db.exec('BEGIN IMMEDIATE');
      try {
        MIGRATIONS[v]!(db);
        db.exec(`PRAGMA user_version = ${v + 1}`);
        db.exec('COMMIT');
      } catch (e) {
        db.exec('ROLLBACK');
        throw e;
      }
    }
    if (version < SCHEMA_VERSION && version > 0) logger.info('monitor history: migrated', { file, from: version, to: SCHEMA_VERSION });
    return { db, schemaVersion: SCHEMA_VERSION, migratedFrom: version };
  } catch (e) {
    db.close();
    if (e instanceof HomeportError) throw e;
    const err = e as SqliteError;
    const code = (err.errcode ?? 0) & 0xff;
    if (code === SQLITE_NOTADB || code === SQLITE_CORRUPT) throw damagedError(file, err.errstr ?? err.message, e);
    throw new HomeportError(
      {
        code: 'INTERNAL',
        message: `The monitor history database ${file} could not be prepared: ${err.errstr ?? err.message}.`,
        fix: 'This is a bug in Homeport if the disk is not full and the file is writable; please report it with the log.',
        details: { file },
      },
      { cause: e },
    );
  }
}
