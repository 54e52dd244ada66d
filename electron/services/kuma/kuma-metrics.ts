/**
 * Read-only mode 1: Uptime Kuma's Prometheus `/metrics` (UK:server/prometheus.js).
 * Auth is HTTP Basic: once an API key exists only keys work, as the password with any username
 * (`curl -u ":uk1_…"`); before that, Kuma's own username and password.
 * Gauges: monitor_status, monitor_response_time (ms, −1 = none), monitor_cert_days_remaining,
 * monitor_cert_is_valid; current 2.x adds monitor_uptime_ratio{window="1d"|"30d"|"365d"} and the
 * `monitor_id` label (1.23 has only name/type/url/hostname/port labels).
 */
import { HomeportError } from '../../../shared/contract';
import { notKumaError, protocolError, REMOTE_ERROR } from './kuma-errors';
import { httpGet, type FetchLike } from './kuma-http';
import { defaultInstanceName, parseKumaUrl, safeDisplayUrl, statusFromCode, type KumaMonitorFact } from './kuma-model';

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text exposition format (0.0.4), read line by line; bad lines are counted, not fatal. */
export function parsePrometheusText(text: string): { samples: PromSample[]; badLines: number } {
  const samples: PromSample[] = [];
  let badLines = 0;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const s = parseSampleLine(line);
    if (s) samples.push(s);
    else badLines++;
  }
  return { samples, badLines };
}

function parseSampleLine(line: string): PromSample | null {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (!nameMatch) return null;
  const name = nameMatch[0];
  let i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i++;
    for (;;) {
      while (line[i] === ' ' || line[i] === ',') i++;
      if (line[i] === '}') {
        i++;
        break;
      }
      const key = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(i));
      if (!key) return null;
      i += key[0].length;
      while (line[i] === ' ') i++;
      if (line[i] !== '=') return null;
      i++;
      while (line[i] === ' ') i++;
      if (line[i] !== '"') return null;
      i++;
      let value = '';
      for (;;) {
        const c = line[i];
        if (c === undefined) return null;
        if (c === '\\') {
          const n = line[i + 1];
          value += n === 'n' ? '\n' : (n ?? '');
          i += 2;
          continue;
        }
        if (c === '"') {
          i++;
          break;
        }
        value += c;
        i++;
      }
      labels[key[0]] = value;
    }
  }
  const rest = line.slice(i).trim().split(/\s+/);
  const v = rest[0];
  if (v === undefined || v === '') return null;
  const value = v === 'NaN' ? NaN : v === '+Inf' || v === 'Inf' ? Infinity : v === '-Inf' ? -Infinity : Number(v);
  if (Number.isNaN(value) && v !== 'NaN') return null;
  return { name, labels, value };
}

export interface KumaMetricsSnapshot {
  at: number;
  /** From `app_version{version}`, when present. */
  version: string | null;
  /** True when the instance labels series with `monitor_id` (2.x); ids are then Kuma's ids. */
  hasIds: boolean;
  monitors: KumaMonitorFact[];
  /** More monitors than Homeport keeps: a sentence for the user. */
  limit: string | null;
}

/** Monitors read from one /metrics page (the signed-in client keeps as many). */
export const MAX_METRICS_MONITORS = 5000;

function labelValue(v: string | undefined, max = 200): string | null {
  return v === undefined || v === '' || v === 'null' || v === 'undefined' ? null : v.slice(0, max);
}

/** Prometheus samples → the model. Without `monitor_id` a monitor is keyed by its name (`name:<name>`). */
export function metricsToMonitors(samples: PromSample[], at: number): KumaMetricsSnapshot {
  const byKey = new Map<string, KumaMonitorFact>();
  const idOfKey = new Map<string, string>();
  const usedIds = new Set<string>();
  let version: string | null = null;
  let hasIds = false;
  let overflow = false;

  for (const s of samples) {
    if (s.name === 'app_version') {
      version = labelValue(s.labels.version, 40) ?? version;
      continue;
    }
    if (!s.name.startsWith('monitor_')) continue;
    const name = labelValue(s.labels.monitor_name);
    const kumaId = labelValue(s.labels.monitor_id);
    if (kumaId === null && name === null) continue;
    if (kumaId !== null) hasIds = true;
    const key =
      kumaId !== null
        ? `id:${kumaId}`
        : ['n', name, s.labels.monitor_type, s.labels.monitor_url, s.labels.monitor_hostname, s.labels.monitor_port].join('\u0000');
    let m = byKey.get(key);
    if (!m && byKey.size >= MAX_METRICS_MONITORS) {
      overflow = true;
      continue;
    }
    if (!m) {
      let id = kumaId ?? `name:${name}`;
      // Two 1.23 monitors may share a name: keep them apart, stably in text order.
      for (let n = 2; usedIds.has(id); n++) id = `name:${name}#${n}`;
      usedIds.add(id);
      idOfKey.set(key, id);
      m = {
        id,
        name: name ?? `Monitor ${kumaId}`,
        type: labelValue(s.labels.monitor_type, 40) ?? 'unknown',
        url: safeDisplayUrl(labelValue(s.labels.monitor_url, 2000))?.slice(0, 500) ?? null,
        hostname: labelValue(s.labels.monitor_hostname, 255),
        // Kuma removes a paused or deleted monitor's series, so a monitor listed here is active.
        active: true,
        status: 'unknown',
        lastBeatAt: null,
        latencyMs: null,
        avgLatencyMs: null,
        uptime24h: null,
        uptime30d: null,
        uptime1y: null,
        certDaysLeft: null,
        certValid: null,
        message: '',
        intervalSec: null,
      };
      byKey.set(key, m);
    }
    const v = Number.isFinite(s.value) ? s.value : null;
    switch (s.name) {
      case 'monitor_status':
        m.status = statusFromCode(v);
        break;
      case 'monitor_response_time':
        m.latencyMs = v !== null && v >= 0 ? v : null;
        break;
      case 'monitor_cert_days_remaining':
        m.certDaysLeft = v;
        break;
      case 'monitor_cert_is_valid':
        m.certValid = v === null ? null : v === 1;
        break;
      case 'monitor_uptime_ratio': {
        const ratio = v !== null && v >= 0 && v <= 1 ? v : null;
        const w = s.labels.window;
        if (w === '1d' || w === '24h') m.uptime24h = ratio;
        else if (w === '30d') m.uptime30d = ratio;
        else if (w === '365d' || w === '1y') m.uptime1y = ratio;
        break;
      }
      case 'monitor_response_time_seconds':
        if (s.labels.window === '1d' && v !== null && v >= 0) m.avgLatencyMs = Math.round(v * 1000 * 100) / 100;
        break;
    }
  }
  const limit = overflow ? `/metrics lists more than ${MAX_METRICS_MONITORS.toLocaleString('en-US')} monitors; Homeport mirrors the first ${MAX_METRICS_MONITORS.toLocaleString('en-US')}.` : null;
  return { at, version, hasIds, monitors: [...byKey.values()], limit };
}

export interface KumaMetricsOptions {
  /** Kuma's address; `/metrics` is appended to its origin. */
  url: string;
  /** An API key (`uk<id>_<secret>`), sent as the Basic password with an empty username. */
  apiKey?: string;
  /** Before any API key exists, Kuma accepts its own username and password here instead. */
  username?: string;
  password?: string;
  instance?: string;
  fetch?: FetchLike;
  timeoutMs?: number;
  now?: () => number;
}

const API_KEY = /^uk\d+_\S+$/;

export async function fetchKumaMetrics(opts: KumaMetricsOptions): Promise<KumaMetricsSnapshot> {
  const base = parseKumaUrl(opts.url);
  const instance = opts.instance ?? defaultInstanceName(base);
  const headers: Record<string, string> = { accept: 'text/plain' };
  if (opts.apiKey !== undefined) {
    const key = opts.apiKey.trim();
    if (!API_KEY.test(key)) {
      throw new HomeportError({ code: 'VALIDATION', message: 'That is not an Uptime Kuma API key.', fix: 'Paste the whole key as Uptime Kuma showed it: "uk", its number, "_" and the secret (e.g. uk1_…).' });
    }
    headers.authorization = `Basic ${Buffer.from(`:${key}`).toString('base64')}`;
  } else if (opts.password !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${opts.username ?? ''}:${opts.password}`).toString('base64')}`;
  }
  const res = await httpGet(opts.fetch ?? fetch, new URL('/metrics', base.origin).toString(), `${instance} (/metrics)`, opts.timeoutMs ?? 15_000, headers);
  if (res.status === 401 || res.status === 403) {
    throw new HomeportError(
      opts.apiKey !== undefined
        ? { code: 'AUTH_FAILED', message: `${instance} refused the API key.`, fix: 'Check the key in Uptime Kuma → Settings → API Keys: it may have been deleted, disabled or expired. Create a new one and paste it whole (uk1_…).' }
        : opts.password !== undefined
          ? { code: 'AUTH_FAILED', message: `${instance} refused the username or password for /metrics.`, fix: 'Once an API key exists, /metrics accepts only API keys: create one in Uptime Kuma → Settings → API Keys.' }
          : { code: 'AUTH_FAILED', message: `${instance} requires an API key for /metrics.`, fix: 'Create one in Uptime Kuma → Settings → API Keys and paste it here.' },
    );
  }
  const webPage = /^\s*</.test(res.body.slice(0, 200));
  if (res.status === 404) {
    if (webPage) throw notKumaError(base.origin, 'answers web requests, but has no /metrics (it answered HTTP 404)');
    throw new HomeportError({ code: 'NOT_FOUND', message: `${instance} has no /metrics page.`, fix: 'Check that the address points to Uptime Kuma (1.21 or later).' });
  }
  if (res.status < 200 || res.status >= 300) {
    throw new HomeportError({ code: REMOTE_ERROR, message: `${instance} answered /metrics with HTTP ${res.status}.`, fix: 'Check Uptime Kuma’s own log.', details: { status: res.status } });
  }
  const { samples, badLines } = parsePrometheusText(res.body);
  const looksLikeKuma = samples.some((s) => s.name.startsWith('monitor_') || s.name === 'app_version') || /#\s*(HELP|TYPE) monitor_status\b/.test(res.body);
  if (!looksLikeKuma) {
    if (webPage) throw notKumaError(base.origin, 'answers web requests, but its /metrics is a web page');
    throw protocolError('a /metrics page', [badLines ? `${badLines} unreadable lines` : 'no monitor_status series']);
  }
  return metricsToMonitors(samples, (opts.now ?? Date.now)());
}
