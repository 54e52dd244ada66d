/**
 * Monitor configurations and check results: plain data, meant to move into the contract
 * (shared/) once the monitors service exposes them. `validateMonitorConfig` (validate.ts) is the
 * only way a config from a form, a YAML import or the store should become one of these.
 */
import type { HostId, MonitorId } from '../../../../shared/model/ids';

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export const DNS_RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SRV', 'CAA', 'PTR'] as const;
export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number];

export const MONITOR_TYPES = ['http', 'tcp', 'ping', 'dns', 'container', 'ssh-command', 'push'] as const;
export type MonitorType = (typeof MONITOR_TYPES)[number];

/** Options every monitor has. upsideDown and retries are applied by the owner, not by the checks. */
export interface MonitorCommon {
  id: MonitorId;
  name: string;
  intervalSec: number;
  timeoutSec: number;
  /** Failed checks in a row before the monitor is confirmed down. */
  retries: number;
  /** Interval used while a failure is unconfirmed. */
  retryIntervalSec: number;
  upsideDown: boolean;
  paused: boolean;
}

export type HttpAuth = { kind: 'none' } | { kind: 'basic'; user: string; password: string } | { kind: 'bearer'; token: string };

export interface HttpMonitor extends MonitorCommon {
  type: 'http';
  url: string;
  method: HttpMethod;
  headers: Record<string, string>;
  body: string | null;
  /** Single codes and inclusive ranges: ['200-299', '301']. */
  acceptedStatus: string[];
  keyword: { text: string; mustBePresent: boolean; caseSensitive: boolean } | null;
  /** `path` in the JSONPath subset of json-path.ts, e.g. `$.status`, `$.items[0].ok`. */
  jsonPath: { path: string; equals: string } | null;
  auth: HttpAuth;
  ignoreTls: boolean;
  followRedirects: boolean;
  maxRedirects: number;
  /** Warn (still up) when the certificate has fewer days left; null: never warn, and with ignoreTls an expired certificate is not an error either. */
  certExpiryWarnDays: number | null;
}

export interface TcpMonitor extends MonitorCommon {
  type: 'tcp';
  host: string;
  port: number;
}

export interface PingMonitor extends MonitorCommon {
  type: 'ping';
  host: string;
  /** Echo requests per check (default 1); up when at least one is answered. */
  count: number;
}

export interface DnsMonitor extends MonitorCommon {
  type: 'dns';
  /** The name to query (an IP address for PTR). Not `name`: that is the monitor's own name. */
  hostname: string;
  recordType: DnsRecordType;
  /** `ip` or `ip:port` (`[v6]:port`); null: the system's DNS servers. */
  resolver: string | null;
  /** Up only when some returned record equals this (normalised); null: any answer is up. */
  expected: string | null;
}

export interface ContainerMonitor extends MonitorCommon {
  type: 'container';
  hostId: HostId;
  /** Container name (followed across re-creation) or id. */
  container: string;
}

export interface SshCommandMonitor extends MonitorCommon {
  type: 'ssh-command';
  hostId: HostId;
  command: string;
  expectExit: number;
  /** A JavaScript regular expression (flag `m`) tested against the first 64 KiB of stdout. */
  outputMatch: string | null;
}

export interface PushMonitor extends MonitorCommon {
  type: 'push';
  token: string;
  /** Slack after the expected interval before a missing push counts as down. */
  graceSec: number;
}

export type MonitorConfig = HttpMonitor | TcpMonitor | PingMonitor | DnsMonitor | ContainerMonitor | SshCommandMonitor | PushMonitor;

/** The monitors a scheduler polls; containers are event-driven and pushes are evaluated on demand. */
export type PolledMonitorConfig = HttpMonitor | TcpMonitor | PingMonitor | DnsMonitor | SshCommandMonitor;

export interface CheckResult {
  status: 'up' | 'down';
  latencyMs: number | null;
  /** What happened, in the user's terms; never a secret (no query strings, no credentials). */
  message: string;
  /** Plain facts: statusCode, certDaysLeft, certWarning, exitCode, health… */
  details?: Record<string, string | number | boolean>;
}

/** Runs a command on the monitor's host over its existing SSH connection (provided by the owner). */
export type SshExec = (command: string, signal: AbortSignal) => Promise<{ code: number | null; stdout: string; stderr: string }>;
