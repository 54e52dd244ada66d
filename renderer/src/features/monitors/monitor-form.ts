import { HostId, MONITOR_LIMITS as L, type ErrorInfo, type MonitorConfigInput, type MonitorInfo, type MonitorType } from '../../../../shared/contract';

/**
 * The monitor form's model: plain strings and booleans as the inputs hold them, turned into a
 * MonitorConfigInput with field errors written for the person filling it in. The services
 * validate again (their VALIDATION errors name the field in details.field; `formFieldOf` maps
 * them back here).
 */

export const MIN_INTERVAL_SEC = L.intervalSec.min;

export const TYPE_LABELS: Record<MonitorType, string> = {
  http: 'HTTP(S)',
  tcp: 'TCP port',
  ping: 'Ping',
  dns: 'DNS',
  container: 'Docker container',
  'ssh-command': 'SSH command',
  push: 'Push (heartbeat URL)',
};

export const DNS_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SRV', 'CAA', 'PTR'] as const;
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export interface FormState {
  type: MonitorType;
  name: string;
  intervalSec: string;
  /** Blank: the default (80 % of the interval, at most 30 s). */
  timeoutSec: string;
  retries: string;
  /** Blank: the interval. */
  retryIntervalSec: string;
  upsideDown: boolean;
  paused: boolean;
  // http
  url: string;
  method: (typeof HTTP_METHODS)[number];
  acceptedStatus: string;
  keyword: string;
  keywordMode: 'present' | 'absent';
  jsonPath: string;
  jsonEquals: string;
  /** One `Name: value` per line. */
  headers: string;
  authKind: 'none' | 'basic' | 'bearer';
  authUser: string;
  authPassword: string;
  authToken: string;
  ignoreTls: boolean;
  followRedirects: boolean;
  /** Blank: never warn. */
  certDays: string;
  // tcp, ping
  host: string;
  port: string;
  // dns
  hostname: string;
  recordType: (typeof DNS_TYPES)[number];
  resolver: string;
  expected: string;
  // container, ssh-command
  hostId: string;
  container: string;
  command: string;
  expectExit: string;
  outputMatch: string;
  // push
  graceSec: string;
}

export type FormField =
  | 'name'
  | 'intervalSec'
  | 'timeoutSec'
  | 'retries'
  | 'retryIntervalSec'
  | 'url'
  | 'acceptedStatus'
  | 'keyword'
  | 'jsonPath'
  | 'jsonEquals'
  | 'headers'
  | 'authUser'
  | 'authPassword'
  | 'authToken'
  | 'certDays'
  | 'host'
  | 'port'
  | 'hostname'
  | 'resolver'
  | 'expected'
  | 'hostId'
  | 'container'
  | 'command'
  | 'expectExit'
  | 'outputMatch'
  | 'graceSec';

export type FieldErrors = Partial<Record<FormField, string>>;

export function emptyForm(type: MonitorType = 'http'): FormState {
  return {
    type,
    name: '',
    intervalSec: '60',
    timeoutSec: '',
    retries: '1',
    retryIntervalSec: '',
    upsideDown: false,
    paused: false,
    url: '',
    method: 'GET',
    acceptedStatus: '200-299',
    keyword: '',
    keywordMode: 'present',
    jsonPath: '',
    jsonEquals: '',
    headers: '',
    authKind: 'none',
    authUser: '',
    authPassword: '',
    authToken: '',
    ignoreTls: false,
    followRedirects: true,
    certDays: '14',
    host: '',
    port: '',
    hostname: '',
    recordType: 'A',
    resolver: '',
    expected: '',
    hostId: '',
    container: '',
    command: '',
    expectExit: '0',
    outputMatch: '',
    graceSec: '60',
  };
}

const str = (v: unknown, d = ''): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : d);

/** A stored monitor's (redacted) config as the form's state: secrets are blank, and blank keeps them. */
export function formFromMonitor(m: MonitorInfo): FormState {
  const c = m.config;
  const f = emptyForm(m.type);
  f.name = m.name;
  f.intervalSec = str(c.intervalSec, f.intervalSec);
  f.timeoutSec = str(c.timeoutSec);
  f.retries = str(c.retries, f.retries);
  f.retryIntervalSec = str(c.retryIntervalSec);
  f.upsideDown = c.upsideDown === true;
  f.paused = c.paused === true;
  switch (m.type) {
    case 'http': {
      f.url = str(c.url);
      f.method = (HTTP_METHODS as readonly string[]).includes(str(c.method)) ? (c.method as FormState['method']) : 'GET';
      f.acceptedStatus = Array.isArray(c.acceptedStatus) ? (c.acceptedStatus as string[]).join(', ') : f.acceptedStatus;
      const kw = c.keyword as { text?: string; mustBePresent?: boolean } | null | undefined;
      f.keyword = kw?.text ?? '';
      f.keywordMode = kw && kw.mustBePresent === false ? 'absent' : 'present';
      const jp = c.jsonPath as { path?: string; equals?: string } | null | undefined;
      f.jsonPath = jp?.path ?? '';
      f.jsonEquals = jp?.equals ?? '';
      f.headers = Object.entries((c.headers as Record<string, string> | undefined) ?? {})
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n');
      const auth = c.auth as { kind?: string; user?: string } | undefined;
      f.authKind = auth?.kind === 'basic' || auth?.kind === 'bearer' ? auth.kind : 'none';
      f.authUser = auth?.user ?? '';
      f.ignoreTls = c.ignoreTls === true;
      f.followRedirects = c.followRedirects !== false;
      f.certDays = c.certExpiryWarnDays === null ? '' : str(c.certExpiryWarnDays, '14');
      break;
    }
    case 'tcp':
      f.host = str(c.host);
      f.port = str(c.port);
      break;
    case 'ping':
      f.host = str(c.host);
      break;
    case 'dns':
      f.hostname = str(c.hostname);
      f.recordType = (DNS_TYPES as readonly string[]).includes(str(c.recordType)) ? (c.recordType as FormState['recordType']) : 'A';
      f.resolver = str(c.resolver);
      f.expected = str(c.expected);
      break;
    case 'container':
      f.hostId = str(c.hostId);
      f.container = str(c.container);
      break;
    case 'ssh-command':
      f.hostId = str(c.hostId);
      f.command = str(c.command);
      f.expectExit = str(c.expectExit, '0');
      f.outputMatch = str(c.outputMatch);
      break;
    case 'push':
      f.graceSec = str(c.graceSec, '60');
      break;
  }
  return f;
}

const STATUS_ENTRY = /^(?:[1-5]xx|\d{3}(?:-\d{3})?)$/i;

function wholeNumber(s: string): number | null {
  const t = s.trim();
  return /^\d+$/.test(t) ? Number(t) : null;
}

function originOf(url: unknown): string | null {
  try {
    return typeof url === 'string' ? new URL(url.trim()).origin : null;
  } catch {
    return null;
  }
}

/**
 * True when an edit points an HTTP monitor at another server (scheme, host or port) than the one
 * its secrets were stored for: the services do not keep them then, so the form asks for them.
 */
export function movedToAnotherServer(f: Pick<FormState, 'type' | 'url'>, editing: { config?: Record<string, unknown> } | null): boolean {
  if (!editing?.config || f.type !== 'http' || editing.config.type !== 'http') return false;
  const from = originOf(editing.config.url);
  const to = originOf(f.url);
  return from !== null && to !== null && from !== to;
}

/**
 * The form as monitors.add / monitors.update input, or the errors to show. `editing` names the
 * secret fields that are stored already (blank keeps them, unless the address moved to another
 * server).
 */
export function buildInput(f: FormState, editing: { secretFields: string[]; config?: Record<string, unknown> } | null = null): { input: MonitorConfigInput } | { errors: FieldErrors } {
  const e: FieldErrors = {};
  const name = f.name.trim();
  if (!name) e.name = 'Give the monitor a name, e.g. "Nextcloud".';
  else if (name.length > L.nameLength) e.name = `The name is at most ${L.nameLength} characters.`;

  const interval = wholeNumber(f.intervalSec);
  if (interval === null || interval < MIN_INTERVAL_SEC || interval > L.intervalSec.max) e.intervalSec = `The interval is at least ${MIN_INTERVAL_SEC} seconds (a whole number, at most ${L.intervalSec.max}).`;
  const retries = wholeNumber(f.retries);
  if (retries === null || retries > L.retries.max) e.retries = `Retries is a whole number from ${L.retries.min} to ${L.retries.max}.`;
  let timeout: number | undefined;
  if (f.timeoutSec.trim() !== '') {
    const t = wholeNumber(f.timeoutSec);
    const max = Math.min(interval ?? L.timeoutSec.max, L.timeoutSec.max);
    if (t === null || t < L.timeoutSec.min || t > max) e.timeoutSec = `The timeout is a whole number of seconds from ${L.timeoutSec.min} to ${max} (at most the interval).`;
    else timeout = t;
  }
  let retryInterval: number | undefined;
  if (f.retryIntervalSec.trim() !== '') {
    const r = wholeNumber(f.retryIntervalSec);
    if (r === null || r < MIN_INTERVAL_SEC || r > L.intervalSec.max) e.retryIntervalSec = `The retry interval is at least ${MIN_INTERVAL_SEC} seconds.`;
    else retryInterval = r;
  }
  const common = {
    name,
    intervalSec: interval ?? 60,
    retries: retries ?? 0,
    upsideDown: f.upsideDown,
    ...(timeout !== undefined ? { timeoutSec: timeout } : {}),
    ...(retryInterval !== undefined ? { retryIntervalSec: retryInterval } : {}),
  };
  const moved = movedToAnotherServer(f, editing);
  // Secrets stored for another server are not kept: blank ones must be entered again.
  const stored = new Set(moved ? [] : (editing?.secretFields ?? []));
  const again = 'The address moved to another server: enter it again (stored secrets are not sent elsewhere).';
  let input: MonitorConfigInput | null = null;

  switch (f.type) {
    case 'http': {
      const url = f.url.trim();
      let parsed: URL | null = null;
      try {
        parsed = new URL(url);
      } catch {
        // reported below
      }
      if (!url) e.url = 'Give the address to check, e.g. https://nas.lan:8443/health.';
      else if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && /^[\w.-]+(:\d+)?(\/.*)?$/.test(url)) e.url = `Write the full address with its scheme: http://${url}`;
      else if (!parsed) e.url = /^[\w.-]+(:\d+)?(\/.*)?$/.test(url) ? `Write the full address with its scheme: http://${url}` : 'This is not a valid URL; write e.g. https://nas.lan/health.';
      else if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') e.url = 'The address starts with http:// or https:// (a TCP or ping monitor checks other services).';
      else if (parsed.username || parsed.password) e.url = 'Remove the user name and password from the URL and use basic authentication below.';
      const statuses = f.acceptedStatus
        .split(/[,\s]+/)
        .map((s) => s.trim())
        .filter(Boolean);
      const badStatus = statuses.find((s) => !STATUS_ENTRY.test(s));
      if (statuses.length === 0) e.acceptedStatus = 'List at least one status code or range, e.g. 200-299.';
      else if (badStatus) e.acceptedStatus = `"${badStatus}" is not a status code (301), a range (200-299) or a class (2xx).`;
      const headers: Record<string, string> = {};
      for (const [i, line] of f.headers.split('\n').entries()) {
        if (!line.trim()) continue;
        const m = /^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*:\s?(.*)$/.exec(line);
        if (!m) {
          e.headers = `Line ${i + 1} is not "Name: value".`;
          break;
        }
        if (Object.keys(headers).some((h) => h.toLowerCase() === m[1]!.toLowerCase())) {
          e.headers = `The header ${m[1]} is given twice.`;
          break;
        }
        headers[m[1]!] = m[2]!.trim();
        if (moved && headers[m[1]!] === '' && editing?.secretFields.includes(`headers.${m[1]!}`)) {
          e.headers = `The value of ${m[1]!}: ${again}`;
          break;
        }
      }
      if (f.jsonPath.trim() && !/^\$/.test(f.jsonPath.trim())) e.jsonPath = 'A JSON path starts with $, e.g. $.status or $.items[0].ok.';
      if (!f.jsonPath.trim() && f.jsonEquals.trim()) e.jsonPath = 'Give the JSON path whose value must equal this.';
      let auth: { kind: 'none' } | { kind: 'basic'; user: string; password: string } | { kind: 'bearer'; token: string } = { kind: 'none' };
      if (f.authKind === 'basic') {
        if (!f.authUser.trim()) e.authUser = 'Give the user name for basic authentication.';
        else if (f.authUser.includes(':')) e.authUser = 'A basic-auth user name cannot contain ":".';
        if (moved && f.authPassword === '' && editing?.secretFields.includes('auth.password')) e.authPassword = `The password: ${again}`;
        auth = { kind: 'basic', user: f.authUser.trim(), password: f.authPassword };
      } else if (f.authKind === 'bearer') {
        const t = f.authToken.trim().replace(/^Bearer\s+/i, '');
        if (!t && moved && editing?.secretFields.includes('auth.token')) e.authToken = `The token: ${again}`;
        else if (!t && !stored.has('auth.token')) e.authToken = 'Paste the token (without "Bearer ").';
        else if (/\s/.test(t)) e.authToken = 'The token cannot contain spaces or line breaks.';
        auth = { kind: 'bearer', token: t };
      }
      let certDays: number | null = null;
      if (f.certDays.trim() !== '') {
        const d = wholeNumber(f.certDays);
        if (d === null || d < L.certExpiryWarnDays.min || d > L.certExpiryWarnDays.max) e.certDays = `Days is a whole number from ${L.certExpiryWarnDays.min} to ${L.certExpiryWarnDays.max} (blank: never warn).`;
        else certDays = d;
      }
      input = {
        ...common,
        type: 'http',
        url,
        method: f.method,
        acceptedStatus: statuses,
        keyword: f.keyword.trim() ? { text: f.keyword.trim(), mustBePresent: f.keywordMode === 'present' } : null,
        jsonPath: f.jsonPath.trim() ? { path: f.jsonPath.trim(), equals: f.jsonEquals } : null,
        headers,
        auth,
        ignoreTls: f.ignoreTls,
        followRedirects: f.followRedirects,
        certExpiryWarnDays: certDays,
      };
      break;
    }
    case 'tcp': {
      const port = wholeNumber(f.port);
      if (!f.host.trim()) e.host = 'Give a host name or IP address, e.g. nas.lan.';
      else if (/^[a-z]+:\/\//i.test(f.host.trim())) e.host = 'Give the host only, without http:// (use an HTTP monitor for URLs).';
      if (port === null || port < L.port.min || port > L.port.max) e.port = `The port is a number from ${L.port.min} to ${L.port.max}.`;
      input = { ...common, type: 'tcp', host: f.host.trim(), port: port ?? 0 };
      break;
    }
    case 'ping':
      if (!f.host.trim()) e.host = 'Give a host name or IP address, e.g. nas.lan.';
      else if (/^[a-z]+:\/\//i.test(f.host.trim())) e.host = 'Give the host only, without http://.';
      input = { ...common, type: 'ping', host: f.host.trim() };
      break;
    case 'dns':
      if (!f.hostname.trim()) e.hostname = 'Give the name to look up, e.g. nas.lan.';
      input = { ...common, type: 'dns', hostname: f.hostname.trim(), recordType: f.recordType, resolver: f.resolver.trim() || null, expected: f.expected.trim() || null };
      break;
    case 'container':
      if (!f.hostId) e.hostId = 'Choose the host the container runs on.';
      if (!f.container.trim()) e.container = 'Choose the container (or type its name).';
      input = { ...common, type: 'container', hostId: HostId(f.hostId), container: f.container.trim() };
      break;
    case 'ssh-command': {
      if (!f.hostId) e.hostId = 'Choose the SSH host to run the command on.';
      if (!f.command.trim()) e.command = 'Give the command, e.g. systemctl is-active nginx.';
      const exit = wholeNumber(f.expectExit);
      if (exit === null || exit > L.exitStatus.max) e.expectExit = `The exit status is a whole number from ${L.exitStatus.min} to ${L.exitStatus.max}.`;
      if (f.outputMatch) {
        try {
          new RegExp(f.outputMatch, 'm');
        } catch (err) {
          e.outputMatch = `Not a valid regular expression: ${(err as Error).message}`;
        }
      }
      input = { ...common, type: 'ssh-command', hostId: HostId(f.hostId), command: f.command, expectExit: exit ?? 0, outputMatch: f.outputMatch || null };
      break;
    }
    case 'push': {
      const grace = wholeNumber(f.graceSec);
      if (grace === null || grace > L.graceSec.max) e.graceSec = `The grace period is a whole number of seconds (${L.graceSec.min} to ${L.graceSec.max}).`;
      input = { ...common, type: 'push', graceSec: grace ?? 60 };
      break;
    }
  }
  if (Object.keys(e).length || !input) return { errors: e };
  return { input };
}

/** The form field a service error names (details.field: `url`, `keyword.text`, `auth.password`, `headers.X-Key`…). */
export function formFieldOf(error: ErrorInfo): FormField | null {
  const f = error.details?.field;
  if (typeof f !== 'string') return null;
  const [head, sub] = f.split('.');
  switch (head) {
    case 'auth':
      return sub === 'user' ? 'authUser' : sub === 'password' ? 'authPassword' : 'authToken';
    case 'jsonPath':
      return sub === 'equals' ? 'jsonEquals' : 'jsonPath';
    case 'certExpiryWarnDays':
      return 'certDays';
    case 'count':
      return null;
    default: {
      const all: FormField[] = [
        'name',
        'intervalSec',
        'timeoutSec',
        'retries',
        'retryIntervalSec',
        'url',
        'acceptedStatus',
        'keyword',
        'headers',
        'host',
        'port',
        'hostname',
        'resolver',
        'expected',
        'hostId',
        'container',
        'command',
        'expectExit',
        'outputMatch',
        'graceSec',
      ];
      return all.find((x) => x === head) ?? null;
    }
  }
}
