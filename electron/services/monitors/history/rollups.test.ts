/**
 * Roll-ups, uptime and latency series against a brute-force computation over the same beats, on a
 * real SQLite file, with a simulated clock running over 400 days and prune() called daily.
 */
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { DAY, DEFAULT_RETENTION, floorTo, HOUR, MINUTE, STATUS_CODE, type BeatStatus, type Retention } from './levels';
import { MonitorHistory, type Beat } from './monitor-history';
import { memoryLogger, seeded, tempDir } from './test-support/helpers';

const T0 = Date.UTC(2025, 0, 1, 7, 13, 17, 123); // deliberately not aligned to anything
const LEVEL_MS = { minute: MINUTE, hour: HOUR, day: DAY } as const;
type Rollup = keyof typeof LEVEL_MS;

interface Agg {
  n: number[];
  latN: number;
  latSum: number;
  latMin: number | null;
  latMax: number | null;
}

/** The same aggregation, the slow obvious way. */
function bruteRollup(beats: Beat[], size: number): Map<string, Agg> {
  const out = new Map<string, Agg>();
  for (const b of beats) {
    const key = `${b.monitorId}|${floorTo(b.time, size)}`;
    let a = out.get(key);
    if (!a) out.set(key, (a = { n: [0, 0, 0, 0, 0], latN: 0, latSum: 0, latMin: null, latMax: null }));
    a.n[STATUS_CODE[b.status]]!++;
    if (b.latencyMs !== null) {
      a.latN++;
      a.latSum += b.latencyMs;
      a.latMin = a.latMin === null ? b.latencyMs : Math.min(a.latMin, b.latencyMs);
      a.latMax = a.latMax === null ? b.latencyMs : Math.max(a.latMax, b.latencyMs);
    }
  }
  return out;
}

function readRollup(file: string, level: Rollup): Map<string, Agg> {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const rows = db
      .prepare(`SELECT m.key, r.* FROM rollup_${level} r JOIN monitor m ON m.id = r.monitor`)
      .all() as unknown as Array<Record<string, number> & { key: string; bucket: number; lat_min_us: number | null; lat_max_us: number | null }>;
    return new Map(
      rows.map((r) => [
        `${r.key}|${r.bucket}`,
        {
          n: [r.n_down!, r.n_up!, r.n_pending!, r.n_maint!, r.n_unknown!],
          latN: r.lat_n!,
          latSum: r.lat_sum_us! / 1000,
          latMin: r.lat_min_us === null ? null : r.lat_min_us / 1000,
          latMax: r.lat_max_us === null ? null : r.lat_max_us / 1000,
        } as Agg,
      ]),
    );
  } finally {
    db.close();
  }
}

/** Uptime the slow way, with the documented window rule (see monitor-history.ts). */
function bruteUptime(beats: Beat[], monitorId: string, since: number, now: number, r: Retention): { up: number; down: number; fromMs: number; latencyCount: number; latencySumMs: number } {
  const keeps = (g: number, ret: number) => floorTo(since, g) >= now - ret;
  const g = keeps(1, r.rawMs) ? 1 : keeps(MINUTE, r.minuteMs) ? MINUTE : keeps(HOUR, r.hourMs) ? HOUR : DAY;
  // Older than the day retention: from the oldest day bucket kept.
  const fromMs = g === DAY ? Math.max(floorTo(since, DAY), Math.ceil((now - r.dayMs) / DAY) * DAY) : floorTo(since, g);
  let up = 0;
  let down = 0;
  let latencyCount = 0;
  let latencySumMs = 0;
  for (const b of beats) {
    if (b.monitorId !== monitorId || b.time < fromMs) continue;
    if (b.status === 'up') up++;
    if (b.status === 'down') down++;
    if (b.latencyMs !== null) {
      latencyCount++;
      latencySumMs += Math.round(b.latencyMs * 1000) / 1000;
    }
  }
  return { up, down, fromMs, latencyCount, latencySumMs };
}

/** Random beats in bursts (so minute and hour buckets hold several), over `days`, in time order. */
function generate(random: () => number, monitors: string[], days: number, bursts: number): Beat[] {
  const statuses: BeatStatus[] = ['up', 'down', 'pending', 'maintenance', 'unknown'];
  const beats: Beat[] = [];
  const end = T0 + days * DAY;
  for (let i = 0; i < bursts; i++) {
    // A third of the bursts in the last 3 days, where raw and minute data still live.
    let t = i % 3 === 0 ? end - random() * 3 * DAY : T0 + random() * days * DAY;
    t = Math.round(t);
    const monitorId = monitors[Math.floor(random() * monitors.length)]!;
    let status: BeatStatus = random() < 0.8 ? 'up' : 'down';
    for (let k = 0, n = 5 + Math.floor(random() * 25); k < n && t < end; k++) {
      if (random() < 0.15) status = random() < 0.5 ? 'up' : statuses[Math.floor(random() * statuses.length)]!;
      const latencyMs = status === 'down' || random() < 0.1 ? null : Math.round(random() * 50000) / 100;
      beats.push({ monitorId, time: t, status, latencyMs, message: status === 'down' ? `refused #${i}` : null });
      t += random() < 0.05 ? HOUR * 2 : 5000 + Math.floor(random() * 40_000);
    }
  }
  return beats.sort((a, b) => a.time - b.time);
}

function dedupe(beats: Beat[]): Beat[] {
  const seen = new Set<string>();
  return beats.filter((b) => {
    const k = `${b.monitorId}|${b.time}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

describe('MonitorHistory roll-ups', () => {
  const dirs: Array<ReturnType<typeof tempDir>> = [];
  const newDir = () => {
    const d = tempDir();
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) d.cleanup();
  });

  it('equal a brute-force computation over ~3,000 random beats across 400 simulated days, with daily prunes', () => {
    const random = seeded(20260101);
    const monitors = ['web', 'nas', 'dns', 'kuma/17'];
    const generated = generate(random, monitors, 400, 170);
    // A few replays (same monitor and time) that must not count twice.
    const replays = generated.filter((_, i) => i % 97 === 0).map((b) => ({ ...b, status: 'down' as const }));
    const all = [...generated, ...replays].sort((a, b) => a.time - b.time);
    const beats = dedupe([...generated].sort((a, b) => a.time - b.time));
    expect(beats.length).toBeGreaterThan(2500);

    let clock = T0;
    const file = newDir().file('property.db');
    const h = MonitorHistory.open(file, { logger: memoryLogger(), now: () => clock, batchSize: 37 });
    let lastPrune = T0;
    for (const b of all) {
      clock = Math.max(clock, b.time);
      if (clock - lastPrune >= DAY) {
        h.prune();
        lastPrune = clock;
      }
      h.record(b);
    }
    clock += HOUR;
    h.prune();

    const r = DEFAULT_RETENTION;
    for (const level of ['minute', 'hour', 'day'] as const) {
      const cutoff = clock - r[`${level}Ms`];
      const expected = new Map([...bruteRollup(beats, LEVEL_MS[level])].filter(([k]) => Number(k.split('|')[1]) >= cutoff));
      const actual = readRollup(file, level);
      expect([...actual.keys()].sort(), level).toEqual([...expected.keys()].sort());
      for (const [k, e] of expected) {
        const a = actual.get(k)!;
        expect(a.n, `${level} ${k}`).toEqual(e.n);
        expect(a.latN).toBe(e.latN);
        expect(a.latSum).toBeCloseTo(e.latSum, 6);
        expect(a.latMin).toBe(e.latMin);
        expect(a.latMax).toBe(e.latMax);
      }
    }

    // Raw beats: exactly those inside the raw window, first writer wins on replays.
    const rawExpected = beats.filter((b) => b.time >= clock - r.rawMs);
    for (const m of monitors) {
      const mine = rawExpected.filter((b) => b.monitorId === m).reverse();
      expect(h.recentBeats(m, 100_000), m).toEqual(mine);
    }

    // Uptime for random windows, and the usual three, across every granularity boundary.
    const sinces = [clock - DAY, clock - 30 * DAY, clock - 365 * DAY, clock - 36 * HOUR, clock - 40 * DAY, clock - 800 * DAY, 0];
    // Right at each retention edge, where the bucket holding `since` may already be pruned.
    for (const edge of [r.rawMs, r.minuteMs, r.hourMs, r.dayMs]) sinces.push(clock - edge, clock - edge + 1, clock - edge + 59_999, clock - edge - 1);
    for (let i = 0; i < 60; i++) sinces.push(Math.round(clock - random() * 420 * DAY));
    for (const m of monitors)
      for (const since of sinces) {
        const { latencyCount, latencySumMs, ...e } = bruteUptime(beats, m, since, clock, r);
        const a = h.uptimeDetail(m, since);
        expect({ up: a.up, down: a.down, fromMs: a.fromMs }, `${m} since ${clock - since} ms ago`).toEqual(e);
        // The latency sums that the monitors keep up to date in memory start from these.
        expect(a.latencyCount, `${m} latencies since ${clock - since} ms ago`).toBe(latencyCount);
        expect(a.latencySumMs).toBeCloseTo(latencySumMs, 3);
        expect(a.ratio).toBe(e.up + e.down === 0 ? null : e.up / (e.up + e.down));
      }

    // Latency series: never more than maxPoints; raw when it fits, else buckets that match the brute force.
    for (let i = 0; i < 150; i++) {
      const m = monitors[i % monitors.length]!;
      const span = [HOUR, 6 * HOUR, DAY, 2 * DAY, 10 * DAY, 45 * DAY, 400 * DAY][i % 7]! * (0.5 + random());
      const to = Math.round(clock - random() * Math.min(span, 3 * DAY));
      const from = Math.round(to - span);
      const maxPoints = 1 + Math.floor(random() * (i % 2 ? 40 : 400));
      const points = h.latencySeries(m, from, to, maxPoints);
      expect(points.length).toBeLessThanOrEqual(maxPoints);
      for (let p = 1; p < points.length; p++) expect(points[p]!.t).toBeGreaterThan(points[p - 1]!.t);
      const inRange = beats.filter((b) => b.monitorId === m && b.time >= from && b.time <= to);
      if (from >= clock - r.rawMs && inRange.length <= maxPoints) {
        expect(points).toEqual(inRange.map((b) => ({ t: b.time, avg: b.latencyMs, min: b.latencyMs, max: b.latencyMs })));
        continue;
      }
      if (points.length < 3) continue;
      const step = points[1]!.t - points[0]!.t;
      expect(step % MINUTE).toBe(0);
      // Interior points are whole buckets: compare them with the beats they cover.
      for (const p of points.slice(1, -1)) {
        const lat = beats.filter((b) => b.monitorId === m && b.time >= p.t && b.time < p.t + step && b.latencyMs !== null).map((b) => b.latencyMs!);
        if (lat.length === 0) {
          expect(p).toEqual({ t: p.t, avg: null, min: null, max: null });
        } else {
          expect(p.avg!).toBeCloseTo(lat.reduce((s, x) => s + x, 0) / lat.length, 6);
          expect(p.min).toBe(Math.min(...lat));
          expect(p.max).toBe(Math.max(...lat));
        }
      }
    }
    // Status bars at every granularity: exact wherever that granularity is still kept.
    for (const [bucketMs, buckets, keptFrom] of [
      [90_000, 1000, clock - r.rawMs], // not a whole minute: raw beats
      [5 * MINUTE, 600, Math.ceil((clock - r.minuteMs) / MINUTE) * MINUTE],
      [2 * HOUR, 600, Math.ceil((clock - r.hourMs) / HOUR) * HOUR],
      [DAY, 450, Math.ceil((clock - r.dayMs) / DAY) * DAY],
    ] as const)
      for (const m of monitors) {
        const bars = h.statusBars(m, buckets, bucketMs);
        expect(bars).toHaveLength(buckets);
        for (const bar of bars) {
          if (bar.t < keptFrom) continue;
          const inBar = beats.filter((b) => b.monitorId === m && b.time >= bar.t && b.time < bar.t + bucketMs);
          const count = (st: string) => inBar.filter((b) => b.status === st).length;
          const worst = (['down', 'pending', 'unknown', 'maintenance', 'up'] as const).find((st) => count(st) > 0) ?? null;
          expect(bar, `${m} ${bucketMs} ${bar.t}`).toEqual({ t: bar.t, status: worst, up: count('up'), down: count('down'), other: inBar.length - count('up') - count('down') });
        }
      }

    // Observed incidents: the down periods, derived the slow way.
    for (const m of monitors) {
      const expected: Array<{ start: number; end: number | null; message: string | null }> = [];
      let open: { start: number; end: number | null; message: string | null } | null = null;
      for (const b of beats.filter((x) => x.monitorId === m)) {
        if (b.status === 'down' && !open) expected.push((open = { start: b.time, end: null, message: b.message }));
        else if (b.status === 'up' && open) {
          open.end = b.time;
          open = null;
        }
      }
      const actual = h.incidents(m, 100_000, 'observed').reverse();
      expect(actual.map((i) => ({ start: i.start, end: i.end, message: i.message })), m).toEqual(expected);
      expect(expected.length).toBeGreaterThan(3);
    }
    h.close();
  });

  it('computes 24 h / 30 d / 1 y uptime exactly at the documented precision, across granularity boundaries', () => {
    const dir = newDir();
    let clock = Date.UTC(2026, 5, 30, 13, 47, 31, 250);
    const h = MonitorHistory.open(dir.file(), { logger: memoryLogger(), now: () => clock });
    const beats: Beat[] = [];
    // One beat an hour for 400 days, one every 20 s for the last 3 days; down on every 7th hour and
    // during a 30-minute outage 23.9 h ago, pending and maintenance sprinkled in (they must not count).
    const now = clock;
    for (let t = now - 400 * DAY; t < now - 3 * DAY; t += HOUR) beats.push({ monitorId: 'm', time: t, status: Math.floor(t / HOUR) % 7 === 0 ? 'down' : 'up', latencyMs: 10, message: null });
    for (let t = now - 3 * DAY; t <= now; t += 20_000) {
      const ago = now - t;
      const status: BeatStatus = ago < 23.9 * HOUR && ago > 23.4 * HOUR ? 'down' : t % 11 === 0 ? 'pending' : t % 13 === 0 ? 'maintenance' : 'up';
      beats.push({ monitorId: 'm', time: t, status, latencyMs: status === 'up' ? 20 : null, message: null });
    }
    for (const b of beats) h.record(b);
    clock = now;
    h.prune();
    for (const [label, since] of [
      ['24h', now - DAY],
      ['30d', now - 30 * DAY],
      ['1y', now - 365 * DAY],
      ['24h+1s', now - DAY + 1000],
      ['47h59m', now - 48 * HOUR + MINUTE],
    ] as const) {
      const { latencyCount: _n, latencySumMs: _s, ...e } = bruteUptime(beats, 'm', since, clock, DEFAULT_RETENTION);
      const a = h.uptimeDetail('m', since);
      expect({ up: a.up, down: a.down, fromMs: a.fromMs }, label).toEqual(e);
      expect(a.ratio).toBeCloseTo(e.up / (e.up + e.down), 12);
    }
    // The 24 h window is exact to the beat: the outage is inside it, the 30-minute part is not cut.
    const day = h.uptimeDetail('m', now - DAY);
    expect(day.fromMs).toBe(now - DAY);
    expect(day.down).toBe(beats.filter((b) => b.time >= now - DAY && b.status === 'down').length);
    expect(h.uptime('nobody', now - DAY)).toBeNull();
    h.close();
  });

  it('prune removes raw beats and old buckets while uptime and day roll-ups stay correct', () => {
    const dir = newDir();
    const start = Date.UTC(2026, 2, 1);
    let clock = start;
    const h = MonitorHistory.open(dir.file(), { logger: memoryLogger(), now: () => clock });
    let up = 0;
    let down = 0;
    for (let t = start; t < start + 3 * DAY; t += 60_000) {
      const status = Math.floor(t / HOUR) % 5 === 0 ? 'down' : 'up';
      if (status === 'up') up++;
      else down++;
      h.record({ monitorId: 'm', time: t, status, latencyMs: status === 'up' ? 42 : null, message: status === 'down' ? 'boom' : null });
    }
    clock = start + 3 * DAY;
    const before = { u1y: h.uptime('m', clock - 365 * DAY), u30: h.uptime('m', clock - 30 * DAY), stats: h.stats() };
    expect(before.stats.beats).toBe(3 * 24 * 60);
    expect(before.u1y).toBeCloseTo(up / (up + down), 12);

    const pruned = h.prune();
    expect(pruned.beats).toBe(2 * 24 * 60); // raw: only the last 24 h stay
    expect(pruned.minute).toBe(24 * 60); // minute: the last 48 h stay
    expect(pruned.hour).toBe(0);
    const after = h.stats();
    expect(after.beats).toBe(24 * 60);
    expect(after.minuteRows).toBe(2 * 24 * 60);
    expect(after.hourRows).toBe(3 * 24);
    expect(after.dayRows).toBe(3);
    expect(h.uptime('m', clock - 365 * DAY)).toBe(before.u1y);
    expect(h.uptime('m', clock - 30 * DAY)).toBe(before.u30);
    expect(h.recentBeats('m', 10_000)).toHaveLength(24 * 60);
    // A year later only the day buckets remain, and they still add up.
    clock += 300 * DAY;
    h.prune();
    expect(h.stats()).toMatchObject({ beats: 0, minuteRows: 0, hourRows: 0, dayRows: 3 });
    expect(h.uptimeDetail('m', clock - 365 * DAY)).toMatchObject({ up, down });
    // …and past the day retention nothing is left.
    clock += 2 * 365 * DAY;
    h.prune();
    expect(h.stats()).toMatchObject({ dayRows: 0 });
    expect(h.uptime('m', clock - 365 * DAY)).toBeNull();
    h.close();
  });
});
