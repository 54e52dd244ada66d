/**
 * Push monitors: a service calls its push URL; the monitor is down when no push arrived within
 * its interval plus its grace period (or when the service pushed "down"). Each monitor has a
 * window, re-armed by every push; a timer closes it.
 */
import { timingSafeEqual } from 'node:crypto';
import { evaluatePush, PUSH_TOKEN, type CheckResult, type MonitorConfig } from '../checks';
import type { MonitorId } from '../../../../shared/model/ids';

type PushConfig = Extract<MonitorConfig, { type: 'push' }>;

/** A push as the push endpoint received it (query `status`, `msg`, `ping`). */
export interface PushInput {
  status?: string | null;
  msg?: string | null;
  ping?: string | null;
}

interface Window {
  /** The last push, or the start of the first window. */
  lastAt: number;
  timer: NodeJS.Timeout | null;
  /** What the service said when it pushed "down" (null: it pushed "up"). */
  down: string | null;
}

export interface PushWindowsOptions {
  now: () => number;
  /** Test-only interval scale (see MonitorsManagerOptions.intervalScale). */
  scale: number;
  /** The monitor's config now (it may have been edited, paused or removed since the window opened). */
  config: (id: MonitorId) => MonitorConfig | undefined;
  /** A window closed without a push. */
  onDown: (id: MonitorId, result: CheckResult) => void;
}

/** The active push monitor with this token, or null (the endpoint then answers 404). */
export function findPushMonitor(configs: Iterable<MonitorConfig>, token: string): PushConfig | null {
  if (!PUSH_TOKEN.test(token)) return null;
  let found: PushConfig | null = null;
  for (const c of configs) if (c.type === 'push' && !c.paused && safeTokenEqual(c.token, token)) found = c;
  return found;
}

export class PushWindows {
  private readonly windows = new Map<MonitorId, Window>();
  private stopped = false;

  constructor(private readonly opts: PushWindowsOptions) {}

  /** A new or resumed push monitor gets one full window for its first push. */
  open(c: PushConfig): void {
    this.arm(c, this.windows.get(c.id)?.lastAt ?? this.opts.now());
  }

  /** A push arrived: the window starts again, and this is the result to record. */
  received(c: PushConfig, input: PushInput, now: number): CheckResult {
    const ping = input.ping !== undefined && input.ping !== null && input.ping !== '' ? Number(input.ping) : NaN;
    const latencyMs = Number.isFinite(ping) && ping >= 0 && ping <= 86_400_000 ? ping : null;
    const down = typeof input.status === 'string' && input.status !== '' && input.status.toLowerCase() !== 'up';
    this.arm(c, now, down ? pushMessage(input.msg, 'The service pushed "down"') : null);
    return { status: down ? 'down' : 'up', latencyMs, message: pushMessage(input.msg, down ? 'The service pushed "down"' : 'Push received') };
  }

  /** What the monitor reports right now (its retries and recovery checks read this again). */
  current(c: PushConfig): CheckResult | null {
    const p = this.windows.get(c.id);
    if (!p) return null;
    if (p.down !== null) return { status: 'down', latencyMs: null, message: p.down };
    const r = evaluatePush(p.lastAt, c.graceSec * this.opts.scale, c.intervalSec * this.opts.scale, this.opts.now());
    return { status: r.status, latencyMs: null, message: r.message };
  }

  /** The window's timer stops; `forget`: the last push is forgotten too (removed, or a new config). */
  close(id: MonitorId, forget: boolean): void {
    const p = this.windows.get(id);
    if (p?.timer) clearTimeout(p.timer);
    if (p) p.timer = null;
    if (forget && p) this.windows.delete(id);
  }

  stop(): void {
    this.stopped = true;
    for (const p of this.windows.values()) if (p.timer) clearTimeout(p.timer);
    this.windows.clear();
  }

  /** Records a push (or the start of a window) and arms the timer that closes the window. */
  private arm(c: PushConfig, lastAt: number, down: string | null = null): void {
    const { now, scale } = this.opts;
    const prev = this.windows.get(c.id);
    if (prev?.timer) clearTimeout(prev.timer);
    const entry: Window = { lastAt, timer: null, down };
    this.windows.set(c.id, entry);
    const windowMs = (c.intervalSec + c.graceSec) * 1000 * scale;
    entry.timer = setTimeout(
      () => {
        entry.timer = null;
        const cur = this.opts.config(c.id);
        if (this.stopped || !cur || cur.type !== 'push' || cur.paused || this.windows.get(c.id) !== entry) return;
        const r = evaluatePush(entry.lastAt, cur.graceSec * scale, cur.intervalSec * scale, now());
        if (r.status === 'down') this.opts.onDown(c.id, { status: r.status, latencyMs: null, message: r.message });
      },
      Math.min(Math.max(0, lastAt + windowMs - now()) + 5, 2 ** 31 - 1),
    );
    entry.timer.unref?.();
  }
}

/** What a push's `msg` may show: one line, no control characters, at most 200 characters. */
function pushMessage(msg: string | null | undefined, fallback: string): string {
  const m = (msg ?? '').replace(/\p{Cc}/gu, ' ').trim();
  return m ? (m.length > 200 ? `${m.slice(0, 200)}…` : m) : fallback;
}

function safeTokenEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
