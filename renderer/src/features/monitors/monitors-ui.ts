/** What the Monitors view shows its monitors with: tones, figures, bars and durations. */
import type { MonitorState, StatusBarInfo } from '../../../../shared/contract';
import type { Tone } from '../../components/StateBadge';

export const STATE_TONE: Record<MonitorState, Tone> = { up: 'ok', down: 'error', pending: 'warn', paused: 'idle', maintenance: 'idle', unknown: 'busy' };
export const pct = (v: number | null) => (v === null ? '–' : `${(Math.floor(v * 10_000) / 100).toFixed(2)} %`);
export const ms = (v: number | null) => (v === null ? '–' : `${Math.round(v)} ms`);
export const barColor = (b: StatusBarInfo) =>
  b.status === null ? 'rgba(255,255,255,0.08)' : b.status === 'up' ? 'var(--ok)' : b.status === 'down' ? 'var(--error)' : b.status === 'maintenance' ? 'var(--idle)' : 'var(--warn)';

const WORST: ReadonlyArray<StatusBarInfo['status']> = ['down', 'pending', 'unknown', 'maintenance', 'up', null];

/**
 * Bars of `n` buckets each (the newest group holds the newest bucket): a row's "Last 24 h" is 24
 * hourly bars from the half-hour buckets, each as bad as the worst of its two.
 */
export function mergeBars(bars: readonly StatusBarInfo[], n: number): StatusBarInfo[] {
  const out: StatusBarInfo[] = [];
  for (let end = bars.length; end > 0; end -= n) {
    const group = bars.slice(Math.max(0, end - n), end);
    out.unshift({
      start: group[0]!.start,
      status: WORST[Math.min(...group.map((b) => WORST.indexOf(b.status)))] ?? null,
      up: group.reduce((t, b) => t + b.up, 0),
      down: group.reduce((t, b) => t + b.down, 0),
      other: group.reduce((t, b) => t + b.other, 0),
    });
  }
  return out;
}

/** "until 14:05" today, "until tomorrow 08:00", or a date. */
export function formatUntil(t: number, now = Date.now()): string {
  const d = new Date(t);
  const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const today = new Date(now);
  const tomorrow = new Date(now + 86_400_000);
  if (d.toDateString() === today.toDateString()) return `until ${time}`;
  if (d.toDateString() === tomorrow.toDateString()) return `until tomorrow ${time}`;
  return `until ${d.toLocaleDateString()} ${time}`;
}

export function formatDuration(msv: number): string {
  const s = Math.round(msv / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.round(h / 24)} days`;
}
