/**
 * The monitors at work: results come in, the policy decides, the history records, alerts go out.
 *
 * Data flow: Scheduler (polled monitors) / ContainerWatches (container monitors) / PushWindows
 * (push monitors) → one result → AlertPolicy.result (state, retries, grouping) → HistoryLog (the
 * beat, with the state the policy gave it; confirmed outages as incidents) → alerts → AlertOutlet
 * (`remember`, `announce` to whoever listens, `dispatch` to the channels). The policy's `fastRecheck`
 * switches the scheduler to the retry interval (event-driven monitors are read again instead);
 * one timer follows `policy.nextWakeAt()`. After a restart the policy is given each monitor's last
 * confirmed state from the history, so a known outage is not announced again.
 *
 * Host reachability (a host's SSH connection) and this computer's own network (NetworkCheck) go
 * to the policy too: a host that cannot be reached makes its monitors unknown and is one grouped
 * alert; while this computer is offline, failures are not outages.
 */
import type { Alert, AlertPolicyConfig, MaintenanceWindow, MonitorPolicySettings, MonitorPolicyStatus } from '../../alerts';
import { AlertPolicy } from '../../alerts';
import type { Logger } from '../../platform/platform';
import { createCheckEnv, runCheck, type CheckEnv, type CheckResult, type MonitorConfig, type PolledMonitorConfig } from '../checks';
import type { Incident, LatencyPoint, PruneResult, StatusBar } from '../history/monitor-history';
import { AlertOutlet, type AlertOutletOptions } from './alert-outlet';
import { ContainerWatches, type ContainerWatchesOptions } from './container-watches';
import { EventRechecks } from './event-rechecks';
import { FIGURES_TICK_MS, MonitorFigures, type LastResult, type RowFigures } from './figures';
import { HistoryLog } from './history-log';
import { NetworkCheck, type ReferenceTarget } from './network-check';
import { findPushMonitor, PushWindows, type PushInput } from './push-monitors';
import { Scheduler, type CheckOutcome } from './scheduler';
import type { HostId, MonitorId } from '../../../../shared/model/ids';

export type HostExec = (hostId: HostId, command: string, signal: AbortSignal) => Promise<{ code: number | null; stdout: string; stderr: string }>;

/**
 * How long stopping waits for alerts still being delivered: long enough for a slow webhook,
 * short enough to stop within the 10 s a supervisor usually allows before it kills.
 */
export const STOP_DELIVERY_WAIT_MS = 5000;

export interface MonitorRuntimeOptions extends Pick<ContainerWatchesOptions, 'engines'>, Pick<AlertOutletOptions, 'remember' | 'announce' | 'dispatch'> {
  logger: Logger;
  historyFile: string;
  now: () => number;
  /** Test-only: multiplies intervals and retry intervals (see MonitorsManagerOptions). */
  scale: number;
  policyOptions?: AlertPolicyConfig['options'];
  /** Runs a command over a host's SSH connection (ssh-command monitors); without it they report down. */
  hostExec?: HostExec;
  referenceTargets?: ReferenceTarget[];
  referenceIntervalMs?: number;
  /** This computer is back online (its reference targets answer again) or awake. */
  networkBack: () => void;
  stopDeliveryWaitMs?: number;
  /** The stored monitors. */
  monitors: { get(id: MonitorId): MonitorConfig | undefined; values(): Iterable<MonitorConfig> };
  /** A monitor's mute and maintenance windows (the alert settings). */
  alertSettingsOf: (id: MonitorId) => { mutedUntil: number | null; maintenance: MaintenanceWindow[] };
  /** Something about a monitor (or, without an id, about every monitor) changed. */
  changed: (id?: MonitorId) => void;
}

/** What the runtime knows of one monitor. */
export interface MonitorRuntimeState extends RowFigures {
  status: MonitorPolicyStatus | null;
  last: LastResult | null;
  /** The last check's latency. */
  latencyMs: number | null;
}

const isPolled = (c: MonitorConfig): c is PolledMonitorConfig => c.type !== 'container' && c.type !== 'push';

export class MonitorRuntime {
  private readonly opts: MonitorRuntimeOptions;
  private readonly now: () => number;
  private readonly scale: number;
  private readonly log: HistoryLog;
  private readonly outlet: AlertOutlet;
  private readonly policy: AlertPolicy;
  private readonly scheduler: Scheduler<MonitorId>;
  private readonly env: CheckEnv;
  private readonly figures: MonitorFigures;
  private readonly containers: ContainerWatches;
  private readonly pushes: PushWindows;
  private readonly rechecks: EventRechecks;
  private readonly network: NetworkCheck;
  private wakeTimer: NodeJS.Timeout | null = null;
  private figuresTimer: NodeJS.Timeout | null = null;
  private started = false;
  private stopped = false;

  constructor(opts: MonitorRuntimeOptions) {
    this.opts = opts;
    this.now = opts.now;
    this.scale = opts.scale;
    this.log = new HistoryLog(opts.historyFile, opts.logger, this.now);
    this.outlet = new AlertOutlet({ logger: opts.logger, remember: opts.remember, announce: opts.announce, dispatch: opts.dispatch });
    this.env = createCheckEnv();
    this.figures = new MonitorFigures(this.log.history, opts.logger, this.now);
    this.policy = new AlertPolicy({ clock: { now: this.now }, options: opts.policyOptions, onStateChange: (s) => this.onPolicyState(s) });
    this.scheduler = new Scheduler<MonitorId>({
      now: this.now,
      // The wake-up grid shrinks with the test-only interval scale, like the intervals.
      tickMs: 500 * this.scale,
      run: (id, signal) => this.runPolled(id, signal),
      onResult: (id, outcome, startedAt) => this.onResult(id, outcome as CheckResult, startedAt),
    });
    this.containers = new ContainerWatches({
      engines: opts.engines,
      logger: opts.logger,
      onResult: (id, r) => this.onResult(id, r, this.now()),
      hasResult: (id) => this.figures.hasLast(id),
    });
    this.pushes = new PushWindows({ now: this.now, scale: this.scale, config: (id) => opts.monitors.get(id), onDown: (id, r) => this.onResult(id, r, this.now()) });
    this.rechecks = new EventRechecks({
      scale: this.scale,
      status: (id) => this.policy.status(id),
      config: (id) => opts.monitors.get(id),
      current: (c) => (c.type === 'container' ? this.containers.current(c.id) : c.type === 'push' ? this.pushes.current(c) : null),
      onResult: (id, r) => this.onResult(id, r, this.now()),
    });
    this.network = new NetworkCheck({
      targets: opts.referenceTargets ?? [],
      intervalMs: opts.referenceIntervalMs,
      now: this.now,
      onResult: (ok, back) => {
        this.handle(this.policy.localNetwork(ok, this.now()));
        if (back) this.opts.networkBack();
      },
    });
  }

  get running(): boolean {
    return this.started && !this.stopped;
  }

  // ── Lifecycle ─────────────────────────────────────────────────────────────────────────────

  /** Registers every monitor with the policy (restoring its last confirmed state) and starts checking. */
  start(globalMuteUntil: number | null): void {
    if (this.started) return;
    this.started = true;
    if (globalMuteUntil !== null && globalMuteUntil > this.now()) this.handle(this.policy.setGlobalMute(globalMuteUntil));
    for (const c of this.opts.monitors.values()) this.activate(c, true);
    this.network.start();
    this.figuresTimer = setInterval(() => {
      try {
        this.figures.refreshStep((id) => this.opts.monitors.get(id) !== undefined, (id) => this.opts.changed(id));
      } catch (e) {
        this.opts.logger.warn('monitors: could not read the history', { error: (e as Error).message });
      }
    }, FIGURES_TICK_MS);
    this.figuresTimer.unref?.();
    this.rearm();
    this.opts.changed();
  }

  /** Stops checking, writes the history, waits (bounded) for alerts being delivered, closes the history. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.scheduler.stop();
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.network.stop();
    if (this.figuresTimer) clearInterval(this.figuresTimer);
    this.pushes.stop();
    this.rechecks.stop();
    this.containers.stop();
    // The beats first: they are safe on disk even if the wait below is cut short by a supervisor.
    this.log.flush();
    await this.outlet.drain(this.opts.stopDeliveryWaitMs ?? STOP_DELIVERY_WAIT_MS);
    this.env.close();
    this.log.close();
  }

  /** Resolves when every alert handed to the channels so far has been delivered (or given up). */
  idle(): Promise<void> {
    return this.outlet.idle();
  }

  /** An alert from outside the policy (an Uptime Kuma instance): to the same listeners and channels. */
  raise(alert: Alert): void {
    this.handle([alert]);
  }

  // ── Monitors ──────────────────────────────────────────────────────────────────────────────

  /** The monitor's state, last result and figures, from memory. */
  stateOf(id: MonitorId): MonitorRuntimeState {
    const last = this.figures.lastOf(id);
    return { status: this.policy.status(id) ?? null, last, ...this.figures.of(id), latencyMs: last?.latencyMs ?? null };
  }

  /** A monitor was added (or, `restoring`, a stored one could be read at last): it runs, if the runtime does. */
  added(c: MonitorConfig, opts: { restoring?: boolean } = {}): void {
    if (this.started) this.activate(c, opts.restoring ?? false);
  }

  /** A monitor's config changed (edited, paused, resumed, imported): it runs again with the new one. */
  replaced(prev: MonitorConfig, c: MonitorConfig, opts: { dropWatch?: boolean } = {}): void {
    if (!this.started) return;
    this.deactivate(prev.id, opts.dropWatch ?? (prev.type !== c.type || prev.type === 'container'));
    this.activate(c, false);
  }

  /** A monitor was removed: it stops, and its state and history go. */
  removed(id: MonitorId): void {
    this.deactivate(id, true);
    this.handle(this.policy.removeMonitor(id));
    this.figures.forget(id);
    this.log.forget(id);
  }

  /** Checks a polled monitor soon (a monitor just added or resumed from the UI), outside its spread slot. */
  checkSoon(id: MonitorId): void {
    const c = this.opts.monitors.get(id);
    if (this.started && c && isPolled(c) && !c.paused) this.scheduler.runSoon(id);
  }

  /** A monitor's (or, id null, every monitor's) mute or maintenance windows changed. */
  alertSettingsChanged(id: MonitorId | null): void {
    if (!this.started) return;
    for (const c of this.opts.monitors.values()) if (id === null || c.id === id) this.handle(this.policy.upsertMonitor(this.policySettings(c)));
  }

  /** Every notification is muted until then (null: unmuted). */
  setGlobalMute(until: number | null): void {
    this.handle(this.policy.setGlobalMute(until));
  }

  /** The computer woke from sleep: hold alerts, and check everything soon. */
  systemResumed(): void {
    this.handle(this.policy.systemResumed(this.now()));
    this.opts.networkBack();
    for (const c of this.opts.monitors.values()) if (isPolled(c) && !c.paused) this.scheduler.runSoon(c.id);
    void this.network.check(true);
    this.opts.changed();
  }

  // ── Hosts, push ───────────────────────────────────────────────────────────────────────────

  /**
   * A host's SSH connection state: while it cannot be reached its monitors are unknown, and a long
   * outage is one "host unreachable" alert (not when the user disconnected it: `deliberate`). When
   * it is back, its command monitors run at once (its container monitors start watching as soon as
   * its engine is back: `hostEngineUp`).
   */
  hostReachability(hostId: HostId, name: string, reachable: boolean, deliberate = false): void {
    this.policy.upsertHost(hostId, name);
    this.handle(this.policy.hostReachability(hostId, reachable, this.now(), deliberate));
    if (reachable && this.running) {
      for (const c of this.opts.monitors.values()) if (c.type === 'ssh-command' && c.hostId === hostId && !c.paused) this.scheduler.runSoon(c.id);
    }
    // Only this host's monitors can have changed.
    for (const c of this.opts.monitors.values()) if ((c.type === 'container' || c.type === 'ssh-command') && c.hostId === hostId) this.opts.changed(c.id);
  }

  /**
   * A host's engine can be used (a new connection, or told again about the current one): every
   * container monitor of the host watches it. Idempotent: watches already on this engine stay.
   */
  hostEngineUp(hostId: HostId): void {
    if (!this.running) return;
    const mine = [...this.opts.monitors.values()].filter((c): c is Extract<MonitorConfig, { type: 'container' }> => c.type === 'container' && c.hostId === hostId && !c.paused);
    for (const c of this.containers.hostUp(hostId, mine)) this.rechecks.freshWatch(c.id);
  }

  /** A host's engine went away: its container watches end until it is back. */
  hostEngineDown(hostId: HostId): void {
    this.containers.hostDown(hostId);
  }

  /** A push arrived for a token: false when no active push monitor has it (the endpoint answers 404). */
  push(token: string, input: PushInput = {}): boolean {
    if (!this.running) return false;
    const found = findPushMonitor(this.opts.monitors.values(), token);
    if (!found) return false;
    const now = this.now();
    this.onResult(found.id, this.pushes.received(found, input, now), now);
    return true;
  }

  // ── History ───────────────────────────────────────────────────────────────────────────────

  latencySeries(id: MonitorId, fromMs: number, toMs: number, maxPoints: number): LatencyPoint[] {
    return this.log.latencySeries(id, fromMs, toMs, maxPoints);
  }

  statusBars(id: MonitorId, buckets: number, bucketMs: number): StatusBar[] {
    return this.log.statusBars(id, buckets, bucketMs);
  }

  incidents(id: MonitorId | null, limit: number, kind?: 'observed' | 'confirmed'): Incident[] {
    return this.log.incidents(id, limit, kind);
  }

  /** Deletes history that has aged out (call it on a timer). */
  pruneHistory(): PruneResult {
    return this.log.prune();
  }

  // ── Internals ─────────────────────────────────────────────────────────────────────────────

  private policySettings(c: MonitorConfig): MonitorPolicySettings {
    const hostId = c.type === 'container' || c.type === 'ssh-command' ? c.hostId : null;
    const { mutedUntil, maintenance } = this.opts.alertSettingsOf(c.id);
    return {
      id: c.id,
      name: c.name,
      hostId,
      intervalMs: c.intervalSec * 1000 * this.scale,
      timeoutMs: c.timeoutSec * 1000,
      retries: c.retries,
      retryIntervalMs: c.retryIntervalSec * 1000 * this.scale,
      paused: c.paused,
      mutedUntil,
      maintenance,
      // Event-driven and push monitors report only on change.
      ...(c.type === 'container' || c.type === 'push' ? { stallAfterMs: null } : {}),
    };
  }

  private activate(c: MonitorConfig, restoring: boolean): void {
    const restored = restoring ? this.log.restoredState(c.id) : undefined;
    this.handle(this.policy.upsertMonitor(this.policySettings(c), restored));
    if (c.paused) return;
    if (isPolled(c)) {
      this.scheduler.upsert({ id: c.id, intervalMs: c.intervalSec * 1000 * this.scale, retryIntervalMs: c.retryIntervalSec * 1000 * this.scale, timeoutMs: c.timeoutSec * 1000 });
      const s = this.policy.status(c.id);
      if (s) this.scheduler.setFast(c.id, s.fastRecheck);
    } else if (c.type === 'container') {
      if (this.containers.watch(c)) this.rechecks.freshWatch(c.id);
    } else if (c.type === 'push') {
      this.pushes.open(c);
    }
  }

  private deactivate(id: MonitorId, dropWatch: boolean): void {
    this.scheduler.remove(id);
    this.rechecks.cancel(id);
    this.pushes.close(id, dropWatch);
    if (dropWatch) this.containers.unwatch(id);
  }

  private runPolled(id: MonitorId, signal: AbortSignal): Promise<CheckOutcome> {
    const c = this.opts.monitors.get(id);
    if (!c || !isPolled(c)) return Promise.resolve({ status: 'down', latencyMs: null, message: 'The monitor was removed' });
    const hostExec = this.opts.hostExec;
    const exec = c.type === 'ssh-command' && hostExec ? (cmd: string, s: AbortSignal) => hostExec(c.hostId, cmd, s) : undefined;
    return runCheck(c, { signal, env: this.env, ...(exec ? { exec } : {}) });
  }

  private onResult(id: MonitorId, raw: CheckResult, startedAt: number): void {
    const c = this.opts.monitors.get(id);
    if (!c || this.stopped) return;
    const r = c.upsideDown ? flip(raw) : raw;
    this.figures.setLast(id, { time: startedAt, status: r.status, latencyMs: r.latencyMs, message: r.message, ...(r.details ? { details: r.details } : {}) });
    const hostId = c.type === 'container' || c.type === 'ssh-command' ? c.hostId : null;
    this.handle(this.policy.result({ monitorId: id, hostId, time: startedAt, status: r.status, message: r.message }));
    const beat = this.log.record(id, startedAt, r, this.policy.status(id)?.state);
    if (beat) this.figures.count(id, beat, r.latencyMs);
    if (r.status === 'down') void this.network.check();
    if (!this.stopped) this.rechecks.schedule(c);
    this.opts.changed(id);
  }

  private onPolicyState(s: MonitorPolicyStatus): void {
    this.scheduler.setFast(s.monitorId, s.fastRecheck);
    this.log.policyState(s);
    this.opts.changed(s.monitorId);
  }

  /** Hands the policy's alerts to the recent list, the listeners and the channels, and re-arms the wake timer. */
  private handle(alerts: Alert[]): void {
    this.outlet.send(alerts);
    this.rearm();
  }

  private rearm(): void {
    if (this.stopped || !this.started) return;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    const at = this.policy.nextWakeAt();
    if (at === null) return;
    this.wakeTimer = setTimeout(
      () => {
        this.wakeTimer = null;
        if (!this.stopped) this.handle(this.policy.tick(this.now()));
      },
      Math.max(0, Math.min(at - this.now(), 2 ** 31 - 1)),
    );
  }
}

function flip(r: CheckResult): CheckResult {
  return r.status === 'up'
    ? { ...r, status: 'down', message: `Reachable, and this monitor is upside down: ${r.message}` }
    : { ...r, status: 'up', message: `Not reachable, as expected (upside down): ${r.message}` };
}
