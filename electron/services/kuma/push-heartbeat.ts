/**
 * Homeport's own heartbeat (the monitor is itself monitored, by a second guard outside): a GET to a push URL
 * every interval, so that something outside notices when Homeport itself stops —
 * an Uptime Kuma push monitor (`/api/push/<token>?status=up&msg=OK&ping=`, any method; 404
 * `{ok:false}` for an unknown or paused token), Healthchecks (`https://hc-ping.com/<uuid>` or
 * self-hosted; 200 "OK"), or a Better Stack heartbeat URL.
 *
 * The URL's path and query are the secret (the token): they never reach a log, an error or the
 * status; only `https://host/[redacted]` does.
 */
import { errorText, HomeportError, toHomeportError, type ErrorInfo } from '../../../shared/contract';
import type { Logger } from '../platform/platform';
import { REMOTE_ERROR } from './kuma-errors';
import { httpGet, type FetchLike } from './kuma-http';
import { redactedPushUrl, systemClock, type Clock } from './kuma-model';

export type PushTargetKind = 'uptime-kuma' | 'healthchecks' | 'betterstack' | 'other';

export interface PushHeartbeatStatus {
  /** The URL with its path redacted: `https://hc-ping.com/[redacted]`. */
  target: string;
  kind: PushTargetKind;
  running: boolean;
  lastOkAt: number | null;
  lastAttemptAt: number | null;
  /** The last failure; cleared by the next success. */
  lastError: ErrorInfo | null;
  consecutiveFailures: number;
  /** When the next send (or retry) is due. */
  nextAt: number | null;
  sent: number;
  failed: number;
}

export interface PushHeartbeatOptions {
  url: string;
  intervalSec: number;
  fetch?: FetchLike;
  now?: () => number;
  /** Timers (defaults to real ones); `now` wins over `clock.now` when both are given. */
  clock?: Clock;
  /** Per request. Default min(10 s, half the interval), at least 1 s. */
  timeoutMs?: number;
  /** First retry after a failure; doubles up to the interval. Default 2 s. */
  retryBaseMs?: number;
  logger?: Logger;
  onStatus?: (status: PushHeartbeatStatus) => void;
}

export interface PushHeartbeat {
  status(): PushHeartbeatStatus;
  /** Sends one heartbeat now (shared with one already in flight) and resolves with the new status. */
  sendNow(): Promise<PushHeartbeatStatus>;
  onStatus(listener: (status: PushHeartbeatStatus) => void): () => void;
  stop(): void;
}

const MAX_INTERVAL_SEC = 7 * 24 * 3600;

/** http(s) only, with a host; the error never repeats the URL (it carries the token). */
export function validatePushUrl(raw: string): URL {
  let u: URL;
  try {
    u = new URL(String(raw).trim());
  } catch {
    throw new HomeportError({ code: 'VALIDATION', message: 'The push URL is not a valid URL.', fix: 'Paste the whole URL the monitoring service shows, starting with https://.' });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new HomeportError({ code: 'VALIDATION', message: `A push URL must start with http:// or https:// (not ${u.protocol.slice(0, 20)}).`, fix: 'Paste the URL the monitoring service shows.' });
  }
  if (!u.hostname) throw new HomeportError({ code: 'VALIDATION', message: 'The push URL has no host.' });
  return u;
}

export function pushTargetKind(u: URL): PushTargetKind {
  const host = u.hostname.toLowerCase();
  if (u.pathname.startsWith('/api/push/')) return 'uptime-kuma';
  if (host === 'hc-ping.com' || host.endsWith('.hc-ping.com') || /^(\/ping)?\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\/|$)/i.test(u.pathname)) return 'healthchecks';
  if (host.includes('betterstack') || host.includes('betteruptime') || u.pathname.startsWith('/api/v1/heartbeat/')) return 'betterstack';
  return 'other';
}

export function startPushHeartbeat(opts: PushHeartbeatOptions): PushHeartbeat {
  const url = validatePushUrl(opts.url);
  const intervalSec = opts.intervalSec;
  if (typeof intervalSec !== 'number' || !Number.isFinite(intervalSec) || intervalSec <= 0 || intervalSec > MAX_INTERVAL_SEC) {
    throw new HomeportError({ code: 'VALIDATION', message: 'The heartbeat interval must be a positive number of seconds, at most 604800 (7 days).', fix: 'Use the period the monitoring service expects, e.g. 60.' });
  }
  const clock = opts.clock ?? systemClock;
  const now = opts.now ?? (() => clock.now());
  const fetchImpl = opts.fetch ?? fetch;
  const intervalMs = intervalSec * 1000;
  const timeoutMs = opts.timeoutMs ?? Math.max(1000, Math.min(10_000, intervalMs / 2));
  const retryBaseMs = opts.retryBaseMs ?? 2000;
  const kind = pushTargetKind(url);
  const target = redactedPushUrl(url);
  const href = url.toString();
  const listeners = new Set<(s: PushHeartbeatStatus) => void>();
  if (opts.onStatus) listeners.add(opts.onStatus);

  const st: PushHeartbeatStatus = {
    target,
    kind,
    running: true,
    lastOkAt: null,
    lastAttemptAt: null,
    lastError: null,
    consecutiveFailures: 0,
    nextAt: null,
    sent: 0,
    failed: 0,
  };
  let timer: unknown = null;
  let inFlight: Promise<PushHeartbeatStatus> | null = null;

  const snapshot = (): PushHeartbeatStatus => ({ ...st, lastError: st.lastError ? { ...st.lastError } : null });
  const publish = () => {
    const s = snapshot();
    for (const l of [...listeners]) {
      try {
        l(s);
      } catch (err) {
        opts.logger?.error('push heartbeat: a status listener threw', { error: err instanceof Error ? err.message : String(err) });
      }
    }
  };

  const schedule = (ms: number, from = now()) => {
    if (timer !== null) clock.clearTimeout(timer);
    if (!st.running) return;
    st.nextAt = from + ms;
    timer = clock.setTimeout(() => {
      timer = null;
      void sendNow();
    }, ms);
  };

  const attempt = async (): Promise<void> => {
    // A push endpoint answers a few bytes ({"ok":true}); nothing more is worth reading.
    const res = await httpGet(fetchImpl, href, `The push URL (${target})`, timeoutMs, { 'user-agent': 'Homeport heartbeat' }, 64 * 1024);
    if (res.status === 404 || res.status === 410) {
      throw new HomeportError({
        code: 'NOT_FOUND',
        message: `The push URL (${target}) is unknown to the receiver${kind === 'uptime-kuma' ? ' (wrong token, or the push monitor is paused)' : ''}.`,
        fix: 'Copy the push URL again from the monitoring service.',
        details: { status: res.status },
      });
    }
    if (res.status === 401 || res.status === 403) {
      throw new HomeportError({ code: 'AUTH_FAILED', message: `The push URL (${target}) was refused (HTTP ${res.status}).`, fix: 'Copy the push URL again from the monitoring service.', details: { status: res.status } });
    }
    if (res.status < 200 || res.status >= 300) {
      throw new HomeportError({ code: REMOTE_ERROR, message: `The push URL (${target}) answered HTTP ${res.status}.`, fix: 'Homeport retries; check the monitoring service if it persists.', details: { status: res.status } });
    }
    // Uptime Kuma answers JSON; an {ok:false} with a 2xx is still a refusal.
    if (res.contentType.includes('json')) {
      let body: unknown = null;
      try {
        body = JSON.parse(res.body);
      } catch {
        body = null;
      }
      if (body && typeof body === 'object' && (body as { ok?: unknown }).ok === false) {
        const msg = (body as { msg?: unknown }).msg;
        throw new HomeportError({
          code: REMOTE_ERROR,
          message: `The push URL (${target}) refused the heartbeat${typeof msg === 'string' ? `: ${msg.slice(0, 120)}` : '.'}`,
          fix: 'Check the push monitor in the monitoring service.',
        });
      }
    }
  };

  const sendNow = (): Promise<PushHeartbeatStatus> => {
    if (inFlight) return inFlight;
    inFlight = (async () => {
      st.lastAttemptAt = now();
      try {
        await attempt();
        st.sent++;
        st.lastOkAt = now();
        if (st.consecutiveFailures > 0) opts.logger?.info('push heartbeat: delivered again', { target, after: st.consecutiveFailures });
        st.consecutiveFailures = 0;
        st.lastError = null;
        schedule(intervalMs, st.lastOkAt);
      } catch (err) {
        const e = toHomeportError(err, { message: (x) => `Sending the heartbeat failed: ${errorText(x)}` });
        st.failed++;
        st.consecutiveFailures++;
        st.lastError = e.toInfo();
        opts.logger?.warn('push heartbeat: failed', { target, code: e.code, error: e.message, failures: st.consecutiveFailures });
        // Retry sooner than the interval, backing off: 2 s, 4 s, 8 s … never later than the interval.
        schedule(Math.min(intervalMs, retryBaseMs * 2 ** Math.min(20, st.consecutiveFailures - 1)));
      } finally {
        inFlight = null;
      }
      if (!st.running) st.nextAt = null;
      publish();
      return snapshot();
    })();
    return inFlight;
  };

  opts.logger?.info('push heartbeat: started', { target, kind, intervalSec });
  void sendNow();

  return {
    status: snapshot,
    sendNow,
    onStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      if (!st.running) return;
      st.running = false;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      st.nextAt = null;
      opts.logger?.info('push heartbeat: stopped', { target });
      publish();
    },
  };
}
