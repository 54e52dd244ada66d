import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './stats.css';

export interface ChartSeries {
  label: string;
  /** A CSS variable from styles.css (`--accent`…), so the charts follow the theme. */
  colorVar: string;
  dash?: boolean;
}

let canvasOk: boolean | null = null;
function canDraw(): boolean {
  canvasOk ??= (() => {
    try {
      return !!document.createElement('canvas').getContext('2d');
    } catch {
      return false;
    }
  })();
  return canvasOk;
}

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

/**
 * One live line chart (uPlot on a canvas): x is time in seconds, one y array per series (null =
 * gap). It follows its container's width, and is redrawn with `setData` rather than rebuilt.
 */
export function StatsChart({
  title,
  series,
  data,
  format,
  range,
  height = 150,
}: {
  title: string;
  series: ChartSeries[];
  data: uPlot.AlignedData;
  format(v: number): string;
  /** The y range for the data in view; default 0 … max × 1.15. */
  range?: (data: uPlot.AlignedData) => [number, number];
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef({ data, format, range });
  latest.current = { data, format, range };

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const grid = cssVar('--border', '#30353d');
    const axisText = cssVar('--text-muted', '#979fa9');
    const font = `11px ${cssVar('--font', 'system-ui')}`;
    const fmt = (v: number | null) => (v === null || v === undefined ? '—' : latest.current.format(v));
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      legend: { show: true, live: true },
      scales: {
        x: { time: true },
        y: {
          range: (u) => {
            const r = latest.current.range?.(u.data);
            if (r) return r;
            let max = 0;
            for (let i = 1; i < u.data.length; i++) for (const v of u.data[i] ?? []) if (typeof v === 'number' && v > max) max = v;
            return [0, max > 0 ? max * 1.15 : 1];
          },
        },
      },
      axes: [
        { stroke: axisText, font, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } },
        { stroke: axisText, font, size: 70, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, values: (_u, vals) => vals.map((v) => fmt(v)) },
      ],
      series: [
        { label: 'Time', value: (_u, v) => (v === null ? '—' : new Date(v * 1000).toLocaleTimeString()) },
        ...series.map((s, i) => {
          const color = cssVar(s.colorVar, ['#3d8fe0', '#3fb26b', '#d6a338'][i % 3]!);
          return {
            label: s.label,
            stroke: color,
            width: 1.5,
            ...(s.dash ? { dash: [5, 4] } : { fill: `${color}22` }),
            value: (_u: uPlot, v: number | null) => fmt(v),
            spanGaps: false,
          };
        }),
      ],
    };
    // No 2D canvas (a test DOM): the numbers beside the chart still show.
    if (!canDraw()) return;
    const u = new uPlot(opts, latest.current.data, el);
    plot.current = u;
    const ro = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height }));
    ro?.observe(el);
    return () => {
      ro?.disconnect();
      u.destroy();
      plot.current = null;
    };
    // The series and height are fixed per chart; data and formatting flow through refs.
  }, []);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return (
    <figure className="stats-chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      <div ref={box} className="stats-chart-canvas" />
    </figure>
  );
}
