import { describe, expect, it } from 'vitest';
import { memoryInUse, toCounters, toSample, type RawStats } from './stats-math';

const raw = (over: { t: string; cpu: number; sys: number; rx?: number; tx?: number; read?: number; write?: number; op?: 'v1' | 'v2' }): RawStats => ({
  read: over.t,
  cpu_stats: { cpu_usage: { total_usage: over.cpu }, system_cpu_usage: over.sys, online_cpus: 2 },
  memory_stats: { usage: 50_000_000, limit: 1_000_000_000, stats: { total_inactive_file: 10_000_000 } },
  networks: { eth0: { rx_bytes: over.rx ?? 0, tx_bytes: over.tx ?? 0 }, eth1: { rx_bytes: 1000, tx_bytes: 0 } },
  blkio_stats: {
    io_service_bytes_recursive: [
      { op: over.op === 'v2' ? 'read' : 'Read', value: over.read ?? 0 },
      { op: over.op === 'v2' ? 'write' : 'Write', value: over.write ?? 0 },
      { op: 'Total', value: 999_999 },
    ],
  },
});

describe('stats math', () => {
  it('computes CPU % like docker stats: container delta over system delta, times the CPUs', () => {
    const a = toCounters(raw({ t: '2026-01-01T00:00:00Z', cpu: 1e9, sys: 100e9 }), 0);
    // 1 s later: the container used 0.5 s of CPU while the host's 2 CPUs did 2 s.
    const b = toCounters(raw({ t: '2026-01-01T00:00:01Z', cpu: 1.5e9, sys: 102e9 }), 0);
    expect(toSample('c', b, a).cpuPercent).toBeCloseTo(50, 5);
  });

  it('gives null rates in the first sample and after a restart (counters went back)', () => {
    const a = toCounters(raw({ t: '2026-01-01T00:00:00Z', cpu: 5e9, sys: 100e9, rx: 10_000 }), 0);
    const first = toSample('c', a, null);
    expect(first).toMatchObject({ cpuPercent: null, netRxPerSec: null, memBytes: 40_000_000, memLimit: 1_000_000_000 });
    const b = toCounters(raw({ t: '2026-01-01T00:00:02Z', cpu: 1e8, sys: 104e9, rx: 100 }), 0);
    expect(toSample('c', b, a)).toMatchObject({ cpuPercent: null, netRxPerSec: null });
  });

  it('sums network interfaces and block I/O (v1 and v2 op names) into per-second rates', () => {
    for (const op of ['v1', 'v2'] as const) {
      const a = toCounters(raw({ t: '2026-01-01T00:00:00Z', cpu: 1, sys: 1, rx: 0, tx: 0, read: 0, write: 0, op }), 0);
      const b = toCounters(raw({ t: '2026-01-01T00:00:02Z', cpu: 1, sys: 3, rx: 4000, tx: 2000, read: 8192, write: 4096, op }), 0);
      expect(toSample('c', b, a)).toMatchObject({ cpuPercent: 0, netRxPerSec: 2000, netTxPerSec: 1000, blkReadPerSec: 4096, blkWritePerSec: 2048 });
    }
  });

  it('memory in use leaves out the inactive page cache (cgroup v1, v2, old engines)', () => {
    expect(memoryInUse({ usage: 100, stats: { total_inactive_file: 30 } })).toBe(70);
    expect(memoryInUse({ usage: 100, stats: { inactive_file: 40 } })).toBe(60);
    expect(memoryInUse({ usage: 100, stats: { cache: 25 } })).toBe(75);
    expect(memoryInUse({ usage: 100, stats: {} })).toBe(100);
    expect(memoryInUse(undefined)).toBe(0);
  });

  it('uses the local clock when the engine gives the zero time', () => {
    expect(toCounters({ read: '0001-01-01T00:00:00Z' }, 1234).time).toBe(1234);
  });
});
