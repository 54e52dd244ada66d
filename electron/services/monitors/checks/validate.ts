import { z } from 'zod';
import { HomeportError } from '../../../../shared/contract';
import { MONITOR_LIMITS } from '../../../../shared/model/monitor-limits';
import { DNS_RECORD_TYPES, HTTP_METHODS, MONITOR_TYPES, type MonitorConfig } from './types';
import { checkDnsConfig } from './validate-dns';
import { checkCommon, checkHost, checkHostId, checkInt, checkRegex, clip, type Problem } from './validate-fields';
import { checkHttpConfig } from './validate-http';

export { parseResolver } from './validate-dns';
export { hostProblem } from './validate-fields';
export { parseStatusRanges } from './validate-http';

/**
 * Turns untrusted input (a form, a YAML import, the store) into a MonitorConfig, or throws a
 * HomeportError 'VALIDATION' whose message names the field and the problem, whose `fix` says what
 * to write instead, and whose `details.field` is the field's path (`url`, `keyword.text`,
 * `headers.X-Api-Key`). Fields left out get defaults; unknown fields are refused (a misspelt
 * `intervalSecs` in a YAML file would otherwise be silently ignored).
 *
 * zod checks the shape; the rules (validate-fields.ts, and per type validate-http.ts and
 * validate-dns.ts) check the meaning, with messages written for the person filling in the form.
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
