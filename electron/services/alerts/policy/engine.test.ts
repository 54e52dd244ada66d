import { describe, expect, it } from 'vitest';
import { MonitorId } from '../../../../shared/model/ids';
import { AlertPolicy, type AlertPolicyConfig } from './engine';
import { muteUntil } from './maintenance';
import type { Alert, MonitorPolicySettings, MonitorPolicyStatus } from './types';

const S = 1000;
const MIN = 60 * S;
const T0 = Date.parse('2026-03-04T10:00:00Z');

/**
 * A controllable clock and a faithful owner: it calls tick() exactly at the times nextWakeAt()
 * asks for, and collects every alert.
 */
class Sim {
  t = T0;
  readonly alerts: Alert[] = [];
  readonly changes: MonitorPolicyStatus[] = [];
  readonly policy: AlertPolicy;

  constructor(options?: AlertPolicyConfig['options']) {
    this.policy = new AlertPolicy({ clock: { now: () => this.t }, options, onStateChange: (s) => this.changes.push(s) });
  }

  add(id: string, extra: Partial<MonitorPolicySettings> = {}): void {
    this.take(this.policy.upsertMonitor({ id: MonitorId(id), name: id, intervalMs: 60 * S, timeoutMs: 10 * S, retries: 0, recoveryConfirmations: 1, ...extra }));
  }

  check(id: string, status: 'up' | 'down', message = status === 'up' ? '200 OK' : 'connect ECONNREFUSED'): void {
    const hostId = null;
    this.take(this.policy.result({ monitorId: MonitorId(id), hostId, time: this.t, status, message }));
  }

  /** Moves the clock forward, ticking at every requested wake time on the way. */
  advance(ms: number): void {
    const target = this.t + ms;
    let guard = 0;
    for (;;) {
      const wake = this.policy.nextWakeAt();
      if (wake === null || wake > target) break;
      if (++guard > 10_000) throw new Error(`tick loop at ${wake}`);
      this.t = wake;
      this.take(this.policy.tick());
    }
    this.t = target;
    this.take(this.policy.tick());
  }

  /** Every `everyMs`, each monitor reports `status(id, i)` (null: no result); `rounds` times. */
  run(ids: string[], everyMs: number, rounds: number, status: (id: string, round: number) => 'up' | 'down' | null): void {
    for (let i = 0; i < rounds; i++) {
      for (const id of ids) {
        const s = status(id, i);
        if (s) this.check(id, s);
      }
      this.advance(everyMs);
    }
  }

  state(id: string) {
    return this.policy.status(id)!.state;
  }

  kinds(): string[] {
    return this.alerts.map((a) => a.kind);
  }

  take(alerts: Alert[]): void {
    this.alerts.push(...alerts);
  }
}

const names = (n: number, prefix = 'svc') => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(2, '0')}`);

describe('confirmed transitions (retries)', () => {
  it('goes down on failure number retries + 1, pending meanwhile, and alerts once', () => {
    const sim = new Sim();
    sim.add('web', { retries: 2, retryIntervalMs: 20 * S });
    sim.check('web', 'up');
    expect(sim.state('web')).toBe('up');

    sim.check('web', 'down');
    expect(sim.state('web')).toBe('pending');
    expect(sim.policy.status('web')!.fastRecheck).toBe(true);
    sim.advance(20 * S);
    sim.check('web', 'down');
    expect(sim.state('web')).toBe('pending');
    sim.advance(20 * S);
    expect(sim.alerts).toEqual([]);
    sim.check('web', 'down', 'HTTP 502');
    expect(sim.state('web')).toBe('down');
    sim.advance(30 * S);
    expect(sim.alerts).toHaveLength(1);
    expect(sim.alerts[0]).toMatchObject({ kind: 'down', title: 'web is down', body: 'HTTP 502', monitorIds: ['web'], severity: 'critical' });
  });

  it('a failure streak shorter than the retries never alerts', () => {
    const sim = new Sim();
    sim.add('web', { retries: 2 });
    sim.run(['web'], 20 * S, 30, (_id, i) => (i % 3 === 2 ? 'up' : 'down'));
    expect(sim.alerts).toEqual([]);
    expect(sim.policy.status('web')!.confirmed).toBe('up');
  });

  it('recovery confirmation: N consecutive ups before the up alert', () => {
    const sim = new Sim();
    sim.add('web', { recoveryConfirmations: 3 });
    sim.check('web', 'up');
    sim.check('web', 'down');
    sim.advance(15 * S);
    expect(sim.kinds()).toEqual(['down']);
    sim.check('web', 'up');
    sim.advance(20 * S);
    sim.check('web', 'down'); // bounced: the streak starts again
    sim.advance(20 * S);
    sim.check('web', 'up');
    sim.advance(20 * S);
    sim.check('web', 'up');
    expect(sim.state('web')).toBe('pending');
    sim.advance(20 * S);
    expect(sim.kinds()).toEqual(['down']);
    sim.check('web', 'up');
    expect(sim.state('web')).toBe('up');
    sim.advance(15 * S);
    expect(sim.kinds()).toEqual(['down', 'up']);
    expect(sim.alerts[1]!.body).toMatch(/^Back after 1 min/);
  });

  it('a monitor that is down from its first check alerts; one that is up from its first does not', () => {
    const sim = new Sim();
    sim.add('a');
    sim.add('b');
    sim.check('a', 'down');
    sim.check('b', 'up');
    sim.advance(15 * S);
    expect(sim.alerts.map((a) => [a.kind, a.monitorIds])).toEqual([['down', ['a']]]);
  });

  it('a restored outage is not announced again after a restart (Kuma #4085)', () => {
    const sim = new Sim();
    sim.policy.upsertMonitor({ id: MonitorId('db'), name: 'db', intervalMs: 60 * S, timeoutMs: 10 * S, retries: 0 }, { status: 'down', since: T0 - 3_600_000 });
    sim.run(['db'], 60 * S, 5, () => 'down');
    expect(sim.alerts).toEqual([]);
    expect(sim.state('db')).toBe('down');
  });
});

describe('re-notify', () => {
  it('reminds every N checks while down, and never when N = 0', () => {
    const sim = new Sim();
    sim.add('every3', { renotifyEvery: 3 });
    sim.add('never', { renotifyEvery: 0 });
    sim.run(['every3', 'never'], 60 * S, 1, () => 'up');
    sim.run(['every3'], 60 * S, 1, () => 'down');
    sim.run(['never'], 60 * S, 1, () => 'down');
    expect(sim.kinds()).toEqual(['down', 'down']);
    sim.run(['every3', 'never'], 60 * S, 7, () => 'down');
    const still = sim.alerts.filter((a) => a.kind === 'still-down');
    expect(still).toHaveLength(2);
    expect(still.every((a) => a.monitorIds.join() === 'every3')).toBe(true);
    expect(still[0]!.title).toBe('every3 is still down');
    expect(still[0]!.body).toMatch(/^Down for 4 min: connect ECONNREFUSED/);
  });

  it('reminders due together go out as one', () => {
    const sim = new Sim();
    const ids = names(5);
    for (const id of ids) sim.add(id, { renotifyEvery: 2 });
    sim.run(ids, 60 * S, 1, () => 'up');
    sim.run(ids, 60 * S, 3, () => 'down');
    expect(sim.kinds()).toEqual(['group-down', 'still-down']);
    expect(sim.alerts[1]!.title).toBe('5 services still down');
  });
});

describe('flap damping', () => {
  it('more than 3 changes in 15 min → one flapping notice, silence, then the final state once stable for 10 min', () => {
    const sim = new Sim();
    sim.add('nas-smb');
    sim.check('nas-smb', 'up');
    // Flips every 2 minutes for 20 minutes.
    sim.run(['nas-smb'], 2 * MIN, 10, (_id, i) => (i % 2 === 0 ? 'down' : 'up'));
    expect(sim.kinds()).toEqual(['down', 'up', 'down', 'flapping']);
    expect(sim.alerts[3]!.title).toBe('nas-smb is flapping');
    expect(sim.alerts[3]!.body).toMatch(/Changed state 4 times in 15 min; .*stable for 10 min/);
    expect(sim.policy.status('nas-smb')!.flapping).toBe(true);
    // The last change was at 18 min; stable (up) from here on: one closing alert at 28 min (+ the coalescing 10 s).
    expect(sim.t - T0).toBe(20 * MIN);
    sim.run(['nas-smb'], 1 * MIN, 7, () => 'up');
    expect(sim.kinds()).toHaveLength(4);
    sim.run(['nas-smb'], 1 * MIN, 2, () => 'up');
    expect(sim.kinds()).toEqual(['down', 'up', 'down', 'flapping', 'up']);
    expect(sim.alerts[4]!.body).toBe('Stable again after flapping, and up.');
    expect(sim.policy.status('nas-smb')!.flapping).toBe(false);
  });

  it('changes spread wider than the window are not flapping', () => {
    const sim = new Sim();
    sim.add('web', { intervalMs: 6 * MIN });
    sim.check('web', 'up');
    sim.run(['web'], 6 * MIN, 8, (_id, i) => (i % 2 === 0 ? 'down' : 'up'));
    expect(sim.kinds()).toEqual(['down', 'up', 'down', 'up', 'down', 'up', 'down', 'up']);
  });
});

describe('mass outage → one alert', () => {
  it('50 monitors failing at once → exactly one alert', () => {
    const sim = new Sim();
    const ids = names(50);
    for (const id of ids) sim.add(id);
    sim.run(ids, 60 * S, 1, () => 'up');
    sim.run(ids, 60 * S, 3, () => 'down');
    expect(sim.alerts).toHaveLength(1);
    const a = sim.alerts[0]!;
    expect(a.kind).toBe('group-down');
    expect(`${a.title}: ${a.body}`).toBe('50 services down: svc00, svc01, svc02 and 47 more');
    expect(a.monitorIds).toHaveLength(50);
    // …and the recovery is one alert too.
    sim.run(ids, 60 * S, 2, () => 'up');
    expect(sim.kinds()).toEqual(['group-down', 'group-up']);
    expect(sim.alerts[1]!.title).toBe('50 services up again');
  });

  it('failures detected over 40 s (checks spread over the interval) still merge into one alert', () => {
    const sim = new Sim();
    const ids = names(50);
    for (const id of ids) sim.add(id);
    sim.run(ids, 60 * S, 1, () => 'up');
    for (const id of ids) {
      sim.check(id, 'down');
      sim.advance(800);
    }
    sim.advance(60 * S);
    expect(sim.kinds()).toEqual(['group-down']);
  });

  it('a monitor that recovers before the batch closes is never announced', () => {
    const sim = new Sim();
    sim.add('a');
    sim.add('b');
    sim.run(['a', 'b'], 60 * S, 1, () => 'up');
    sim.check('a', 'down');
    sim.check('b', 'down');
    sim.advance(3 * S);
    sim.check('b', 'up');
    sim.advance(30 * S);
    expect(sim.alerts).toHaveLength(1);
    expect(sim.alerts[0]).toMatchObject({ kind: 'down', monitorIds: ['a'] });
  });
});

/**
 * A faithful owner with a scheduler: each monitor is checked at its own slot, every interval, or
 * every retry interval while the policy asks for a fast re-check (as MonitorsManager does).
 * `status(id, t)` is what a check started at t finds. Records when each monitor was confirmed down.
 */
function schedule(sim: Sim, ids: string[], o: { intervalMs: number; retryIntervalMs: number; from: number; to: number; status: (id: string, t: number) => 'up' | 'down' }, hooks: Array<[number, () => void]> = []) {
  const next = new Map(ids.map((id, i) => [id, o.from + (i * o.intervalMs) / ids.length]));
  const confirmedAt = new Map<string, number>();
  const pending = [...hooks].sort((a, b) => a[0] - b[0]);
  for (let t = o.from; t < o.to; t += 100) {
    sim.advance(t - sim.t);
    while (pending.length && pending[0]![0] <= t) pending.shift()![1]();
    for (const id of ids) {
      if (next.get(id)! > t) continue;
      sim.check(id, o.status(id, t));
      const st = sim.policy.status(id)!;
      if (st.state === 'down' && !confirmedAt.has(id)) confirmedAt.set(id, t);
      next.set(id, t + (st.fastRecheck ? o.retryIntervalMs : o.intervalMs));
    }
  }
  sim.advance(o.to - sim.t);
  return confirmedAt;
}

describe('grouping: only a new member extends the window', () => {
  it('50 monitors confirmed down between +20 s and +40 s, checked every 20 s meanwhile: one alert within seconds of the last', () => {
    const sim = new Sim();
    const ids = names(50);
    for (const id of ids) sim.add(id, { intervalMs: 20 * S, retries: 1, retryIntervalMs: 20 * S });
    const outage = T0 + 60 * S;
    const confirmed = schedule(sim, ids, { intervalMs: 20 * S, retryIntervalMs: 20 * S, from: T0, to: T0 + 4 * MIN, status: (_id, t) => (t >= outage ? 'down' : 'up') });
    const times = [...confirmed.values()];
    expect(times).toHaveLength(50);
    expect(Math.min(...times) - outage).toBeGreaterThanOrEqual(20 * S);
    expect(Math.max(...times) - outage).toBeLessThan(40 * S);
    expect(sim.kinds()).toEqual(['group-down']);
    expect(sim.alerts[0]!.monitorIds).toHaveLength(50);
    // The quiet window (10 s) after the last new member, not the 60 s cap after the first.
    expect(sim.alerts[0]!.at - Math.max(...times)).toBeLessThanOrEqual(10 * S);
  });

  it('a single outage is told 10 s after it is confirmed, whatever else keeps reporting', () => {
    const sim = new Sim();
    const ids = names(20);
    for (const id of ids) sim.add(id, { intervalMs: 20 * S });
    const outage = T0 + 30 * S;
    const confirmed = schedule(sim, ids, { intervalMs: 20 * S, retryIntervalMs: 20 * S, from: T0, to: T0 + 3 * MIN, status: (id, t) => (id === 'svc05' && t >= outage ? 'down' : 'up') });
    expect(sim.alerts).toHaveLength(1);
    expect(sim.alerts[0]!.at - confirmed.get('svc05')!).toBe(10 * S);
  });

  it('back online after an outage began: one notification for the outage, not two', () => {
    // The services go down at +0; some are confirmed down at +40…+65 s; at +65 s this computer
    // loses its own network (nothing it sees can be trusted) until +200 s. Afterwards the fresh
    // checks find the same outage, spread over the interval and the retries.
    const sim = new Sim();
    const ids = names(50);
    for (const id of ids) sim.add(id, { intervalMs: 60 * S, retries: 2, retryIntervalMs: 20 * S });
    const start = T0 + 2 * MIN;
    const confirmed = schedule(
      sim,
      ids,
      { intervalMs: 60 * S, retryIntervalMs: 20 * S, from: T0, to: start + 8 * MIN, status: (_id, t) => (t >= start ? 'down' : 'up') },
      [
        [start + 65 * S, () => sim.take(sim.policy.localNetwork(false, sim.t))],
        [start + 200 * S, () => sim.take(sim.policy.localNetwork(true, sim.t))],
      ],
    );
    expect(sim.kinds()).toEqual(['group-down']);
    expect(sim.alerts[0]!.monitorIds).toHaveLength(50);
    const last = Math.max(...[...confirmed.values()].filter((t) => t > start + 200 * S));
    expect(sim.alerts[0]!.at).toBeGreaterThanOrEqual(last);
    expect(sim.alerts[0]!.at - last).toBeLessThanOrEqual(10 * S);
  });
});

describe('host unreachable → one alert naming the count', () => {
  const setup = () => {
    const sim = new Sim();
    const onNas = names(14, 'nas-');
    for (const id of onNas) sim.add(id, { hostId: 'nas' });
    sim.add('router');
    sim.policy.upsertHost('nas', 'nas');
    sim.run([...onNas, 'router'], 60 * S, 1, () => 'up');
    return { sim, onNas };
  };

  it('the SSH connection is lost and every container check fails: one alert, not fourteen', () => {
    const { sim, onNas } = setup();
    sim.alerts.push(...sim.policy.hostReachability('nas', false, sim.t));
    sim.run([...onNas, 'router'], 20 * S, 6, (id) => (id === 'router' ? 'up' : 'down'));
    expect(sim.alerts).toHaveLength(1);
    const a = sim.alerts[0]!;
    expect(a).toMatchObject({ kind: 'host-unreachable', hostId: 'nas', severity: 'critical' });
    expect(`${a.title}, ${a.body}`).toBe('nas: host unreachable, 14 services affected');
    expect(a.monitorIds).toHaveLength(14);

    // Back: one host-back alert; fresh checks that come up say nothing more…
    sim.alerts.push(...sim.policy.hostReachability('nas', true, sim.t));
    expect(sim.state('nas-00')).toBe('unknown');
    sim.advance(2 * S);
    sim.run(onNas, 20 * S, 3, (id) => (id === 'nas-13' ? 'down' : 'up'));
    expect(sim.kinds().sort()).toEqual(['down', 'host-back', 'host-unreachable']);
    const back = sim.alerts.find((a) => a.kind === 'host-back')!;
    expect(`${back.title}, ${back.body}`).toBe('nas: host reachable again, 14 services being checked again');
    // …and the one container that really stayed down is told on its own.
    expect(sim.alerts.find((a) => a.kind === 'down')!.monitorIds).toEqual(['nas-13']);
  });

  it('a connection blip shorter than the confirmation time says nothing', () => {
    const { sim, onNas } = setup();
    sim.alerts.push(...sim.policy.hostReachability('nas', false, sim.t));
    sim.run(onNas, 5 * S, 3, () => 'down');
    sim.alerts.push(...sim.policy.hostReachability('nas', true, sim.t));
    sim.run(onNas, 20 * S, 6, () => 'up');
    expect(sim.alerts).toEqual([]);
  });

  it('an unrelated outage during the host outage is still told, separately', () => {
    const { sim, onNas } = setup();
    sim.alerts.push(...sim.policy.hostReachability('nas', false, sim.t));
    sim.run([...onNas, 'router'], 20 * S, 4, () => 'down');
    expect(sim.kinds()).toEqual(['down', 'host-unreachable']);
    expect(sim.alerts[0]!.monitorIds).toEqual(['router']);
    expect(sim.alerts[1]!.monitorIds).toHaveLength(14);
  });

  it('a host lost together with other services is one alert', () => {
    const { sim, onNas } = setup();
    sim.alerts.push(...sim.policy.hostReachability('nas', false, sim.t - 30 * S));
    sim.run([...onNas, 'router'], 20 * S, 2, () => 'down');
    expect(sim.alerts).toHaveLength(1);
    expect(sim.alerts[0]!.kind).toBe('group-down');
    expect(`${sim.alerts[0]!.title}: ${sim.alerts[0]!.body}`).toBe('1 host unreachable and 1 service down: Unreachable: nas (14 services). Down: router.');
    expect(sim.alerts[0]!.monitorIds).toHaveLength(15);
  });
});

describe('a host that cannot be reached', () => {
  it('its monitors are unknown for the whole outage, never up; after it is back the fresh checks decide, and one that stayed down is told', () => {
    const sim = new Sim();
    const ctrs = names(4, 'ctr-');
    for (const id of [...ctrs, 'cmd']) sim.add(id, { hostId: 'nas', retries: 1, retryIntervalMs: 20 * S });
    sim.policy.upsertHost('nas', 'nas');
    sim.run([...ctrs, 'cmd'], 60 * S, 1, () => 'up');
    expect(sim.state('ctr-00')).toBe('up');

    sim.take(sim.policy.hostReachability('nas', false, sim.t));
    // Container monitors get no result while the engine is away; the command monitor fails to run.
    for (let i = 0; i < 6; i++) {
      for (const id of [...ctrs, 'cmd']) {
        expect(sim.policy.status(id)).toMatchObject({ state: 'unknown', unknownReason: 'host-unreachable' });
      }
      sim.check('cmd', 'down', 'The host is not connected.');
      sim.advance(20 * S);
    }
    expect(sim.kinds()).toEqual(['host-unreachable']);
    expect(sim.policy.status('ctr-00')!.message).toMatch(/Cannot reach nas/);

    sim.take(sim.policy.hostReachability('nas', true, sim.t));
    sim.advance(1 * S);
    // The watches start again: three containers running, one stopped during the outage.
    for (const id of ctrs) sim.check(id, id === 'ctr-03' ? 'down' : 'up', id === 'ctr-03' ? 'Container ctr-03 is exited (exit code 137)' : 'running');
    sim.check('cmd', 'up');
    expect(sim.state('ctr-00')).toBe('up');
    expect(sim.state('cmd')).toBe('up');
    expect(sim.state('ctr-03')).toBe('pending');
    sim.advance(20 * S);
    sim.check('ctr-03', 'down', 'Container ctr-03 is exited (exit code 137)');
    sim.advance(15 * S);
    expect(sim.state('ctr-03')).toBe('down');
    expect(sim.kinds()).toEqual(['host-unreachable', 'host-back', 'down']);
    expect(sim.alerts[2]).toMatchObject({ monitorIds: ['ctr-03'], body: 'Container ctr-03 is exited (exit code 137)' });
  });

  it('a service down before its host went away is not told down again after, and is told when it is up', () => {
    const sim = new Sim();
    for (const id of ['web', 'db']) sim.add(id, { hostId: 'nas' });
    sim.policy.upsertHost('nas', 'nas');
    sim.check('web', 'up');
    sim.check('db', 'down', 'Container db is exited (exit code 1)');
    sim.advance(15 * S);
    expect(sim.kinds()).toEqual(['down']);
    sim.take(sim.policy.hostReachability('nas', false, sim.t));
    sim.advance(1 * MIN);
    sim.take(sim.policy.hostReachability('nas', true, sim.t));
    sim.check('web', 'up');
    sim.check('db', 'down', 'Container db is exited (exit code 1)');
    sim.advance(1 * MIN);
    expect(sim.kinds()).toEqual(['down', 'host-unreachable', 'host-back']);
    expect(sim.state('db')).toBe('down');
    sim.check('db', 'up', 'Container db is running');
    sim.advance(15 * S);
    expect(sim.kinds()).toEqual(['down', 'host-unreachable', 'host-back', 'up']);
    expect(sim.alerts[3]).toMatchObject({ monitorIds: ['db'], title: 'db is up', body: expect.stringMatching(/^Back after 2 min/) });
  });

  it('a host the user disconnected: its monitors are unknown, and no outage is told', () => {
    const sim = new Sim();
    sim.add('ctr', { hostId: 'nas' });
    sim.policy.upsertHost('nas', 'nas');
    sim.check('ctr', 'up');
    sim.take(sim.policy.hostReachability('nas', false, sim.t, true));
    sim.advance(10 * MIN);
    expect(sim.state('ctr')).toBe('unknown');
    expect(sim.alerts).toEqual([]);
    // Connecting again fails: from then on it is an outage like any other (confirmed after 30 s).
    sim.take(sim.policy.hostReachability('nas', false, sim.t));
    sim.advance(20 * S);
    expect(sim.alerts).toEqual([]);
    sim.advance(20 * S);
    expect(sim.kinds()).toEqual(['host-unreachable']);
  });

  it('a failure seen as the link went is not evidence, and a short outage leaves no trace', () => {
    const sim = new Sim();
    sim.add('ctr', { hostId: 'nas' });
    sim.policy.upsertHost('nas', 'nas');
    sim.check('ctr', 'up');
    sim.check('ctr', 'down', 'Could not read the state: socket hang up');
    sim.take(sim.policy.hostReachability('nas', false, sim.t));
    expect(sim.state('ctr')).toBe('unknown');
    sim.advance(5 * S);
    sim.take(sim.policy.hostReachability('nas', true, sim.t));
    sim.check('ctr', 'up');
    sim.advance(1 * MIN);
    expect(sim.state('ctr')).toBe('up');
    expect(sim.alerts).toEqual([]);
  });
});

describe('no false alarms when the problem is this computer', () => {
  it('sleep and resume: no alert, unknown meanwhile, no stall for the time asleep', () => {
    const sim = new Sim();
    const ids = names(10);
    for (const id of ids) sim.add(id);
    sim.run(ids, 60 * S, 2, () => 'up');
    // Asleep for 8 hours: no ticks, no results.
    sim.t += 8 * 3_600_000;
    sim.alerts.push(...sim.policy.systemResumed(sim.t));
    expect(sim.policy.isHolding()).toBe(true);
    expect(sim.state('svc00')).toBe('unknown');
    expect(sim.policy.status('svc00')!.unknownReason).toBe('resumed');
    // Wi-Fi comes back after 40 s: checks fail until then.
    sim.run(ids, 10 * S, 4, () => 'down');
    expect(sim.state('svc00')).toBe('unknown');
    sim.run(ids, 10 * S, 10, () => 'up');
    expect(sim.state('svc00')).toBe('up');
    sim.run(ids, 60 * S, 10, () => 'up');
    expect(sim.alerts).toEqual([]);
  });

  it('an outage confirmed just before the lid closed is not announced at the wake', () => {
    const sim = new Sim();
    sim.add('web');
    sim.check('web', 'up');
    sim.advance(30 * S);
    sim.check('web', 'down'); // the Wi-Fi dropping as the lid closes
    sim.advance(2 * S);
    sim.t += 3_600_000;
    sim.alerts.push(...sim.policy.systemResumed(sim.t));
    sim.run(['web'], 20 * S, 6, (_id, i) => (i < 2 ? 'down' : 'up'));
    expect(sim.alerts).toEqual([]);
    expect(sim.state('web')).toBe('up');
  });

  it('a service that is really down after the wake is told, from fresh checks', () => {
    const sim = new Sim();
    sim.add('web', { retries: 1 });
    sim.add('db', { retries: 1 });
    sim.run(['web', 'db'], 60 * S, 1, () => 'up');
    sim.t += 3_600_000;
    sim.alerts.push(...sim.policy.systemResumed(sim.t));
    sim.run(['web', 'db'], 20 * S, 3, () => 'down'); // inside the 60 s hold
    expect(sim.alerts).toEqual([]);
    sim.run(['web', 'db'], 20 * S, 3, (id) => (id === 'db' ? 'down' : 'up'));
    expect(sim.alerts).toHaveLength(1);
    expect(sim.alerts[0]).toMatchObject({ kind: 'down', monitorIds: ['db'] });
  });

  it('local network loss: no alert and unknown; afterwards only what is really down alerts', () => {
    const sim = new Sim();
    const ids = names(20);
    for (const id of ids) sim.add(id);
    sim.run(ids, 60 * S, 1, () => 'up');
    sim.alerts.push(...sim.policy.localNetwork(false, sim.t));
    sim.run(ids, 30 * S, 20, () => 'down');
    expect(sim.alerts).toEqual([]);
    expect(sim.policy.statuses().every((s) => s.state === 'unknown' && s.unknownReason === 'local-network')).toBe(true);

    const back = sim.t;
    sim.alerts.push(...sim.policy.localNetwork(true, back));
    // A check that started before the network came back and failed afterwards is not evidence.
    sim.alerts.push(...sim.policy.result({ monitorId: MonitorId('svc00'), hostId: null, time: back - 5 * S, status: 'down', message: 'timeout' }));
    sim.advance(30 * S);
    expect(sim.alerts).toEqual([]);
    expect(sim.state('svc00')).toBe('unknown');
    sim.run(ids, 60 * S, 2, (id) => (id === 'svc07' ? 'down' : 'up'));
    expect(sim.alerts).toHaveLength(1);
    expect(sim.alerts[0]).toMatchObject({ kind: 'down', monitorIds: ['svc07'] });
    expect(sim.state('svc00')).toBe('up');
  });

  it('failures confirmed just before the reference check noticed the loss are withdrawn', () => {
    const sim = new Sim();
    const ids = names(5);
    for (const id of ids) sim.add(id);
    sim.run(ids, 60 * S, 1, () => 'up');
    for (const id of ids) sim.check(id, 'down');
    sim.advance(4 * S);
    sim.alerts.push(...sim.policy.localNetwork(false, sim.t));
    sim.advance(5 * MIN);
    sim.alerts.push(...sim.policy.localNetwork(true, sim.t));
    sim.run(ids, 60 * S, 2, () => 'up');
    expect(sim.alerts).toEqual([]);
  });
});

describe('stalled monitors', () => {
  it('no result for 3 × interval + timeout → a stalled alert; results again → cleared', () => {
    const sim = new Sim();
    sim.add('web', { intervalMs: 60 * S, timeoutMs: 10 * S });
    sim.add('events', { stallAfterMs: null });
    sim.check('web', 'up');
    sim.advance(189 * S);
    expect(sim.alerts).toEqual([]);
    sim.advance(1 * S);
    expect(sim.state('web')).toBe('unknown');
    expect(sim.policy.status('web')!.unknownReason).toBe('stalled');
    sim.advance(10 * S);
    expect(sim.alerts).toHaveLength(1);
    expect(sim.alerts[0]).toMatchObject({ kind: 'stalled', title: 'web stopped checking', monitorIds: ['web'], severity: 'warning' });
    expect(sim.alerts[0]!.body).toMatch(/No result for 3 min/);
    sim.advance(30 * MIN);
    expect(sim.alerts).toHaveLength(1);
    sim.check('web', 'up');
    sim.advance(10 * S);
    expect(sim.kinds()).toEqual(['stalled', 'stall-cleared']);
    expect(sim.state('web')).toBe('up');
  });
});

describe('maintenance and mute', () => {
  it('maintenance: state maintenance, no alert; still down afterwards → told from fresh checks', () => {
    const sim = new Sim();
    sim.add('web', { maintenance: [{ kind: 'once', from: T0 + 60 * S, to: T0 + 31 * MIN }] });
    sim.check('web', 'up');
    sim.advance(60 * S);
    expect(sim.state('web')).toBe('maintenance');
    sim.run(['web'], 60 * S, 30, () => 'down');
    expect(sim.alerts).toEqual([]);
    expect(sim.state('web')).toBe('pending'); // the window ended; waiting for a fresh check
    sim.run(['web'], 60 * S, 1, () => 'down');
    expect(sim.kinds()).toEqual(['down']);
  });

  it('a weekly window suppresses alerts every week', () => {
    const sim = new Sim();
    // 2026-03-04 is a Wednesday (3); 10:00 UTC.
    sim.add('web', { maintenance: [{ kind: 'weekly', days: [3], start: '10:05', end: '10:20', utcOffsetMinutes: 0 }] });
    sim.run(['web'], 60 * S, 5, () => 'up');
    sim.run(['web'], 60 * S, 15, () => 'down');
    expect(sim.alerts).toEqual([]);
    sim.run(['web'], 60 * S, 3, () => 'up');
    expect(sim.alerts).toEqual([]);
  });

  it('mute: state changes, no alert; one reminder when the mute ends while still down', () => {
    const sim = new Sim();
    sim.add('web');
    sim.check('web', 'up');
    sim.policy.upsertMonitor({ id: MonitorId('web'), name: 'web', intervalMs: 60 * S, timeoutMs: 10 * S, retries: 0, recoveryConfirmations: 1, mutedUntil: muteUntil('1h', sim.t, 0) });
    sim.run(['web'], 60 * S, 30, () => 'down');
    expect(sim.state('web')).toBe('down');
    expect(sim.policy.status('web')!.muted).toBe(true);
    expect(sim.alerts).toEqual([]);
    sim.run(['web'], 60 * S, 40, () => 'down');
    expect(sim.alerts).toHaveLength(1);
    expect(sim.alerts[0]).toMatchObject({ kind: 'still-down', title: 'web is still down' });
    expect(sim.alerts[0]!.body).toMatch(/^Mute ended; down for 1 h/);
  });

  it('mute: an outage that ended during the mute is not told at all', () => {
    const sim = new Sim();
    sim.add('web', { mutedUntil: T0 + 30 * MIN });
    sim.run(['web'], 60 * S, 60, (_id, i) => (i > 5 && i < 20 ? 'down' : 'up'));
    expect(sim.alerts).toEqual([]);
  });

  it('a mute that ends while the computer sleeps reminds only after a fresh check', () => {
    const sim = new Sim();
    sim.add('web');
    sim.check('web', 'up');
    sim.check('web', 'down');
    sim.advance(15 * S);
    expect(sim.kinds()).toEqual(['down']);
    sim.alerts.push(...sim.policy.setGlobalMute(sim.t + 30 * MIN));
    sim.run(['web'], 60 * S, 10, () => 'down');
    sim.t += 2 * 3_600_000; // asleep past the end of the mute
    sim.alerts.push(...sim.policy.systemResumed(sim.t));
    sim.advance(90 * S); // no checks yet (the scheduler is catching up)
    expect(sim.kinds()).toEqual(['down']);
    sim.run(['web'], 60 * S, 1, () => 'down');
    sim.advance(15 * S);
    expect(sim.kinds()).toEqual(['down', 'still-down']);
    expect(sim.alerts[1]!.body).toMatch(/^Mute ended; down for 2 h/);
  });

  it('the global mute (tray: mute 4 h) silences everything, then reminds once', () => {
    const sim = new Sim();
    const ids = names(5);
    for (const id of ids) sim.add(id);
    sim.run(ids, 60 * S, 1, () => 'up');
    sim.alerts.push(...sim.policy.setGlobalMute(muteUntil('4h', sim.t, 0)));
    sim.run(ids, 60 * S, 5 * 60, () => 'down');
    expect(sim.kinds()).toEqual(['still-down']);
    expect(sim.alerts[0]!.title).toBe('5 services still down');
  });
});

describe('owner contract', () => {
  it('paused: shown as paused, never alerts, never stalls', () => {
    const sim = new Sim();
    sim.add('web', { paused: true });
    sim.run(['web'], 60 * S, 10, () => 'down');
    sim.advance(60 * MIN);
    expect(sim.alerts).toEqual([]);
    expect(sim.state('web')).toBe('paused');
  });

  it('1,000 monitors: a check result does not scan every monitor', () => {
    const sim = new Sim();
    const ids = Array.from({ length: 1000 }, (_, i) => `m${i}`);
    for (const id of ids) sim.add(id, { intervalMs: 20 * S, maintenance: [{ kind: 'weekly', days: [0], start: '02:00', end: '03:00', utcOffsetMinutes: 60 }] });
    const started = performance.now();
    // Ten minutes of checks, every monitor every 20 s, spread over the interval.
    for (let round = 0; round < 30; round++) {
      for (const id of ids) {
        sim.check(id, 'up');
        sim.t += 20;
      }
      sim.take(sim.policy.tick());
    }
    const ms = performance.now() - started;
    expect(sim.alerts).toEqual([]);
    // 30,000 results; measured at a few hundred ms. The bound only catches an O(n) regression (~10 s).
    expect(ms).toBeLessThan(3000);
  });

  it('reports state changes and never asks for a wake time in the past', () => {
    const sim = new Sim();
    sim.add('web');
    sim.check('web', 'down');
    expect(sim.changes.map((c) => c.state)).toEqual(['pending', 'down']);
    const wake = sim.policy.nextWakeAt()!;
    expect(wake).toBe(T0 + 10 * S);
  });
});
