/**
 * Stop signals for headless mode: the first SIGINT/SIGTERM/SIGHUP starts the orderly shutdown
 * (history flushed, alerts in delivery waited for, exit 0); only a signal that comes after a
 * grace period is taken as the user insisting, and stops at once.
 *
 * Why the grace period and the take-over: `when-exit` (conf → atomically) listens to these
 * signals and, after its own cleanup, sends the same signal to the process again, assuming it is
 * the last listener and the process should now die. That echo arrived a moment after the first
 * signal and looked like a second Ctrl+C: every normal stop became "exit 1, skip the shutdown".
 * Its cleanup (removing half-written temp files) still runs on `exit`, which it also listens to.
 */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** A repeat signal within this time of the first is an echo or an impatient double press, not "stop now". */
export const FORCE_GRACE_MS = 2000;

export interface StopSignalHandlers {
  /** The first signal: run the orderly shutdown. */
  stop(signal: StopSignal): void;
  /** A signal after the grace period while the shutdown still runs: exit now. */
  force(signal: StopSignal): void;
  /** A repeat within the grace period (ignored). */
  repeated?(signal: StopSignal): void;
  graceMs?: number;
  now?: () => number;
}

/**
 * Installs the handlers, removing listeners that libraries put on the same signals (see above).
 * Call it once the services are loaded (libraries register theirs when first imported). Returns
 * a function that removes ours.
 */
export function takeOverStopSignals(h: StopSignalHandlers, proc: NodeJS.Process = process): () => void {
  const now = h.now ?? Date.now;
  const grace = h.graceMs ?? FORCE_GRACE_MS;
  let firstAt: number | null = null;
  const listener = (signal: StopSignal) => {
    if (firstAt === null) {
      firstAt = now();
      h.stop(signal);
    } else if (now() - firstAt < grace) {
      h.repeated?.(signal);
    } else {
      h.force(signal);
    }
  };
  for (const signal of STOP_SIGNALS) {
    proc.removeAllListeners(signal);
    proc.on(signal, listener);
  }
  return () => {
    for (const signal of STOP_SIGNALS) proc.off(signal, listener);
  };
}
