/**
 * Loads `node:sqlite` without its one-time "ExperimentalWarning: SQLite is an experimental feature
 * and might change at any time". Node 24.21 (our floor for `npm run serve`) no longer prints it, but
 * older 22.x/24.x builds — and so possibly the Node inside Electron — print it on first load, on
 * stderr, to users who can do nothing about it.
 *
 * Only that one warning is dropped, and only while the module loads: `process.emitWarning` is
 * wrapped for the duration of one synchronous `process.getBuiltinModule` call and restored right
 * after, so every other warning (including other ExperimentalWarnings) still reaches the user.
 * `--disable-warning=ExperimentalWarning` would do it too, but hides every experimental warning,
 * and needs the command line we do not own inside Electron.
 *
 * `process.getBuiltinModule` (not a static `import`) because a static import is hoisted above any
 * code in this module and would load, and warn, before the filter is in place; it is also
 * synchronous and works the same in ESM, in CJS bundles (electron-vite) and under Vitest.
 */
import type * as Sqlite from 'node:sqlite';

export type SqliteModule = typeof Sqlite;

const SQLITE_WARNING = /^SQLite is an experimental feature/;

/** True for exactly the warning `node:sqlite` emits when it loads. */
export function isSqliteExperimentalWarning(warning: unknown, type?: unknown): boolean {
  const message = typeof warning === 'string' ? warning : warning instanceof Error ? warning.message : '';
  const name = typeof type === 'string' ? type : warning instanceof Error ? warning.name : typeof type === 'object' && type !== null ? (type as { type?: unknown }).type : undefined;
  return SQLITE_WARNING.test(message) && (name === undefined || name === 'ExperimentalWarning');
}

/** Runs `load` with the SQLite experimental warning filtered out; other warnings pass through. */
export function withoutSqliteWarning<T>(load: () => T): T {
  const original = process.emitWarning;
  const filtered = function (this: unknown, warning: string | Error, ...rest: unknown[]) {
    if (isSqliteExperimentalWarning(warning, rest[0])) return;
    return (original as (...args: unknown[]) => void).call(process, warning, ...rest);
  };
  process.emitWarning = filtered as typeof process.emitWarning;
  try {
    return load();
  } finally {
    // Restore only our own wrapper, in case `load` installed another one on top of it.
    if (process.emitWarning === filtered) process.emitWarning = original;
  }
}

let cached: SqliteModule | undefined;

export function loadSqlite(): SqliteModule {
  cached ??= withoutSqliteWarning(() => process.getBuiltinModule('node:sqlite'));
  return cached;
}
