/**
 * One check's time limit: aborts at `timeoutSec`, or as soon as the owner's signal aborts (the
 * scheduler's watchdog, a deleted monitor, shutdown). One controller, one timer and one listener
 * per check; `dispose` releases them.
 */
export class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly onOuterAbort: () => void;
  readonly startedAt = performance.now();
  /** Set when the time limit, not the owner, ended the check. */
  timedOut = false;

  constructor(
    private readonly outer: AbortSignal,
    readonly timeoutSec: number,
  ) {
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new Error('timeout'));
    }, timeoutSec * 1000);
    this.onOuterAbort = () => this.controller.abort(outer.reason);
    if (outer.aborted) this.onOuterAbort();
    else outer.addEventListener('abort', this.onOuterAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  elapsedMs(): number {
    return Math.round((performance.now() - this.startedAt) * 10) / 10;
  }

  /** Why the check ended early, in the user's words. */
  abortMessage(): string {
    if (this.timedOut) return `Timed out after ${formatSeconds(this.timeoutSec)}`;
    const reason = this.outer.reason as { name?: string } | undefined;
    if (reason?.name === 'TimeoutError') return `Timed out after ${formatSeconds(this.timeoutSec)}`;
    return 'Check cancelled';
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.outer.removeEventListener('abort', this.onOuterAbort);
  }
}

export function formatSeconds(sec: number): string {
  return `${Number.isInteger(sec) ? sec : sec.toFixed(1)} s`;
}
