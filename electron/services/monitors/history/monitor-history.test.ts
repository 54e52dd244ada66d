/** The public API of MonitorHistory on real SQLite files: writes, reads, incidents, deletion, errors. */
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { HomeportError } from '../../../../shared/model/errors';
import { DAY, HOUR, MINUTE } from './levels';
import { MAX_MESSAGE_LENGTH, MonitorHistory, type Beat, type MonitorHistoryOptions } from './monitor-history';
import { memoryLogger, seeded, tempDir } from './test-support/helpers';

const T0 = Date.UTC(2026, 4, 10, 12, 0, 0);

function beat(monitorId: string, time: number, status: Beat['status'] = 'up', latencyMs: number | null = 10, message: string | null = null): Beat {
  return { monitorId, time, status, latencyMs, message };
}

function countBeats(file: string): number {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM beat').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

function thrown(f: () => unknown): HomeportError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(HomeportError);
    return e as HomeportError;
  }
  throw new Error('expected an error');
}

describe('MonitorHistory', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const c of cleanups.splice(0).reverse()) c();
  });
  /** A fresh history on a fresh file, with a clock the test moves. */
  function open(opts: Partial<MonitorHistoryOptions> = {}) {
    const dir = tempDir();
    const clock = { now: T0 };
    const file = dir.file();
    const logger = memoryLogger();
    const h = MonitorHistory.open(file, { logger, now: () => clock.now, ...opts });
    cleanups.push(() => dir.cleanup());
    cleanups.push(() => h.close());
    return { h, clock, file, logger, dir };
  }

  it('buffers beats and writes them every flushEveryMs, at batchSize, or on flush()', async () => {
    const { h, file } = open({ flushEveryMs: 50, batchSize: 10 });
    h.record(beat('a', T0));
    expect(countBeats(file)).toBe(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(countBeats(file)).toBe(1);
    for (let i = 1; i <= 10; i++) h.record(beat('a', T0 + i * 1000));
    expect(countBeats(file)).toBe(11); // the 10th in the buffer triggered the write of all 10 at once
    h.record(beat('a', T0 + 11_000));
    expect(countBeats(file)).toBe(11);
    h.flush();
    expect(countBeats(file)).toBe(12);
    expect(h.stats().bufferedBeats).toBe(0);
  });

  it('returns recent beats newest first, clips long messages and ignores replays of the same beat', () => {
    const { h } = open();
    for (let i = 0; i < 30; i++) h.record(beat('a', T0 - i * 20_000, i % 5 === 0 ? 'down' : 'up', i % 5 === 0 ? null : i, i % 5 === 0 ? `refused ${i}` : null));
    h.record(beat('b', T0 - 5000));
    h.record(beat('a', T0, 'down', null, 'a replay that must not replace the first')); // same time as the first
    h.record(beat('a', T0 - 100, 'up', 1, 'x'.repeat(5000)));
    const recent = h.recentBeats('a', 5);
    expect(recent.map((b) => b.time)).toEqual([T0, T0 - 100, T0 - 20_000, T0 - 40_000, T0 - 60_000]);
    expect(recent[0]).toEqual({ monitorId: 'a', time: T0, status: 'down', latencyMs: null, message: 'refused 0' });
    expect(recent[1]!.message).toHaveLength(MAX_MESSAGE_LENGTH);
    expect(h.recentBeats('a', 1000)).toHaveLength(31);
    expect(h.recentBeats('b', 10)).toHaveLength(1);
    expect(h.recentBeats('nobody', 10)).toEqual([]);
    expect(h.recentBeats('a', 0)).toEqual([]);
    expect(h.uptimeDetail('a', T0 - HOUR)).toMatchObject({ up: 25, down: 6 });
  });

  it('counts only up and down for uptime; pending, maintenance and unknown are left out; no data is null', () => {
    const { h } = open();
    h.record(beat('m', T0 - 50_000, 'up'));
    h.record(beat('m', T0 - 40_000, 'down', null));
    h.record(beat('m', T0 - 30_000, 'pending'));
    h.record(beat('m', T0 - 20_000, 'maintenance'));
    h.record(beat('m', T0 - 10_000, 'unknown'));
    h.record(beat('m', T0, 'up'));
    expect(h.uptime('m', T0 - DAY)).toBeCloseTo(2 / 3, 12);
    h.record(beat('quiet', T0, 'maintenance'));
    expect(h.uptime('quiet', T0 - DAY)).toBeNull();
    expect(h.uptime('never-seen', T0 - DAY)).toBeNull();
  });

  it('draws status bars with the worst status per bucket, aligned and oldest first, from raw or roll-ups', () => {
    const { h, clock } = open();
    clock.now = T0 + 30 * MINUTE + 5000; // bars end with the bucket holding now
    h.record(beat('m', T0 + 1000, 'up'));
    h.record(beat('m', T0 + 2000, 'maintenance'));
    h.record(beat('m', T0 + 10 * MINUTE, 'up'));
    h.record(beat('m', T0 + 10 * MINUTE + 1, 'down', null));
    h.record(beat('m', T0 + 20 * MINUTE, 'pending'));
    h.record(beat('m', T0 + 20 * MINUTE + 1, 'unknown'));
    h.record(beat('m', T0 + 30 * MINUTE, 'up'));
    // 10-minute bars read the minute roll-ups.
    const bars = h.statusBars('m', 5, 10 * MINUTE);
    expect(bars.map((b) => b.t)).toEqual([T0 - 10 * MINUTE, T0, T0 + 10 * MINUTE, T0 + 20 * MINUTE, T0 + 30 * MINUTE]);
    expect(bars.map((b) => b.status)).toEqual([null, 'maintenance', 'down', 'pending', 'up']);
    expect(bars[2]).toMatchObject({ up: 1, down: 1, other: 0 });
    expect(bars[3]).toMatchObject({ up: 0, down: 0, other: 2 });
    // 90-second bars are not a whole number of minutes: raw beats.
    const raw = h.statusBars('m', 22, 90_000);
    expect(raw).toHaveLength(22);
    expect(raw.filter((b) => b.status !== null).map((b) => b.status)).toEqual(['maintenance', 'down', 'pending', 'up']);
    expect(raw.at(-1)!.t).toBeLessThanOrEqual(clock.now);
    expect(raw.at(-1)!.t + 90_000).toBeGreaterThan(clock.now);
    // Day bars read the day roll-ups.
    expect(h.statusBars('m', 3, DAY).map((b) => b.status)).toEqual([null, null, 'down']);
    expect(h.statusBars('nobody', 4, HOUR).map((b) => b.status)).toEqual([null, null, null, null]);
  });

  it('returns latency series of at most maxPoints, from raw beats or buckets of the right size', () => {
    const { h, clock } = open();
    const random = seeded(3);
    const start = T0 - 400 * DAY;
    // Every 20 s for the last 2 days, hourly before that.
    for (let t = start; t < T0 - 2 * DAY; t += HOUR) h.record(beat('m', t, 'up', Math.round(random() * 1000) / 10));
    for (let t = T0 - 2 * DAY; t <= T0; t += 20_000) h.record(beat('m', t, random() < 0.02 ? 'down' : 'up', Math.round(random() * 1000) / 10));
    clock.now = T0;
    h.prune();

    const hour = h.latencySeries('m', T0 - HOUR, T0, 500); // 181 raw beats fit
    expect(hour).toHaveLength(181);
    expect(hour[0]!.t).toBe(T0 - HOUR);
    const day = h.latencySeries('m', T0 - DAY, T0, 288); // 5-minute buckets
    expect(day).toHaveLength(288);
    expect(day[1]!.t - day[0]!.t).toBe(5 * MINUTE);
    const month = h.latencySeries('m', T0 - 30 * DAY, T0, 720); // hourly
    expect(month[1]!.t - month[0]!.t).toBe(HOUR);
    expect(month.length).toBeLessThanOrEqual(720);
    const year = h.latencySeries('m', T0 - 365 * DAY, T0, 365); // daily, not two-daily
    expect(year).toHaveLength(365);
    expect(year[1]!.t - year[0]!.t).toBe(DAY);
    expect(year.every((p) => p.avg !== null && p.min! <= p.avg && p.avg <= p.max!)).toBe(true);
    for (const maxPoints of [1, 2, 3, 7, 50, 99, 1000])
      for (const span of [MINUTE, HOUR, DAY, 3 * DAY, 45 * DAY, 500 * DAY]) {
        const points = h.latencySeries('m', T0 - span, T0, maxPoints);
        expect(points.length, `${span} / ${maxPoints}`).toBeLessThanOrEqual(maxPoints);
        expect(points.length).toBeGreaterThan(0);
      }
    expect(h.latencySeries('nobody', T0 - DAY, T0, 100)).toEqual([]);
    expect(thrown(() => h.latencySeries('m', T0, T0 - 1, 10)).code).toBe('VALIDATION');
    expect(thrown(() => h.latencySeries('m', T0 - 1, T0, 0)).code).toBe('VALIDATION');
  });

  it('derives observed incidents from down/up transitions, and keeps the open one across a reopen', () => {
    const { h, clock, file, logger } = open();
    h.record(beat('web', T0, 'up'));
    h.record(beat('web', T0 + 20_000, 'down', null, 'connect ECONNREFUSED'));
    h.record(beat('web', T0 + 40_000, 'pending', null, 'still refused'));
    h.record(beat('web', T0 + 60_000, 'down', null, 'timeout'));
    h.record(beat('web', T0 + 80_000, 'up'));
    h.record(beat('web', T0 + 100_000, 'down', null, 'HTTP 502'));
    clock.now = T0 + 130_000;
    const list = h.incidents('web', 10);
    expect(list).toEqual([
      { id: expect.any(Number), monitorId: 'web', kind: 'observed', start: T0 + 100_000, end: null, durationMs: 30_000, message: 'HTTP 502' },
      { id: expect.any(Number), monitorId: 'web', kind: 'observed', start: T0 + 20_000, end: T0 + 80_000, durationMs: 60_000, message: 'connect ECONNREFUSED' },
    ]);
    h.close();
    const again = MonitorHistory.open(file, { logger, now: () => clock.now });
    again.record(beat('web', T0 + 120_000, 'down', null, 'still 502')); // the open incident goes on
    again.record(beat('web', T0 + 140_000, 'up'));
    expect(again.incidents('web', 10)[0]).toMatchObject({ start: T0 + 100_000, end: T0 + 140_000, durationMs: 40_000, message: 'HTTP 502' });
    expect(again.incidents('web', 10)).toHaveLength(2);
    again.close();
  });

  it('records confirmed incidents for the alert layer, separately, and lists all monitors newest first', () => {
    const { h, clock } = open();
    const id = h.openIncident('nas', T0, 'nas: host unreachable');
    expect(h.openIncident('nas', T0 + 5000, 'again')).toBe(id); // already open: same one
    h.record(beat('dns', T0 + 1000, 'down', null, 'SERVFAIL'));
    clock.now = T0 + 60_000;
    expect(h.closeIncident('nas', T0 + 45_000)).toBe(true);
    expect(h.closeIncident('nas', T0 + 50_000)).toBe(false); // nothing open any more
    expect(h.closeIncident('nobody', T0)).toBe(false);
    expect(h.incidents('nas', 10, 'confirmed')).toEqual([
      { id, monitorId: 'nas', kind: 'confirmed', start: T0, end: T0 + 45_000, durationMs: 45_000, message: 'nas: host unreachable' },
    ]);
    expect(h.incidents('nas', 10, 'observed')).toEqual([]);
    expect(h.incidents(null, 10).map((i) => [i.monitorId, i.kind])).toEqual([
      ['dns', 'observed'],
      ['nas', 'confirmed'],
    ]);
    expect(h.incidents(null, 1)).toHaveLength(1);
    expect(h.incidents(null, 10, 'confirmed')).toHaveLength(1);
  });

  it('deletes a monitor: its history is gone at once, a new one with the same id starts fresh, prune purges the rows', () => {
    const { h } = open();
    for (let i = 0; i < 100; i++) h.record(beat('gone', T0 - i * 20_000, i % 10 ? 'up' : 'down', 5, 'x'));
    h.record(beat('kept', T0, 'up'));
    h.openIncident('gone', T0 - 1000, 'confirmed');
    expect(h.deleteMonitor('gone')).toBe(true);
    expect(h.deleteMonitor('gone')).toBe(false);
    expect(h.recentBeats('gone', 10)).toEqual([]);
    expect(h.uptime('gone', T0 - DAY)).toBeNull();
    expect(h.incidents('gone', 10)).toEqual([]);
    expect(h.monitorIds()).toEqual(['kept']);
    h.record(beat('gone', T0, 'up', 1, 'new life'));
    expect(h.recentBeats('gone', 10)).toHaveLength(1);
    expect(h.uptimeDetail('gone', T0 - DAY)).toMatchObject({ up: 1, down: 0 });
    const pruned = h.prune();
    expect(pruned.purgedRows).toBe(100 + 34 + 2 + 1); // beats, minutes (100 × 20 s), hours, day
    expect(h.stats()).toMatchObject({ monitors: 2, beats: 2 });
    expect(h.prune().purgedRows).toBe(0);
  });

  it('reports stats for diagnostics', () => {
    const { h, file } = open();
    for (let i = 0; i < 10; i++) h.record(beat(`m${i % 2}`, T0 + i * 1000, i === 9 ? 'down' : 'up'));
    const s = h.stats();
    expect(s).toMatchObject({ file, schemaVersion: 1, monitors: 2, beats: 10, minuteRows: 2, hourRows: 2, dayRows: 2, incidents: 1, openIncidents: 1, bufferedBeats: 0 });
    expect(s.fileBytes).toBeGreaterThan(0);
    expect(s.pageSize).toBe(4096);
  });

  it('keeps beats in memory while writes fail (up to maxBuffered), and writes them once the disk has room again', () => {
    const { h, file } = open({ flushEveryMs: 60_000, batchSize: 100, maxBuffered: 250 });
    const big = 'x'.repeat(900);
    for (let i = 0; i < 100; i++) h.record(beat('m', T0 + i * 1000, 'up', 1, big)); // the 100th writes them
    expect(countBeats(file)).toBe(100);
    // Simulate a full disk: the file may not grow by another page.
    const db = (h as unknown as { db: DatabaseSync }).db;
    const pages = (db.prepare('PRAGMA page_count').get() as { page_count: number }).page_count;
    db.exec(`PRAGMA max_page_count = ${pages}`);
    for (let i = 100; i < 200; i++) h.record(beat('m', T0 + i * 1000, 'up', 1, big)); // the automatic write fails quietly
    for (let i = 200; i < 400; i++) h.record(beat('m', T0 + i * 1000, 'up', 1, big)); // backing off: no attempt per record
    expect(h.stats().bufferedBeats).toBe(250);
    expect(h.stats().droppedBeats).toBe(50); // the oldest went first
    const err = thrown(() => h.flush()); // an explicit flush tries anyway, and says why it failed
    expect(err.code).toBe('INTERNAL');
    expect(err.message).toMatch(/could not be written/);
    expect(err.message).toContain(file);
    expect(err.fix).toMatch(/disk space/);
    expect(countBeats(file)).toBe(100);
    expect(h.recentBeats('m', 1000)).toHaveLength(100); // reads do not throw: they see what is on disk
    db.exec('PRAGMA max_page_count = 4294967294');
    h.flush();
    expect(countBeats(file)).toBe(350);
    expect(h.recentBeats('m', 1000).at(-101)!.time).toBe(T0 + 150 * 1000);
    expect(h.uptimeDetail('m', T0 - 1)).toMatchObject({ up: 350 });
  });

  it('rejects malformed beats, options and arguments with clear errors', () => {
    const { h } = open();
    expect(thrown(() => h.record(beat('m', Number.NaN))).code).toBe('VALIDATION');
    expect(thrown(() => h.record(beat('', T0))).code).toBe('VALIDATION');
    expect(thrown(() => h.record({ ...beat('m', T0), status: 'sideways' as Beat['status'] })).message).toMatch(/unknown status "sideways"/);
    expect(thrown(() => h.record({ ...beat('m', T0), status: 'toString' as Beat['status'] })).code).toBe('VALIDATION');
    expect(thrown(() => h.record(beat('m', T0, 'up', -1))).code).toBe('VALIDATION');
    expect(thrown(() => h.statusBars('m', 0, MINUTE)).code).toBe('VALIDATION');
    expect(thrown(() => h.statusBars('m', 10, 0.5)).code).toBe('VALIDATION');
    expect(thrown(() => h.recentBeats('m', -1)).code).toBe('VALIDATION');
    expect(h.stats().bufferedBeats).toBe(0);
    const dir = tempDir();
    cleanups.push(() => dir.cleanup());
    const bad = thrown(() => MonitorHistory.open(dir.file(), { logger: memoryLogger(), retention: { rawMs: 3 * DAY, minuteMs: DAY } }));
    expect(bad.code).toBe('VALIDATION');
    expect(bad.message).toMatch(/raw ≤ minute ≤ hour ≤ day/);
    expect(thrown(() => MonitorHistory.open(dir.file(), { logger: memoryLogger(), retention: { rawMs: -1 } })).message).toMatch(/retention.rawMs/);
    h.close();
    expect(thrown(() => h.record(beat('m', T0))).message).toMatch(/already closed/);
    h.close(); // twice is fine
  });

  it('honours a custom retention', () => {
    const { h, clock } = open({ retention: { rawMs: HOUR, minuteMs: 2 * HOUR } });
    for (let t = T0 - 3 * HOUR; t <= T0; t += MINUTE) h.record(beat('m', t));
    clock.now = T0;
    const pruned = h.prune();
    expect(pruned.beats).toBe(120); // 3 h of minutes, 1 h (+ the beat at T0) kept
    expect(pruned.minute).toBe(60);
    expect(h.recentBeats('m', 1000)).toHaveLength(61);
    expect(h.uptimeDetail('m', T0 - 90 * MINUTE)).toMatchObject({ up: 91, fromMs: T0 - 90 * MINUTE }); // minute data, exact at a whole minute
    expect(h.uptimeDetail('m', T0 - 150 * MINUTE - 30_000)).toMatchObject({ fromMs: T0 - 3 * HOUR }); // hour data: from the hour's start
  });
});
