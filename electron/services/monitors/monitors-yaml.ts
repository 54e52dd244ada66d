/**
 * Monitors as YAML: export (every monitor's config, secrets replaced by a placeholder) and an
 * import plan (what each entry would do, or why it cannot be imported, naming the entry, its line
 * and the fix). The manager applies a plan; this module only reads and writes text.
 *
 * The file is hostile input: it is parsed with the `yaml` package's safe core schema (no custom
 * tags), each entry goes through `validateMonitorConfig` (unknown fields refused), ids must look
 * like ours, and the file size and entry count are capped.
 */
import { randomBytes } from 'node:crypto';
import { LineCounter, parseDocument, stringify, isMap, isSeq, type Node as YamlNode } from 'yaml';
import { HomeportError } from '../../../shared/model/errors';
import { MonitorId } from '../../../shared/model/ids';
import { MONITOR_IMPORT_LIMITS } from '../../../shared/model/monitor-limits';
import type { MonitorImportEntryInfo, MonitorImportResultInfo } from '../../../shared/model/monitors';
import { validateMonitorConfig, type MonitorConfig } from './checks';
import { httpOrigin } from './secret-destinations';

/** What an exported secret becomes; on import it means "keep the stored value" (or is refused for a new monitor). */
export const SECRET_PLACEHOLDER = '<secret: fill in before importing>';
export const MAX_IMPORT_BYTES = MONITOR_IMPORT_LIMITS.bytes;
export const MAX_IMPORT_ENTRIES = MONITOR_IMPORT_LIMITS.entries;
const ID = /^m_[A-Za-z0-9_-]{4,40}$/;

type Rec = Record<string, unknown>;

function getPath(o: Rec, path: string): unknown {
  const [head, ...rest] = path.split('.');
  const v = o[head!];
  if (rest.length === 0) return v;
  return v && typeof v === 'object' ? getPath(v as Rec, rest.join('.')) : undefined;
}

/** Sets a dotted path in a deep copy (only along objects that exist). */
function setPath(o: Rec, path: string, value: unknown): Rec {
  const [head, ...rest] = path.split('.');
  if (rest.length === 0) return { ...o, [head!]: value };
  const child = o[head!];
  if (!child || typeof child !== 'object') return o;
  return { ...o, [head!]: setPath(child as Rec, rest.join('.'), value) };
}

/**
 * Secret fields are named like `auth.password` or `headers.X-Api-Key`; a header name may itself
 * contain dots, so `headers.` is split only once.
 */
function splitField(field: string): [string, string | null] {
  if (field.startsWith('headers.')) return ['headers', field.slice('headers.'.length)];
  return [field, null];
}

function readSecret(o: Rec, field: string): unknown {
  const [a, header] = splitField(field);
  if (header !== null) return (o.headers as Rec | undefined)?.[header];
  return getPath(o, a);
}

function writeSecret(o: Rec, field: string, value: unknown): Rec {
  const [a, header] = splitField(field);
  if (header !== null) return { ...o, headers: { ...((o.headers as Rec | undefined) ?? {}), [header]: value } };
  return setPath(o, a, value);
}

/** The YAML text of these monitors; every secret field (as `secretFields` names them) holds the placeholder. */
export function exportMonitorsYaml(configs: readonly MonitorConfig[], secretFields: (c: MonitorConfig) => string[], now = Date.now()): string {
  const monitors = configs.map((c) => {
    let o: Rec = { ...(c as unknown as Rec) };
    for (const f of secretFields(c)) if (readSecret(o, f) !== undefined) o = writeSecret(o, f, SECRET_PLACEHOLDER);
    return o;
  });
  const head = [
    '# Homeport monitors',
    `# Exported ${new Date(now).toISOString()}.`,
    `# Secrets (passwords, tokens, header values) are not exported: they read "${SECRET_PLACEHOLDER}".`,
    '# Importing a placeholder keeps the stored secret of the monitor with the same id; for a new',
    '# monitor, write the secret in its place. Entries without an id are added as new monitors.',
    '',
  ].join('\n');
  return head + stringify({ version: 1, monitors }, { lineWidth: 0 });
}

export interface ImportPlanEntry extends MonitorImportEntryInfo {
  /** The config to store (secrets filled in from the existing monitor); absent for errors and unchanged entries. */
  config?: MonitorConfig;
}

/** JSON with sorted keys, so two configs compare equal whatever order their fields came in. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .filter((k) => (v as Rec)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Rec)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
const sameConfig = (a: MonitorConfig, b: MonitorConfig) => canonical(a) === canonical(b);

function fail(message: string, fix: string): never {
  throw new HomeportError({ code: 'VALIDATION', message, fix });
}

/**
 * Reads the YAML and decides, for each entry, whether it adds, updates, leaves unchanged or cannot
 * be imported. A file that cannot be read at all (syntax, wrong top-level shape) throws a
 * VALIDATION error naming the line; a bad entry does not stop the others.
 */
export function planMonitorsImport(
  text: string,
  existing: ReadonlyMap<MonitorId, MonitorConfig>,
  newId: () => string = () => 'm_' + randomBytes(12).toString('base64url'),
): ImportPlanEntry[] {
  if (Buffer.byteLength(text, 'utf8') > MAX_IMPORT_BYTES) fail(`The YAML file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MiB.`, 'Split it into smaller files.');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineOf = (n: YamlNode | null | undefined) => (n?.range ? lines.linePos(n.range[0]).line : null);
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const line = e.pos ? lines.linePos(e.pos[0]).line : null;
    fail(`The YAML cannot be read${line ? ` (line ${line})` : ''}: ${e.message.split('\n')[0]}`, 'Fix the YAML syntax (indentation, quotes, colons) and try again.');
  }
  // Aliases are capped so that a "billion laughs" file cannot expand without bound.
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    fail(`The YAML cannot be read: ${(e as Error).message.split('\n')[0]}`, 'Write the monitors out without YAML aliases (& and *).');
  }
  const root = doc.contents;
  let seq: YamlNode | null = null;
  let values: unknown[] = [];
  if (isSeq(root) && Array.isArray(data)) [seq, values] = [root, data];
  else if (isMap(root) && data && typeof data === 'object') {
    const d = data as Rec;
    if (d.version !== undefined && d.version !== 1) fail(`This file has version ${String(d.version)}; Homeport reads version 1.`, 'Export the monitors again from this version of Homeport.');
    const m = root.get('monitors', true) as unknown;
    if (isSeq(m) && Array.isArray(d.monitors)) [seq, values] = [m, d.monitors];
  }
  if (!seq || !isSeq(seq)) fail('The YAML has no monitors list.', 'Write the monitors under a top-level "monitors:" key, one "- name: …" entry each.');
  if (seq.items.length > MAX_IMPORT_ENTRIES) fail(`The file lists ${seq.items.length} monitors; at most ${MAX_IMPORT_ENTRIES} can be imported at once.`, 'Split it into smaller files.');

  const seenIds = new Set<MonitorId>();
  const byName = new Map([...existing.values()].map((c) => [c.name, c]));
  return seq.items.map((item, index): ImportPlanEntry => {
    const line = lineOf(item as YamlNode);
    const raw = values[index] ?? null;
    const base = { index, line, name: '', id: null as MonitorId | null };
    const err = (message: string, fix: string): ImportPlanEntry => ({ ...base, action: 'error', error: { message: `Entry ${index + 1}${line ? ` (line ${line})` : ''}${base.name ? `, "${base.name}"` : ''}: ${message}`, fix } });
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return err('is not a monitor (expected keys such as name, type, url).', 'Write each entry as a mapping: "- name: web" then "  type: http" …');
    let o = { ...(raw as Rec) };
    if (typeof o.name === 'string') base.name = o.name;
    let id: MonitorId | null = null;
    if (o.id !== undefined) {
      if (typeof o.id !== 'string' || !ID.test(o.id)) return err('the id is not a Homeport monitor id.', 'Remove the id line to add the entry as a new monitor.');
      id = MonitorId(o.id);
    }
    // An entry without an id updates the monitor of the same name, so a re-import of a
    // hand-written file does not duplicate everything.
    const prev = id !== null ? existing.get(id) : typeof o.name === 'string' ? byName.get(o.name) : undefined;
    if (id === null && prev) id = prev.id;
    if (id !== null) {
      if (seenIds.has(id)) return err(`the monitor ${id} appears twice in the file.`, 'Keep one entry per monitor.');
      seenIds.add(id);
    }
    base.id = id;
    // Placeholders keep the stored secret of the same monitor; a new monitor needs the real value.
    const placeholders: string[] = [];
    const scan = (v: unknown, path: string) => {
      if (v === SECRET_PLACEHOLDER) placeholders.push(path);
      else if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v as Rec)) scan(x, path ? `${path}.${k}` : k);
    };
    scan(o, '');
    const missing = placeholders.filter((p) => typeof (prev ? readSecret(prev as unknown as Rec, p) : undefined) !== 'string');
    if (missing.length) {
      return err(
        `${missing.join(', ')} ${missing.length === 1 ? 'is the export placeholder' : 'are export placeholders'}, and there is no stored value to keep.`,
        `Write the real ${missing.map((p) => p.split('.').pop()).join(', ')} in place of the placeholder${missing.length === 1 ? '' : 's'}.`,
      );
    }
    // A placeholder keeps a secret only for the server it was stored for.
    const from = prev?.type === 'http' ? httpOrigin(prev.url) : null;
    const to = httpOrigin(o.url);
    if (placeholders.length && from !== null && to !== null && from !== to) {
      return err(
        `the URL now points to another server (${from} → ${to}), so the stored ${placeholders.join(', ')} ${placeholders.length === 1 ? 'is' : 'are'} not kept for it.`,
        `Write the real ${placeholders.map((p) => p.split('.').pop()).join(', ')} for ${to} in place of the placeholder${placeholders.length === 1 ? '' : 's'}.`,
      );
    }
    for (const p of placeholders) o = writeSecret(o, p, readSecret(prev as unknown as Rec, p));
    let config: MonitorConfig;
    try {
      config = validateMonitorConfig({ ...o, id: id ?? newId() });
    } catch (e) {
      const he = e as HomeportError;
      return err(he.message, he.fix ?? 'Correct the field and import again.');
    }
    if (prev && prev.type !== config.type) return err(`the monitor ${prev.name} is a ${prev.type} monitor; the file makes it ${config.type}.`, 'Remove the id to add it as a new monitor, or keep the type.');
    if (!prev) return { ...base, id: config.id, action: 'add', config };
    if (sameConfig(prev, config)) return { ...base, action: 'unchanged' };
    return { ...base, action: 'update', config };
  });
}

export function summarizeImport(entries: readonly ImportPlanEntry[], applied: boolean): MonitorImportResultInfo {
  const count = (a: MonitorImportEntryInfo['action']) => entries.filter((e) => e.action === a).length;
  return {
    applied,
    added: count('add'),
    updated: count('update'),
    unchanged: count('unchanged'),
    errors: count('error'),
    entries: entries.map(({ config: _config, ...e }) => e),
  };
}
