import type { MaintenanceWindow } from './types';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** "HH:MM" → minutes after local midnight, or null when malformed. */
export function parseClock(hhmm: string): number | null {
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(hhmm.trim());
  if (!m) return null;
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Rejects windows that would never apply or always apply by mistake; returns a message or null. */
export function maintenanceWindowProblem(w: MaintenanceWindow): string | null {
  if (w.kind === 'once') {
    if (!Number.isFinite(w.from) || !Number.isFinite(w.to)) return 'A maintenance window needs a start and an end.';
    if (w.to <= w.from) return 'A maintenance window must end after it starts.';
    return null;
  }
  if (w.days.length === 0 || w.days.some((d) => !Number.isInteger(d) || d < 0 || d > 6)) return 'Pick weekdays between Sunday (0) and Saturday (6).';
  if (parseClock(w.start) === null || parseClock(w.end) === null) return 'Times are written HH:MM (24 h).';
  if (!Number.isInteger(w.utcOffsetMinutes) || Math.abs(w.utcOffsetMinutes) > 14 * 60) return 'The time-zone offset must be between −14 h and +14 h.';
  return null;
}

function weeklyActive(w: Extract<MaintenanceWindow, { kind: 'weekly' }>, t: number): boolean {
  const start = parseClock(w.start);
  const end = parseClock(w.end);
  if (start === null || end === null) return false;
  const local = t + w.utcOffsetMinutes * MINUTE;
  const dow = new Date(local).getUTCDay();
  const minute = Math.floor((((local % DAY) + DAY) % DAY) / MINUTE);
  if (start < end) return w.days.includes(dow) && minute >= start && minute < end;
  // Runs past midnight (or all day when start === end): the evening part on a listed day, the
  // morning part on the day after one.
  return (w.days.includes(dow) && minute >= start) || (w.days.includes((dow + 6) % 7) && minute < end);
}

export function inMaintenance(windows: readonly MaintenanceWindow[] | undefined, t: number): boolean {
  if (!windows) return false;
  return windows.some((w) => (w.kind === 'once' ? t >= w.from && t < w.to : weeklyActive(w, t)));
}

/** The first time after `t` at which any window starts or ends (null when none will). */
export function nextMaintenanceBoundary(windows: readonly MaintenanceWindow[] | undefined, t: number): number | null {
  if (!windows || windows.length === 0) return null;
  let best = Infinity;
  const consider = (x: number) => {
    if (x > t && x < best) best = x;
  };
  for (const w of windows) {
    if (w.kind === 'once') {
      consider(w.from);
      consider(w.to);
      continue;
    }
    const start = parseClock(w.start);
    const end = parseClock(w.end);
    if (start === null || end === null) continue;
    const offset = w.utcOffsetMinutes * MINUTE;
    const localMidnight = Math.floor((t + offset) / DAY) * DAY;
    // Yesterday through a week ahead covers every boundary of a weekly pattern.
    for (let d = -1; d <= 8; d++) {
      const dayStart = localMidnight + d * DAY;
      const dow = new Date(dayStart).getUTCDay();
      if (!w.days.includes(dow)) continue;
      consider(dayStart + start * MINUTE - offset);
      consider(dayStart + (end > start ? end : end + 24 * 60) * MINUTE - offset);
    }
  }
  return best === Infinity ? null : best;
}

export type MutePreset = '1h' | '4h' | '8h' | 'tomorrow';

/** The hour "until tomorrow" means: the next local 08:00. */
export const MUTE_TOMORROW_HOUR = 8;

/**
 * When a mute chosen now ends. "tomorrow" is the next local 08:00 strictly after `now`: muting at
 * 23:00 or at 01:30 both mean "leave me alone tonight" and end at 08:00; at 09:00 it ends at 08:00
 * the next day. `utcOffsetMinutes` is the user's offset at `now` (−getTimezoneOffset()).
 */
export function muteUntil(preset: MutePreset, now: number, utcOffsetMinutes: number): number {
  switch (preset) {
    case '1h':
      return now + 60 * MINUTE;
    case '4h':
      return now + 4 * 60 * MINUTE;
    case '8h':
      return now + 8 * 60 * MINUTE;
    case 'tomorrow': {
      const offset = utcOffsetMinutes * MINUTE;
      const localMidnight = Math.floor((now + offset) / DAY) * DAY;
      let at = localMidnight + MUTE_TOMORROW_HOUR * 60 * MINUTE - offset;
      if (at <= now) at += DAY;
      return at;
    }
  }
}
