/**
 * Monitors, alert channels and alerts as the UI sees them: plain data, no secrets (HTTP auth
 * passwords and tokens, push tokens and channel tokens/webhook URLs are named, never given).
 * The monitors service's own validators (`validateMonitorConfig`, `validateChannelConfig`) are the
 * real validation; their VALIDATION errors name the field in `details.field`.
 */

export type MonitorId = string;
export type ChannelId = string;

export type MonitorState = 'pending' | 'up' | 'down' | 'paused' | 'maintenance' | 'unknown';

/** Options every monitor has (intervals in seconds; at least 20). */
export interface MonitorCommonInput {
  name: string;
  intervalSec?: number;
  timeoutSec?: number;
  /** Failed checks in a row before the monitor is confirmed down. */
  retries?: number;
  retryIntervalSec?: number;
  upsideDown?: boolean;
  paused?: boolean;
}

export interface HttpMonitorInput extends MonitorCommonInput {
  type: 'http';
  url: string;
  method?: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
  headers?: Record<string, string>;
  body?: string | null;
  /** Single codes and inclusive ranges: ['200-299', '301']. */
  acceptedStatus?: string[];
  keyword?: { text: string; mustBePresent?: boolean; caseSensitive?: boolean } | null;
  jsonPath?: { path: string; equals: string } | null;
  auth?: { kind: 'none' } | { kind: 'basic'; user: string; password: string } | { kind: 'bearer'; token: string };
  ignoreTls?: boolean;
  followRedirects?: boolean;
  maxRedirects?: number;
  certExpiryWarnDays?: number | null;
}

export interface TcpMonitorInput extends MonitorCommonInput {
  type: 'tcp';
  host: string;
  port: number;
}

export interface PingMonitorInput extends MonitorCommonInput {
  type: 'ping';
  host: string;
  count?: number;
}

export interface DnsMonitorInput extends MonitorCommonInput {
  type: 'dns';
  hostname: string;
  recordType?: 'A' | 'AAAA' | 'CNAME' | 'MX' | 'TXT' | 'NS' | 'SRV' | 'CAA' | 'PTR';
  resolver?: string | null;
  expected?: string | null;
}

/** What a form sends to add or update a monitor (the id is assigned by the services). */
export type MonitorConfigInput = HttpMonitorInput | TcpMonitorInput | PingMonitorInput | DnsMonitorInput;
export type MonitorType = MonitorConfigInput['type'] | 'container' | 'ssh-command' | 'push';

export interface MonitorInfo {
  id: MonitorId;
  name: string;
  type: MonitorType;
  /** Where it looks, in the user's terms: a URL without credentials or query, host:port, a host… */
  target: string;
  /** The stored config without its secrets (for an edit form). */
  config: Record<string, unknown>;
  /** Names of the config's fields that hold a secret (left empty in `config`). */
  secretFields: string[];
  intervalSec: number;
  retries: number;
  paused: boolean;
  state: MonitorState;
  muted: boolean;
  flapping: boolean;
  message: string;
  downSince: number | null;
  lastCheckAt: number | null;
  /** The last check's latency. */
  latencyMs: number | null;
  avgLatencyMs24h: number | null;
  /** Fractions 0…1 (null: no data). */
  uptime: { day: number | null; month: number | null; year: number | null };
}

export type HistoryRange = '24h' | '30d' | '1y';

export interface LatencyPointInfo {
  time: number;
  avg: number | null;
  min: number | null;
  max: number | null;
}

export interface StatusBarInfo {
  /** Start of the bar's bucket. */
  start: number;
  /** Worst status in the bucket; null: no check. */
  status: 'up' | 'down' | 'pending' | 'maintenance' | 'unknown' | null;
  up: number;
  down: number;
  other: number;
}

export interface IncidentInfo {
  id: number;
  monitorId: MonitorId;
  start: number;
  /** null: still open. */
  end: number | null;
  durationMs: number;
  message: string | null;
}

export interface MonitorHistoryInfo {
  id: MonitorId;
  range: HistoryRange;
  latency: LatencyPointInfo[];
  bars: StatusBarInfo[];
  incidents: IncidentInfo[];
}

export type ChannelType = 'ntfy' | 'webhook' | 'discord' | 'slack' | 'telegram' | 'gotify' | 'email';

/** A channel from a form (secrets included; they are sealed at rest and never sent back). */
export interface ChannelConfigInput {
  type: ChannelType;
  name: string;
  enabled?: boolean;
  [field: string]: unknown;
}

export interface ChannelInfo {
  id: ChannelId;
  name: string;
  type: ChannelType;
  enabled: boolean;
  /** Where it delivers: a host name, never a URL or a token. */
  target: string;
  settings: Record<string, unknown>;
  hasSecret: Record<string, boolean>;
}

export interface AlertInfo {
  id: string;
  kind: string;
  title: string;
  body: string;
  monitorIds: MonitorId[];
  at: number;
  severity: 'critical' | 'warning' | 'info';
}
