/**
 * The settings file, read once and kept in memory, with every top-level entry checked against the
 * shape the services expect. Nothing the user configured is dropped without a word:
 *
 * - a file that is not JSON, is empty, or is not an object is refused before anything touches it
 *   (`readSettingsFile`): starting on it would write an empty document over it;
 * - an entry of the wrong shape (`monitors` an object, `hosts` a string…) is hidden from the
 *   services (they start as if it were absent, instead of crashing on it) and reported by
 *   `damaged()`. When a service then saves that entry, the damaged value is first moved, as it
 *   was, under `unreadableSettings.<key>` in the same file; it stays there, still reported,
 *   until the user removes it (`discardDamaged`) or puts it right by hand;
 * - one entry of a list or object that cannot be used (a host without its address, an SSH key
 *   without its fingerprint, a mute that is not a time: see settings-entries.ts) is left out of
 *   what the services see, the others work, and it is written back with every save of that list,
 *   as it was, until the user removes it (`discardDamaged`) or corrects it by hand.
 *
 * Reading once also matters for speed: `conf` reads and parses the whole file on every `get`
 * (4 ms per call for 1,000 monitors), and every `set` read, parsed and walked it again before
 * writing it. So `conf` (or electron-store) reads the file once, at start, and every write goes
 * straight to the file: the whole document, tab-indented as conf writes it, to a temporary file
 * (owner-only) that is flushed to disk and renamed over the old one, so a crash leaves either
 * the old file or the new one, never half of one.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { HomeportError } from '../../../shared/model/errors';
import type { DamagedSetting, DocumentStore } from './platform';
import {
  HOST_ENTRIES,
  KEY_ENTRIES,
  KNOWN_HOST_ENTRIES,
  KUMA_ENTRIES,
  LABEL_ENTRIES,
  MUTE_ENTRIES,
  RECENT_ALERT_ENTRIES,
  REMEMBERED_STACKS_ENTRIES,
  heartbeatProblem,
  kindOf,
  maintenanceProblem,
  routingProblem,
  type EntriesSpec,
} from './settings-entries';

export { kindOf };

/** The part of `conf` the store uses; electron-store extends Conf, so it fits as well. */
export interface ConfLike {
  /** The whole document, read from the file. */
  readonly store: Record<string, unknown>;
}

let tmpCounter = 0;

/** Writes the document over `file` atomically: a temporary owner-only file, flushed, renamed. */
export function writeSettingsFile(file: string, doc: Record<string, unknown>): void {
  const text = JSON.stringify(doc, undefined, '\t');
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}-${++tmpCounter}.tmp`;
  let fd: number | null = null;
  try {
    fd = openSync(tmp, 'w', 0o600);
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, file);
  } catch (e) {
    if (fd !== null) closeSync(fd);
    rmSync(tmp, { force: true });
    throw new HomeportError(
      { code: 'SETTINGS', message: `Homeport could not save its settings to ${file}: ${(e as Error).message}.`, fix: `Check that ${dirname(file)} is writable and the disk is not full, then try again.`, details: { file } },
      { cause: e },
    );
  }
}

/** Where damaged entries are kept once a service has written a new value in their place. */
export const KEPT_ASIDE_KEY = 'unreadableSettings';

type Shape = 'list' | 'object' | 'number or nothing';

/**
 * The top-level entries the services keep, their shape, and what they hold in the user's words.
 * `check`: what the whole value must hold besides its shape. `entries`: how each of its items (or
 * properties) is checked on its own, so that one entry that cannot be read leaves the others working.
 * Monitors and alert channels are checked by the monitors' store, which keeps its own.
 */
export const SETTINGS_SHAPES: Record<string, { shape: Shape; holds: string; check?: (v: Record<string, unknown>) => string | null; entries?: EntriesSpec }> = {
  hosts: { shape: 'list', holds: 'your hosts', entries: HOST_ENTRIES },
  keys: { shape: 'list', holds: 'your SSH keys', entries: KEY_ENTRIES },
  knownHosts: { shape: 'list', holds: 'the host keys you accepted', entries: KNOWN_HOST_ENTRIES },
  'stacks.known': { shape: 'object', holds: 'the stacks Homeport remembers', entries: REMEMBERED_STACKS_ENTRIES },
  kumaInstances: { shape: 'list', holds: 'your Uptime Kuma instances', entries: KUMA_ENTRIES },
  pushHeartbeat: { shape: 'object', holds: "Homeport's own heartbeat", check: heartbeatProblem },
  monitors: { shape: 'list', holds: 'your monitors' },
  monitorSecrets: { shape: 'object', holds: 'the passwords and tokens of your monitors' },
  alertChannels: { shape: 'list', holds: 'your alert channels' },
  alertRouting: { shape: 'object', holds: 'where alerts go', check: routingProblem },
  monitorMutes: { shape: 'object', holds: 'muted monitors', entries: MUTE_ENTRIES },
  monitorLabels: { shape: 'object', holds: 'the monitors declared by container labels', entries: LABEL_ENTRIES },
  globalMute: { shape: 'number or nothing', holds: 'the global mute' },
  monitorMaintenance: { shape: 'object', holds: 'your maintenance windows', check: maintenanceProblem },
  recentAlerts: { shape: 'list', holds: 'the recent alerts', entries: RECENT_ALERT_ENTRIES },
  [KEPT_ASIDE_KEY]: { shape: 'object', holds: 'settings Homeport could not read' },
};

/** Why a top-level value does not have the shape its key needs, or null when it does. */
export function shapeProblem(key: string, value: unknown): string | null {
  const spec = SETTINGS_SHAPES[key];
  if (!spec || value === undefined) return null;
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  const ok = spec.shape === 'list' ? Array.isArray(value) : spec.shape === 'object' ? isObject : value === null || typeof value === 'number';
  if (!ok) return `is ${kindOf(value)}, not ${spec.shape === 'object' ? 'an object' : spec.shape === 'list' ? 'a list' : 'a number'}`;
  return spec.check && isObject ? spec.check(value as Record<string, unknown>) : null;
}

function settingsError(file: string, why: string, cause?: unknown): HomeportError {
  return new HomeportError(
    {
      code: 'SETTINGS',
      message: `Homeport's settings file ${file} ${why}. Homeport did not start, so that nothing in it is overwritten.`,
      fix: 'Correct the file, or restore it from a backup. To start with empty settings instead, move it away (your hosts, keys, monitors and channels are in it).',
      details: { file },
    },
    { cause },
  );
}

/**
 * The offset of the first syntax error in a JSON text (null when it has none): a small scanner,
 * only to tell the user where to look.
 */
export function jsonErrorOffset(text: string): number | null {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail();
  };
  const string = () => {
    if (text[i] !== '"') fail();
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail();
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail();
      }
      i++;
    }
    if (text[i] !== '"') fail();
    i++;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return;
        } else fail();
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return;
        } else fail();
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail();
    i += m![0].length;
  };
  try {
    value();
    ws();
    return i < text.length ? i : null;
  } catch (at) {
    return typeof at === 'number' ? Math.min(at, text.length) : null;
  }
}

/** Line and column of a character offset, 1-based. */
function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before.at(-1)!.length + 1}`;
}

/**
 * The settings file's document, or null when there is none yet. Throws SETTINGS, naming the file,
 * where and what to do, for a file that is not JSON, is empty, or does not hold an object.
 */
export function readSettingsFile(file: string): Record<string, unknown> | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw settingsError(file, `cannot be read (${(e as Error).message})`, e);
  }
  if (text.trim() === '') throw settingsError(file, 'is empty');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    // JSON.parse does not always say where (V8's message varies); find the spot ourselves.
    const at = jsonErrorOffset(text);
    throw settingsError(file, `is not valid JSON${at === null ? '' : ` (${lineAndColumn(text, at)})`}`, e);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw settingsError(file, `holds ${kindOf(doc)}, not Homeport's settings`);
  return doc as Record<string, unknown>;
}

/**
 * A top-level entry the services cannot read, kept as it was: `reason` "is text, not a list",
 * `holds` what it holds in the user's words ("your hosts"), `keptAside` once it was moved under
 * `unreadableSettings` (a new value took its place).
 */
export type DamagedEntry = DamagedSetting;

export interface SettingsStore extends DocumentStore {
  /** The settings file. */
  readonly file: string;
  damaged(): DamagedEntry[];
  /** Removes a damaged entry for good: the user chose to. */
  discardDamaged(key: string): void;
  /** Writes several entries in one go (one file write); `owned`: the values are not copied (the caller never changes them). */
  setMany(values: Record<string, unknown>, opts?: { owned?: boolean }): void;
  /** The whole document as stored (read-only: for scans such as "is anything sealed?"). */
  snapshot(): Readonly<Record<string, unknown>>;
}

/** One item of a list (or property of an object) that cannot be read: kept in the file, hidden from the services. */
interface BadEntry {
  /** `<key>#<digest of the entry>`: stays the same while the entry does, whatever else is saved. */
  id: string;
  key: string;
  /** The property's name, for an entry of an object. */
  prop: string | null;
  value: unknown;
  reason: string;
  name: string;
}

function entryId(key: string, prop: string | null, value: unknown, taken: Set<string>): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([prop, value]) ?? '')
    .digest('hex')
    .slice(0, 12);
  let id = `${key}#${digest}`;
  for (let i = 2; taken.has(id); i++) id = `${key}#${digest}-${i}`;
  taken.add(id);
  return id;
}

/** The services' DocumentStore over what a conf (or electron-store) instance read from `file`. */
export function createSettingsStore(conf: ConfLike, file: string): SettingsStore {
  let doc: Record<string, unknown> = { ...conf.store };
  /** Keys whose value in `doc` has the wrong shape (hidden from the services). */
  const damaged = new Map<string, string>();
  for (const [k, v] of Object.entries(doc)) {
    const why = shapeProblem(k, v);
    if (why) damaged.set(k, why);
  }
  if (damaged.has(KEPT_ASIDE_KEY)) damaged.delete(KEPT_ASIDE_KEY);

  /** Per key, its entries that cannot be read (kept in `doc`), and what the services see instead. */
  const bad = new Map<string, BadEntry[]>();
  const views = new Map<string, unknown>();
  const sortEntries = (key: string) => {
    bad.delete(key);
    views.delete(key);
    const spec = SETTINGS_SHAPES[key]?.entries;
    const value = doc[key];
    if (!spec || damaged.has(key) || value === undefined) return;
    const found: BadEntry[] = [];
    const taken = new Set<string>();
    let view: unknown;
    if (spec.each === 'item') {
      view = (value as unknown[]).filter((item, i) => {
        const why = spec.check(item, String(i + 1));
        if (why) found.push({ id: entryId(key, null, item, taken), key, prop: null, value: item, reason: why, name: spec.name(item, String(i + 1), doc) });
        return !why;
      });
    } else {
      view = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).filter(([prop, v]) => {
          const why = spec.check(v, prop);
          if (why) found.push({ id: entryId(key, prop, v, taken), key, prop, value: v, reason: why, name: spec.name(v, prop, doc) });
          return !why;
        }),
      );
    }
    if (found.length) {
      bad.set(key, found);
      views.set(key, view);
    }
  };
  for (const key of Object.keys(doc)) sortEntries(key);

  const keptAside = (): Record<string, { value: unknown; reason: string; keptAt: string; entry?: string }> => {
    const v = doc[KEPT_ASIDE_KEY];
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, { value: unknown; reason: string; keptAt: string; entry?: string }>) : {};
  };
  const keepAside = (next: Record<string, unknown>, slotName: string, value: unknown, reason: string, entry?: string) => {
    const aside = { ...((next[KEPT_ASIDE_KEY] as Record<string, unknown> | undefined) ?? keptAside()) };
    let slot = slotName;
    for (let i = 2; aside[slot] !== undefined; i++) slot = `${slotName} (${i})`;
    aside[slot] = { value, reason, keptAt: new Date().toISOString(), ...(entry ? { entry } : {}) };
    next[KEPT_ASIDE_KEY] = aside;
  };

  /** Writes `next` as the whole document; on failure the document in memory stays as it was. */
  const write = (next: Record<string, unknown>) => {
    writeSettingsFile(file, next);
    doc = next;
  };

  /** The entry's new value as written: what the service gave, with the entries it could not see written back. */
  const apply = (next: Record<string, unknown>, key: string, value: unknown, owned: boolean) => {
    const why = damaged.get(key);
    // Never over the user's data: the damaged value moves aside, as it was.
    if (why !== undefined) keepAside(next, key, doc[key], why);
    let written = value === undefined ? undefined : owned ? value : structuredClone(value);
    const kept = bad.get(key);
    if (kept) {
      if (SETTINGS_SHAPES[key]!.entries!.each === 'item') written = [...((written as unknown[] | undefined) ?? []), ...kept.map((b) => b.value)];
      else {
        const obj = { ...((written as Record<string, unknown> | undefined) ?? {}) };
        for (const b of kept) {
          // The service wrote a new value under the same name: the one it could not read moves
          // aside, under its own id (the problem the user sees keeps its id).
          if (obj[b.prop!] !== undefined) keepAside(next, b.id, b.value, b.reason, b.name);
          else obj[b.prop!] = b.value;
        }
        written = obj;
      }
    }
    if (written === undefined) delete next[key];
    else next[key] = written;
  };

  const store: SettingsStore = {
    file,
    get: (key) => (damaged.has(key) || doc[key] === undefined ? undefined : structuredClone(views.has(key) ? views.get(key) : doc[key])),
    set: (key, value) => store.setMany({ [key]: value }),
    delete: (key) => store.setMany({ [key]: undefined }),
    setMany(values, opts) {
      const next = { ...doc };
      for (const [k, v] of Object.entries(values)) apply(next, k, v, opts?.owned === true);
      write(next);
      for (const [k, v] of Object.entries(values)) {
        damaged.delete(k);
        const kept = bad.get(k);
        if (!kept) continue;
        // What the services see is what they wrote; the kept entries stay listed (those moved aside, under their new place).
        const stillThere = kept.filter((b) => b.prop === null || (next[k] as Record<string, unknown>)[b.prop] === b.value);
        if (stillThere.length) {
          bad.set(k, stillThere);
          views.set(k, v === undefined ? (SETTINGS_SHAPES[k]!.entries!.each === 'item' ? [] : {}) : structuredClone(v));
        } else {
          bad.delete(k);
          views.delete(k);
        }
      }
    },
    damaged() {
      const out: DamagedEntry[] = [...damaged].map(([key, reason]) => ({ key, reason, holds: SETTINGS_SHAPES[key]?.holds ?? key, keptAside: false }));
      for (const list of bad.values()) for (const b of list) out.push({ key: b.id, reason: b.reason, holds: SETTINGS_SHAPES[b.key]!.holds, keptAside: false, entry: b.name });
      for (const [slot, e] of Object.entries(keptAside())) {
        const key = slot.replace(/ \(\d+\)$/, '').replace(/#.*$/, '');
        out.push({ key: slot, reason: typeof e?.reason === 'string' ? e.reason : 'could not be read', holds: SETTINGS_SHAPES[key]?.holds ?? key, keptAside: true, ...(typeof e?.entry === 'string' ? { entry: e.entry } : {}) });
      }
      return out;
    },
    discardDamaged(key) {
      const next = { ...doc };
      const entry = [...bad.values()].flat().find((b) => b.id === key);
      if (entry) {
        const current = doc[entry.key];
        if (entry.prop === null) {
          const list = [...(current as unknown[])];
          const at = list.indexOf(entry.value);
          if (at >= 0) list.splice(at, 1);
          next[entry.key] = list;
        } else {
          const obj = { ...(current as Record<string, unknown>) };
          delete obj[entry.prop];
          next[entry.key] = obj;
        }
        write(next);
        const rest = bad.get(entry.key)!.filter((b) => b !== entry);
        if (rest.length) bad.set(entry.key, rest);
        else {
          bad.delete(entry.key);
          views.delete(entry.key);
        }
        return;
      }
      if (damaged.has(key)) delete next[key];
      else {
        const aside = { ...keptAside() };
        if (!(key in aside)) return;
        delete aside[key];
        if (Object.keys(aside).length) next[KEPT_ASIDE_KEY] = aside;
        else delete next[KEPT_ASIDE_KEY];
      }
      write(next);
      damaged.delete(key);
      // A whole entry of the wrong shape removed: nothing left to sort. (One kept aside never was.)
    },
    snapshot: () => doc,
  };
  return store;
}

/** Counts the sealed secrets a settings document holds (fields named `sealed…`/`…Sealed`, and monitor secrets). */
export function countSealed(doc: unknown, key = ''): number {
  if (typeof doc === 'string') return /^sealed|Sealed$/.test(key) && doc !== '' ? 1 : 0;
  if (!doc || typeof doc !== 'object') return 0;
  let n = 0;
  for (const [k, v] of Object.entries(doc)) {
    if (k === 'monitorSecrets' && v && typeof v === 'object') n += Object.values(v).filter((x) => typeof x === 'string' && x !== '').length;
    else n += countSealed(v, k);
  }
  return n;
}
