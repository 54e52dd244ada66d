/**
 * The monitors feature, put together: the store (configs, persistence, secrets), the runtime
 * (checks, watches, pushes, policy, history), the channels, the alert settings and the label
 * monitors. Each operation here says which of them it touches and in what order; what each does
 * is in its own file:
 *
 * - monitor-store.ts: the configs as stored, sealed secrets, entries that cannot be read;
 * - runtime/: results → policy → history → alerts, the scheduler, container watches, push windows,
 *   host reachability and this computer's own network, the figures kept in memory;
 * - alert-channels.ts: the channels as stored, and the dispatcher;
 * - alert-settings.ts: mutes, maintenance windows, routing, the recent alerts;
 * - label-monitors.ts: monitors declared by container labels;
 * - monitors-yaml.ts: export and import as YAML.
 *
 * A stored monitor or channel that cannot be read (not valid, or sealed with another key) is kept
 * as it was, written back with every save and listed by `unreadable()` until the user removes it
 * or it reads again. What is announced (the `changed` event): only the monitors that changed, at most
 * twice a second, built from memory — uptime and latency figures are counted as beats arrive,
 * never recomputed from SQLite for every monitor at every check.
 *
 * Test-only knobs: `intervalScale` multiplies every interval and retry interval given to the
 * scheduler and the policy (validateMonitorConfig still enforces ≥ 20 s in the configs; a scale of
 * 0.01 makes that 200 ms), and `policyOptions` shortens the policy's coalescing window.
 */
import type { AlertSettingsInfo, ChannelInfo, MonitorImportResultInfo } from '../../../shared/contract';
import { HomeportError } from '../../../shared/model/errors';
import type { Alert, AlertPolicyConfig, ChannelConfig, MaintenanceWindow, MutePreset, RoutingRules, SendOptions } from '../alerts';
import { Emitter } from '../platform/emitter';
import type { Platform } from '../platform/platform';
import { AlertChannels } from './alert-channels';
import { AlertSettings, type MonitorRoute, type StoredAlert } from './alert-settings';
import { validateMonitorConfig, type MonitorConfig } from './checks';
import type { Incident, LatencyPoint, PruneResult, StatusBar } from './history/monitor-history';
import { LabelMonitors, labelOwned, type LabelDeclaration } from './label-monitors';
import { fillBlankSecrets, keepMonitorSecrets, monitorSecretFields, newPushToken, redactMonitor } from './monitor-secrets';
import { MonitorStore, type LabelSource } from './monitor-store';
import { exportMonitorsYaml, planMonitorsImport, summarizeImport } from './monitors-yaml';
import { ChangeFeed } from './runtime/change-feed';
import type { EngineFeed } from './runtime/container-watches';
import { MonitorRuntime, type HostExec, type MonitorRuntimeState } from './runtime/monitor-runtime';
import type { ReferenceTarget } from './runtime/network-check';
import type { PushInput } from './runtime/push-monitors';
import { assertMonitorSecretsStay } from './secret-destinations';
import { notFound, type UnreadableEntry } from './stored-entries';
import { ChannelId, MonitorId, type HostId } from '../../../shared/model/ids';

export interface MonitorsManagerOptions {
  platform: Platform;
  historyFile: string;
  now?: () => number;
  /** The single-attempt channel sender (default: the real notifiers). */
  dispatcherSend?: (alert: Alert, config: ChannelConfig, opts: SendOptions) => Promise<void>;
  /** Runs a command over a host's SSH connection (ssh-command monitors); without it they report down. */
  hostExec?: HostExec;
  /** The hosts' engines and their events (container monitors); without them container monitors wait. */
  engines?: EngineFeed;
  /** TCP targets that tell whether this computer's own network works; none: always ok. */
  referenceTargets?: ReferenceTarget[];
  /** How often the reference targets are checked (default 30 s); also after a down result, at most every min(5 s, this). */
  referenceIntervalMs?: number;
  /** Test-only: multiplies intervals and retry intervals (see the module comment). Default 1. */
  intervalScale?: number;
  /** Test-only: policy options (e.g. a short coalescing window). */
  policyOptions?: AlertPolicyConfig['options'];
  /** Dispatcher delivery tuning (tests). */
  dispatcherAttempts?: number;
  dispatcherBackoffMs?: readonly number[];
  /** How long `stop` waits for alerts being delivered (default STOP_DELIVERY_WAIT_MS). */
  stopDeliveryWaitMs?: number;
}

/** One monitor as the services see it: its config (without secrets), where it came from, and what the runtime knows of it (state, last result, figures). */
export interface MonitorSnapshot extends MonitorRuntimeState {
  /** The config without its secrets (HTTP auth password/token, push token). */
  config: MonitorConfig;
  /** Set for monitors declared by container labels (kept in step with the container; not editable). */
  label: LabelSource | null;
  /** Names of the config's fields that hold a secret (left out of `config`). */
  secretFields: string[];
}

/** What the monitors announce. */
export interface MonitorsEvents {
  /** The monitors that changed (and the ids of those removed), at most twice a second. */
  changed: MonitorsChange;
  /** An alert, as the channels get it: the monitors' own and those raised from outside (Uptime Kuma). */
  alert: Alert;
  /** This computer is back online (its reference targets answer again) or awake: connections waiting to retry may try now. */
  networkBack: void;
}

/** What changed since the last call: the monitors whose state or figures changed, and those removed. */
export interface MonitorsChange {
  changed: MonitorSnapshot[];
  removed: MonitorId[];
}

export class MonitorsManager {
  readonly events: Emitter<MonitorsEvents>;
  private readonly now: () => number;
  private readonly runtime: MonitorRuntime;
  private readonly settings: AlertSettings;
  private readonly channels: AlertChannels;
  private readonly store: MonitorStore;
  private readonly labels: LabelMonitors;
  private readonly changes: ChangeFeed;

  constructor(opts: MonitorsManagerOptions) {
    const platform = opts.platform;
    this.events = new Emitter(platform.logger, 'monitors');
    this.now = opts.now ?? Date.now;
    this.runtime = new MonitorRuntime({
      logger: platform.logger,
      historyFile: opts.historyFile,
      now: this.now,
      scale: opts.intervalScale ?? 1,
      policyOptions: opts.policyOptions,
      hostExec: opts.hostExec,
      engines: opts.engines,
      referenceTargets: opts.referenceTargets,
      referenceIntervalMs: opts.referenceIntervalMs,
      networkBack: () => this.events.emit('networkBack'),
      stopDeliveryWaitMs: opts.stopDeliveryWaitMs,
      monitors: { get: (id) => this.store.get(id), values: () => this.store.values() },
      alertSettingsOf: (id) => this.settings.of(id),
      changed: (id) => this.changes.changed(id),
      remember: (alert) => this.settings.remember(alert),
      announce: (alert) => this.events.emit('alert', alert),
      dispatch: (alert) => this.channels.dispatch(alert),
    });
    this.settings = new AlertSettings(platform, this.now, (rules) => this.channels.setRouting(rules));
    this.channels = new AlertChannels({ platform, routing: this.settings.routing(), now: this.now, send: opts.dispatcherSend, attempts: opts.dispatcherAttempts, backoffMs: opts.dispatcherBackoffMs });
    this.store = new MonitorStore(platform);
    this.changes = new ChangeFeed({ ids: () => this.store.ids(), has: (id) => this.store.has(id) }, (batch) =>
      this.events.emit('changed', { changed: batch.changed.map((id) => this.snapshotOf(this.store.get(id)!)), removed: batch.removed }),
    );
    this.labels = new LabelMonitors({
      store: this.store,
      add: (input, label) => this.add(input, label),
      update: (id, input) => void this.update(id, input, { fromLabels: true }),
      remove: (id) => this.remove(id),
    });
  }

  // ── Lifecycle ─────────────────────────────────────────────────────────────────────────────

  /** Registers every monitor with the policy (restoring its last confirmed state) and starts checking. */
  start(): void {
    this.runtime.start(this.settings.globalMuteUntil());
  }

  /** Stops checking, writes the history, waits (bounded) for alerts being delivered, closes the history. */
  async stop(): Promise<void> {
    this.changes.stop();
    await this.runtime.stop();
  }

  /** Resolves when every alert handed to the channels so far has been delivered (or given up). */
  idle(): Promise<void> {
    return this.runtime.idle();
  }

  /**
   * An alert from outside the policy (an Uptime Kuma instance, a mirrored Kuma monitor): to the
   * same listeners and channels as the monitors' own alerts.
   */
  raise(alert: Alert): void {
    this.runtime.raise(alert);
  }

  // ── Monitors ──────────────────────────────────────────────────────────────────────────────

  /** Every monitor with its state and figures, from memory. */
  list(): MonitorSnapshot[] {
    return [...this.store.values()].map((c) => this.snapshotOf(c));
  }

  /** One monitor, as `list()` gives it. */
  info(id: MonitorId): MonitorSnapshot {
    const c = this.store.get(id);
    if (!c) throw notFound('monitor');
    return this.snapshotOf(c);
  }

  has(id: MonitorId): boolean {
    return this.store.has(id);
  }

  /** Validates and adds a monitor; returns the stored config (redacted). */
  add(input: unknown, label?: LabelSource): MonitorConfig {
    const raw = input as Record<string, unknown> | null;
    const c = validateMonitorConfig(raw && typeof raw === 'object' && raw.type === 'push' && !raw.token ? { ...raw, token: newPushToken() } : input);
    this.store.add(c, label);
    this.runtime.added(c);
    this.changes.changed(c.id);
    return redactMonitor(c);
  }

  /** Replaces a monitor's config (same id; secrets left empty keep their values). */
  update(id: MonitorId, input: unknown, opts: { fromLabels?: boolean } = {}): MonitorConfig {
    const prev = this.store.get(id);
    if (!prev) throw notFound('monitor');
    const label = this.store.labelOf(id);
    if (label && !opts.fromLabels) throw labelOwned(label);
    // A secret left blank ("keep it") is not carried to another server.
    assertMonitorSecretsStay({ ...(input as object) }, prev);
    const c = keepMonitorSecrets(validateMonitorConfig(fillBlankSecrets({ ...(input as object), id }, prev)), prev);
    this.store.replace(c, true);
    this.runtime.replaced(prev, c);
    this.changes.changed(id);
    return redactMonitor(c);
  }

  /** Removes a monitor (the user may remove one declared by labels: it is suggested again while they declare it). */
  remove(id: MonitorId): void {
    this.store.remove(id);
    this.runtime.removed(id);
    this.settings.forgetMonitor(id);
    this.changes.gone(id);
  }

  pause(id: MonitorId): void {
    this.setPaused(id, true);
  }

  resume(id: MonitorId): void {
    this.setPaused(id, false);
  }

  /** Checks a polled monitor soon (a monitor just added or resumed from the UI), outside its spread slot. */
  checkSoon(id: MonitorId): void {
    this.runtime.checkSoon(id);
  }

  /** The computer woke from sleep: hold alerts, and check everything soon. */
  systemResumed(): void {
    this.runtime.systemResumed();
  }

  // ── Hosts, labels, push ───────────────────────────────────────────────────────────────────

  /** A host's SSH connection state (see MonitorRuntime.hostReachability). */
  hostReachability(hostId: HostId, name: string, reachable: boolean, deliberate = false): void {
    this.runtime.hostReachability(hostId, name, reachable, deliberate);
  }

  /** A host's engine can be used: its container monitors watch it (idempotent). */
  hostEngineUp(hostId: HostId): void {
    this.runtime.hostEngineUp(hostId);
  }

  /** A host's engine went away: its container watches end until it is back. */
  hostEngineDown(hostId: HostId): void {
    this.runtime.hostEngineDown(hostId);
  }

  /** What one host's containers declare with labels (see LabelMonitors.sync). */
  syncLabelMonitors(hostId: HostId, declared: LabelDeclaration[], present: readonly string[]): { updated: number; removed: number; errors: string[] } {
    return this.labels.sync(hostId, declared, present);
  }

  /** Every label declaration read from the connected hosts (added ones included). */
  labelDeclarations(): LabelDeclaration[] {
    return this.labels.declarations();
  }

  /** The user approves what a container declares with labels: the monitor is added, owned by those labels. */
  approveLabel(hostId: HostId, container: string): MonitorConfig {
    return this.labels.approve(hostId, container);
  }

  /** A push arrived for a token: false when no active push monitor has it (the endpoint answers 404). */
  push(token: string, input: PushInput = {}): boolean {
    return this.runtime.push(token, input);
  }

  /** The push token of a push monitor, for the UI's push URL (asked for explicitly; never in lists). */
  pushToken(id: MonitorId): string {
    const c = this.store.get(id);
    if (!c) throw notFound('monitor');
    if (c.type !== 'push') throw new HomeportError({ code: 'VALIDATION', message: `${c.name} is not a push monitor.`, fix: 'Choose a push monitor.' });
    return c.token;
  }

  // ── History ───────────────────────────────────────────────────────────────────────────────

  /** Deletes history that has aged out (call it on a timer). */
  pruneHistory(): PruneResult {
    return this.runtime.pruneHistory();
  }

  latencySeries(id: MonitorId, fromMs: number, toMs: number, maxPoints: number): LatencyPoint[] {
    return this.runtime.latencySeries(id, fromMs, toMs, maxPoints);
  }

  statusBars(id: MonitorId, buckets: number, bucketMs: number): StatusBar[] {
    return this.runtime.statusBars(id, buckets, bucketMs);
  }

  incidents(id: MonitorId | null, limit: number, kind?: 'observed' | 'confirmed'): Incident[] {
    return this.runtime.incidents(id, limit, kind);
  }

  // ── Channels and routing ──────────────────────────────────────────────────────────────────

  listChannels(): ChannelInfo[] {
    return this.channels.list();
  }

  /** Adds a channel; by default it also becomes one of the default channels (every monitor's alerts). */
  addChannel(input: unknown, opts: { makeDefault?: boolean } = {}): ChannelInfo {
    const c = this.channels.add(input);
    if (opts.makeDefault !== false) this.settings.addDefaultChannel(c.id);
    return c;
  }

  /** Changes a channel; secret fields left out keep their sealed values. */
  updateChannel(id: ChannelId, input: Record<string, unknown>): ChannelInfo {
    return this.channels.update(id, input);
  }

  removeChannel(id: ChannelId): void {
    this.channels.remove(id);
    this.settings.dropChannel(id);
  }

  /** Sends a test message through a saved channel. */
  testChannel(id: ChannelId, signal?: AbortSignal): Promise<void> {
    return this.channels.test(id, signal);
  }

  getRouting(): RoutingRules {
    return this.settings.routing();
  }

  setRouting(rules: RoutingRules): void {
    this.settings.setRouting(rules);
  }

  // ── Mute, maintenance, routing, recent alerts ────────────────────────────────────────────────

  /** Mutes one monitor (or, with id null, every notification) for a preset duration; `null` preset unmutes. */
  mute(id: MonitorId | null, preset: MutePreset | null, utcOffsetMinutes?: number): number | null {
    if (id !== null && !this.store.has(id)) throw notFound('monitor');
    const until = this.settings.mute(id, preset, utcOffsetMinutes);
    if (id === null) this.runtime.setGlobalMute(until);
    else this.runtime.alertSettingsChanged(id);
    this.changes.changed(id ?? undefined);
    return until;
  }

  /** Sets the maintenance windows of one monitor, or (id null) those that apply to every monitor. */
  setMaintenance(id: MonitorId | null, windows: readonly MaintenanceWindow[]): void {
    if (id !== null && !this.store.has(id)) throw notFound('monitor');
    this.settings.setMaintenance(id, windows);
    this.runtime.alertSettingsChanged(id);
    this.changes.changed(id ?? undefined);
  }

  /** Where one monitor's alerts go: a chosen set of channels (optionally plus the defaults), or (null) the defaults. */
  setMonitorRouting(id: MonitorId, route: MonitorRoute): void {
    if (!this.store.has(id)) throw notFound('monitor');
    this.settings.setMonitorRouting(id, route, (c) => this.channels.has(c));
  }

  /** Sets which channels get the alerts of monitors without their own routing. */
  setDefaultChannels(channelIds: ChannelId[]): void {
    this.settings.setDefaultChannels(channelIds, (c) => this.channels.has(c));
  }

  alertSettings(): AlertSettingsInfo {
    return this.settings.info(this.store.ids());
  }

  /** The last alerts (newest first), kept across restarts (at most 50). */
  recentAlerts(limit?: number): StoredAlert[] {
    return this.settings.recentAlerts(limit);
  }

  // ── YAML ──────────────────────────────────────────────────────────────────────────────────

  /** Every monitor as YAML; secrets are placeholders. */
  exportYaml(): string {
    // Monitors declared by container labels belong to those labels, not to the file.
    return exportMonitorsYaml([...this.store.values()].filter((c) => !this.store.labelOf(c.id)), monitorSecretFields, this.now());
  }

  /** Reads a YAML export; unless `dryRun`, adds and updates the entries without errors (the others are skipped). */
  importYaml(text: string, dryRun: boolean): MonitorImportResultInfo {
    const plan = planMonitorsImport(text, this.store.all()).map((e) =>
      e.id && this.store.labelOf(e.id) && e.action !== 'error'
        ? { index: e.index, line: e.line, name: e.name, id: e.id, action: 'error' as const, error: { message: `Entry ${e.index + 1}${e.line ? ` (line ${e.line})` : ''}: the monitor ${e.name} is declared by container labels.`, fix: 'Change the homeport.monitor.* labels of its container instead, or remove the entry.' } }
        : e,
    );
    if (dryRun) return summarizeImport(plan, false);
    // Stored first (all or nothing), then checked.
    const applied = plan.flatMap((e) => (e.config ? [e.config] : []));
    const before = new Map(applied.map((c) => [c.id, this.store.get(c.id)]));
    this.store.putMany(applied);
    for (const c of applied) {
      const prev = before.get(c.id);
      if (prev) this.runtime.replaced(prev, c);
      else this.runtime.added(c);
      this.runtime.checkSoon(c.id);
    }
    for (const c of applied) this.changes.changed(c.id);
    return summarizeImport(plan, true);
  }

  // ── Entries that cannot be read ──────────────────────────────────────────────────────────

  /** Stored monitors and channels that cannot be read (kept in the file as they were). */
  unreadable(): UnreadableEntry[] {
    return [...this.store.unreadable(), ...this.channels.unreadable()];
  }

  /** Removes an entry that cannot be read, for good (the user chose to). */
  discardUnreadable(kind: 'monitor' | 'channel', key: string): void {
    // An unreadable entry's key is the id it was stored under (or its position, which no setting names).
    if (kind === 'monitor') {
      this.store.discardUnreadable(key);
      this.settings.forgetMonitor(MonitorId(key));
    } else {
      this.channels.discardUnreadable(key);
      this.settings.dropChannel(ChannelId(key));
    }
  }

  /**
   * Tries the entries that could not be read again (the original key file is back). Those that
   * read now run; the file is not rewritten (their stored form did not change). Returns how many.
   */
  retryUnreadable(): number {
    const monitors = this.store.retryUnreadable();
    for (const c of monitors) {
      this.runtime.added(c, { restoring: true });
      this.runtime.checkSoon(c.id);
    }
    const n = monitors.length + this.channels.retryUnreadable();
    if (n) this.changes.changed();
    return n;
  }

  // ── Internals ─────────────────────────────────────────────────────────────────────────────

  private snapshotOf(c: MonitorConfig): MonitorSnapshot {
    return { config: this.store.redacted(c), label: this.store.labelOf(c.id), secretFields: monitorSecretFields(c), ...this.runtime.stateOf(c.id) };
  }

  private setPaused(id: MonitorId, paused: boolean): void {
    const prev = this.store.get(id);
    if (!prev) throw notFound('monitor');
    const c = { ...prev, paused } as MonitorConfig;
    this.store.replace(c, false);
    this.runtime.replaced(prev, c, { dropWatch: true });
    this.changes.changed(id);
  }
}
