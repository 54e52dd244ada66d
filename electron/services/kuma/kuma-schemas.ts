/**
 * Defensive readers for what Uptime Kuma sends (UK:server/model/monitor.js, heartbeat.js, server.js,
 * 1.23 and 2.0 copies). Every reader returns a value or a list of problem
 * paths — never throws, never keeps a value it does not need (z.object strips unknown keys, so
 * monitorList's passwords, headers and push tokens are dropped here), never echoes a value.
 */
import { z } from 'zod';
import {
  normaliseId,
  parseKumaTime,
  safeDisplayUrl,
  statusFromCode,
  toNumber,
  type KumaBeat,
  type KumaMonitorFact,
  type KumaServerInfo,
} from './kuma-model';

export type Read<T> = { ok: true; value: T } | { ok: false; problems: string[] };

const idLike = z.union([z.number(), z.string()]);
const numLike = z.union([z.number(), z.string()]);

function problemsOf(error: z.ZodError): string[] {
  return error.issues.slice(0, MAX_PROBLEMS).map((i) => `${i.path.length ? i.path.join('.') : 'value'}: ${i.code}`);
}

/** Problems kept per message: enough to find the cause, never a copy of a huge bad payload. */
const MAX_PROBLEMS = 20;

function pushProblems(out: string[], more: string[]): void {
  for (const p of more) {
    if (out.length >= MAX_PROBLEMS) return;
    out.push(p);
  }
}

/** A string from Kuma cut to what a person reads (names, types, host names). */
function clip(v: string | null | undefined, max: number): string {
  return (v ?? '').trim().slice(0, max);
}

function read<S extends z.ZodType, T>(schema: S, input: unknown, map: (v: z.infer<S>) => T | string): Read<T> {
  const r = schema.safeParse(input);
  if (!r.success) return { ok: false, problems: problemsOf(r.error) };
  const out = map(r.data);
  return typeof out === 'string' ? { ok: false, problems: [out] } : { ok: true, value: out };
}

// ---- monitors ----------------------------------------------------------------------------

/** The few fields of Monitor.toJSON() the model needs. */
const monitorSchema = z.object({
  id: idLike,
  name: z.string().nullish(),
  type: z.string().nullish(),
  url: z.string().nullish(),
  hostname: z.string().nullish(),
  port: numLike.nullish(),
  active: z.union([z.boolean(), z.number(), z.string()]).nullish(),
  interval: numLike.nullish(),
});

/** What Kuma's monitorList defines of a monitor; its status and timings come from heartbeats. */
export type KumaMonitorDef = Pick<KumaMonitorFact, 'id' | 'name' | 'type' | 'url' | 'hostname' | 'active' | 'intervalSec'>;

/** Types whose `url` is meaningful; others carry Kuma's placeholder "https://". */
const URL_TYPES = new Set(['http', 'keyword', 'json-query', 'real-browser', 'grpc-keyword', 'websocket-upgrade']);

export function readMonitor(raw: unknown): Read<KumaMonitorDef> {
  return read(monitorSchema, raw, (m) => {
    const id = normaliseId(m.id);
    if (id === null) return 'id: invalid';
    const type = clip(m.type, 40) || 'unknown';
    const active = m.active === true || m.active === 1 || m.active === '1' || m.active === 'true';
    const interval = toNumber(m.interval);
    const url = URL_TYPES.has(type) || (type === 'unknown' && m.url) ? safeDisplayUrl(m.url) : null;
    return {
      id,
      name: clip(m.name, 200) || `Monitor ${id}`,
      type,
      url: url === null ? null : url.slice(0, 500),
      hostname: clip(m.hostname, 255) || null,
      active,
      intervalSec: interval !== null && interval > 0 ? interval : null,
    };
  });
}

/**
 * `monitorList` / `updateMonitorIntoList`: an object keyed by id (an array is accepted too). At
 * most `max` entries are read, the lowest ids first; `total` says how many Kuma sent.
 */
export function readMonitorMap(raw: unknown, max = Infinity): Read<{ monitors: KumaMonitorDef[]; problems: string[]; total: number }> {
  let entries: [string, unknown][];
  if (Array.isArray(raw)) entries = raw.map((v, i) => [String(i), v]);
  else if (raw !== null && typeof raw === 'object') entries = Object.entries(raw as Record<string, unknown>);
  else return { ok: false, problems: [`value: expected an object of monitors, got ${raw === null ? 'null' : typeof raw}`] };
  const total = entries.length;
  if (total > max) entries = entries.sort((a, b) => byNumericKey(a[0], b[0])).slice(0, max);
  const monitors: KumaMonitorDef[] = [];
  const problems: string[] = [];
  for (const [key, value] of entries) {
    // The key is the id; a monitor object without its own id still counts.
    const withId = value !== null && typeof value === 'object' && !('id' in value) ? { ...value, id: key } : value;
    const r = readMonitor(withId);
    if (r.ok) monitors.push(r.value);
    else pushProblems(problems, r.problems.map((p) => `[${key.slice(0, 20)}].${p}`));
  }
  return { ok: true, value: { monitors, problems, total } };
}

function byNumericKey(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---- heartbeats --------------------------------------------------------------------------

const beatSchema = z.object({
  monitorID: idLike.nullish(),
  monitor_id: idLike.nullish(),
  status: z.union([z.number(), z.string(), z.boolean()]),
  time: z.union([z.string(), z.number()]).nullish(),
  msg: z.string().nullish(),
  ping: numLike.nullish(),
  important: z.union([z.boolean(), z.number(), z.string()]).nullish(),
  retries: numLike.nullish(),
});

/**
 * A heartbeat in any of its shapes: live `Heartbeat.toJSON()` (camelCase `monitorID`), raw
 * `heartbeatList` rows (snake_case, `important` 0/1 — keyed by the event's argument, so
 * `monitorId` is passed in), public status-page beats (no id, `msg: ""`).
 */
export function readBeat(raw: unknown, monitorId?: string): Read<KumaBeat> {
  return read(beatSchema, raw, (b) => {
    const id = monitorId ?? normaliseId(b.monitorID) ?? normaliseId(b.monitor_id);
    if (id === null) return 'monitorID: missing';
    const status = typeof b.status === 'boolean' ? (b.status ? 'up' : 'down') : statusFromCode(b.status);
    const ping = toNumber(b.ping);
    return {
      monitorId: id,
      status,
      time: parseKumaTime(b.time),
      message: (b.msg ?? '').slice(0, 500),
      pingMs: ping !== null && ping >= 0 ? ping : null,
      important: b.important === true || b.important === 1 || b.important === '1',
      retries: toNumber(b.retries),
    };
  });
}

/**
 * A list of beats; bad rows are skipped and counted as problems. With `keep`, a longer list is read
 * only at its two ends (`keep` rows each): Kuma sends some lists oldest first and some newest
 * first, and only the newest are kept.
 */
export function readBeatList(raw: unknown, monitorId: string, keep = Infinity): Read<{ beats: KumaBeat[]; problems: string[] }> {
  if (!Array.isArray(raw)) return { ok: false, problems: [`value: expected a list of heartbeats, got ${raw === null ? 'null' : typeof raw}`] };
  const rows: [unknown, number][] = raw.length > 2 * keep ? [...raw.slice(0, keep).map((r, i): [unknown, number] => [r, i]), ...raw.slice(-keep).map((r, i): [unknown, number] => [r, raw.length - keep + i])] : raw.map((r, i): [unknown, number] => [r, i]);
  const beats: KumaBeat[] = [];
  const problems: string[] = [];
  for (const [row, i] of rows) {
    // A status page with a day range sends 0 for a time slot without beats (2.x).
    if (row === 0 || row === null) continue;
    const r = readBeat(row, monitorId);
    if (r.ok) beats.push(r.value);
    else pushProblems(problems, r.problems.map((p) => `[${i}].${p}`));
  }
  return { ok: true, value: { beats, problems } };
}

// ---- stats -------------------------------------------------------------------------------

export type UptimeWindow = '24h' | '30d' | '1y';

/** `uptime(monitorID, period, ratio)`: 24 and 720 (hours) in both, `"1y"` in 2.x. */
export function readUptimePeriod(period: unknown): UptimeWindow | null {
  const p = typeof period === 'string' ? period.trim().toLowerCase() : period;
  if (p === 24 || p === '24' || p === '24h' || p === '1d') return '24h';
  if (p === 720 || p === '720' || p === '30d') return '30d';
  if (p === '1y' || p === 8760 || p === '8760' || p === '365d') return '1y';
  return null;
}

export function readRatio(v: unknown): Read<number | null> {
  if (v === null || v === undefined) return { ok: true, value: null };
  const n = toNumber(v);
  if (n === null || n < 0 || n > 1) return { ok: false, problems: ['ratio: expected a number from 0 to 1'] };
  return { ok: true, value: n };
}

const certSchema = z.object({
  valid: z.boolean().nullish(),
  certInfo: z.object({ daysRemaining: numLike.nullish() }).nullish(),
});

/** `certInfo(monitorID, infoJsonString)`: a JSON **string** holding `{valid, certInfo:{daysRemaining,…}}`. */
export function readCertInfo(raw: unknown): Read<{ valid: boolean | null; daysRemaining: number | null }> {
  let parsed: unknown = raw;
  if (typeof raw === 'string') {
    try {
      parsed = JSON.parse(raw);
    } catch {
      return { ok: false, problems: ['value: not JSON'] };
    }
  }
  return read(certSchema, parsed, (c) => ({
    valid: c.valid ?? null,
    daysRemaining: toNumber(c.certInfo?.daysRemaining),
  }));
}

// ---- info, login ------------------------------------------------------------------------

const infoSchema = z.object({
  version: z.string().nullish(),
  latestVersion: z.string().nullish(),
  serverTimezone: z.string().nullish(),
  primaryBaseURL: z.string().nullish(),
});

export function readInfo(raw: unknown): Read<KumaServerInfo> {
  return read(infoSchema, raw ?? {}, (i) => ({
    version: i.version ? i.version.slice(0, 40) : null,
    latestVersion: i.latestVersion ? i.latestVersion.slice(0, 40) : null,
    serverTimezone: i.serverTimezone ? i.serverTimezone.slice(0, 64) : null,
    primaryBaseURL: i.primaryBaseURL ? i.primaryBaseURL.slice(0, 500) : null,
  }));
}

const loginSchema = z.object({
  ok: z.boolean().nullish(),
  token: z.string().nullish(),
  tokenRequired: z.boolean().nullish(),
  msg: z.unknown().optional(),
  msgi18n: z.boolean().nullish(),
});

export type LoginReply =
  | { kind: 'ok'; token: string | null }
  | { kind: 'totp-required' }
  | { kind: 'refused'; msg: unknown };

/** `login`/`loginByToken` callbacks: `{ok:true, token}`, `{tokenRequired:true}` or `{ok:false, msg, msgi18n?}`. */
export function readLoginReply(raw: unknown): Read<LoginReply> {
  return read(loginSchema, raw, (r) => {
    if (r.tokenRequired === true) return { kind: 'totp-required' } as const;
    if (r.ok === true) return { kind: 'ok', token: r.token ?? null } as const;
    if (r.ok === false) return { kind: 'refused', msg: r.msg } as const;
    return 'ok: missing';
  });
}

const okSchema = z.object({ ok: z.boolean(), msg: z.unknown().optional() });

export function readOkReply(raw: unknown): Read<{ ok: boolean; msg: unknown }> {
  return read(okSchema, raw, (r) => ({ ok: r.ok, msg: r.msg }));
}
