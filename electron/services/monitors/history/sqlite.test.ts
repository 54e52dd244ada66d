import { describe, expect, it } from 'vitest';
import { isSqliteExperimentalWarning, loadSqlite, withoutSqliteWarning } from './sqlite';

const SQLITE_WARNING = 'SQLite is an experimental feature and might change at any time';

describe('loading node:sqlite', () => {
  it('recognises exactly the SQLite experimental warning', () => {
    expect(isSqliteExperimentalWarning(SQLITE_WARNING, 'ExperimentalWarning')).toBe(true);
    expect(isSqliteExperimentalWarning(SQLITE_WARNING, { type: 'ExperimentalWarning' })).toBe(true);
    expect(isSqliteExperimentalWarning(Object.assign(new Error(SQLITE_WARNING), { name: 'ExperimentalWarning' }))).toBe(true);
    expect(isSqliteExperimentalWarning('WASI is an experimental feature and might change at any time', 'ExperimentalWarning')).toBe(false);
    expect(isSqliteExperimentalWarning(SQLITE_WARNING, 'DeprecationWarning')).toBe(false);
    expect(isSqliteExperimentalWarning(undefined)).toBe(false);
  });

  it('drops only that warning while loading, passes every other one on, and restores emitWarning', () => {
    const passed: unknown[][] = [];
    const original = process.emitWarning;
    // Stand in for Node's own emitWarning, so the test does not print warnings.
    const recorder = ((...args: unknown[]) => void passed.push(args)) as typeof process.emitWarning;
    process.emitWarning = recorder;
    try {
      const result = withoutSqliteWarning(() => {
        process.emitWarning(SQLITE_WARNING, 'ExperimentalWarning'); // what node:sqlite does on its first load in older Node
        process.emitWarning('Something else is experimental', 'ExperimentalWarning');
        process.emitWarning('old API', { type: 'DeprecationWarning', code: 'DEP0999' });
        return 42;
      });
      expect(result).toBe(42);
      expect(process.emitWarning).toBe(recorder);
      expect(passed).toEqual([
        ['Something else is experimental', 'ExperimentalWarning'],
        ['old API', { type: 'DeprecationWarning', code: 'DEP0999' }],
      ]);
    } finally {
      process.emitWarning = original;
    }
  });

  it('restores emitWarning when loading throws, and loads the real module', () => {
    const original = process.emitWarning;
    expect(() =>
      withoutSqliteWarning(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(process.emitWarning).toBe(original);
    const { DatabaseSync } = loadSqlite();
    const db = new DatabaseSync(':memory:');
    expect(db.prepare('SELECT sqlite_version() AS v').get()).toEqual({ v: expect.stringMatching(/^3\./) });
    db.close();
    expect(loadSqlite()).toBe(loadSqlite());
  });
});
