/**
 * Whether this computer's own network works: a few TCP targets (the default gateway, the DNS
 * servers) are tried on a timer and after any failed check; any one answering means it works.
 * While it does not, a failing monitor is this computer's outage, not the service's: the policy
 * holds the alerts.
 */
import net from 'node:net';

export interface ReferenceTarget {
  host: string;
  port: number;
}

export interface NetworkCheckOptions {
  targets: readonly ReferenceTarget[];
  /** How often the targets are tried (default 30 s); also after a down result, at most every min(5 s, this). */
  intervalMs?: number;
  now: () => number;
  /** What the targets said (`back`: they answer again after they did not). */
  onResult: (ok: boolean, back: boolean) => void;
}

export class NetworkCheck {
  private timer: NodeJS.Timeout | null = null;
  private lastAt = 0;
  private running = false;
  private stopped = false;
  /** What the targets said last. */
  private ok = true;

  constructor(private readonly opts: NetworkCheckOptions) {}

  start(): void {
    if (!this.opts.targets.length) return;
    void this.check();
    this.timer = setInterval(() => void this.check(), this.opts.intervalMs ?? 30_000);
    this.timer.unref?.();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }

  /** Tries the targets (throttled, unless forced). */
  async check(force = false): Promise<void> {
    const targets = this.opts.targets;
    if (!targets.length || this.running || this.stopped) return;
    const minGap = Math.min(5000, this.opts.intervalMs ?? 30_000);
    if (!force && this.opts.now() - this.lastAt < minGap && this.lastAt !== 0) return;
    this.running = true;
    this.lastAt = this.opts.now();
    try {
      const results = await Promise.all(targets.map((t) => tcpReachable(t, 3000)));
      if (this.stopped) return;
      const ok = results.some(Boolean);
      const back = ok && !this.ok;
      this.ok = ok;
      this.opts.onResult(ok, back);
    } finally {
      this.running = false;
    }
  }
}

function tcpReachable(t: ReferenceTarget, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: t.host, port: t.port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}
