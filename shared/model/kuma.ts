import type { ErrorInfo } from './errors';
import type { KumaInstanceId } from './ids';

/** How Homeport reads an Uptime Kuma instance. */
export type KumaMode = 'socket' | 'metrics' | 'status-page';

export type KumaMonitorStatus = 'up' | 'down' | 'pending' | 'maintenance' | 'unknown';

/** One of Kuma's monitors as Homeport mirrors it (no secrets: URLs without credentials). */
export interface KumaMonitorInfo {
  id: string;
  name: string;
  type: string;
  /** URL or host it checks, for display. */
  target: string | null;
  active: boolean;
  /** 'unknown' while Homeport cannot hear the instance (see `KumaInstanceInfo.stale`). */
  status: KumaMonitorStatus;
  /** What Kuma last reported, kept for display while `status` is 'unknown' because the instance is silent. */
  lastKnownStatus: KumaMonitorStatus;
  lastBeatAt: number | null;
  latencyMs: number | null;
  avgLatencyMs: number | null;
  uptime: { day: number | null; month: number | null; year: number | null };
  message: string;
}

/** A pinned incident on a status page; `style` is Kuma's colour (info, warning, danger, primary, light, dark). */
export interface KumaIncidentInfo {
  title: string;
  content: string;
  style: string;
}

export type KumaConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'polling' | 'stopped';

export interface KumaInstanceInfo {
  id: KumaInstanceId;
  name: string;
  /** Kuma's address (origin only). */
  url: string;
  mode: KumaMode;
  /** Status pages only. */
  slug: string | null;
  state: KumaConnectionState;
  /** Why it is not connected / the last poll failed. */
  error: ErrorInfo | null;
  /** "Uptime Kuma on nas stopped reporting 4 min ago": the instance itself is a problem. */
  problem: string | null;
  /**
   * Homeport cannot hear the instance right now (not connected, the last poll failed, or Kuma's
   * checks stopped): its monitors' statuses are unknown, their last known values kept beside.
   */
  stale: boolean;
  /** When Kuma last sent anything (epoch ms, this computer's clock); null before the first answer. */
  lastDataAt: number | null;
  version: string | null;
  /** Something the user should know that is not a failure (this Kuma is also connected another way, too many monitors…). */
  warning: string | null;
  /** Pause/resume works only through the signed-in socket. */
  canPause: boolean;
  /** Status pages: the incidents pinned on the page, newest first; empty otherwise. */
  incidents: KumaIncidentInfo[];
  monitors: KumaMonitorInfo[];
}

export interface KumaAddInput {
  /** Shown in alerts; "Uptime Kuma on <host>" when empty. */
  name: string;
  url: string;
  mode: KumaMode;
  /** socket: the account (both empty when Kuma runs without authentication). metrics: basic auth, optional. */
  username: string;
  password: string;
  /** socket: the current 2FA code, when Kuma asked for one. */
  totp: string;
  /** metrics: an API key (Kuma 1.21+), instead of username/password. */
  apiKey: string;
  /** status-page: the page's slug. */
  slug: string;
  /** https with a self-signed certificate. */
  allowSelfSigned: boolean;
}

/** Adding asks for a 2FA code when the account has one; call again with `totp` set. */
export type KumaAddResultInfo = { status: 'added'; instance: KumaInstanceInfo } | { status: 'totp-required' };

/** Homeport's own heartbeat to a push URL (an Uptime Kuma push monitor, Healthchecks, Better Stack). */
export interface HeartbeatInfo {
  configured: boolean;
  /** The URL with its token redacted. */
  target: string | null;
  kind: string | null;
  intervalSec: number;
  lastOkAt: number | null;
  lastAttemptAt: number | null;
  lastError: ErrorInfo | null;
  nextAt: number | null;
  sent: number;
  failed: number;
}
