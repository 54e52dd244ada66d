import { isIP, isIPv6 } from 'node:net';
import { z } from 'zod';
import { HomeportError } from '../../../../shared/contract';
import { MONITOR_LIMITS } from '../../../../shared/model/monitor-limits';
import { JsonPathError, parseJsonPath } from './json-path';
import { DNS_RECORD_TYPES, HTTP_METHODS, MONITOR_TYPES, type MonitorConfig } from './types';

/**
 * Turns untrusted input (a form, a YAML import, the store) into a MonitorConfig, or throws a
 * HomeportError 'VALIDATION' whose message names the field and the problem, whose `fix` says what
 * to write instead, and whose `details.field` is the field's path (`url`, `keyword.text`,
 * `headers.X-Api-Key`). Fields left out get defaults; unknown fields are refused (a misspelt
 * `intervalSecs` in a YAML file would otherwise be silently ignored).
 *
 * zod checks the shape; the rules below check the meaning, with messages written for the person
 * filling in the form.
 */

/** The bounds, shared with the contract and the monitor form. */
export const LIMITS = MONITOR_LIMITS;

/** What a push token looks like (the push endpoint refuses anything else before looking it up). */
export const PUSH_TOKEN = new RegExp(`^[A-Za-z0-9_-]{${LIMITS.pushTokenLength.min},${LIMITS.pushTokenLength.max}}$`);

const common = {
  id: z.string(),
  name: z.string(),
  intervalSec: z.number().default(60),
  /** Default: 80 % of the interval, at most 30 s. */
  timeoutSec: z.number().optional(),
  retries: z.number().default(1),
  /** Default: the interval. */
  retryIntervalSec: z.number().optional(),
  upsideDown: z.boolean().default(false),
  paused: z.boolean().default(false),
};

const authSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({ kind: z.literal('basic'), user: z.string(), password: z.string() }),
  z.strictObject({ kind: z.literal('bearer'), token: z.string() }),
]);

const schemas = {
  http: z.strictObject({
    ...common,
    type: z.literal('http'),
    url: z.string(),
    method: z.enum(HTTP_METHODS).default('GET'),
    headers: z.record(z.string(), z.string()).default({}),
    body: z.string().nullable().default(null),
    acceptedStatus: z.array(z.string()).default(['200-299']),
    keyword: z
      .strictObject({ text: z.string(), mustBePresent: z.boolean().default(true), caseSensitive: z.boolean().default(false) })
      .nullable()
      .default(null),
    jsonPath: z.strictObject({ path: z.string(), equals: z.string() }).nullable().default(null),
    auth: authSchema.default({ kind: 'none' }),
    ignoreTls: z.boolean().default(false),
    followRedirects: z.boolean().default(true),
    maxRedirects: z.number().default(10),
    certExpiryWarnDays: z.number().nullable().default(14),
  }),
  tcp: z.strictObject({ ...common, type: z.literal('tcp'), host: z.string(), port: z.number() }),
  ping: z.strictObject({ ...common, type: z.literal('ping'), host: z.string(), count: z.number().default(1) }),
  dns: z.strictObject({
    ...common,
    type: z.literal('dns'),
    hostname: z.string(),
    recordType: z.enum(DNS_RECORD_TYPES).default('A'),
    resolver: z.string().nullable().default(null),
    expected: z.string().nullable().default(null),
  }),
  container: z.strictObject({ ...common, type: z.literal('container'), hostId: z.string(), container: z.string() }),
  'ssh-command': z.strictObject({
    ...common,
    type: z.literal('ssh-command'),
    hostId: z.string(),
    command: z.string(),
    expectExit: z.number().default(0),
    outputMatch: z.string().nullable().default(null),
  }),
  push: z.strictObject({ ...common, type: z.literal('push'), token: z.string(), graceSec: z.number().default(60) }),
} satisfies Record<(typeof MONITOR_TYPES)[number], z.ZodType>;

/** The shape-only schema, for callers that want zod's own view (e.g. a contract schema). */
export const monitorConfigShapeSchema = z.discriminatedUnion('type', [
  schemas.http,
  schemas.tcp,
  schemas.ping,
  schemas.dns,
  schemas.container,
  schemas['ssh-command'],
  schemas.push,
]);

interface Problem {
  field: string;
  message: string;
  fix: string;
}

export function validateMonitorConfig(input: unknown): MonitorConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalid([{ field: '', message: 'A monitor must be an object', fix: 'Give the monitor as an object with at least type, id and name' }]);
  }
  const type = (input as { type?: unknown }).type;
  if (typeof type !== 'string' || !(MONITOR_TYPES as readonly string[]).includes(type)) {
    throw invalid([
      {
        field: 'type',
        message: type === undefined ? 'type is missing' : `type ${JSON.stringify(type)} is not a monitor type`,
        fix: `Set type to one of: ${MONITOR_TYPES.join(', ')}`,
      },
    ]);
  }
  const parsed = schemas[type as keyof typeof schemas].safeParse(input);
  if (!parsed.success) throw invalid(parsed.error.issues.map((i) => fromZodIssue(i, input, type)));
  const cfg = parsed.data as Record<string, unknown> & { intervalSec: number };
  const problems: Problem[] = [];
  checkCommon(cfg, problems);
  const cfgWithDefaults = cfg as unknown as MonitorConfig;
  switch (cfgWithDefaults.type) {
    case 'http':
      checkHttpConfig(cfgWithDefaults, problems);
      break;
    case 'tcp':
      cfgWithDefaults.host = checkHost('host', cfgWithDefaults.host, problems);
      checkInt('port', cfgWithDefaults.port, LIMITS.port.min, LIMITS.port.max, problems);
      break;
    case 'ping':
      cfgWithDefaults.host = checkHost('host', cfgWithDefaults.host, problems);
      checkInt('count', cfgWithDefaults.count, LIMITS.pingCount.min, LIMITS.pingCount.max, problems);
      break;
    case 'dns':
      checkDnsConfig(cfgWithDefaults, problems);
      break;
    case 'container':
      checkHostId(cfgWithDefaults.hostId, problems);
      cfgWithDefaults.container = cfgWithDefaults.container.trim().replace(/^\//, '');
      if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/.test(cfgWithDefaults.container)) {
        problems.push({
          field: 'container',
          message: cfgWithDefaults.container === '' ? 'container is empty' : `container ${JSON.stringify(clip(cfgWithDefaults.container))} is not a container name or id`,
          fix: 'Give the container name as docker ps shows it (letters, digits, "_", "." and "-"), or its id',
        });
      }
      break;
    case 'ssh-command':
      checkHostId(cfgWithDefaults.hostId, problems);
      if (cfgWithDefaults.command.trim() === '') problems.push({ field: 'command', message: 'command is empty', fix: 'Give the shell command to run on the host, e.g. systemctl is-active nginx' });
      else if (cfgWithDefaults.command.length > LIMITS.commandLength)
        problems.push({ field: 'command', message: `command is longer than ${LIMITS.commandLength} characters`, fix: 'Put a long script in a file on the host and run that file' });
      else if (cfgWithDefaults.command.includes('\0')) problems.push({ field: 'command', message: 'command contains a NUL character', fix: 'Remove the NUL character' });
      checkInt('expectExit', cfgWithDefaults.expectExit, LIMITS.exitStatus.min, LIMITS.exitStatus.max, problems);
      if (cfgWithDefaults.outputMatch !== null) checkRegex('outputMatch', cfgWithDefaults.outputMatch, problems);
      break;
    case 'push':
      if (!PUSH_TOKEN.test(cfgWithDefaults.token)) {
        problems.push({ field: 'token', message: `token must be ${LIMITS.pushTokenLength.min} to ${LIMITS.pushTokenLength.max} letters, digits, "_" or "-"`, fix: 'Generate a new push token (a short token can be guessed)' });
      }
      checkInt('graceSec', cfgWithDefaults.graceSec, LIMITS.graceSec.min, LIMITS.graceSec.max, problems);
      break;
  }
  if (problems.length) throw invalid(problems);
  return cfgWithDefaults;
}

function invalid(problems: Problem[]): HomeportError {
  const first = problems[0]!;
  const details: Record<string, string | number | boolean> = { field: first.field };
  if (problems.length > 1) {
    details.fields = [...new Set(problems.map((p) => p.field))].join(',');
    details.problems = problems.length;
  }
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  return new HomeportError({ code: 'VALIDATION', message: first.message + more, fix: first.fix, details });
}

function fieldName(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur = input;
  for (const k of path) {
    if (typeof cur !== 'object' || cur === null || !Object.hasOwn(cur, k)) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `the ${typeof v} ${clip(JSON.stringify(v) ?? String(v))}`;
}

const EXPECTED: Record<string, string> = { string: 'text', number: 'a number', boolean: 'true or false', object: 'an object', array: 'a list' };

function fromZodIssue(issue: z.core.$ZodIssue, input: unknown, type: string): Problem {
  const field = fieldName(issue.path);
  switch (issue.code) {
    case 'invalid_type': {
      const got = valueAt(input, issue.path);
      if (got === undefined) return { field, message: `${field} is missing`, fix: `Set ${field}` };
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      return { field, message: `${field} must be ${expected}, not ${describeType(got)}`, fix: `Set ${field} to ${expected}` };
    }
    case 'unrecognized_keys': {
      const where = issue.path.length ? `${field} of ` : '';
      const known = Object.keys(issue.path.length ? {} : schemas[type as keyof typeof schemas].shape);
      const key = issue.keys[0] ?? '';
      const unknownField = issue.path.length ? `${field}.${key}` : key;
      return {
        field: unknownField,
        message: `Unknown field ${JSON.stringify(key)} in ${where}a ${type} monitor`,
        fix: known.length ? `Remove it or correct its spelling; the fields are: ${known.join(', ')}` : 'Remove it or correct its spelling',
      };
    }
    case 'invalid_value': {
      const got = valueAt(input, issue.path);
      const values = issue.values.map(String);
      return { field, message: `${field} ${clip(JSON.stringify(got) ?? String(got))} is not one of ${values.join(', ')}`, fix: `Set ${field} to one of: ${values.join(', ')}` };
    }
    case 'invalid_union': {
      const got = valueAt(input, issue.path);
      const options = 'options' in issue && Array.isArray(issue.options) ? (issue.options as unknown[]).map(String) : [];
      return {
        field,
        message: `${field} ${got === undefined ? 'is missing' : `${clip(JSON.stringify(got) ?? String(got))} is not valid`}`,
        fix: options.length ? `Set ${field} to one of: ${options.join(', ')}` : `Correct ${field}`,
      };
    }
    default:
      return { field, message: `${field || 'The monitor'}: ${issue.message}`, fix: `Correct ${field || 'the monitor'}` };
  }
}

function clip(s: string, n = 60): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

function checkInt(field: string, v: number, min: number, max: number, problems: Problem[]): boolean {
  if (!Number.isInteger(v) || v < min || v > max) {
    problems.push({ field, message: `${field} must be a whole number from ${min} to ${max}, not ${v}`, fix: `Set ${field} between ${min} and ${max}` });
    return false;
  }
  return true;
}

function checkCommon(cfg: Record<string, unknown> & { intervalSec: number }, problems: Problem[]): void {
  const id = cfg.id as string;
  if (id.trim() === '' || id.length > LIMITS.idLength || /[\s\p{Cc}]/u.test(id)) {
    problems.push({ field: 'id', message: `id must be 1 to ${LIMITS.idLength} characters without spaces or control characters`, fix: 'Let Homeport assign the id' });
  }
  const name = (cfg.name as string).trim();
  cfg.name = name;
  if (name === '') problems.push({ field: 'name', message: 'name is empty', fix: 'Give the monitor a name, e.g. "Nextcloud"' });
  else if (name.length > LIMITS.nameLength || /\p{Cc}/u.test(name)) problems.push({ field: 'name', message: `name must be at most ${LIMITS.nameLength} characters, without control characters`, fix: 'Shorten the name' });

  const { min, max } = LIMITS.intervalSec;
  const intervalOk = Number.isInteger(cfg.intervalSec) && cfg.intervalSec >= min && cfg.intervalSec <= max;
  if (!intervalOk) {
    problems.push({
      field: 'intervalSec',
      message: `intervalSec must be a whole number of seconds from ${min} (${min} s) to ${max} (${max / 3600} h), not ${cfg.intervalSec}`,
      fix: cfg.intervalSec < min ? `Check no more often than every ${min} s` : `Set intervalSec between ${min} and ${max}`,
    });
  }
  if (cfg.retryIntervalSec === undefined) cfg.retryIntervalSec = intervalOk ? cfg.intervalSec : 60;
  const ri = cfg.retryIntervalSec as number;
  if (!Number.isInteger(ri) || ri < min || ri > max) {
    problems.push({ field: 'retryIntervalSec', message: `retryIntervalSec must be a whole number of seconds from ${min} to ${max}, not ${ri}`, fix: `Set retryIntervalSec between ${min} and ${max}` });
  }
  const interval = intervalOk ? cfg.intervalSec : 60;
  if (cfg.timeoutSec === undefined) cfg.timeoutSec = Math.min(30, Math.floor(interval * 0.8));
  const t = cfg.timeoutSec as number;
  const maxTimeout = Math.min(interval, LIMITS.timeoutSec.max);
  if (t < LIMITS.timeoutSec.min || t > maxTimeout) {
    problems.push({
      field: 'timeoutSec',
      message: `timeoutSec must be from ${LIMITS.timeoutSec.min} to ${maxTimeout} s (at most the interval, and at most ${LIMITS.timeoutSec.max} s), not ${t}`,
      fix: `Set timeoutSec between ${LIMITS.timeoutSec.min} and ${maxTimeout}`,
    });
  }
  checkInt('retries', cfg.retries as number, LIMITS.retries.min, LIMITS.retries.max, problems);
}

const HOST_LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

/** A host name or IP address as a check may connect to. Returns the normalised host ([v6] → v6). */
function checkHost(field: string, raw: string, problems: Problem[]): string {
  const problem = hostProblem(raw);
  if (problem) {
    problems.push({ field, message: `${field} ${problem.message}`, fix: problem.fix });
    return raw;
  }
  const h = raw.trim();
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h.replace(/\.$/, '') || h;
}

export function hostProblem(raw: string): { message: string; fix: string } | null {
  const h = raw.trim();
  if (h === '') return { message: 'is empty', fix: 'Give a host name or IP address, e.g. nas.lan or 192.168.1.10' };
  if (/\p{Cc}/u.test(h)) return { message: 'contains a control character', fix: 'Retype the host name; it contains an invisible character' };
  if (/\s/.test(h)) return { message: `${JSON.stringify(clip(h))} contains a space`, fix: 'Remove the spaces from the host name' };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(h)) {
    let host = '';
    try {
      host = new URL(h).hostname;
    } catch {
      // not a URL after all; the generic message below applies
    }
    return { message: `${JSON.stringify(clip(h))} is a URL, not a host`, fix: host ? `Give the host only: ${host}` : 'Give the host only, e.g. nas.lan' };
  }
  if (h.length > LIMITS.hostLength) return { message: `is longer than ${LIMITS.hostLength} characters`, fix: 'Give a shorter host name' };
  if (h.startsWith('-')) return { message: `${JSON.stringify(clip(h))} starts with "-"`, fix: 'Give a host name or IP address; a leading "-" is not allowed' };
  if (isIP(h)) return null;
  if (h.startsWith('[') && h.endsWith(']') && isIPv6(h.slice(1, -1))) return null;
  const hostPort = /^([^:]+):(\d+)$/.exec(h);
  if (hostPort) return { message: `${JSON.stringify(clip(h))} contains a port`, fix: `Give the host (${hostPort[1]}) here and the port (${hostPort[2]}) in its own field` };
  const labels = h.replace(/\.$/, '').split('.');
  if (labels.every((l) => HOST_LABEL.test(l))) return null;
  return {
    message: `${JSON.stringify(clip(h))} is not a valid host name or IP address`,
    fix: 'Use letters, digits, "-" and "_" between dots (nas.lan), or an IP address (192.168.1.10, fd00::10)',
  };
}

function checkHostId(hostId: string, problems: Problem[]): void {
  if (hostId.trim() === '' || hostId.length > LIMITS.hostIdLength || /\p{Cc}/u.test(hostId)) {
    problems.push({ field: 'hostId', message: hostId.trim() === '' ? 'hostId is empty' : 'hostId is not a valid host id', fix: 'Choose one of your hosts' });
  }
}

function checkRegex(field: string, source: string, problems: Problem[]): void {
  if (source === '') {
    problems.push({ field, message: `${field} is empty`, fix: `Clear ${field} (null) to match any output, or give a pattern` });
    return;
  }
  if (source.length > LIMITS.regexLength) {
    problems.push({ field, message: `${field} is longer than ${LIMITS.regexLength} characters`, fix: 'Match a shorter, distinctive part of the output' });
    return;
  }
  try {
    new RegExp(source, 'm');
  } catch (e) {
    problems.push({ field, message: `${field} is not a valid regular expression: ${(e as Error).message}`, fix: 'Correct the pattern (JavaScript syntax; escape special characters such as . ( [ with \\)' });
  }
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Framing headers are Homeport's to set; a wrong one corrupts the request. */
const MANAGED_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'proxy-connection']);

export function parseStatusRanges(entries: readonly string[]): Array<[number, number]> {
  return entries.map((e) => {
    const s = e.trim();
    const xx = /^([1-5])xx$/i.exec(s);
    if (xx) return [Number(xx[1]) * 100, Number(xx[1]) * 100 + 99];
    const m = /^(\d{3})(?:-(\d{3}))?$/.exec(s);
    if (!m) return [NaN, NaN];
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    return lo >= 100 && hi <= 599 && lo <= hi ? [lo, hi] : [NaN, NaN];
  });
}

function checkHttpConfig(cfg: Extract<MonitorConfig, { type: 'http' }>, problems: Problem[]): void {
  cfg.url = cfg.url.trim();
  let url: URL | null = null;
  if (cfg.url === '') {
    problems.push({ field: 'url', message: 'url is empty', fix: 'Give the address to check, e.g. https://nas.lan:8443/health' });
  } else if (cfg.url.length > LIMITS.urlLength) {
    problems.push({ field: 'url', message: `url is longer than ${LIMITS.urlLength} characters`, fix: 'Give a shorter URL' });
  } else if (/\p{Cc}/u.test(cfg.url)) {
    problems.push({ field: 'url', message: 'url contains a control character', fix: 'Retype the URL; it contains an invisible character' });
  } else {
    try {
      url = new URL(cfg.url);
    } catch {
      const guess = /^[\w.-]+(:\d+)?(\/.*)?$/.test(cfg.url) ? ` — did you mean http://${cfg.url}?` : '';
      problems.push({ field: 'url', message: `url ${JSON.stringify(clip(cfg.url))} is not a valid URL${guess}`, fix: 'Write the full address with its scheme, e.g. https://nas.lan:8443/health' });
    }
  }
  if (url) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      problems.push({ field: 'url', message: `url uses ${url.protocol.slice(0, -1)}, not http or https`, fix: 'Use an address that starts with http:// or https:// (a TCP or ping monitor checks other services)' });
    } else if (url.hostname === '') {
      problems.push({ field: 'url', message: 'url has no host', fix: 'Write the host after the scheme, e.g. https://nas.lan/' });
    } else if (url.username || url.password) {
      problems.push({ field: 'url', message: 'url contains a user name or password', fix: 'Remove the credentials from the URL and set basic authentication instead (URLs are shown and logged; credentials are kept secret)' });
    } else if (!url.hostname.startsWith('[')) {
      const problem = hostProblem(url.hostname);
      if (problem) problems.push({ field: 'url', message: `url host ${problem.message}`, fix: problem.fix });
    }
  }

  const ranges = parseStatusRanges(cfg.acceptedStatus);
  if (cfg.acceptedStatus.length === 0 || cfg.acceptedStatus.length > LIMITS.acceptedStatusEntries) {
    problems.push({ field: 'acceptedStatus', message: `acceptedStatus must list 1 to ${LIMITS.acceptedStatusEntries} codes or ranges`, fix: 'Use e.g. ["200-299"] or ["200-299", "301"]' });
  } else {
    ranges.forEach(([lo], i) => {
      if (Number.isNaN(lo)) {
        problems.push({
          field: `acceptedStatus.${i}`,
          message: `acceptedStatus ${JSON.stringify(clip(cfg.acceptedStatus[i] ?? ''))} is not a status code or range`,
          fix: 'Write a code (301), a range (200-299, low to high, 100 to 599) or a class (2xx)',
        });
      }
    });
  }

  const headerNames = new Map<string, string>();
  const headerEntries = Object.entries(cfg.headers);
  if (headerEntries.length > LIMITS.headerCount) problems.push({ field: 'headers', message: `more than ${LIMITS.headerCount} headers`, fix: 'Remove headers the check does not need' });
  for (const [name, value] of headerEntries) {
    const field = `headers.${name}`;
    const lower = name.toLowerCase();
    if (!TOKEN.test(name)) problems.push({ field, message: `header name ${JSON.stringify(clip(name))} is not valid`, fix: 'Header names use letters, digits and - only (e.g. X-Api-Key)' });
    else if (MANAGED_HEADERS.has(lower)) problems.push({ field, message: `header ${name} is set by Homeport`, fix: `Remove the ${name} header` });
    else if (headerNames.has(lower)) problems.push({ field, message: `header ${name} is given twice (also as ${headerNames.get(lower)})`, fix: 'Keep one of them' });
    else if (lower === 'authorization' && cfg.auth.kind !== 'none') problems.push({ field, message: `an Authorization header and ${cfg.auth.kind} authentication are both set`, fix: 'Keep one of them' });
    if (/[\r\n\0]/.test(value)) problems.push({ field, message: `header ${name} contains a line break or NUL`, fix: 'Put the header value on one line' });
    else if (value.length > LIMITS.headerValueLength) problems.push({ field, message: `header ${name} is longer than ${LIMITS.headerValueLength} characters`, fix: 'Shorten the value' });
    headerNames.set(lower, name);
  }

  if (cfg.body !== null) {
    if (cfg.method === 'HEAD') problems.push({ field: 'body', message: 'a HEAD request cannot carry a body', fix: 'Clear the body, or use POST' });
    else if (Buffer.byteLength(cfg.body) > LIMITS.bodyBytes) problems.push({ field: 'body', message: `body is larger than ${LIMITS.bodyBytes / 1024} KiB`, fix: 'Send a smaller request body' });
  }

  if (cfg.keyword) {
    const t = cfg.keyword.text;
    if (t === '') problems.push({ field: 'keyword.text', message: 'keyword is empty', fix: 'Give the text to look for, or remove the keyword check' });
    else if (t.length > LIMITS.keywordLength) problems.push({ field: 'keyword.text', message: `keyword is longer than ${LIMITS.keywordLength} characters`, fix: 'Look for a shorter, distinctive part of the page' });
  }

  if (cfg.jsonPath) {
    try {
      parseJsonPath(cfg.jsonPath.path);
    } catch (e) {
      if (!(e instanceof JsonPathError)) throw e;
      problems.push({
        field: 'jsonPath.path',
        message: `JSON path ${JSON.stringify(clip(cfg.jsonPath.path))} ${e.message}`,
        fix: 'Write a path like $.status, $.items[0].ok or $[\'db-main\'].state (no wildcards or filters)',
      });
    }
    if (cfg.jsonPath.equals.length > LIMITS.jsonEqualsLength) problems.push({ field: 'jsonPath.equals', message: `jsonPath.equals is longer than ${LIMITS.jsonEqualsLength} characters`, fix: 'Compare a shorter value' });
  }

  if (cfg.auth.kind === 'basic') {
    if (cfg.auth.user === '' || cfg.auth.user.includes(':') || /\p{Cc}/u.test(cfg.auth.user)) {
      problems.push({ field: 'auth.user', message: 'basic-auth user must be non-empty, without ":" or control characters', fix: 'Correct the user name' });
    }
    if (/\p{Cc}/u.test(cfg.auth.password)) problems.push({ field: 'auth.password', message: 'basic-auth password contains a control character', fix: 'Retype the password' });
  } else if (cfg.auth.kind === 'bearer') {
    if (cfg.auth.token === '' || /[\s\p{Cc}]/u.test(cfg.auth.token) || cfg.auth.token.length > LIMITS.bearerTokenLength) {
      problems.push({ field: 'auth.token', message: 'bearer token must be non-empty, without spaces or line breaks', fix: 'Paste the token alone, without "Bearer "' });
    }
  }

  checkInt('maxRedirects', cfg.maxRedirects, LIMITS.maxRedirects.min, LIMITS.maxRedirects.max, problems);
  if (cfg.certExpiryWarnDays !== null) checkInt('certExpiryWarnDays', cfg.certExpiryWarnDays, LIMITS.certExpiryWarnDays.min, LIMITS.certExpiryWarnDays.max, problems);
}

function checkDnsConfig(cfg: Extract<MonitorConfig, { type: 'dns' }>, problems: Problem[]): void {
  cfg.hostname = cfg.hostname.trim().replace(/(.)\.$/, '$1');
  const name = cfg.hostname;
  if (cfg.recordType === 'PTR' && isIP(name)) {
    // an address: the check asks for its reverse name
  } else {
    const problem = hostProblem(name);
    if (problem) problems.push({ field: 'hostname', message: `hostname ${problem.message}`, fix: problem.fix });
    else if (isIP(name)) problems.push({ field: 'hostname', message: `hostname ${name} is an IP address, not a DNS name`, fix: 'Give a DNS name, or use record type PTR for a reverse lookup' });
  }
  if (cfg.resolver !== null) {
    cfg.resolver = cfg.resolver.trim();
    if (!parseResolver(cfg.resolver)) {
      problems.push({
        field: 'resolver',
        message: `resolver ${JSON.stringify(clip(cfg.resolver))} is not an IP address`,
        fix: 'Give the DNS server as an IP address with an optional port: 192.168.1.1, 192.168.1.1:5353, fd00::1 or [fd00::1]:5353 (a name would itself need DNS)',
      });
    }
  }
  if (cfg.expected !== null) {
    cfg.expected = cfg.expected.trim();
    if (cfg.expected === '' || cfg.expected.length > LIMITS.dnsExpectedLength) problems.push({ field: 'expected', message: `expected must be 1 to ${LIMITS.dnsExpectedLength} characters`, fix: 'Give the value to expect, or clear it (null) to accept any answer' });
  }
}

/** `ip`, `ip:port`, `[v6]:port` → the form `Resolver.setServers` takes, or null. */
export function parseResolver(s: string): string | null {
  if (isIP(s)) return s;
  const v6 = /^\[([^\]]+)\]:(\d{1,5})$/.exec(s);
  if (v6 && isIPv6(v6[1]!) && validPort(v6[2]!)) return s;
  const v4 = /^([0-9.]+):(\d{1,5})$/.exec(s);
  if (v4 && isIP(v4[1]!) === 4 && validPort(v4[2]!)) return s;
  return null;
}

function validPort(p: string): boolean {
  const n = Number(p);
  return n >= MONITOR_LIMITS.port.min && n <= MONITOR_LIMITS.port.max;
}
