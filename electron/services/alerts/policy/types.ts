/**
 * The alert policy's inputs and outputs. The policy is pure: it never reads the wall clock and
 * never arms a timer; the owner feeds it check results and environment signals, calls `tick(now)`
 * at the time `nextWakeAt()` asks for, and forwards the alerts it returns to the channels and the
 * native notifications.
 */
import type { MonitorId } from '../../../../shared/model/ids';

/** What the UI and the tray show for a monitor (`pending → up ↔ down`, paused, maintenance). */
export type MonitorState = 'pending' | 'up' | 'down' | 'paused' | 'maintenance' | 'unknown';

export type AlertKind =
  | 'down'
  | 'up'
  | 'still-down'
  | 'group-down'
  | 'group-up'
  | 'stalled'
  /** A stalled monitor reports results again. */
  | 'stall-cleared'
  /** A monitor changed state too often; its alerts are paused until it is stable. */
  | 'flapping'
  | 'host-unreachable'
  | 'host-back';

export type AlertSeverity = 'critical' | 'warning' | 'info';

/** One monitor inside an alert; lets the dispatcher re-render a grouped alert for a channel that routes only some of them. */
export interface AlertEntry {
  monitorId: string;
  name: string;
  hostId: string | null;
  /** The last check's message (down), or a note such as "back after 5 min" (up). */
  message: string;
}

/** A host inside a host alert. */
export interface AlertHost {
  hostId: string;
  name: string;
  /** Monitors attached to the host when the alert was made. */
  affected: number;
}

export interface Alert {
  /** Unique within one policy instance; stable for the notification click. */
  id: string;
  kind: AlertKind;
  title: string;
  body: string;
  monitorIds: string[];
  /** Set when the alert is about exactly one host. */
  hostId?: string;
  at: number;
  severity: AlertSeverity;
  entries: AlertEntry[];
  /** Hosts named by a host alert (host-unreachable, host-back, or a group that contains hosts). */
  hosts?: AlertHost[];
}

export interface CheckResult {
  monitorId: MonitorId;
  hostId: string | null;
  /** When the check started (epoch ms); a check that started before the computer could be trusted again is not evidence of an outage. */
  time: number;
  status: 'up' | 'down';
  message: string;
}

/**
 * A maintenance window. `once`: an absolute range. `weekly`: on the given weekdays (0 = Sunday …
 * 6 = Saturday, local to `utcOffsetMinutes`), from `start` to `end` ("HH:MM", 24 h); an `end` at
 * or before `start` runs past midnight into the next day.
 */
export type MaintenanceWindow =
  | { kind: 'once'; from: number; to: number }
  | { kind: 'weekly'; days: number[]; start: string; end: string; utcOffsetMinutes: number };

export interface FlapSettings {
  /** Flapping when the monitor changed state MORE than this many times within `windowMs`. */
  changes: number;
  windowMs: number;
  /** Flapping ends after this long without a state change. */
  stableMs: number;
}

export interface MonitorPolicySettings {
  id: MonitorId;
  name: string;
  /** The host whose SSH connection the monitor depends on (container and SSH-command monitors), or that it runs on. */
  hostId?: string | null;
  intervalMs: number;
  timeoutMs: number;
  /**
   * Re-checks after the first failure before the monitor is confirmed down (Uptime Kuma's
   * `maxretries`): down on failure number `retries + 1`; `pending` until then.
   */
  retries?: number;
  /** Interval of those re-checks (the owner's scheduler uses it while `fastRecheck` is true). */
  retryIntervalMs?: number;
  /** Consecutive successful checks before a down monitor is confirmed up (1 = the first success). */
  recoveryConfirmations?: number;
  /** Remind every N checks while down; 0 = never. */
  renotifyEvery?: number;
  flap?: Partial<FlapSettings>;
  paused?: boolean;
  maintenance?: MaintenanceWindow[];
  /** Muted until this time (epoch ms): state still changes, nothing is notified; see `muteUntil()`. */
  mutedUntil?: number | null;
  /**
   * A monitor with no result for this long is `stalled`. Default: 3 × max(interval, retry
   * interval) + timeout. `null` turns it off (a monitor that only reports on events).
   */
  stallAfterMs?: number | null;
}

export interface PolicyOptions {
  /** A batch of transitions closes this long after its last addition… */
  coalesceMs: number;
  /** …or this long after it opened, whichever comes first. */
  coalesceMaxMs: number;
  /** After the computer wakes, failures are not evidence for this long. */
  resumeHoldMs: number;
  /** A host's SSH connection must stay lost this long before it is reported unreachable. */
  hostConfirmMs: number;
  /** How many names a grouped alert lists before "and N more". */
  listNames: number;
  /** Per-monitor defaults for settings left out. */
  monitorDefaults: {
    retries: number;
    retryIntervalMs: number;
    recoveryConfirmations: number;
    renotifyEvery: number;
    flap: FlapSettings;
  };
}

/**
 * Defaults, and why (failures other monitoring tools' users reported):
 * - coalesce 10 s sliding, 60 s at most: a mass outage arrives as one alert (Kuma #1137: 50 emails
 *   down + 50 up per connectivity loss; #4779: 28 000 SMS), yet a single outage is told within
 *   seconds, and no alert waits longer than a minute.
 * - resume hold 60 s: Wi-Fi, DHCP and VPNs take tens of seconds after wake (netdata#1296: a burst of
 *   CRITICALs after hibernation).
 * - host confirmation 30 s: an SSH reconnect with backoff outlasts a blip; a real outage outlasts it.
 * - retries 2 (down on the 3rd consecutive failure, like Gatus's failure-threshold 3) at 20 s: a
 *   transient 522 or a restarting container does not page (Kuma #5841), and a real outage is
 *   confirmed within ~40 s.
 * - recovery confirmation 2 (Gatus's success-threshold 2; Kuma #3031, #6054): a service bouncing on
 *   its way back sends one "up", not up-down-up.
 * - re-notify 0: off, as in Kuma (`resendInterval` 0); the tray stays red while anything is down.
 * - flapping: more than 3 changes in 15 min → one "flapping" notice, then quiet until 10 min with no
 *   change; a monitor flipping every check would otherwise send an alert per check (Kuma #5841).
 */
export const DEFAULT_POLICY_OPTIONS: PolicyOptions = {
  coalesceMs: 10_000,
  coalesceMaxMs: 60_000,
  resumeHoldMs: 60_000,
  hostConfirmMs: 30_000,
  listNames: 3,
  monitorDefaults: {
    retries: 2,
    retryIntervalMs: 20_000,
    recoveryConfirmations: 2,
    renotifyEvery: 0,
    flap: { changes: 3, windowMs: 15 * 60_000, stableMs: 10 * 60_000 },
  },
};

export interface MonitorPolicyStatus {
  monitorId: MonitorId;
  state: MonitorState;
  /** The last confirmed state (null before the first confirmation). */
  confirmed: 'up' | 'down' | null;
  /** Failing or recovering but not yet confirmed: the owner should check at the retry interval. */
  fastRecheck: boolean;
  flapping: boolean;
  stalled: boolean;
  muted: boolean;
  /** Why the state is `unknown`, for the tooltip. */
  unknownReason: 'resumed' | 'local-network' | 'host-unreachable' | 'awaiting-check' | 'stalled' | null;
  downSince: number | null;
  lastResultAt: number | null;
  message: string;
}

export interface HostPolicyStatus {
  hostId: string;
  name: string;
  reachable: boolean;
  /** Unreachable for longer than the confirmation time (and the alert, if not muted, went out). */
  confirmedDown: boolean;
  since: number;
}

/** What a restarted app restores so it does not re-alert a known outage (Kuma #4085). */
export interface RestoredMonitorState {
  status: 'up' | 'down';
  since?: number;
}
