import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Scheduler, spreadOffset, type CheckOutcome } from './scheduler';

const up: CheckOutcome = { status: 'up', latencyMs: 1, message: 'ok' };

describe('Scheduler', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('spreads checks over the interval and repeats each on its period', async () => {
    const starts: Array<[string, number]> = [];
    const s = new Scheduler({
      run: async (id) => {
        starts.push([id, Date.now()]);
        return up;
      },
      onResult: () => {},
    });
    for (let i = 0; i < 100; i++) s.upsert({ id: `m${i}`, intervalMs: 20_000, retryIntervalMs: 5000, timeoutMs: 5000 });
    await vi.advanceTimersByTimeAsync(20_000);
    expect(new Set(starts.map(([id]) => id)).size).toBe(100);
    // Spread: no second of the interval holds more than a fifth of the checks.
    const perSecond = new Map<number, number>();
    for (const [, t] of starts) perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeLessThan(20);
    await vi.advanceTimersByTimeAsync(40_000);
    const m0 = starts.filter(([id]) => id === 'm0').map(([, t]) => t);
    expect(m0).toHaveLength(3);
    expect(m0[1]! - m0[0]!).toBe(20_000);
    s.stop();
  });

  it('goes back to each monitor\'s place in the spread after checks run soon (a thousand added or imported at once)', async () => {
    const starts: Array<[string, number]> = [];
    const s = new Scheduler({
      run: async (id) => {
        starts.push([id, Date.now()]);
        return up;
      },
      onResult: () => {},
      maxConcurrent: 1000,
    });
    // Added one after the other and each checked at once, as monitors.add and an import do.
    for (let i = 0; i < 1000; i++) {
      s.upsert({ id: `m${i}`, intervalMs: 20_000, retryIntervalMs: 20_000, timeoutMs: 5000 });
      s.runSoon(`m${i}`);
    }
    await vi.advanceTimersByTimeAsync(100);
    expect(starts).toHaveLength(1000);
    starts.length = 0;
    // The next round is spread over the interval again, not 1,000 checks in the same instant.
    await vi.advanceTimersByTimeAsync(40_000);
    const perSecond = new Map<number, number>();
    for (const [, t] of starts) perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeLessThan(150);
    // Back in its turn, each monitor waits between half a period and a period and a half once, then one period.
    const perMonitor = new Map<string, number>();
    for (const [id] of starts) perMonitor.set(id, (perMonitor.get(id) ?? 0) + 1);
    expect(perMonitor.size).toBe(1000);
    expect(Math.max(...perMonitor.values())).toBeLessThanOrEqual(2);
    s.stop();
  });

  it('uses the retry interval while a monitor is unconfirmed', async () => {
    const times: number[] = [];
    const s = new Scheduler({
      run: async () => {
        times.push(Date.now());
        return { status: 'down', latencyMs: null, message: 'refused' };
      },
      onResult: (id) => s.setFast(id, true),
    });
    s.upsert({ id: 'a', intervalMs: 60_000, retryIntervalMs: 10_000, timeoutMs: 5000 });
    await vi.advanceTimersByTimeAsync(60_000 + 30_000);
    expect(times.length).toBeGreaterThanOrEqual(3);
    expect(times[2]! - times[1]!).toBe(10_000);
    s.stop();
  });

  it('reports a check that never settles as down and keeps going', async () => {
    const results: CheckOutcome[] = [];
    let calls = 0;
    const s = new Scheduler({
      run: (_id, signal) => {
        calls++;
        // Ignores its abort signal on purpose: the watchdog must still free the slot.
        void signal;
        return new Promise<CheckOutcome>(() => {});
      },
      onResult: (_id, r) => results.push(r),
      maxConcurrent: 1,
      graceMs: 1000,
    });
    s.upsert({ id: 'hang', intervalMs: 20_000, retryIntervalMs: 20_000, timeoutMs: 3000 });
    s.upsert({ id: 'other', intervalMs: 20_000, retryIntervalMs: 20_000, timeoutMs: 3000 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(results.length).toBeGreaterThanOrEqual(2);
    expect(results[0]).toMatchObject({ status: 'down', message: expect.stringContaining('did not finish within 3 s') });
    expect(calls).toBeGreaterThanOrEqual(3);
    s.stop();
  });

  it('aborts the check at its timeout', async () => {
    let aborted = false;
    const s = new Scheduler({
      run: (_id, signal) =>
        new Promise<CheckOutcome>((resolve) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            resolve({ status: 'down', latencyMs: null, message: 'Timed out after 2 s' });
          });
        }),
      onResult: () => {},
    });
    s.upsert({ id: 'slow', intervalMs: 20_000, retryIntervalMs: 20_000, timeoutMs: 2000 });
    // Its turn, the tick it waits for (at most 500 ms), then the timeout.
    await vi.advanceTimersByTimeAsync(spreadOffset('slow', 20_000) + 500 + 2001);
    expect(aborted).toBe(true);
    s.stop();
  });

  it('wakes on a grid of ticks: checks due within one tick start together, none waits longer than a tick', async () => {
    const starts: Array<[string, number]> = [];
    const s = new Scheduler({
      run: async (id) => {
        starts.push([id, Date.now()]);
        return up;
      },
      onResult: () => {},
      tickMs: 500,
    });
    for (let i = 0; i < 200; i++) s.upsert({ id: `m${i}`, intervalMs: 20_000, retryIntervalMs: 20_000, timeoutMs: 5000 });
    await vi.advanceTimersByTimeAsync(20_000);
    expect(starts).toHaveLength(200);
    for (const [id, t] of starts) {
      expect(t % 500).toBe(0);
      const due = spreadOffset(id, 20_000);
      expect(t - due).toBeGreaterThanOrEqual(0);
      expect(t - due).toBeLessThan(500);
    }
    // 200 checks, at most 40 wake-ups (one per tick).
    expect(new Set(starts.map(([, t]) => t)).size).toBeLessThanOrEqual(40);
    // The ticks do not add up: ten periods later each monitor has had eleven checks, still within a tick of its turn.
    await vi.advanceTimersByTimeAsync(200_000);
    expect(starts).toHaveLength(2200);
    const last = new Map(starts.map(([id, t]) => [id, t]));
    for (const [id, t] of last) expect(t - (spreadOffset(id, 20_000) + 200_000)).toBeLessThan(500);
    s.stop();
  });

  it('caps concurrent checks', async () => {
    let running = 0;
    let peak = 0;
    const s = new Scheduler({
      run: async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 500));
        running--;
        return up;
      },
      onResult: () => {},
      maxConcurrent: 4,
      now: () => Date.now(),
    });
    for (let i = 0; i < 20; i++) s.upsert({ id: `c${i}`, intervalMs: 1000, retryIntervalMs: 1000, timeoutMs: 900 });
    await vi.advanceTimersByTimeAsync(5000);
    expect(peak).toBe(4);
    s.stop();
  });

  it('forgets a removed monitor', async () => {
    const ids: string[] = [];
    const s = new Scheduler({ run: async (id) => (ids.push(id), up), onResult: () => {} });
    s.upsert({ id: 'gone', intervalMs: 20_000, retryIntervalMs: 20_000, timeoutMs: 1000 });
    s.remove('gone');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(ids).toEqual([]);
    expect(s.size).toBe(0);
  });
});
