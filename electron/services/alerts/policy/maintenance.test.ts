import { describe, expect, it } from 'vitest';
import { inMaintenance, maintenanceWindowProblem, muteUntil, nextMaintenanceBoundary } from './maintenance';
import type { MaintenanceWindow } from './types';

const utc = (iso: string) => Date.parse(iso);

describe('maintenance windows', () => {
  it('one-off: active from `from` (inclusive) to `to` (exclusive)', () => {
    const w: MaintenanceWindow = { kind: 'once', from: 1000, to: 2000 };
    expect(inMaintenance([w], 999)).toBe(false);
    expect(inMaintenance([w], 1000)).toBe(true);
    expect(inMaintenance([w], 1999)).toBe(true);
    expect(inMaintenance([w], 2000)).toBe(false);
    expect(nextMaintenanceBoundary([w], 0)).toBe(1000);
    expect(nextMaintenanceBoundary([w], 1000)).toBe(2000);
    expect(nextMaintenanceBoundary([w], 2000)).toBeNull();
  });

  it('weekly: Sundays 02:00–04:00 at UTC+2 (00:00–02:00 UTC)', () => {
    const w: MaintenanceWindow = { kind: 'weekly', days: [0], start: '02:00', end: '04:00', utcOffsetMinutes: 120 };
    // 2026-03-01 is a Sunday.
    expect(inMaintenance([w], utc('2026-03-01T00:00:00Z'))).toBe(true);
    expect(inMaintenance([w], utc('2026-03-01T01:59:59Z'))).toBe(true);
    expect(inMaintenance([w], utc('2026-03-01T02:00:00Z'))).toBe(false);
    expect(inMaintenance([w], utc('2026-02-28T23:59:00Z'))).toBe(false);
    expect(inMaintenance([w], utc('2026-03-02T00:30:00Z'))).toBe(false); // Monday
    expect(nextMaintenanceBoundary([w], utc('2026-02-27T12:00:00Z'))).toBe(utc('2026-03-01T00:00:00Z'));
    expect(nextMaintenanceBoundary([w], utc('2026-03-01T00:30:00Z'))).toBe(utc('2026-03-01T02:00:00Z'));
    expect(nextMaintenanceBoundary([w], utc('2026-03-01T02:00:00Z'))).toBe(utc('2026-03-08T00:00:00Z'));
  });

  it('weekly: a window past midnight belongs to the day it starts on', () => {
    const w: MaintenanceWindow = { kind: 'weekly', days: [5], start: '23:00', end: '01:00', utcOffsetMinutes: 0 };
    // 2026-03-06 is a Friday.
    expect(inMaintenance([w], utc('2026-03-06T23:30:00Z'))).toBe(true);
    expect(inMaintenance([w], utc('2026-03-07T00:30:00Z'))).toBe(true); // Saturday morning, Friday's window
    expect(inMaintenance([w], utc('2026-03-07T01:00:00Z'))).toBe(false);
    expect(inMaintenance([w], utc('2026-03-07T23:30:00Z'))).toBe(false); // Saturday evening
    expect(nextMaintenanceBoundary([w], utc('2026-03-06T23:30:00Z'))).toBe(utc('2026-03-07T01:00:00Z'));
  });

  it('names what is wrong with a window', () => {
    expect(maintenanceWindowProblem({ kind: 'once', from: 2, to: 1 })).toMatch(/end after/);
    expect(maintenanceWindowProblem({ kind: 'weekly', days: [7], start: '01:00', end: '02:00', utcOffsetMinutes: 0 })).toMatch(/weekdays/);
    expect(maintenanceWindowProblem({ kind: 'weekly', days: [1], start: '25:00', end: '02:00', utcOffsetMinutes: 0 })).toMatch(/HH:MM/);
    expect(maintenanceWindowProblem({ kind: 'weekly', days: [1], start: '01:00', end: '02:00', utcOffsetMinutes: 0 })).toBeNull();
  });
});

describe('muteUntil', () => {
  const now = utc('2026-03-04T21:30:00Z');
  it('1/4/8 hours', () => {
    expect(muteUntil('1h', now, 0) - now).toBe(3_600_000);
    expect(muteUntil('4h', now, 0) - now).toBe(4 * 3_600_000);
    expect(muteUntil('8h', now, 0) - now).toBe(8 * 3_600_000);
  });
  it('"until tomorrow" is the next local 08:00', () => {
    // 21:30 UTC = 22:30 at UTC+1 → 08:00 local tomorrow = 07:00 UTC.
    expect(muteUntil('tomorrow', now, 60)).toBe(utc('2026-03-05T07:00:00Z'));
    // 01:30 local (UTC−5 → 06:30 UTC): still tonight, so 08:00 local today.
    expect(muteUntil('tomorrow', utc('2026-03-05T06:30:00Z'), -300)).toBe(utc('2026-03-05T13:00:00Z'));
    // Exactly 08:00 local: the next one.
    expect(muteUntil('tomorrow', utc('2026-03-05T08:00:00Z'), 0)).toBe(utc('2026-03-06T08:00:00Z'));
  });
});
