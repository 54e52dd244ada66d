/**
 * The normalised model of an Uptime Kuma instance, whichever way it was read: the logged-in
 * socket.io API (1.23 or 2.x), Prometheus `/metrics`, or a public status page. Plain data only;
 * nothing here holds a secret (monitor URLs are shown without credentials or secret-looking query
 * parameters; Kuma's monitorList carries passwords, headers and push tokens, and none of that is kept).
 */
import { HomeportError } from '../../../shared/contract';

export type KumaStatus = 'up' | 'down' | 'pending' | 'maintenance' | 'unknown';

export interface KumaMonitorFact {
  /** Kuma's monitor id as a string ("7"); for 1.23 `/metrics` (no id label) `name:<monitor name>`. */
  id: string;
  name: string;
  /** Kuma's monitor type ("http", "port", "ping", "docker", "push", "group"…); "unknown" if not told. */
  type: string;
  /** Target URL for HTTP-like monitors, without user:password@ and secret-looking query values. */
  url: string | null;
  /** Target host for port/ping/DNS-like monitors. */
  hostname: string | null;
  /** False when the monitor (or its group) is paused in Kuma. */
  active: boolean;
  /** From the latest heartbeat (or gauge); 'unknown' before any beat or for a status code we do not know. */
  status: KumaStatus;
  /** Epoch ms of the latest heartbeat (Kuma's clock), or null when the source does not say. */
  lastBeatAt: number | null;
  /** Response time of the latest heartbeat in ms; null when the beat had none (down beats). */
  latencyMs: number | null;
  /** Kuma's 24 h average response time in ms (`avgPing`), when known. */
  avgLatencyMs: number | null;
  /** Uptime ratios 0..1. */
  uptime24h: number | null;
  uptime30d: number | null;
  uptime1y: number | null;
  certDaysLeft: number | null;
  certValid: boolean | null;
  /** Kuma's message of the latest beat ("200 - OK", "connect ECONNREFUSED …"); '' when none. */
  message: string;
  /** Check interval in seconds, when known (used for staleness). */
  intervalSec: number | null;
}

/** A pinned incident on a status page ("style" is Kuma's colour: info, warning, danger, primary, light, dark). */
export interface KumaIncident {
  title: string;
  content: string;
  style: string;
}

/** One heartbeat, from any of Kuma's three shapes (live camelCase, raw snake_case rows, public beats). */
export interface KumaBeat {
  monitorId: string;
  status: KumaStatus;
  /** Epoch ms (Kuma sends UTC without a zone); null when the time could not be read. */
  time: number | null;
  message: string;
  pingMs: number | null;
  important: boolean;
  /** 2.x only: the retry counter (PENDING until maxretries). */
  retries: number | null;
}

export interface KumaServerInfo {
  /** Hidden before login since 1.23 (Uptime Kuma #3421); null until then. */
  version: string | null;
  latestVersion: string | null;
  serverTimezone: string | null;
  primaryBaseURL: string | null;
}

/** A status code from Kuma (0 down, 1 up, 2 pending, 3 maintenance) to the model's words. */
export function statusFromCode(code: unknown): KumaStatus {
  const n = typeof code === 'string' && /^\d+$/.test(code.trim()) ? Number(code) : code;
  switch (n) {
    case 0:
      return 'down';
    case 1:
      return 'up';
    case 2:
      return 'pending';
    case 3:
      return 'maintenance';
    default:
      return 'unknown';
  }
}

/** Kuma ids arrive as numbers (live events) or strings (for-in loops after login): one form, a string. */
export function normaliseId(id: unknown): string | null {
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  if (typeof id === 'string' && id.trim() !== '' && id.length <= 64) return id.trim();
  return null;
}

/** What Kuma's server wants back for an id: its SQL and its `monitorList[id]` both take a number. */
export function wireId(id: string): number | string {
  return /^\d+$/.test(id) ? Number(id) : id;
}

const ZONELESS = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/;

/**
 * Kuma's `time` is `"YYYY-MM-DD HH:mm:ss.SSS"` in UTC **without** a zone (`R.isoDateTimeMillis(dayjs.utc())`);
 * `Date.parse` would read that as local time. Strings with a zone and epoch numbers are accepted too.
 */
export function parseKumaTime(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v > 0 ? v : null;
  if (typeof v !== 'string') return null;
  const s = v.trim();
  const m = ZONELESS.exec(s);
  const t = m ? Date.parse(`${m[1]}T${m[2]}Z`) : Date.parse(s);
  return Number.isFinite(t) ? t : null;
}

/** A number from Kuma's numbers, numeric strings (`toFixed(2)` in 2.x) or null. */
export function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

const SECRET_PARAM = /pass|secret|token|key|auth|sig|session|cred/i;

/**
 * A URL fit to show and store in plain data: no `user:password@`, and the values of secret-looking
 * query parameters replaced. Anything that does not parse as a URL is cut down to its first 200 chars.
 */
export function safeDisplayUrl(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.trim() === '' || raw === 'https://') return null;
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return raw.replace(/\/\/[^/@\s]*@/, '//').slice(0, 200);
  }
  u.username = '';
  u.password = '';
  for (const name of [...u.searchParams.keys()]) if (SECRET_PARAM.test(name)) u.searchParams.set(name, 'redacted');
  return u.toString();
}

/** A push/heartbeat URL for logs and the UI: the origin only, the path (the token) redacted. */
export function redactedPushUrl(u: URL): string {
  return `${u.protocol}//${u.host}/[redacted]`;
}

/** "45 s", "4 min", "3 h", "2 d" — the unit a person would say. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.round(min / 60);
  if (h < 48) return `${h} h`;
  return `${Math.round(h / 24)} d`;
}

/** Time source and timers, injectable so tests drive staleness and backoff without waiting. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // A watch must not keep a headless process (or a test run) alive by itself.
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/**
 * "Who monitors the monitor": a fact about a Kuma instance itself, ready for the alert layer.
 * `since` is when the problem began (epoch ms on Homeport's clock).
 */
export type KumaProblem = 'stale' | 'unreachable' | 'disconnected' | 'auth-failed';

export interface KumaInstanceFact {
  /** "Uptime Kuma on nas". */
  instance: string;
  problem: KumaProblem;
  since: number;
  /** Why, in the user's words (e.g. "connection refused"); never a secret. */
  reason?: string;
  /** The fact as one sentence, rendered at `at`. Re-render with `describeKumaFact(fact, now)`. */
  message: string;
}

export interface KumaRecovery {
  instance: string;
  problem: KumaProblem;
  since: number;
  recoveredAt: number;
  /** "Uptime Kuma on nas is reporting again (silent for 6 min)". */
  message: string;
}

export function describeKumaFact(fact: Omit<KumaInstanceFact, 'message'>, now: number): string {
  const ago = formatDuration(now - fact.since);
  const why = fact.reason ? ` (${fact.reason})` : '';
  switch (fact.problem) {
    case 'stale':
      return `${fact.instance} stopped reporting ${ago} ago${why}`;
    case 'unreachable':
      return `${fact.instance} has been unreachable for ${ago}${why}`;
    case 'disconnected':
      return `${fact.instance} disconnected ${ago} ago${why}`;
    case 'auth-failed':
      return `Homeport can no longer sign in to ${fact.instance}${why}`;
  }
}

export function makeFact(instance: string, problem: KumaProblem, since: number, now: number, reason?: string): KumaInstanceFact {
  const base = reason === undefined ? { instance, problem, since } : { instance, problem, since, reason };
  return { ...base, message: describeKumaFact(base, now) };
}

/** Kuma's base address: http(s) only. */
export function parseKumaUrl(raw: string): URL {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw new HomeportError({ code: 'VALIDATION', message: `"${raw.slice(0, 80)}" is not a URL.`, fix: 'Enter the address of Uptime Kuma, e.g. http://nas:3001.' });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new HomeportError({ code: 'VALIDATION', message: `Uptime Kuma's address must start with http:// or https:// (got ${u.protocol}).`, fix: 'Enter the address of Uptime Kuma, e.g. http://nas:3001.' });
  }
  return u;
}

/** "Uptime Kuma on nas" from `http://nas:3001`. */
export function defaultInstanceName(url: URL): string {
  return `Uptime Kuma on ${url.hostname}`;
}
