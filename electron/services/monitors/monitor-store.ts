/**
 * The monitors' configs as stored (platform.store): `monitors` holds each validated config without
 * its secrets, `monitorSecrets` each monitor's secrets sealed with platform.secrets, and
 * `monitorLabels` the monitors owned by container labels.
 *
 * Every change is written before it counts: when the write fails (no key file, a full disk) the
 * change is put back and the caller hears why. Only the monitors a change touches are sealed
 * again; every other monitor's sealed secrets are written as they were. A stored entry that
 * cannot be read is kept as it was (see stored-entries.ts).
 */
import { HomeportError } from '../../../shared/model/errors';
import type { Platform } from '../platform/platform';
import { kindOf } from '../platform/settings-store';
import { validateMonitorConfig, type MonitorConfig } from './checks';
import { redactMonitor, secretValues, withSecretValues } from './monitor-secrets';
import { entryKey, notFound, sealedFix, settingsFileOf, type UnreadableEntry } from './stored-entries';
import { MonitorId, type HostId } from '../../../shared/model/ids';

/** Where a monitor came from: the user (null), or a container's `homeport.monitor.*` labels. */
export interface LabelSource {
  hostId: HostId;
  container: string;
}

interface KeptMonitor {
  raw: unknown;
  sealed: string | undefined;
  entry: UnreadableEntry;
}

export class MonitorStore {
  private readonly configs = new Map<MonitorId, MonitorConfig>();
  /** Stored monitors that cannot be read, by id or `#<position>`: written back with every save. */
  private readonly kept = new Map<string, KeptMonitor>();
  /** Each monitor's sealed secrets as stored, so a save seals again only the monitors that changed. */
  private readonly sealedOf = new Map<MonitorId, string>();
  private readonly redactedOf = new WeakMap<MonitorConfig, MonitorConfig>();
  /** Monitors declared by container labels that the user added (by monitor id; an unreadable entry's key may be there too). */
  private readonly labels: Record<string, LabelSource>;

  constructor(private readonly platform: Platform) {
    const store = platform.store;
    this.labels = (store.get('monitorLabels') as Record<string, LabelSource> | undefined) ?? {};
    const storedSecrets = store.get('monitorSecrets');
    const sealed = storedSecrets && typeof storedSecrets === 'object' ? (storedSecrets as Record<string, unknown>) : {};
    const storedMonitors = store.get('monitors');
    const inClear: MonitorId[] = [];
    (Array.isArray(storedMonitors) ? storedMonitors : []).forEach((raw, index) => {
      const c = this.read(raw, index, sealed);
      // Monitors stored before secrets were sealed: seal them now.
      if (c && !this.sealedOf.has(c.id) && Object.values(secretValues(c)).some((v) => v !== '')) inClear.push(c.id);
    });
    if (inClear.length) this.save(inClear);
    for (const id of Object.keys(this.labels)) if (!this.configs.has(MonitorId(id)) && !this.kept.has(id)) delete this.labels[id];
  }

  get(id: MonitorId): MonitorConfig | undefined {
    return this.configs.get(id);
  }

  has(id: MonitorId): boolean {
    return this.configs.has(id);
  }

  values(): IterableIterator<MonitorConfig> {
    return this.configs.values();
  }

  ids(): IterableIterator<MonitorId> {
    return this.configs.keys();
  }

  /** Every config by id (secrets included: for the YAML import's comparison, never for a list). */
  all(): ReadonlyMap<MonitorId, MonitorConfig> {
    return this.configs;
  }

  /** A config without its secrets, as stored and listed (made once per config object: configs are replaced, never changed). */
  redacted(c: MonitorConfig): MonitorConfig {
    let r = this.redactedOf.get(c);
    if (!r) {
      r = redactMonitor(c);
      this.redactedOf.set(c, r);
    }
    return r;
  }

  labelOf(id: MonitorId): LabelSource | null {
    return this.labels[id] ?? null;
  }

  /** The monitors owned by container labels, with their source. */
  labelled(): Array<[MonitorId, LabelSource]> {
    return Object.entries(this.labels).map(([id, l]) => [MonitorId(id), l]);
  }

  /** A new monitor (owned by `label` when given). A label monitor declared again replaces a stored copy that could not be read. */
  add(c: MonitorConfig, label?: LabelSource): void {
    if (this.configs.has(c.id)) throw new HomeportError({ code: 'VALIDATION', message: `id: a monitor with the id ${c.id} exists already.`, fix: 'Choose another id.', details: { field: 'id' } });
    const keptBefore = this.kept.get(c.id);
    this.configs.set(c.id, c);
    this.kept.delete(c.id);
    this.save([c.id], () => {
      this.configs.delete(c.id);
      if (keptBefore) this.kept.set(c.id, keptBefore);
    });
    if (label) this.setLabel(c.id, label);
  }

  /** A monitor's new config; `reseal` when its secrets may have changed (not for a pause). */
  replace(c: MonitorConfig, reseal: boolean): void {
    const prev = this.configs.get(c.id);
    if (!prev) throw notFound('monitor');
    this.configs.set(c.id, c);
    this.save(reseal ? [c.id] : [], () => this.configs.set(c.id, prev));
  }

  /** Several new or changed monitors in one write (a YAML import): all of them, or none. */
  putMany(configs: readonly MonitorConfig[]): void {
    const before = new Map(configs.map((c) => [c.id, { config: this.configs.get(c.id), kept: this.kept.get(c.id) }]));
    for (const c of configs) {
      this.configs.set(c.id, c);
      this.kept.delete(c.id);
    }
    this.save(
      configs.map((c) => c.id),
      () => {
        for (const [id, b] of before) {
          if (b.config) this.configs.set(id, b.config);
          else this.configs.delete(id);
          if (b.kept) this.kept.set(id, b.kept);
        }
      },
    );
  }

  remove(id: MonitorId): void {
    const prev = this.configs.get(id);
    if (!prev) throw notFound('monitor');
    const sealed = this.sealedOf.get(id);
    this.configs.delete(id);
    this.sealedOf.delete(id);
    this.save([], () => {
      this.configs.set(id, prev);
      if (sealed !== undefined) this.sealedOf.set(id, sealed);
    });
    if (this.labels[id]) this.setLabel(id, null);
  }

  // ── Entries that cannot be read ──────────────────────────────────────────────────────────

  unreadable(): UnreadableEntry[] {
    return [...this.kept.values()].map((k) => ({ ...k.entry }));
  }

  /** Removes a stored monitor that cannot be read, for good (the user chose to). */
  discardUnreadable(key: string): void {
    if (!this.kept.delete(key)) throw notFound('monitor');
    if (this.labels[key]) this.setLabel(key, null);
    this.save();
  }

  /**
   * Tries the entries that could not be read again (the original key file is back). Returns those
   * that read now; the file is not rewritten (their stored form did not change).
   */
  retryUnreadable(): MonitorConfig[] {
    const out: MonitorConfig[] = [];
    const kept = [...this.kept.values()];
    this.kept.clear();
    kept.forEach((k, index) => {
      const c = this.read(k.raw, index, k.sealed !== undefined && k.entry.key ? { [k.entry.key]: k.sealed } : {});
      if (c) out.push(c);
    });
    return out;
  }

  // ── Internals ─────────────────────────────────────────────────────────────────────────────

  private setLabel(id: string, label: LabelSource | null): void {
    if (label) this.labels[id] = label;
    else delete this.labels[id];
    this.platform.store.set('monitorLabels', this.labels);
  }

  /**
   * Configs in clear without their secrets; the secrets of each, sealed with the platform's secret
   * box. Only the monitors in `reseal` (added, edited, imported) are sealed again; every other
   * monitor's sealed secrets are written as they were, and so is every entry that cannot be read.
   */
  private save(reseal: Iterable<MonitorId> = [], undo?: () => void): void {
    const resealed = new Map<MonitorId, string | null>();
    try {
      for (const id of reseal) {
        const c = this.configs.get(id);
        const values = c ? secretValues(c) : {};
        resealed.set(id, Object.keys(values).length ? this.platform.secrets.encrypt(Buffer.from(JSON.stringify(values), 'utf8')).toString('base64') : null);
      }
      const sealed: Record<string, string> = {};
      const monitors: unknown[] = [];
      for (const c of this.configs.values()) {
        monitors.push(this.redacted(c));
        const s = resealed.has(c.id) ? resealed.get(c.id) : this.sealedOf.get(c.id);
        if (s !== undefined && s !== null) sealed[c.id] = s;
      }
      for (const [key, k] of this.kept) {
        monitors.push(k.raw);
        if (k.sealed !== undefined) sealed[key] = k.sealed;
      }
      // Both built here and never changed afterwards: the store keeps them without a copy.
      const store = this.platform.store;
      const values = { monitorSecrets: sealed, monitors };
      if (store.setMany) store.setMany(values, { owned: true });
      else for (const [k, v] of Object.entries(values)) store.set(k, v);
    } catch (e) {
      // Nothing was written: the change is put back and the caller hears why (no key file, disk full).
      undo?.();
      throw e;
    }
    for (const [id, v] of resealed) {
      if (v === null) this.sealedOf.delete(id);
      else this.sealedOf.set(id, v);
    }
  }

  /**
   * Reads one stored monitor (its secrets opened with the secret box); returns it, or keeps the
   * entry as it was, with the reason, and returns null.
   */
  private read(raw: unknown, index: number, sealed: Record<string, unknown>): MonitorConfig | null {
    const o = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : null;
    const { id: storedId, key, name } = entryKey(o, index);
    const id = storedId === null ? null : MonitorId(storedId);
    const sealedText = id !== null && typeof sealed[id] === 'string' ? (sealed[id] as string) : undefined;
    const keep = (reason: string, fix: string, sealedProblem: boolean): null => {
      this.kept.set(key, { raw, sealed: sealedText, entry: { kind: 'monitor', key, name, reason, fix, sealedProblem } });
      this.platform.logger.warn('monitors: a stored monitor cannot be read; it is kept as it was', { monitorId: key, reason });
      return null;
    };
    const badEntry = (why: string) => keep(why, `Correct this entry under "monitors" in ${settingsFileOf(this.platform)} and restart Homeport, or remove it here.`, false);
    if (!o) return badEntry(`The entry is ${kindOf(raw)}, not a monitor.`);
    if (id !== null && (this.configs.has(id) || this.kept.has(id))) return badEntry(`Another stored monitor has the same id (${id}).`);
    let full: unknown = o;
    if (sealedText !== undefined) {
      try {
        const values = JSON.parse(this.platform.secrets.decrypt(Buffer.from(sealedText, 'base64')).toString('utf8')) as Record<string, string>;
        full = withSecretValues(o, values);
      } catch (e) {
        return keep(`Its password, token or header values cannot be opened: ${(e as Error).message}`, sealedFix(this.platform, 'the monitor'), true);
      }
    }
    let c: MonitorConfig;
    try {
      c = validateMonitorConfig(full);
    } catch (e) {
      return badEntry(`${(e as Error).message}`);
    }
    this.configs.set(c.id, c);
    if (sealedText !== undefined) this.sealedOf.set(c.id, sealedText);
    return c;
  }
}
