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
 *   until the user removes it (`discardDamaged`) or puts it right by hand.
 *
 * Reading once also matters for speed: `conf` reads and parses the whole file on every `get`
 * (4 ms per call for 1,000 monitors), and every `set` read, parsed and walked it again before
 * writing it. So `conf` (or electron-store) reads the file once, at start, and every write goes
 * straight to the file: the whole document, tab-indented as conf writes it, to a temporary file
 * (owner-only) that is flushed to disk and renamed over the old one, so a crash leaves either
 * the old file or the new one, never half of one.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { HomeportError } from '../../../shared/model/errors';
import type { DamagedSetting, DocumentStore } from './platform';

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

/** The top-level entries the services keep, their shape, and what they hold in the user's words. */
export const SETTINGS_SHAPES: Record<string, { shape: Shape; holds: string; check?: (v: Record<string, unknown>) => string | null }> = {
  hosts: { shape: 'list', holds: 'your hosts' },
  keys: { shape: 'list', holds: 'your SSH keys' },
  knownHosts: { shape: 'list', holds: 'the host keys you accepted' },
  'stacks.known': { shape: 'object', holds: 'the stacks Homeport remembers' },
  kumaInstances: { shape: 'list', holds: 'your Uptime Kuma instances' },
  pushHeartbeat: { shape: 'object', holds: "Homeport's own heartbeat" },
  monitors: { shape: 'list', holds: 'your monitors' },
  monitorSecrets: { shape: 'object', holds: 'the passwords and tokens of your monitors' },
  alertChannels: { shape: 'list', holds: 'your alert channels' },
  alertRouting: {
    shape: 'object',
    holds: 'where alerts go',
    check: (v) => (v.defaultChannelIds !== undefined && !Array.isArray(v.defaultChannelIds) ? 'its defaultChannelIds is not a list' : null),
  },
  monitorMutes: { shape: 'object', holds: 'muted monitors' },
  monitorLabels: { shape: 'object', holds: 'the monitors declared by container labels' },
  globalMute: { shape: 'number or nothing', holds: 'the global mute' },
  monitorMaintenance: {
    shape: 'object',
    holds: 'your maintenance windows',
    check: (v) => (v.global !== undefined && !Array.isArray(v.global) ? 'its global windows are not a list' : null),
  },
  recentAlerts: { shape: 'list', holds: 'the recent alerts' },
  [KEPT_ASIDE_KEY]: { shape: 'object', holds: 'settings Homeport could not read' },
};

/** A value's kind in words ("text", "a list"…). */
export function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return 'text';
  if (typeof v === 'number') return 'a number';
  if (typeof v === 'boolean') return 'true/false';
  return 'an object';
}

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

  const keptAside = (): Record<string, { value: unknown; reason: string; keptAt: string }> => {
    const v = doc[KEPT_ASIDE_KEY];
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, { value: unknown; reason: string; keptAt: string }>) : {};
  };

  /** Writes `next` as the whole document; on failure the document in memory stays as it was. */
  const write = (next: Record<string, unknown>) => {
    writeSettingsFile(file, next);
    doc = next;
  };

  const apply = (next: Record<string, unknown>, key: string, value: unknown, owned: boolean) => {
    const why = damaged.get(key);
    if (why !== undefined) {
      // Never over the user's data: the damaged value moves aside, as it was.
      const aside = { ...keptAside() };
      let slot = key;
      for (let i = 2; aside[slot] !== undefined; i++) slot = `${key} (${i})`;
      aside[slot] = { value: doc[key], reason: why, keptAt: new Date().toISOString() };
      next[KEPT_ASIDE_KEY] = aside;
    }
    if (value === undefined) delete next[key];
    // A value handed over (`owned`) is kept as it is: its owner built it for this write and does not change it.
    else next[key] = owned ? value : structuredClone(value);
  };

  const store: SettingsStore = {
    file,
    get: (key) => (damaged.has(key) || doc[key] === undefined ? undefined : structuredClone(doc[key])),
    set: (key, value) => store.setMany({ [key]: value }),
    delete: (key) => store.setMany({ [key]: undefined }),
    setMany(values, opts) {
      const next = { ...doc };
      for (const [k, v] of Object.entries(values)) apply(next, k, v, opts?.owned === true);
      write(next);
      for (const k of Object.keys(values)) damaged.delete(k);
    },
    damaged() {
      const out: DamagedEntry[] = [...damaged].map(([key, reason]) => ({ key, reason, holds: SETTINGS_SHAPES[key]?.holds ?? key, keptAside: false }));
      for (const [slot, e] of Object.entries(keptAside())) {
        const key = slot.replace(/ \(\d+\)$/, '');
        out.push({ key: slot, reason: typeof e?.reason === 'string' ? e.reason : 'could not be read', holds: SETTINGS_SHAPES[key]?.holds ?? key, keptAside: true });
      }
      return out;
    },
    discardDamaged(key) {
      const next = { ...doc };
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
