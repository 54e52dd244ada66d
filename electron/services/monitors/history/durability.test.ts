/**
 * Durability: WAL, a crash (SIGKILL) after a flush, and files that must be refused and left
 * byte-for-byte as they were (damaged, not a database, not ours, from a newer Homeport).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { HomeportError } from '../../../../shared/model/errors';
import { MonitorHistory } from './monitor-history';
import { APPLICATION_ID, SCHEMA_VERSION } from './schema';
import { memoryLogger, seeded, tempDir } from './test-support/helpers';

const here = path.dirname(fileURLToPath(import.meta.url));
const T0 = Date.UTC(2026, 3, 1);

function refusal(f: () => unknown): HomeportError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(HomeportError);
    return e as HomeportError;
  }
  throw new Error('expected the open to be refused');
}

/** A real history file with some content, closed cleanly. */
function makeHistory(file: string, beats = 6000): void {
  const h = MonitorHistory.open(file, { logger: memoryLogger(), now: () => T0 + beats * 1000 });
  for (let i = 0; i < beats; i++)
    h.record({ monitorId: `monitor-${i % 20}`, time: T0 + i * 1000, status: i % 11 ? 'up' : 'down', latencyMs: i % 11 ? i % 300 : null, message: `check ${i} said something` });
  h.close();
}

describe('MonitorHistory durability', () => {
  const dirs: Array<ReturnType<typeof tempDir>> = [];
  const newDir = () => {
    const d = tempDir();
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) d.cleanup();
  });

  it('uses WAL, with its schema version and application id, and leaves no side files after close', () => {
    const dir = newDir();
    const file = dir.file();
    const now = () => T0 + 1000;
    const h = MonitorHistory.open(file, { logger: memoryLogger(), now });
    h.record({ monitorId: 'a', time: T0, status: 'up', latencyMs: 3, message: null });
    h.flush();
    expect(existsSync(`${file}-wal`)).toBe(true);
    const peek = new DatabaseSync(file, { readOnly: true });
    expect(peek.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    expect(peek.prepare('PRAGMA user_version').get()).toEqual({ user_version: SCHEMA_VERSION });
    expect(peek.prepare('PRAGMA application_id').get()).toEqual({ application_id: APPLICATION_ID });
    expect(peek.prepare('PRAGMA auto_vacuum').get()).toEqual({ auto_vacuum: 2 });
    expect(peek.prepare('SELECT count(*) AS n FROM beat').get()).toEqual({ n: 1 });
    peek.close();
    h.close();
    expect(readdirSync(dir.dir).sort()).toEqual(['history.db']);
    // Reopening an existing file works and keeps the data.
    const again = MonitorHistory.open(file, { logger: memoryLogger(), now });
    expect(again.recentBeats('a', 10)).toHaveLength(1);
    again.close();
  });

  it('keeps every flushed beat when the process is killed with SIGKILL', () => {
    const dir = newDir();
    const file = dir.file();
    const n = 2000;
    const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, 'test-support', 'crash-child.ts'), file, String(n), String(T0)], {
      cwd: process.cwd(),
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(child.stderr).toBe('');
    expect(child.signal).toBe('SIGKILL');
    expect(JSON.parse(child.stdout)).toEqual({ flushed: n, buffered: 50 });
    // It died with its transactions in the WAL, not yet in the main file.
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(0);

    const h = MonitorHistory.open(file, { logger: memoryLogger(), now: () => T0 + n * 1000 });
    expect(h.stats()).toMatchObject({ monitors: 10, beats: n });
    const beats = Array.from({ length: 10 }, (_, m) => h.recentBeats(`m${m}`, 10_000)).flat();
    expect(beats).toHaveLength(n);
    expect(Math.max(...beats.map((b) => b.time))).toBe(T0 + (n - 1) * 1000); // none of the unflushed 50
    const expectedDown = Array.from({ length: n }, (_, i) => i).filter((i) => i % 7 === 0).length;
    let up = 0;
    let down = 0;
    for (let m = 0; m < 10; m++) {
      const u = h.uptimeDetail(`m${m}`, T0 - 1);
      up += u.up;
      down += u.down;
    }
    expect({ up, down }).toEqual({ up: n - expectedDown, down: expectedDown });
    expect(h.incidents('m3', 10, 'confirmed')).toMatchObject([{ monitorId: 'm3', start: T0 + 5000, end: null, message: 'confirmed: m3 down' }]);
    // Recording carries on where it stopped.
    h.record({ monitorId: 'm0', time: T0 + n * 1000, status: 'up', latencyMs: 1, message: null });
    expect(h.recentBeats('m0', 1)[0]!.time).toBe(T0 + n * 1000);
    h.close();
  });

  it('refuses a file damaged in the middle, names it, and leaves it byte-for-byte untouched', () => {
    const dir = newDir();
    const file = dir.file();
    makeHistory(file);
    const bytes = readFileSync(file);
    const random = seeded(7);
    const middle = Math.floor(bytes.length / 2 / 4096) * 4096;
    for (let i = middle; i < middle + 3 * 4096; i++) bytes[i] = Math.floor(random() * 256);
    writeFileSync(file, bytes);

    const err = refusal(() => MonitorHistory.open(file, { logger: memoryLogger() }));
    expect(err.code).toBe('INTERNAL');
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/is damaged/);
    expect(err.fix).toMatch(/left the file untouched/);
    expect(err.fix).toContain(`move ${file}`);
    expect(err.details).toMatchObject({ file });
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(readdirSync(dir.dir)).toEqual(['history.db']); // no -wal/-shm left behind by the check
    // Asking again gives the same answer (nothing was "repaired" in between).
    expect(refusal(() => MonitorHistory.open(file, { logger: memoryLogger() })).message).toBe(err.message);
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it('refuses files that are not databases, leaving them untouched', () => {
    const dir = newDir();
    for (const [name, content] of [
      ['notes.db', Buffer.from('these are my notes, not a database\n'.repeat(300))],
      ['tiny.db', Buffer.from('junk')],
      ['zeros.db', Buffer.alloc(8192)],
    ] as const) {
      const file = dir.file(name);
      writeFileSync(file, content);
      const err = refusal(() => MonitorHistory.open(file, { logger: memoryLogger() }));
      expect(err.code, name).toBe('INTERNAL');
      expect(err.message, name).toContain(file);
      expect(err.message, name).toMatch(/is damaged|could not be opened/);
      expect(err.fix, name).toBeTruthy();
      expect(readFileSync(file).equals(content), name).toBe(true);
    }
    expect(readdirSync(dir.dir).sort()).toEqual(['notes.db', 'tiny.db', 'zeros.db']);
  });

  it('refuses a SQLite file that is not a Homeport history, and one from a newer Homeport', () => {
    const dir = newDir();
    const foreign = dir.file('photos.db');
    const db = new DatabaseSync(foreign);
    db.exec("CREATE TABLE photo (id INTEGER PRIMARY KEY, path TEXT); INSERT INTO photo (path) VALUES ('a.jpg');");
    db.close();
    const foreignBytes = readFileSync(foreign);
    const err = refusal(() => MonitorHistory.open(foreign, { logger: memoryLogger() }));
    expect(err.message).toMatch(/not Homeport's monitor history/);
    expect(readFileSync(foreign).equals(foreignBytes)).toBe(true);

    const newer = dir.file('newer.db');
    makeHistory(newer, 100);
    const raw = new DatabaseSync(newer);
    raw.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    const newerBytes = readFileSync(newer);
    const err2 = refusal(() => MonitorHistory.open(newer, { logger: memoryLogger() }));
    expect(err2.code).toBe('INTERNAL');
    expect(err2.message).toContain(newer);
    expect(err2.message).toMatch(/newer version of Homeport \(schema 2; this version understands up to 1\)/);
    expect(err2.fix).toMatch(/Update Homeport/);
    expect(readFileSync(newer).equals(newerBytes)).toBe(true);
  });

  it('treats an empty file as a new history and creates missing folders', () => {
    const dir = newDir();
    const empty = dir.file('empty.db');
    writeFileSync(empty, '');
    const h = MonitorHistory.open(empty, { logger: memoryLogger() });
    expect(h.stats().schemaVersion).toBe(SCHEMA_VERSION);
    h.close();
    const nested = path.join(dir.dir, 'a', 'b', 'history.db');
    MonitorHistory.open(nested, { logger: memoryLogger() }).close();
    expect(existsSync(nested)).toBe(true);
  });
});
