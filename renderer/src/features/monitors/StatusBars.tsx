import type { LatencyPointInfo, StatusBarInfo } from '../../../../shared/contract';
import { barColor } from './monitors-ui';

/** A row of small bars, one per bucket, coloured by the worst status in it. */
export function StatusBars({ bars, label, height = 16 }: { bars: StatusBarInfo[]; label: string; height?: number }) {
  return (
    <div className="status-bars" aria-label={label} role="img" style={{ height }}>
      {bars.map((b) => (
        <div key={b.start} title={`${new Date(b.start).toLocaleString()}: ${b.up} up, ${b.down} down`} style={{ background: barColor(b) }} />
      ))}
    </div>
  );
}

/** A small latency line (inline SVG): the average per point; gaps where nothing was measured. */
export function Sparkline({ points, label, width = 96, height = 22 }: { points: LatencyPointInfo[]; label: string; width?: number; height?: number }) {
  const values = points.filter((p) => p.avg !== null);
  if (values.length < 2) {
    return (
      <svg className="sparkline" width={width} height={height} role="img" aria-label={`${label}: not enough data`}>
        <line x1={0} x2={width} y1={height - 1} y2={height - 1} stroke="var(--border)" strokeDasharray="2 3" />
      </svg>
    );
  }
  const t0 = points[0]!.time;
  const t1 = points[points.length - 1]!.time;
  const max = Math.max(...values.map((p) => p.avg!));
  const min = Math.min(...values.map((p) => p.avg!));
  const span = Math.max(1, max - min);
  const x = (t: number) => (t1 === t0 ? 0 : ((t - t0) / (t1 - t0)) * (width - 2) + 1);
  const y = (v: number) => height - 2 - ((v - min) / span) * (height - 4);
  // Split at missing points so an outage shows as a gap, not a straight line across it.
  const segments: string[] = [];
  let cur: string[] = [];
  for (const p of points) {
    if (p.avg === null) {
      if (cur.length) segments.push(cur.join(' '));
      cur = [];
    } else cur.push(`${x(p.time).toFixed(1)},${y(p.avg).toFixed(1)}`);
  }
  if (cur.length) segments.push(cur.join(' '));
  const last = values[values.length - 1]!.avg!;
  return (
    <svg className="sparkline" width={width} height={height} role="img" aria-label={`${label}: ${Math.round(min)}–${Math.round(max)} ms, last ${Math.round(last)} ms`} data-testid="sparkline">
      {segments.map((s, i) => (
        <polyline key={i} points={s} fill="none" stroke="var(--accent-strong)" strokeWidth={1.3} strokeLinejoin="round" strokeLinecap="round" />
      ))}
    </svg>
  );
}
