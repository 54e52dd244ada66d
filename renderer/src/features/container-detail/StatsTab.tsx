import { useCallback, useMemo, useState } from 'react';
import type uPlot from 'uplot';
import { STATS_LIMITS, type ContainerInfo, type ContainerStatsSampleInfo } from '../../../../shared/contract';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Spinner } from '../../components/Spinner';
import { StatsChart, useContainerStats } from '../stats';
import { formatBytesShort, formatPercent, formatRate } from '../../lib/format';

/** How much history the charts keep. */
const WINDOW_MS = 5 * 60_000;

type Col = (number | null)[];

/** CPU, memory, network and block I/O of one container, live, for the last five minutes. */
export function StatsTab({ container }: { container: ContainerInfo }) {
  const running = container.state === 'running';
  const [history, setHistory] = useState<ContainerStatsSampleInfo[]>([]);
  const ids = useMemo(() => (running ? [container.id] : []), [running, container.id]);
  const onRound = useCallback(
    (samples: ContainerStatsSampleInfo[]) => {
      const mine = samples.find((s) => s.containerId === container.id);
      if (!mine) return;
      setHistory((h) => {
        const cut = mine.time - WINDOW_MS;
        const kept = h.filter((s) => s.time >= cut && s.time < mine.time);
        return [...kept, mine];
      });
    },
    [container.id],
  );
  const { error } = useContainerStats(container.hostId, ids, STATS_LIMITS.detailPeriodMs, onRound);

  const cols = useMemo(() => {
    const x: number[] = [];
    const c: Record<'cpu' | 'mem' | 'limit' | 'rx' | 'tx' | 'rd' | 'wr', Col> = { cpu: [], mem: [], limit: [], rx: [], tx: [], rd: [], wr: [] };
    for (const s of history) {
      x.push(s.time / 1000);
      c.cpu.push(s.cpuPercent);
      c.mem.push(s.memBytes);
      c.limit.push(s.memLimit || null);
      c.rx.push(s.netRxPerSec);
      c.tx.push(s.netTxPerSec);
      c.rd.push(s.blkReadPerSec);
      c.wr.push(s.blkWritePerSec);
    }
    return { x, ...c };
  }, [history]);

  if (!running) {
    return (
      <EmptyState testId="stats-not-running" title="Not running">
        Stats are sampled while the container runs. Start it to see CPU, memory, network and disk use.
      </EmptyState>
    );
  }
  if (error && history.length === 0) return <ErrorMessage error={error} title="Could not sample this container" />;

  const last = history.at(-1) ?? null;
  const memPct = last && last.memLimit ? (last.memBytes / last.memLimit) * 100 : null;
  const memRange = (d: uPlot.AlignedData): [number, number] => {
    let used = 0;
    let limit = 0;
    for (const v of d[1] ?? []) if (typeof v === 'number' && v > used) used = v;
    for (const v of d[2] ?? []) if (typeof v === 'number' && v > limit) limit = v;
    // A limit far above use (no limit set: the host's memory) would flatten the line.
    if (limit > 0 && limit <= used * 1.5) return [0, limit * 1.05];
    return [0, used > 0 ? used * 1.25 : 1];
  };

  return (
    <div className="stats-tab" data-testid="stats-tab">
      <dl className="stats-numbers" aria-live="off">
        <div className="stat-card" data-testid="stat-cpu">
          <dt>CPU</dt>
          <dd>{formatPercent(last?.cpuPercent)}</dd>
        </div>
        <div className="stat-card" data-testid="stat-mem">
          <dt>Memory</dt>
          <dd>
            {last ? formatBytesShort(last.memBytes) : '—'}
            {last && <span className="stat-sub"> of {formatBytesShort(last.memLimit)}{memPct !== null && ` (${memPct < 0.1 ? '< 0.1' : memPct.toFixed(memPct < 10 ? 1 : 0)} %)`}</span>}
          </dd>
        </div>
        <div className="stat-card" data-testid="stat-net">
          <dt>Network</dt>
          <dd>
            ↓ {formatRate(last?.netRxPerSec)} <span className="stat-sub">↑ {formatRate(last?.netTxPerSec)}</span>
          </dd>
        </div>
        <div className="stat-card" data-testid="stat-blk">
          <dt>Disk</dt>
          <dd>
            R {formatRate(last?.blkReadPerSec)} <span className="stat-sub">W {formatRate(last?.blkWritePerSec)}</span>
          </dd>
        </div>
      </dl>
      {history.length === 0 ? (
        <p className="muted">
          <Spinner /> Sampling…
        </p>
      ) : (
        <p className="muted stats-note">
          Sampled every {STATS_LIMITS.detailPeriodMs / 1000} s with one-shot requests; the last five minutes.
          {error && ' Sampling stopped: '}
          {error && <span className="text-error">{error.message}</span>}
        </p>
      )}
      <div className="stats-charts">
        <StatsChart title="CPU" series={[{ label: 'CPU', colorVar: '--accent' }]} data={[cols.x, cols.cpu]} format={formatPercent} />
        <StatsChart
          title="Memory"
          series={[
            { label: 'Used', colorVar: '--ok' },
            { label: 'Limit', colorVar: '--warn', dash: true },
          ]}
          data={[cols.x, cols.mem, cols.limit]}
          format={formatBytesShort}
          range={memRange}
        />
        <StatsChart
          title="Network"
          series={[
            { label: 'Received', colorVar: '--accent' },
            { label: 'Sent', colorVar: '--warn' },
          ]}
          data={[cols.x, cols.rx, cols.tx]}
          format={formatRate}
        />
        <StatsChart
          title="Block I/O"
          series={[
            { label: 'Read', colorVar: '--ok' },
            { label: 'Write', colorVar: '--error' },
          ]}
          data={[cols.x, cols.rd, cols.wr]}
          format={formatRate}
        />
      </div>
    </div>
  );
}
