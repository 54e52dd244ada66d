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
    await vi.advanceTimersByTimeAsync(spreadOffset('slow', 20_000) + 2001);
    expect(aborted).toBe(true);
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
