import { describe, expect, it } from 'vitest';
import { authError } from './kuma-errors';
import { describeKumaFact, formatDuration, normaliseId, parseKumaTime, safeDisplayUrl, statusFromCode, wireId } from './kuma-model';
import { readBeat, readCertInfo, readMonitorMap, readUptimePeriod } from './kuma-schemas';

describe('Kuma model helpers', () => {
  it("reads Kuma's zone-less UTC times as UTC, and other forms", () => {
    const utc = Date.UTC(2025, 9, 20, 13, 4, 5, 678);
    expect(parseKumaTime('2025-10-20 13:04:05.678')).toBe(utc);
    expect(parseKumaTime('2025-10-20T13:04:05.678Z')).toBe(utc);
    expect(parseKumaTime('2025-10-20T15:04:05.678+02:00')).toBe(utc);
    expect(parseKumaTime('2025-10-20 13:04')).toBe(Date.UTC(2025, 9, 20, 13, 4));
    expect(parseKumaTime(utc)).toBe(utc);
    expect(parseKumaTime('yesterday')).toBeNull();
    expect(parseKumaTime(null)).toBeNull();
    expect(parseKumaTime(Number.NaN)).toBeNull();
  });

  it('maps status codes, ids and URLs', () => {
    expect([0, 1, 2, 3, '1', 4, -1, null, 'up'].map(statusFromCode)).toEqual(['down', 'up', 'pending', 'maintenance', 'up', 'unknown', 'unknown', 'unknown', 'unknown']);
    expect([7, '7', ' 7 ', '', null, {}, Number.NaN].map(normaliseId)).toEqual(['7', '7', '7', null, null, null, null]);
    expect(wireId('12')).toBe(12);
    expect(wireId('abc')).toBe('abc');
    expect(safeDisplayUrl('https://me:pw@host.lan:8443/x?token=abc&page=2')).toBe('https://host.lan:8443/x?token=redacted&page=2');
    expect(safeDisplayUrl('https://')).toBeNull();
    expect(safeDisplayUrl('not a url //user:pw@x')).toBe('not a url //x');
  });

  it('says durations and facts the way a person would', () => {
    expect([0, 45_000, 60_000, 4 * 60_000 + 10_000, 3 * 3600_000, 72 * 3600_000].map(formatDuration)).toEqual(['0 s', '45 s', '1 min', '4 min', '3 h', '3 d']);
    const now = 1_000_000_000;
    expect(describeKumaFact({ instance: 'Uptime Kuma on nas', problem: 'stale', since: now - 4 * 60_000 }, now)).toBe('Uptime Kuma on nas stopped reporting 4 min ago');
    expect(describeKumaFact({ instance: 'Uptime Kuma on nas', problem: 'unreachable', since: now - 90_000, reason: 'connection refused' }, now)).toBe(
      'Uptime Kuma on nas has been unreachable for 2 min (connection refused)',
    );
    expect(describeKumaFact({ instance: 'Uptime Kuma on nas', problem: 'disconnected', since: now - 5_000 }, now)).toBe('Uptime Kuma on nas disconnected 5 s ago');
  });
});

describe('Kuma sign-in errors, 1.23 English and 2.x i18n keys', () => {
  it.each([
    ['Incorrect username or password.', 'password', 'Uptime Kuma refused the username or password.'],
    ['authIncorrectCreds', 'password', 'Uptime Kuma refused the username or password.'],
    ['Invalid Token!', 'totp', 'Uptime Kuma refused the two-factor code.'],
    ['authInvalidToken', 'totp', 'Uptime Kuma refused the two-factor code.'],
    ['Invalid token.', 'session', 'The saved Uptime Kuma session is no longer valid (its password may have changed).'],
    ['authInvalidToken', 'session', 'The saved Uptime Kuma session is no longer valid (its password may have changed).'],
    ['The user is inactive or deleted.', 'session', 'The Uptime Kuma user is inactive or was deleted.'],
    ['authUserInactiveOrDeleted', 'session', 'The Uptime Kuma user is inactive or was deleted.'],
    ['Too frequently, try again later.', 'password', 'Uptime Kuma is refusing sign-ins for now: too many attempts.'],
    [{ weird: true }, 'password', 'Uptime Kuma refused the sign-in.'],
  ] as const)('%s (%s)', (msg, step, message) => {
    const e = authError(msg, step);
    expect(e.code).toBe('AUTH_FAILED');
    expect(e.message).toBe(message);
    expect(e.fix).toBeTruthy();
  });
});

describe('Kuma payload readers', () => {
  it('reads the three heartbeat shapes', () => {
    const live = readBeat({ monitorID: 3, status: 1, time: '2025-10-20 13:04:05.678', msg: '200 - OK', ping: 12, important: true, duration: 20, retries: 0 });
    expect(live).toEqual({ ok: true, value: { monitorId: '3', status: 'up', time: Date.UTC(2025, 9, 20, 13, 4, 5, 678), message: '200 - OK', pingMs: 12, important: true, retries: 0 } });
    const row = readBeat({ id: 9, monitor_id: 3, status: 0, time: '2025-10-20 13:04:05', msg: 'boom', ping: null, important: 1, down_count: 2 }, '3');
    expect(row.ok && row.value).toMatchObject({ monitorId: '3', status: 'down', important: true, pingMs: null });
    const pub = readBeat({ status: 2, time: '2025-10-20 13:04:05', msg: '', ping: null }, '5');
    expect(pub.ok && pub.value).toMatchObject({ monitorId: '5', status: 'pending', message: '' });
    expect(readBeat({ status: 1 }).ok).toBe(false);
  });

  it('reads certInfo strings, uptime periods and monitor maps defensively', () => {
    expect(readCertInfo('{"valid":true,"certInfo":{"daysRemaining":9}}')).toEqual({ ok: true, value: { valid: true, daysRemaining: 9 } });
    expect(readCertInfo('{"valid":false}')).toEqual({ ok: true, value: { valid: false, daysRemaining: null } });
    expect(readCertInfo('<html>')).toEqual({ ok: false, problems: ['value: not JSON'] });
    expect([24, '24', 720, '1y', 8760, 'forever'].map(readUptimePeriod)).toEqual(['24h', '24h', '30d', '1y', '1y', null]);
    const map = readMonitorMap({ 1: { id: 1, name: 'A', type: 'http', url: 'https://a', interval: 60, active: 1, basic_auth_pass: 'x' }, 2: { name: 'no id, keyed' }, 3: 'junk' });
    expect(map.ok && map.value.monitors.map((m) => [m.id, m.name, m.active])).toEqual([
      ['1', 'A', true],
      ['2', 'no id, keyed', false],
    ]);
    expect(map.ok && map.value.problems).toEqual(['[3].value: invalid_type']);
    expect(JSON.stringify(map)).not.toContain('basic_auth_pass');
  });
});
