/**
 * Monitor-history benchmark (not part of the test suite):
 *   npm run bench:history -- [monitors=1000] [hours=24]
 *
 * 1. Bulk: records `monitors` × `hours` of 20-second checks (1,000 × 24 h = 4.32 M beats) in the
 *    order a live scheduler produces them (time-major: each 20 s round, spread over the round),
 *    as fast as it can, through the public API (buffer, 500-beat transactions, roll-ups upserted
 *    in the same transaction).
 * 2. Close, then reopen (which runs PRAGMA quick_check over the whole file), as at an app start.
 * 3. The reads a UI makes, on the reopened file, each for a different monitor (cold-ish).
 * 4. Live write volume: carries on at the real rate shape — one transaction per simulated second
 *    (50 beats), then per 5 s — and measures the bytes written to disk per beat (WAL +
 *    checkpoints, from /proc/self/io), then the same for a small lab: 50 monitors at 60 s.
 * 5. prune() one hour later.
 * Prints one JSON line. HOMEPORT_BENCH_KEEP=1 keeps the file.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DAY, HOUR } from '../electron/services/monitors/history/levels';
import { seeded } from '../electron/services/monitors/history/test-support/helpers';
import { MonitorHistory } from '../electron/services/monitors/history/monitor-history';

const MONITORS = Number(process.argv[2] ?? 1000);
const HOURS = Number(process.argv[3] ?? 24);
const INTERVAL = 20_000;

const silent = { info() {}, warn() {}, error() {} };

/** Bytes this process handed to write(2) so far (Linux); null elsewhere. */
function writtenBytes(): number | null {
  try {
    const m = /^wchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

function timeIt(runs: number, f: (i: number) => unknown): { avgMs: number; maxMs: number } {
  let total = 0;
  let max = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f(i);
    const dt = performance.now() - t0;
    total += dt;
    max = Math.max(max, dt);
  }
  return { avgMs: +(total / runs).toFixed(3), maxMs: +max.toFixed(3) };
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'homeport-history-bench-'));
const file = path.join(dir, 'history.db');
const t0 = Date.UTC(2026, 0, 1);
let clock = t0;
const now = () => clock;
const random = seeded(42); // deterministic, so runs are comparable

/** A fleet of monitors that each check every `interval`, spread over it, mostly up. */
function fleet(count: number, interval: number) {
  const ids = Array.from({ length: count }, (_, i) => `monitor-${String(i).padStart(4, '0')}`);
  const down = new Uint8Array(count);
  return {
    ids,
    interval,
    /** Records every check due in [from, to). */
    run(h: MonitorHistory, from: number, to: number): number {
      let n = 0;
      for (let round = Math.floor(from / interval) * interval; round < to; round += interval)
        for (let m = 0; m < count; m++) {
          const time = round + Math.floor((m * interval) / count);
          if (time < from || time >= to) continue;
          if (random() < 0.0005) down[m] = down[m] === 1 ? 0 : 1; // rare outages
          const isDown = down[m] === 1;
          clock = time;
          h.record({
            monitorId: ids[m]!,
            time,
            status: isDown ? 'down' : 'up',
            latencyMs: isDown ? null : Math.round((5 + random() * 195) * 100) / 100,
            message: isDown ? 'connect ECONNREFUSED 10.0.0.12:8080' : '200 - OK',
          });
          n++;
        }
      return n;
    },
  };
}

/** Live shape: one explicit flush per `flushMs` of simulated time; returns bytes written per beat and per day at that rate. */
function live(h: MonitorHistory, f: ReturnType<typeof fleet>, from: number, durationMs: number, flushMs: number) {
  const w0 = writtenBytes();
  let beats = 0;
  for (let t = from; t < from + durationMs; t += flushMs) {
    beats += f.run(h, t, t + flushMs);
    h.flush();
  }
  const w1 = writtenBytes();
  const perBeat = w0 !== null && w1 !== null ? (w1 - w0) / beats : null;
  const beatsPerDay = (f.ids.length * DAY) / f.interval;
  return {
    monitors: f.ids.length,
    intervalS: f.interval / 1000,
    flushEveryS: flushMs / 1000,
    beatsPerTransaction: +(beats / (durationMs / flushMs)).toFixed(1),
    bytesWrittenPerBeat: perBeat === null ? null : Math.round(perBeat),
    writtenMiBPerDay: perBeat === null ? null : +((perBeat * beatsPerDay) / 2 ** 20).toFixed(0),
  };
}

try {
  // 1. Bulk insert.
  let h = MonitorHistory.open(file, { logger: silent, now, flushEveryMs: 3_600_000 });
  const big = fleet(MONITORS, INTERVAL);
  const w0 = writtenBytes();
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const beats = big.run(h, t0, t0 + HOURS * HOUR);
  h.flush();
  const insertMs = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  const w1 = writtenBytes();
  const afterInsert = h.stats();

  // 2. Close and reopen (quick_check).
  const closeStart = performance.now();
  h.close();
  const closeMs = performance.now() - closeStart;
  const openStart = performance.now();
  h = MonitorHistory.open(file, { logger: silent, now, flushEveryMs: 3_600_000 });
  const reopenMs = performance.now() - openStart;

  // 3. Reads, a different monitor each time.
  const pick = (i: number) => big.ids[(i * 7919) % MONITORS]!;
  const reads = {
    uptime24h: timeIt(1000, (i) => h.uptime(pick(i), clock - DAY)),
    uptime30d: timeIt(1000, (i) => h.uptime(pick(i), clock - 30 * DAY)),
    uptime1y: timeIt(1000, (i) => h.uptime(pick(i), clock - 365 * DAY)),
    latency1h_raw: timeIt(200, (i) => h.latencySeries(pick(i), clock - HOUR, clock, 1000)),
    latency24h_288pts: timeIt(200, (i) => h.latencySeries(pick(i), clock - DAY, clock, 288)),
    latency24h_48pts: timeIt(200, (i) => h.latencySeries(pick(i), clock - DAY, clock, 48)),
    latency24h_24pts: timeIt(1000, (i) => h.latencySeries(pick(i), clock - DAY, clock, 24)),
    latency1y_365pts: timeIt(200, (i) => h.latencySeries(pick(i), clock - 365 * DAY, clock, 365)),
    recentBeats100: timeIt(1000, (i) => h.recentBeats(pick(i), 100)),
    statusBars_24x1h: timeIt(1000, (i) => h.statusBars(pick(i), 24, HOUR)),
    statusBars_90x1d: timeIt(1000, (i) => h.statusBars(pick(i), 90, DAY)),
    incidentsAll50: timeIt(100, () => h.incidents(null, 50)),
  };

  // 4. Live write volume on the big file, then on a small lab.
  const liveBig = [live(h, big, clock + 1, 10 * 60_000, 1000), live(h, big, clock + 1, 10 * 60_000, 5000)];

  // 5. Prune an hour later.
  clock += HOUR;
  const prune = h.prune();
  const afterPrune = h.stats();
  h.close();

  const lab = fleet(50, 60_000);
  const labFile = path.join(dir, 'lab.db');
  const hl = MonitorHistory.open(labFile, { logger: silent, now, flushEveryMs: 3_600_000 });
  lab.run(hl, clock - DAY, clock); // a day of history first
  hl.flush();
  const liveLab = [live(hl, lab, clock + 1, 2 * HOUR, 1000), live(hl, lab, clock + 1, 2 * HOUR, 5000)];
  hl.close();

  const mem = process.memoryUsage();
  console.log(
    JSON.stringify({
      node: process.version,
      sqlite: process.versions.sqlite,
      monitors: MONITORS,
      beats,
      insertSeconds: +(insertMs / 1000).toFixed(2),
      beatsPerSecond: Math.round(beats / (insertMs / 1000)),
      cpuSecondsPerMillionBeats: +((cpu.user + cpu.system) / 1e6 / (beats / 1e6)).toFixed(2),
      bulkBytesWrittenPerBeat: w0 !== null && w1 !== null ? Math.round((w1 - w0) / beats) : null,
      dbMiB: +(afterInsert.fileBytes / 2 ** 20).toFixed(1),
      dbBytesPerBeat: +(afterInsert.fileBytes / beats).toFixed(1),
      rows: { beats: afterInsert.beats, minute: afterInsert.minuteRows, hour: afterInsert.hourRows, day: afterInsert.dayRows, incidents: afterInsert.incidents },
      closeMs: Math.round(closeMs),
      reopenWithQuickCheckMs: Math.round(reopenMs),
      readMs: reads,
      liveWrites: [...liveBig, ...liveLab],
      prune1hLater: prune,
      beatsAfterPrune: afterPrune.beats,
      rssMiB: +(mem.rss / 2 ** 20).toFixed(1),
      heapUsedMiB: +(mem.heapUsed / 2 ** 20).toFixed(1),
    }),
  );
} finally {
  if (process.env.HOMEPORT_BENCH_KEEP) console.error(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
