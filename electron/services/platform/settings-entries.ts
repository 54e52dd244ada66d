/**
 * What one entry of the settings file must hold for its service to use it: a host, an SSH key, an
 * accepted host key, an Uptime Kuma instance, a recent alert, a mute, the stacks remembered for a
 * host… The settings store (settings-store.ts) checks every entry with these when it reads the
 * file; one that fails is kept in the file as it was, left out of what the services see, and
 * listed for the user with the reason given here ("has no fingerprint"), in words a person who
 * opens the file can act on.
 *
 * The checks ask for what the services rely on and no more: an entry Homeport wrote itself always
 * passes, so a check that is too strict would hide a working entry.
 */
/** A value's kind in words ("text", "a list"…). */
export function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return 'text';
  if (typeof v === 'number') return 'a number';
  if (typeof v === 'boolean') return 'true/false';
  return 'an object';
}

/** The kinds of field value an entry may need. `?` after a kind: it may also be absent or null. */
type FieldKind = 'text' | 'number' | 'true/false' | 'list of text' | 'object' | readonly string[];
type FieldSpec = Record<string, FieldKind | { kind: FieldKind; optional: true }>;

const optional = (kind: FieldKind) => ({ kind, optional: true as const });

function fieldProblem(v: unknown, kind: FieldKind): string | null {
  if (Array.isArray(kind)) return typeof v === 'string' && kind.includes(v) ? null : `is ${typeof v === 'string' ? `"${v}"` : kindOf(v)}, not one of ${kind.map((k) => `"${k}"`).join(', ')}`;
  const ok =
    kind === 'text'
      ? typeof v === 'string'
      : kind === 'number'
        ? typeof v === 'number' && Number.isFinite(v)
        : kind === 'true/false'
          ? typeof v === 'boolean'
          : kind === 'list of text'
            ? Array.isArray(v) && v.every((x) => typeof x === 'string')
            : typeof v === 'object' && v !== null && !Array.isArray(v);
  if (ok) return null;
  if (kind === 'list of text' && Array.isArray(v)) return 'is a list that holds something other than text';
  return `is ${kindOf(v)}, not ${kind === 'object' ? 'an object' : kind === 'list of text' ? 'a list of text' : kind === 'number' ? 'a number' : kind}`;
}

/** Why `v` is not an object with these fields, or null when it is. */
export function objectProblem(v: unknown, fields: FieldSpec): string | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return `is ${kindOf(v)}, not an object`;
  const o = v as Record<string, unknown>;
  for (const [name, spec] of Object.entries(fields)) {
    const { kind, optional: isOptional } = typeof spec === 'object' && !Array.isArray(spec) ? (spec as { kind: FieldKind; optional: true }) : { kind: spec as FieldKind, optional: false };
    const value = o[name];
    if (value === undefined || value === null) {
      if (isOptional) continue;
      return value === null ? `has "${name}" empty (null)` : `has no "${name}"`;
    }
    const why = fieldProblem(value, kind);
    if (why) return `has a "${name}" that ${why}`;
  }
  return null;
}

/** A text field of an entry, for naming it to the user. */
function text(v: unknown, ...fields: string[]): string | null {
  if (typeof v !== 'object' || v === null) return null;
  for (const f of fields) {
    const x = (v as Record<string, unknown>)[f];
    if (typeof x === 'string' && x.trim() !== '') return x;
  }
  return null;
}

/** The key type an SSH public key blob names (its first length-prefixed string), or null. */
function blobKeyType(base64: string): string | null {
  const blob = Buffer.from(base64, 'base64');
  if (blob.length < 4) return null;
  const n = blob.readUInt32BE(0);
  return n > 0 && n < 64 && blob.length >= 4 + n ? blob.subarray(4, 4 + n).toString('latin1') : null;
}

/** How a list's items (or an object's properties) are checked and named. */
export interface EntriesSpec {
  /** `item`: each item of a list; `property`: each property of an object (keyed by an id). */
  each: 'item' | 'property';
  /** Why the entry cannot be used, or null when it can. `at` is the property's name (for `property`). */
  check(v: unknown, at: string): string | null;
  /** The entry in the user's words: `the SSH key "laptop"`. `position` is 1-based (items) or the property name; `doc` the whole file (to name a host or a monitor an id stands for). */
  name(v: unknown, position: string, doc: Readonly<Record<string, unknown>>): string;
}

/** The name of the host or monitor `id` in the file, quoted, or the id when it has none there. */
function nameOf(doc: Readonly<Record<string, unknown>>, list: 'hosts' | 'monitors', id: string): string {
  const found = Array.isArray(doc[list]) ? (doc[list] as unknown[]).find((x) => (x as { id?: unknown } | null)?.id === id) : undefined;
  const name = text(found, 'name');
  return name ? `"${name}"` : id;
}

const named = (what: string, v: unknown, position: string, ...fields: string[]) => {
  const n = text(v, ...fields);
  return n ? `${what} "${n}"` : `${what} number ${position}`;
};

export const HOST_ENTRIES: EntriesSpec = {
  each: 'item',
  check: (v) =>
    objectProblem(v, {
      id: 'text',
      name: 'text',
      kind: ['ssh', 'local'],
      user: 'text',
      hostname: 'text',
      port: 'number',
      socketPath: 'text',
      useAgent: 'true/false',
      keyId: optional('text'),
      identityFile: optional('text'),
      passwordSealed: optional('text'),
    }),
  name: (v, at) => named('the host', v, at, 'name', 'hostname', 'id'),
};

export const KEY_ENTRIES: EntriesSpec = {
  each: 'item',
  check: (v) => objectProblem(v, { id: 'text', type: 'text', fingerprint: 'text', publicLine: 'text', sealed: 'text' }),
  name: (v, at) => named('the SSH key', v, at, 'comment', 'fingerprint', 'id'),
};

export const KNOWN_HOST_ENTRIES: EntriesSpec = {
  each: 'item',
  check: (v) => {
    const why = objectProblem(v, { host: 'text', keyType: 'text', key: 'text' });
    if (why) return why;
    const e = v as { keyType: string; key: string };
    const type = /^[A-Za-z0-9+/]+={0,2}$/.test(e.key) ? blobKeyType(e.key) : null;
    return type === e.keyType ? null : `has a "key" that is not a ${e.keyType} public key`;
  },
  name: (v, at) => {
    const host = text(v, 'host');
    return host ? `the host key you accepted for ${host}${text(v, 'keyType') ? ` (${text(v, 'keyType')})` : ''}` : `accepted host key number ${at}`;
  },
};

export const KUMA_ENTRIES: EntriesSpec = {
  each: 'item',
  check: (v) =>
    objectProblem(v, { id: 'text', name: 'text', url: 'text', mode: ['socket', 'metrics', 'status-page'], slug: optional('text'), allowSelfSigned: optional('true/false'), sealed: optional('text') }),
  name: (v, at) => named('the Uptime Kuma instance', v, at, 'name', 'url', 'id'),
};

export const RECENT_ALERT_ENTRIES: EntriesSpec = {
  each: 'item',
  check: (v) => objectProblem(v, { id: 'text', kind: 'text', title: 'text', body: 'text', monitorIds: 'list of text', at: 'number', severity: 'text' }),
  name: (v, at) => named('the recent alert', v, at, 'title', 'id'),
};

export const MUTE_ENTRIES: EntriesSpec = {
  each: 'property',
  check: (v) => fieldProblem(v, 'number'),
  name: (_v, monitorId, doc) => `the mute of the monitor ${nameOf(doc, 'monitors', monitorId)}`,
};

export const LABEL_ENTRIES: EntriesSpec = {
  each: 'property',
  check: (v) => objectProblem(v, { hostId: 'text', container: 'text' }),
  name: (_v, monitorId, doc) => `the container label source of the monitor ${nameOf(doc, 'monitors', monitorId)}`,
};

export const REMEMBERED_STACKS_ENTRIES: EntriesSpec = {
  each: 'property',
  check: (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return `is ${kindOf(v)}, not an object`;
    for (const [project, r] of Object.entries(v)) {
      const why = objectProblem(r, { workingDir: optional('text'), configFiles: 'list of text', services: 'list of text' });
      if (why) return `has a project "${project}" that ${why}`;
    }
    return null;
  },
  name: (_v, hostId, doc) => `the stacks remembered for the host ${nameOf(doc, 'hosts', hostId)}`,
};

function windowProblem(w: unknown): string | null {
  const kind = (w as { kind?: unknown } | null)?.kind;
  if (kind === 'once') return objectProblem(w, { from: 'number', to: 'number' });
  if (kind === 'weekly') {
    const why = objectProblem(w, { days: 'object', start: 'text', end: 'text', utcOffsetMinutes: 'number' });
    if (why && !/"days"/.test(why)) return why;
    const days = (w as { days: unknown }).days;
    return Array.isArray(days) && days.every((d) => Number.isInteger(d)) ? null : 'has "days" that are not a list of day numbers';
  }
  return typeof w === 'object' && w !== null ? 'has a "kind" that is neither "once" nor "weekly"' : `is ${kindOf(w)}, not a window`;
}

/** The maintenance windows as a whole: every window must be one Homeport can evaluate. */
export function maintenanceProblem(v: Record<string, unknown>): string | null {
  if (v.global !== undefined) {
    if (!Array.isArray(v.global)) return 'its global windows are not a list';
    for (const [i, w] of v.global.entries()) {
      const why = windowProblem(w);
      if (why) return `its global window ${i + 1} ${why}`;
    }
  }
  if (v.monitors !== undefined) {
    if (typeof v.monitors !== 'object' || v.monitors === null || Array.isArray(v.monitors)) return `its "monitors" is ${kindOf(v.monitors)}, not an object`;
    for (const [id, list] of Object.entries(v.monitors)) {
      if (!Array.isArray(list)) return `the windows of the monitor ${id} are not a list`;
      for (const [i, w] of list.entries()) {
        const why = windowProblem(w);
        if (why) return `window ${i + 1} of the monitor ${id} ${why}`;
      }
    }
  }
  return null;
}

/** Where alerts go, as a whole: default channels and each monitor's own. */
export function routingProblem(v: Record<string, unknown>): string | null {
  if (v.defaultChannelIds === undefined) return 'it has no defaultChannelIds';
  if (!Array.isArray(v.defaultChannelIds)) return 'its defaultChannelIds is not a list';
  if (Array.isArray(v.defaultChannelIds) && !v.defaultChannelIds.every((x) => typeof x === 'string')) return 'its defaultChannelIds holds something other than channel ids';
  if (v.monitors !== undefined) {
    if (typeof v.monitors !== 'object' || v.monitors === null || Array.isArray(v.monitors)) return `its "monitors" is ${kindOf(v.monitors)}, not an object`;
    for (const [id, r] of Object.entries(v.monitors)) {
      const why = objectProblem(r, { channelIds: 'list of text', includeDefaults: optional('true/false') });
      if (why) return `the routing of the monitor ${id} ${why}`;
    }
  }
  return null;
}

/** Homeport's own heartbeat: its sealed push URL and its interval. */
export const heartbeatProblem = (v: Record<string, unknown>): string | null => objectProblem(v, { sealedUrl: 'text', intervalSec: optional('number') });
