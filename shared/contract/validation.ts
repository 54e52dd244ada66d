import type { z } from 'zod';
import type { ErrorInfo } from '../model/errors';
import { METHOD_ACTIONS, METHOD_FIELD_LABELS, type MethodName } from './methods';
import { STREAM_ACTIONS, type StreamKind } from './streams';

/**
 * Refused input, explained in the words of the person who asked: what they were doing, which of
 * the things they typed is wrong and why ("Could not add the host: the port must be between 1 and
 * 65535."). Method names, schema paths and zod's own phrasing stay out of the message; the field's
 * path goes in `details.field` so that a form can mark the field it belongs to.
 */

/** "add the host"; for `streams.open`, what the stream is for ("pull the image"). */
export function actionOf(method: MethodName, input?: unknown): string {
  if (method === 'streams.open') {
    const kind = (input as { kind?: unknown } | null | undefined)?.kind;
    if (typeof kind === 'string' && Object.hasOwn(STREAM_ACTIONS, kind)) return STREAM_ACTIONS[kind as StreamKind];
  }
  return METHOD_ACTIONS[method];
}

/**
 * The things a person types or chooses, by the last part of their path, as the UI calls them.
 * A field not listed is one Homeport fills in itself (ids, kinds, sizes of a terminal…): refusing
 * it is a bug in Homeport, not a mistake of the user.
 */
const FIELD_LABELS: Record<string, string> = {
  name: 'name',
  address: 'address',
  socketPath: 'Docker socket path',
  identityFile: 'identity file path',
  password: 'password',
  hostname: 'host name',
  host: 'host',
  port: 'port',
  aliases: 'list of hosts',
  privateKey: 'private key',
  passphrase: 'passphrase',
  comment: 'comment',
  ref: 'image reference',
  image: 'image reference',
  fileName: 'file name',
  url: 'URL',
  username: 'user name',
  totp: '2FA code',
  apiKey: 'API key',
  slug: 'status page slug',
  intervalSec: 'interval',
  project: 'project name',
  service: 'service name',
  content: 'compose file',
  yaml: 'YAML',
  command: 'command',
  container: 'container',
  token: 'push token',
  days: 'days',
  start: 'start time',
  end: 'end time',
  from: 'start',
  to: 'end',
  windows: 'maintenance windows',
  channelIds: 'channels',
  containerIds: 'containers',
  tail: 'number of lines',
  since: 'start time',
};

export function fieldLabel(method: MethodName | null, path: readonly PropertyKey[]): string | null {
  for (let i = path.length - 1; i >= 0; i--) {
    const part = path[i];
    // Array indexes: the list's own name says what it is.
    if (typeof part !== 'string') continue;
    const byMethod = method ? METHOD_FIELD_LABELS[method]?.[part] : undefined;
    return byMethod ?? FIELD_LABELS[part] ?? null;
  }
  return null;
}

/** Marks a phrase written by `explain` below (not one a schema gave), so it is put after the field's name. */
const OURS = '\u0001';

const KINDS: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  boolean: 'yes or no',
  array: 'a list',
  object: 'a set of settings',
};

/** zod's own messages, as a predicate that follows the field's name ("must be at most 65535"). */
function explain(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return `${OURS}is missing`;
      return `${OURS}must be ${KINDS[issue.expected] ?? issue.expected}`;
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return min <= 1 ? `${OURS}is empty` : `${OURS}must have at least ${min} characters`;
      if (issue.origin === 'array' || issue.origin === 'set') return `${OURS}must have at least ${min} ${min === 1 ? 'entry' : 'entries'}`;
      return `${OURS}${issue.inclusive ? `must be at least ${min}` : `must be more than ${min}`}`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return `${OURS}is too long (at most ${max} characters)`;
      if (issue.origin === 'array' || issue.origin === 'set') return `${OURS}has too many entries (at most ${max})`;
      return `${OURS}${issue.inclusive ? `must be at most ${max}` : `must be less than ${max}`}`;
    }
    case 'invalid_value':
      return `${OURS}must be one of ${issue.values.map((v) => String(v)).join(', ')}`;
    case 'invalid_union':
    case 'invalid_format':
    case 'not_multiple_of':
    case 'unrecognized_keys':
    case 'invalid_key':
    case 'invalid_element':
    case 'custom':
      return `${OURS}is not valid`;
    default:
      return undefined;
  }
}

/** Parse options that make zod's own messages fit `describeInvalid` (schema-given messages are kept). */
export const VALIDATION_PARSE_OPTIONS = { error: explain } satisfies z.core.ParseContext<z.core.$ZodIssue>;

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const sentence = (s: string) => (/[.!?]$/.test(s) ? s : `${s}.`);

/**
 * The VALIDATION error for input a schema refused (parsed with VALIDATION_PARSE_OPTIONS).
 * `action`: what the user was doing ("add the host"); `method`: for labels that depend on the call.
 * A schema's own message is either a predicate that follows the field's name ("must be an
 * absolute path") or, starting with a capital, a sentence on its own ("Give the host a name.").
 */
export function describeInvalid(issues: readonly z.core.$ZodIssue[], action: string, method: MethodName | null = null): ErrorInfo {
  const issue = issues[0];
  const path = issue?.path ?? [];
  const label = fieldLabel(method, path);
  const raw = issue?.message ?? '';
  const field = path.map(String).join('.');
  const schemaSentence = !raw.startsWith(OURS) && /^[A-Z]/.test(raw);
  if (issue && label === null && schemaSentence) {
    // A rule about the input as a whole ("Give either a key file path or the key text.").
    return { code: 'VALIDATION', message: `Could not ${action}: ${sentence(raw.charAt(0).toLowerCase() + raw.slice(1))}`, fix: 'Change what you entered and try again.', details: field ? { field, reason: sentence(raw) } : { reason: sentence(raw) } };
  }
  if (!issue || label === null) {
    // Nothing the user typed: the window sent something the services do not take.
    return {
      code: 'VALIDATION',
      message: `Could not ${action}: Homeport’s window sent a request its services refuse.`,
      fix: 'This is a bug in Homeport, not a mistake of yours. Reload the window and try again; report it if it happens again.',
      details: field ? { field, reason: raw.replace(OURS, '') } : {},
    };
  }
  const text = raw.startsWith(OURS) ? raw.slice(OURS.length) : raw;
  const reason = sentence(/^[A-Z]/.test(text) ? text : `${capital(`the ${label}`)} ${text}`);
  return {
    code: 'VALIDATION',
    message: `Could not ${action}: ${reason.charAt(0).toLowerCase()}${reason.slice(1)}`,
    fix: `Correct the ${label} and try again.`,
    details: { field, reason },
  };
}
