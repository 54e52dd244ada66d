import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { HistoryRange, MonitorHistoryInfo } from '../../../../shared/contract';

const HEIGHT = 200;
const BUCKET_MS: Record<HistoryRange, number> = { '24h': 30 * 60_000, '30d': 86_400_000, '1y': 7 * 86_400_000 };

/** The x axis always spans the chosen range, ending now (one point would otherwise stretch it over years). */
const RANGE_SECONDS: Record<HistoryRange, number> = { '24h': 86_400, '30d': 30 * 86_400, '1y': 365 * 86_400 };

/** A CSS variable from styles.css (the chart draws on a canvas, which cannot read them itself). */
function cssVar(name: string, fallback: string): string {
  const v = typeof getComputedStyle === 'function' ? getComputedStyle(document.documentElement).getPropertyValue(name).trim() : '';
  return v || fallback;
}

function withAlpha(color: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!m) return color;
  return `rgba(${parseInt(m[1]!, 16)}, ${parseInt(m[2]!, 16)}, ${parseInt(m[3]!, 16)}, ${alpha})`;
}

/** Down periods in seconds: confirmed incidents, and buckets with a down check (for ranges before the incidents list). */
function downSpans(history: MonitorHistoryInfo, now: number): Array<[number, number]> {
  const spans: Array<[number, number]> = history.incidents.map((i) => [i.start / 1000, (i.end ?? now) / 1000]);
  const bucket = BUCKET_MS[history.range];
  for (const b of history.bars) if (b.down > 0) spans.push([b.start / 1000, (b.start + bucket) / 1000]);
  return spans;
}

/**
 * Response time over the chosen range (uPlot): the average as a line over a min–max band, down
 * periods shaded red. Colours come from the theme's variables; the chart follows its panel's width.
 */
export function ResponseTimeChart({ history }: { history: MonitorHistoryInfo }) {
  const box = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const points = history.latency;
  const measured = points.filter((p) => p.avg !== null).length;

  useEffect(() => {
    const el = box.current;
    if (!el || measured === 0) return;
    const accent = cssVar('--accent-strong', '#5aa3ea');
    const error = cssVar('--error', '#ee5d52');
    const muted = cssVar('--text-muted', '#979fa9');
    const grid = cssVar('--border', '#30353d');
    const font = `11px ${cssVar('--font', 'system-ui, sans-serif')}`;
    const now = Date.now();
    const spans = downSpans(history, now);
    const xs = points.map((p) => p.time / 1000);
    const data: uPlot.AlignedData = [xs, points.map((p) => p.avg), points.map((p) => p.min), points.map((p) => p.max)];
    const axis = { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font };
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true, range: () => [now / 1000 - RANGE_SECONDS[history.range], now / 1000] }, y: { range: (_u, _min, max) => [0, Math.max(10, (max ?? 0) * 1.15)] } },
      axes: [axis, { ...axis, size: 56, values: (_u, vals) => vals.map((v) => `${Math.round(v)} ms`) }],
      series: [
        {},
        { label: 'Average', stroke: accent, width: 1.6, fill: withAlpha(accent, 0.12), spanGaps: false, points: { show: measured < 3 } },
        { label: 'Min', stroke: 'transparent', show: true },
        { label: 'Max', stroke: withAlpha(accent, 0.35), width: 1, dash: [3, 3] },
      ],
      hooks: {
        // Shade down periods under the lines.
        drawClear: [
          (u) => {
            const ctx = u.ctx;
            ctx.save();
            ctx.fillStyle = withAlpha(error, 0.18);
            for (const [a, b] of spans) {
              const x0 = u.valToPos(a, 'x', true);
              const x1 = u.valToPos(b, 'x', true);
              const left = Math.max(u.bbox.left, x0);
              const right = Math.min(u.bbox.left + u.bbox.width, x1);
              if (right > left) ctx.fillRect(left, u.bbox.top, Math.max(2, right - left), u.bbox.height);
            }
            ctx.restore();
          },
        ],
      },
    };
    let plot: uPlot;
    try {
      if (!document.createElement('canvas').getContext('2d')) throw new Error('no 2D canvas');
      plot = new uPlot(opts, data, el);
      setFailed(null);
    } catch (e) {
      setFailed(e instanceof Error ? e.message : String(e));
      return;
    }
    const ro = typeof ResizeObserver === 'function' ? new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT })) : null;
    ro?.observe(el);
    return () => {
      ro?.disconnect();
      plot.destroy();
    };
  }, [history, points, measured]);

  const downCount = history.incidents.length;
  const avgs = points.flatMap((p) => (p.avg === null ? [] : [p.avg]));
  const summary = avgs.length ? `average ${Math.round(avgs.reduce((a, b) => a + b, 0) / avgs.length)} ms, highest ${Math.round(Math.max(...avgs))} ms` : 'no measurements';
  return (
    <figure className="response-chart" data-testid="response-time-chart" aria-label={`Response time, ${history.range}: ${summary}${downCount ? `, ${downCount} outage${downCount === 1 ? '' : 's'} shaded` : ''}`}>
      {measured === 0 ? (
        <p className="muted response-chart-empty">No response times in this range yet.</p>
      ) : failed ? (
        <p className="muted response-chart-empty">The chart cannot be drawn here ({failed}).</p>
      ) : (
        <div ref={box} className="response-chart-canvas" />
      )}
      <figcaption className="muted">
        <span className="legend-swatch legend-line" aria-hidden="true" /> average <span className="legend-swatch legend-dash" aria-hidden="true" /> highest{' '}
        <span className="legend-swatch legend-down" aria-hidden="true" /> down
      </figcaption>
    </figure>
  );
}
