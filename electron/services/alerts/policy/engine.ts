/**
 * The alert policy: turns check results and environment signals into monitor states and a few
 * well-grouped alerts. Deterministic and timer-free — the owner calls `tick()` at `nextWakeAt()`.
 *
 * The model: each monitor has a `confirmed` state (from trusted evidence, after retries and
 * recovery confirmation) and a `notified` state (what the user was last told). A change of
 * `confirmed` marks the monitor dirty and opens (or extends) a coalescing batch; when the batch
 * closes, every dirty monitor is reconciled — compared with what the user was told — and the
 * differences go out as at most one alert per category (down, up, still down, stalled, …). What
 * the user must not hear about (paused, maintenance, muted, flapping, covered by a host alert,
 * while this computer cannot be trusted) is decided at that moment, in one place.
 */
import { inMaintenance, nextMaintenanceBoundary } from './maintenance';
import { formatDuration, renderMonitors, renderWithHosts, SEVERITY, type MonitorCategory } from './render';
import {
  DEFAULT_POLICY_OPTIONS,
  type Alert,
  type AlertEntry,
  type AlertHost,
  type CheckResult,
  type FlapSettings,
  type HostPolicyStatus,
  type MonitorPolicySettings,
  type MonitorPolicyStatus,
  type MonitorState,
  type PolicyOptions,
  type RestoredMonitorState,
} from './types';

export interface Clock {
  now(): number;
}

export interface AlertPolicyConfig {
  clock: Clock;
  options?: Partial<Omit<PolicyOptions, 'monitorDefaults'>> & { monitorDefaults?: Partial<PolicyOptions['monitorDefaults']> };
  /** Called synchronously whenever a monitor's shown state (or its status details) changes. */
  onStateChange?: (status: MonitorPolicyStatus) => void;
}

type Notified = 'up' | 'down' | 'covered' | 'flapping' | null;

interface Batch {
  openedAt: number;
  lastAt: number;
  /** Monitors and hosts (by id) that joined this batch with something new. */
  members: Set<MonitorRec | string>;
}
type Awaiting = 'new' | 'hold' | 'host' | null;

interface MonitorRec {
  s: MonitorPolicySettings;
  hostId: string | null;
  confirmed: 'up' | 'down' | null;
  notified: Notified;
  failStreak: number;
  upStreak: number;
  failingSince: number | null;
  downSince: number | null;
  lastMessage: string;
  lastResultAt: number | null;
  /** Stall deadline base: the last result, or when checking (re)started. */
  stallBase: number;
  /** No trusted result since the evidence was reset (new, after a hold, after a host came back). */
  awaiting: Awaiting;
  /** Down results of checks started before this are not evidence. */
  trustedSince: number;
  /** Trusted down checks since the user was last told it is down. */
  downChecks: number;
  reminder: 'renotify' | 'unmuted' | null;
  stalled: boolean;
  stallNotified: boolean;
  flapTimes: number[];
  flapping: boolean;
  flapNoticeDue: boolean;
  lastTransitionAt: number;
  /** What the user had been told before a host alert covered the monitor. */
  beforeCover: Notified;
  wasPaused: boolean;
  wasMaint: boolean;
  wasMuted: boolean;
  dirty: boolean;
  /** Last published status, as JSON, for change detection. */
  published: string;
}

interface HostRec {
  name: string;
  /** Disconnected by the user: its monitors are unknown, but it is not an outage to tell. */
  deliberate: boolean;
  reachable: boolean;
  since: number;
  confirmedDown: boolean;
  notifiedDown: boolean;
  /** The monitors the host alert covered, for the host-back alert. */
  coveredIds: string[];
  event: 'down' | 'up' | null;
  trustedSince: number;
}

export class AlertPolicy {
  private readonly clock: Clock;
  private readonly opts: PolicyOptions;
  private readonly onStateChange: ((s: MonitorPolicyStatus) => void) | undefined;
  private readonly monitors = new Map<string, MonitorRec>();
  private readonly hosts = new Map<string, HostRec>();
  /**
   * The open coalescing batch. Only a new member joining it (a monitor with a change to tell, a
   * host event) extends its quiet window, and its cap counts from the first member: results of
   * monitors already in it are not news. A batch with no member is a second look at monitors
   * left dirty (waiting for a fresh check), and holds nothing back.
   */
  private batch: Batch | null = null;
  /**
   * Monitors that had no trusted check when a hold ended (this computer back online, or awake),
   * until their fresh checks give a verdict. They were all failing for the same reason, and what
   * is still wrong afterwards is one outage: the first batch waits for them (up to its cap)
   * instead of telling the first few and then the rest.
   */
  private readonly inQuestion = new Set<MonitorRec>();
  private wasHeld = false;
  private resumeUntil = -Infinity;
  private networkDown = false;
  /** Down results of checks started before this are not evidence (end of the last hold). */
  private trustedSince = -Infinity;
  private globalMutedUntil: number | null = null;
  /**
   * A lower bound on the next time-based event (stall, end of mute, maintenance or flapping, host
   * confirmation, end of the resume hold): the per-monitor scan runs only when it is reached, so a
   * check result costs O(1), not O(monitors). -Infinity: unknown, scan on the next call.
   */
  private scanAt = -Infinity;
  private touchedAll = true;
  private readonly touched = new Set<MonitorRec>();
  private seq = 0;

  constructor(config: AlertPolicyConfig) {
    this.clock = config.clock;
    const o = config.options ?? {};
    this.opts = {
      ...DEFAULT_POLICY_OPTIONS,
      ...o,
      monitorDefaults: {
        ...DEFAULT_POLICY_OPTIONS.monitorDefaults,
        ...o.monitorDefaults,
        flap: { ...DEFAULT_POLICY_OPTIONS.monitorDefaults.flap, ...o.monitorDefaults?.flap },
      },
    };
    this.onStateChange = config.onStateChange;
  }

  // ── inputs ──────────────────────────────────────────────────────────────────────────────────

  /** Adds a monitor or changes its settings. `restored`: the state persisted before a restart, so a known outage is not announced again. */
  upsertMonitor(settings: MonitorPolicySettings, restored?: RestoredMonitorState): Alert[] {
    return this.run((now) => {
      const existing = this.monitors.get(settings.id);
      if (existing) {
        existing.s = settings;
        if (settings.hostId !== undefined) existing.hostId = settings.hostId;
        this.refreshModes(existing, now);
        this.touched.add(existing);
        this.scanAt = Math.min(this.scanAt, this.monitorNext(existing, now, this.held(now)));
        return;
      }
      const m: MonitorRec = {
        s: settings,
        hostId: settings.hostId ?? null,
        confirmed: restored?.status ?? null,
        notified: restored?.status ?? null,
        failStreak: 0,
        upStreak: 0,
        failingSince: null,
        downSince: restored?.status === 'down' ? (restored.since ?? now) : null,
        lastMessage: '',
        lastResultAt: null,
        stallBase: now,
        awaiting: 'new',
        trustedSince: -Infinity,
        downChecks: 0,
        reminder: null,
        stalled: false,
        stallNotified: false,
        flapTimes: [],
        flapping: false,
        flapNoticeDue: false,
        lastTransitionAt: -Infinity,
        beforeCover: null,
        wasPaused: settings.paused ?? false,
        wasMaint: false,
        wasMuted: false,
        dirty: false,
        published: '',
      };
      m.wasMaint = !m.wasPaused && inMaintenance(settings.maintenance, now);
      m.wasMuted = this.isMuted(m, now);
      this.monitors.set(settings.id, m);
      this.touched.add(m);
      this.scanAt = Math.min(this.scanAt, this.monitorNext(m, now, this.held(now)));
    });
  }

  removeMonitor(id: string): Alert[] {
    return this.run(() => {
      const m = this.monitors.get(id);
      if (m) this.inQuestion.delete(m);
      this.monitors.delete(id);
    });
  }

  /** Names a host for host alerts ("nas: host unreachable"); the id is used until then. */
  upsertHost(hostId: string, name: string): void {
    this.host(hostId).name = name;
  }

  removeHost(hostId: string): void {
    this.hosts.delete(hostId);
  }

  /** Mutes every notification until `until` (null: unmute now). The tray's "mute 1/4/8 h". */
  setGlobalMute(until: number | null): Alert[] {
    return this.run(() => {
      this.scanAt = -Infinity;
      this.globalMutedUntil = until;
    });
  }

  result(r: CheckResult): Alert[] {
    return this.run((now) => {
      const m = this.monitors.get(r.monitorId);
      if (!m) return;
      this.touched.add(m);
      if (m.s.hostId === undefined && r.hostId !== null) m.hostId = r.hostId;
      m.lastResultAt = Math.max(m.lastResultAt ?? -Infinity, r.time);
      // Arriving is what proves the monitor is being checked (a slow check started long ago still counts).
      m.stallBase = Math.max(m.stallBase, now);
      m.lastMessage = r.message;
      if (m.stalled) {
        m.stalled = false;
        if (m.stallNotified) this.markDirty(m, now);
      }
      if (m.wasPaused || m.wasMaint) return; // results during pause or maintenance are not evidence
      if (r.status === 'up') this.evidenceUp(m, r, now);
      else if (this.trusted(m, r, now)) this.evidenceDown(m, r, now);
      else {
        // A failure seen while this computer (or its link to the host) cannot be trusted, or from
        // a check that started before it could: not evidence, and the monitor is shown as
        // unknown (or pending) until a trusted check.
        if (this.held(now) || r.time < this.trustedSince) m.awaiting = 'hold';
        else if (r.time < m.trustedSince) m.awaiting = 'new';
        else m.awaiting = 'host';
      }
      // Something held back for want of a fresh check (a reminder after a wake) is looked at again;
      // a result of a monitor already in the batch is not news and does not keep the batch open.
      if (m.dirty) this.relook(now);
      // A result moves only this monitor's stall and flapping deadlines (mute and maintenance are already counted).
      this.scanAt = Math.min(this.scanAt, this.monitorNext(m, now, this.held(now), false));
    });
  }

  /** The computer woke from sleep at `at`. */
  systemResumed(at: number): Alert[] {
    // The hold starts before anything that fell due while asleep is looked at: a batch opened
    // just before the lid closed, stalls and host timeouts are judged after the wake, not by it.
    return this.run(
      () => {
        this.scanAt = -Infinity;
        this.resumeUntil = Math.max(this.resumeUntil, at + this.opts.resumeHoldMs);
        this.trustedSince = Math.max(this.trustedSince, this.resumeUntil);
        this.beginHold(at);
      },
      undefined,
      false,
    );
  }

  /** The owner's reference targets say whether this computer's own network works. */
  localNetwork(ok: boolean, at: number): Alert[] {
    return this.run(() => {
      this.scanAt = -Infinity;
      if (!ok && !this.networkDown) {
        this.networkDown = true;
        this.beginHold(at);
      } else if (ok && this.networkDown) {
        this.networkDown = false;
        // Only checks started from now on count: re-evaluate with fresh checks before alerting.
        this.trustedSince = Math.max(this.trustedSince, at);
        // Stalls are not judged during a hold; their clock starts again now.
        for (const m of this.monitors.values()) m.stallBase = Math.max(m.stallBase, at);
      }
    });
  }

  /** The host's SSH connection state (`deliberate`: the user disconnected it; never announced as an outage). */
  hostReachability(hostId: string, ok: boolean, at: number, deliberate = false): Alert[] {
    return this.run((now) => {
      this.scanAt = -Infinity;
      const h = this.host(hostId);
      if (!ok) {
        // Asked to connect again after a disconnect, and failing: the time to confirm starts now.
        if (!h.reachable && h.deliberate && !deliberate) h.since = at;
        h.deliberate = deliberate;
        if (!h.reachable) return;
        h.reachable = false;
        h.since = at;
        if (h.event === 'up') {
          // Lost again before "reachable again" went out: for the user, the outage never ended.
          h.event = null;
          h.confirmedDown = true;
        }
        // What the monitors that depend on the host showed is no longer known: they are unknown
        // (never "up") until a check after the host is back says otherwise, and a failure they
        // saw as the link went is not theirs.
        for (const m of this.monitors.values()) {
          if (m.hostId !== hostId || m.wasPaused || m.wasMaint) continue;
          this.touched.add(m);
          this.revertUnnotifiedDown(m);
          this.resetEvidence(m, 'host');
          m.lastMessage = `Cannot reach ${h.name}: the state is unknown until the host is back.`;
        }
        return;
      }
      if (h.reachable) return;
      h.reachable = true;
      h.since = at;
      h.trustedSince = at;
      if (h.confirmedDown) {
        h.confirmedDown = false;
        // An outage that was never announced ends silently.
        h.event = h.notifiedDown ? 'up' : null;
        if (h.event) this.touchBatch(now, `host-up:${hostId}`);
      } else {
        h.event = null;
      }
      for (const m of this.monitors.values()) {
        if (m.hostId !== hostId) continue;
        this.revertUnnotifiedDown(m);
        if (m.notified === 'covered') {
          m.confirmed = null; // decided afresh by the next checks
          // Down before the host went away: not told again if still down, told when it is up.
          if (m.beforeCover === 'down') m.notified = 'down';
        }
        // Failures seen while the link was down are dropped; a monitor that stayed up keeps its state.
        if (m.failStreak > 0 || m.confirmed !== 'up') this.resetEvidence(m, 'host');
        if (m.dirty) this.relook(now);
      }
    });
  }

  /** Processes everything due by `now`: closing batches, stalls, host confirmation, ends of mutes, maintenance and flapping. */
  tick(now?: number): Alert[] {
    return this.run(() => {}, now);
  }

  // ── outputs ─────────────────────────────────────────────────────────────────────────────────

  /** When the owner must call `tick()` next (null: only on the next input). */
  nextWakeAt(): number | null {
    const now = this.clock.now();
    if (this.scanAt === -Infinity) this.scanAt = this.nextTimedEvent(now);
    let best = this.scanAt;
    if (this.batch) {
      const held = this.held(now);
      const due = held ? (this.networkDown ? Infinity : this.resumeUntil) : this.batchDue(this.batch);
      best = Math.min(best, due);
    }
    return best === Infinity ? null : Math.max(best, now);
  }

  status(monitorId: string): MonitorPolicyStatus | undefined {
    const m = this.monitors.get(monitorId);
    return m ? this.statusOf(m, this.clock.now()) : undefined;
  }

  statuses(): MonitorPolicyStatus[] {
    const now = this.clock.now();
    return [...this.monitors.values()].map((m) => this.statusOf(m, now));
  }

  hostStatuses(): HostPolicyStatus[] {
    return [...this.hosts.entries()].map(([hostId, h]) => ({ hostId, name: h.name, reachable: h.reachable, confirmedDown: h.confirmedDown, since: h.since }));
  }

  /** True while alerts are held because this computer just woke or has no network. */
  isHolding(): boolean {
    return this.held(this.clock.now());
  }

  // ── evidence ────────────────────────────────────────────────────────────────────────────────

  private trusted(m: MonitorRec, r: CheckResult, now: number): boolean {
    if (this.held(now)) return false;
    if (r.time < this.trustedSince || r.time < m.trustedSince) return false;
    const h = this.hostOf(m);
    // A failure while the host cannot be reached says nothing about the monitor itself.
    return !h || (h.reachable && r.time >= h.trustedSince);
  }

  private evidenceUp(m: MonitorRec, r: CheckResult, now: number): void {
    this.inQuestion.delete(m);
    m.awaiting = null;
    m.failStreak = 0;
    m.failingSince = null;
    m.upStreak++;
    if (m.confirmed === null) {
      m.confirmed = 'up';
      // First confirmation, or the first check after a host came back: nothing to announce.
      if (m.notified === null || m.notified === 'covered') m.notified = 'up';
      else this.markDirty(m, now);
    } else if (m.confirmed === 'down' && m.upStreak >= this.cfg(m).recoveryConfirmations) {
      this.transition(m, 'up', r.time, now);
    }
  }

  private evidenceDown(m: MonitorRec, r: CheckResult, now: number): void {
    m.awaiting = null;
    m.upStreak = 0;
    m.failStreak++;
    m.failingSince ??= r.time;
    if (m.confirmed !== 'down') {
      if (m.failStreak >= this.cfg(m).retries + 1) {
        // Still the outage the user was told about (before a host alert covered it): it keeps its start.
        m.downSince = m.notified === 'down' && m.downSince !== null ? m.downSince : m.failingSince;
        this.inQuestion.delete(m);
        this.transition(m, 'down', r.time, now);
      }
      return;
    }
    this.inQuestion.delete(m);
    if (m.notified !== 'down') return;
    m.downChecks++;
    const every = this.cfg(m).renotifyEvery;
    if (every > 0 && m.downChecks >= every) {
      m.downChecks = 0;
      m.reminder = 'renotify';
      this.markDirty(m, now);
    }
  }

  private transition(m: MonitorRec, to: 'up' | 'down', at: number, now: number): void {
    const from = m.confirmed;
    m.confirmed = to;
    if (to === 'down') m.downChecks = 0;
    if (from !== null) {
      const flap = this.flap(m);
      m.lastTransitionAt = at;
      m.flapTimes.push(at);
      while (m.flapTimes.length && m.flapTimes[0]! < at - flap.windowMs) m.flapTimes.shift();
      if (!m.flapping && m.flapTimes.length > flap.changes) {
        m.flapping = true;
        m.flapNoticeDue = true;
      }
    }
    this.markDirty(m, now);
  }

  /** A down that was confirmed but not yet told is withdrawn (it may have been caused by what starts the hold). */
  private revertUnnotifiedDown(m: MonitorRec): void {
    if (m.confirmed === 'down' && (m.notified === 'up' || m.notified === null)) {
      m.confirmed = m.notified;
      m.downSince = null;
    }
  }

  private resetEvidence(m: MonitorRec, why: Awaiting): void {
    m.failStreak = 0;
    m.upStreak = 0;
    m.failingSince = null;
    m.awaiting = why;
  }

  private beginHold(at: number): void {
    this.inQuestion.clear();
    // What the monitors in the open batch had to tell is withdrawn or waits for a fresh check
    // (below); they are no longer news that holds the batch open.
    for (const x of this.batch?.members ?? []) if (typeof x !== 'string') this.batch!.members.delete(x);
    for (const m of this.monitors.values()) {
      if (m.wasPaused) continue;
      this.revertUnnotifiedDown(m);
      if (!m.wasMaint) this.resetEvidence(m, 'hold');
      // Time asleep is not a stall (netdata#1296: CRITICALs for data "last collected 66944 s ago").
      m.stallBase = Math.max(m.stallBase, at);
      if (m.stalled && !m.stallNotified) m.stalled = false;
    }
  }

  // ── time ────────────────────────────────────────────────────────────────────────────────────

  private run(apply: (now: number) => void, nowArg?: number, advanceFirst = true): Alert[] {
    const now = nowArg ?? this.clock.now();
    const out: Alert[] = [];
    if (advanceFirst) this.advance(now, out);
    apply(now);
    // Again, so that what the input changed (a mute set, a window edited) is seen at once.
    this.advance(now, out);
    this.publish(now);
    return out;
  }

  private advance(now: number, out: Alert[]): void {
    if (now >= this.scanAt) this.scan(now);
    const held = this.held(now);
    if (this.wasHeld && !held) this.holdEnded();
    this.wasHeld = held;
    this.flushIfDue(now, out);
  }

  /** Every monitor still without a trusted check is in question until its fresh checks decide. */
  private holdEnded(): void {
    for (const m of this.monitors.values()) if (m.awaiting === 'hold' && !m.wasPaused && !m.wasMaint) this.inQuestion.add(m);
  }

  private scan(now: number): void {
    this.touchedAll = true;
    const held = this.held(now);
    for (const m of this.monitors.values()) {
      this.refreshModes(m, now);
      if (m.flapping && now >= m.lastTransitionAt + this.flap(m).stableMs) {
        m.flapping = false;
        m.flapTimes = [];
        this.markDirty(m, now);
      }
      const stallAfter = this.stallAfter(m);
      if (stallAfter !== null && !m.stalled && !m.wasPaused && !m.wasMaint && !held && now >= m.stallBase + stallAfter) {
        m.stalled = true;
        this.markDirty(m, now);
      }
    }
    if (!held) {
      for (const [hostId, h] of this.hosts) {
        if (!h.reachable && !h.deliberate && !h.confirmedDown && now >= this.hostDeadline(h)) {
          h.confirmedDown = true;
          h.event = 'down';
          this.touchBatch(now, `host-down:${hostId}`);
        }
      }
    }
    this.scanAt = this.nextTimedEvent(now);
  }

  private nextTimedEvent(now: number): number {
    const held = this.held(now);
    let best = Infinity;
    if (this.resumeUntil > now) best = this.resumeUntil;
    if (!held) {
      for (const h of this.hosts.values()) if (!h.reachable && !h.deliberate && !h.confirmedDown) best = Math.min(best, this.hostDeadline(h));
    }
    if (this.globalMutedUntil !== null && this.globalMutedUntil > now) best = Math.min(best, this.globalMutedUntil);
    for (const m of this.monitors.values()) best = Math.min(best, this.monitorNext(m, now, held));
    return best;
  }

  private monitorNext(m: MonitorRec, now: number, held: boolean, calendar = true): number {
    let best = Infinity;
    if (calendar && m.s.mutedUntil && m.s.mutedUntil > now) best = m.s.mutedUntil;
    if (calendar && m.s.maintenance?.length) best = Math.min(best, nextMaintenanceBoundary(m.s.maintenance, now) ?? Infinity);
    if (m.flapping) best = Math.min(best, m.lastTransitionAt + this.flap(m).stableMs);
    const stallAfter = this.stallAfter(m);
    if (stallAfter !== null && !m.stalled && !m.wasPaused && !m.wasMaint && !held) best = Math.min(best, m.stallBase + stallAfter);
    return best;
  }

  private refreshModes(m: MonitorRec, now: number): void {
    const paused = m.s.paused ?? false;
    const maint = !paused && inMaintenance(m.s.maintenance, now);
    const muted = this.isMuted(m, now);
    if (paused && !m.wasPaused) {
      this.inQuestion.delete(m);
      this.revertUnnotifiedDown(m);
      m.dirty = false;
      m.stalled = false;
      m.stallNotified = false;
    } else if (!paused && m.wasPaused) {
      this.resetEvidence(m, 'new');
      m.trustedSince = now;
      m.stallBase = Math.max(m.stallBase, now);
    }
    if (maint && !m.wasMaint) {
      // Maintenance: results are ignored and nothing is told; what was not yet told is dropped.
      this.revertUnnotifiedDown(m);
      m.reminder = null;
      m.stalled = false;
      m.stallNotified = false;
    } else if (!maint && m.wasMaint && !paused) {
      this.resetEvidence(m, 'new');
      m.trustedSince = now;
      m.stallBase = Math.max(m.stallBase, now);
    }
    const unmuted = m.wasMuted && !muted;
    m.wasPaused = paused;
    m.wasMaint = maint;
    m.wasMuted = muted;
    if (unmuted && !paused && !maint) {
      // A mute that ends while the monitor is down sends one reminder; a recovery the user has not heard of is told.
      if (m.confirmed === 'down') {
        m.reminder = 'unmuted';
        this.markDirty(m, now);
      } else if (m.confirmed === 'up' && m.notified === 'down') {
        this.markDirty(m, now);
      }
    }
  }

  private held(now: number): boolean {
    return this.networkDown || now < this.resumeUntil;
  }

  private hostDeadline(h: HostRec): number {
    return Math.max(h.since, this.trustedSince) + this.opts.hostConfirmMs;
  }

  private batchDue(b: Batch): number {
    const cap = b.openedAt + this.opts.coalesceMaxMs;
    // After a hold, what is wrong goes out together once the fresh checks have decided.
    if (b.members.size > 0 && this.inQuestion.size > 0) return cap;
    return Math.min(b.lastAt + this.opts.coalesceMs, cap);
  }

  /** A monitor has something to tell: it joins the batch. */
  private markDirty(m: MonitorRec, now: number): void {
    m.dirty = true;
    this.touchBatch(now, m);
  }

  /** A member joins: a new one opens the batch or extends its quiet window (up to the cap, counted from the first member). */
  private touchBatch(now: number, member: MonitorRec | string): void {
    if (!this.batch) this.batch = { openedAt: now, lastAt: now, members: new Set() };
    const b = this.batch;
    if (b.members.has(member)) return;
    if (b.members.size === 0) b.openedAt = now;
    b.members.add(member);
    b.lastAt = now;
  }

  /** Monitors already dirty want another look (a fresh check arrived): a batch is due, none is extended. */
  private relook(now: number): void {
    this.batch ??= { openedAt: now, lastAt: now, members: new Set() };
  }

  // ── reconciliation ──────────────────────────────────────────────────────────────────────────

  private flushIfDue(now: number, out: Alert[]): void {
    if (!this.batch || this.held(now) || now < this.batchDue(this.batch)) return;
    // One wait for the monitors in question per hold: what they decide later is a new batch.
    if (this.batch.members.size > 0) this.inQuestion.clear();
    this.batch = null;
    const cats: Record<MonitorCategory, AlertEntry[]> = { down: [], up: [], 'still-down': [], stalled: [], 'stall-cleared': [], flapping: [] };
    const hostDowns: Array<[string, AlertHost]> = [];
    const hostUps: Array<[string, AlertHost]> = [];
    const globalMuted = this.globalMutedUntil !== null && this.globalMutedUntil > now;

    for (const [hostId, h] of this.hosts) {
      const event = h.event;
      h.event = null;
      if (event === 'up') {
        hostUps.push([hostId, { hostId, name: h.name, affected: h.coveredIds.length }]);
        h.notifiedDown = false;
      } else if (event === 'down' && h.confirmedDown) {
        const mine = [...this.monitors.values()].filter((m) => m.hostId === hostId && !m.wasPaused && !m.wasMaint);
        if (globalMuted || (mine.length > 0 && mine.every((m) => m.wasMuted))) continue;
        for (const m of mine) this.cover(m);
        h.notifiedDown = true;
        h.coveredIds = mine.map((m) => m.s.id);
        hostDowns.push([hostId, { hostId, name: h.name, affected: mine.length }]);
      }
    }

    for (const m of this.monitors.values()) {
      if (m.dirty) this.reconcile(m, now, cats);
    }

    const covered = (hostId: string) => this.hosts.get(hostId)?.coveredIds ?? [];
    const downIds = [...hostDowns.flatMap(([id]) => covered(id)), ...cats.down.map((e) => e.monitorId)];
    const upIds = [...hostUps.flatMap(([id]) => covered(id)), ...cats.up.map((e) => e.monitorId)];
    if (hostDowns.length) out.push(this.hostAlert('down', hostDowns, cats.down, downIds, now));
    else if (cats.down.length) out.push(this.monitorAlert('down', cats.down, now));
    for (const c of ['still-down', 'stalled', 'flapping'] as const) if (cats[c].length) out.push(this.monitorAlert(c, cats[c], now));
    if (hostUps.length) out.push(this.hostAlert('up', hostUps, cats.up, upIds, now));
    else if (cats.up.length) out.push(this.monitorAlert('up', cats.up, now));
    if (cats['stall-cleared'].length) out.push(this.monitorAlert('stall-cleared', cats['stall-cleared'], now));
  }

  private cover(m: MonitorRec): void {
    if (m.notified !== 'covered') m.beforeCover = m.notified;
    m.notified = 'covered';
    m.dirty = false;
    m.reminder = null;
    m.flapNoticeDue = false;
  }

  private reconcile(m: MonitorRec, now: number, cats: Record<MonitorCategory, AlertEntry[]>): void {
    m.dirty = false;
    if (m.wasPaused || m.wasMaint) {
      m.reminder = null;
      m.flapNoticeDue = false;
      return;
    }
    const h = this.hostOf(m);
    if (h && !h.reachable && !h.confirmedDown) {
      m.dirty = true; // decided when the host is confirmed down or comes back
      return;
    }
    if (h?.confirmedDown && h.notifiedDown) {
      this.cover(m);
      return;
    }
    if (m.wasMuted) {
      m.reminder = null;
      m.flapNoticeDue = false;
      return;
    }
    const entry = (message: string): AlertEntry => ({ monitorId: m.s.id, name: m.s.name, hostId: m.hostId, message });
    if (m.awaiting === 'hold' || m.awaiting === 'host') {
      // No trusted check since this computer (or the host link) came back: what its state would
      // say (a reminder, the end of flapping) waits for one; only a stall can be told meanwhile.
      m.dirty = true;
    } else if (m.flapNoticeDue) {
      m.flapNoticeDue = false;
      m.notified = 'flapping';
      m.reminder = null;
      const f = this.flap(m);
      cats.flapping.push(entry(`Changed state ${m.flapTimes.length} times in ${formatDuration(f.windowMs)}; its alerts are paused until it has been stable for ${formatDuration(f.stableMs)}.`));
    } else if (!m.flapping) {
      const wasFlapping = m.notified === 'flapping';
      const downFor = m.downSince !== null ? formatDuration(now - m.downSince) : null;
      if (m.confirmed === 'down' && (m.notified !== 'down' || m.reminder)) {
        if (m.reminder === 'unmuted') cats['still-down'].push(entry(`Mute ended; down${downFor ? ` for ${downFor}` : ''}: ${m.lastMessage}`));
        else if (m.reminder === 'renotify' && m.notified === 'down') cats['still-down'].push(entry(`Down${downFor ? ` for ${downFor}` : ''}: ${m.lastMessage}`));
        else cats.down.push(entry(wasFlapping ? `Stable again after flapping, and down: ${m.lastMessage}` : m.lastMessage));
        m.notified = 'down';
        m.reminder = null;
        m.downChecks = 0;
      } else if (m.confirmed === 'up' && (m.notified === 'down' || wasFlapping)) {
        cats.up.push(entry(wasFlapping ? 'Stable again after flapping, and up.' : downFor ? `Back after ${downFor}.` : 'Back up.'));
        m.notified = 'up';
        m.downSince = null;
      } else if (m.confirmed === 'up' && (m.notified === null || m.notified === 'covered')) {
        m.notified = 'up';
      }
      m.reminder = null;
    }
    if (m.stalled && !m.stallNotified) {
      m.stallNotified = true;
      const since = m.lastResultAt ?? m.stallBase;
      cats.stalled.push(entry(`No result for ${formatDuration(now - since)} (one is expected every ${formatDuration(m.s.intervalMs)}); Homeport cannot tell whether it is up.`));
    } else if (!m.stalled && m.stallNotified) {
      m.stallNotified = false;
      cats['stall-cleared'].push(entry('Results are arriving again.'));
    }
  }

  private monitorAlert(category: MonitorCategory, entries: AlertEntry[], now: number): Alert {
    const r = renderMonitors(category, entries, this.opts.listNames);
    return { id: this.nextId(now), ...r, severity: SEVERITY[r.kind], monitorIds: entries.map((e) => e.monitorId), at: now, entries };
  }

  private hostAlert(side: 'down' | 'up', hosts: Array<[string, AlertHost]>, entries: AlertEntry[], monitorIds: string[], now: number): Alert {
    const r = renderWithHosts(side, hosts.map(([, h]) => h), entries, this.opts.listNames);
    const alert: Alert = { id: this.nextId(now), ...r, severity: SEVERITY[r.kind], monitorIds: [...new Set(monitorIds)], at: now, entries, hosts: hosts.map(([, h]) => h) };
    if (hosts.length === 1) alert.hostId = hosts[0]![0];
    return alert;
  }

  private nextId(now: number): string {
    return `${now.toString(36)}-${(this.seq++).toString(36)}`;
  }

  // ── state ───────────────────────────────────────────────────────────────────────────────────

  private statusOf(m: MonitorRec, now: number): MonitorPolicyStatus {
    let state: MonitorState;
    let unknownReason: MonitorPolicyStatus['unknownReason'] = null;
    const h = this.hostOf(m);
    if (m.wasPaused) state = 'paused';
    else if (m.wasMaint) state = 'maintenance';
    else if (m.stalled) [state, unknownReason] = ['unknown', 'stalled'];
    else if (m.awaiting === 'hold' || m.awaiting === 'host') {
      state = 'unknown';
      if (this.networkDown) unknownReason = 'local-network';
      else if (now < this.resumeUntil) unknownReason = 'resumed';
      else if (h && !h.reachable) unknownReason = 'host-unreachable';
      else unknownReason = 'awaiting-check';
    } else if (m.awaiting === 'new' || m.confirmed === null) state = 'pending';
    else if (m.confirmed === 'down') state = m.upStreak > 0 ? 'pending' : 'down';
    else state = m.failStreak > 0 ? 'pending' : 'up';
    return {
      monitorId: m.s.id,
      state,
      confirmed: m.confirmed,
      fastRecheck: !m.wasPaused && !m.wasMaint && ((m.confirmed !== 'down' && m.failStreak > 0) || (m.confirmed === 'down' && m.upStreak > 0)),
      flapping: m.flapping,
      stalled: m.stalled,
      muted: m.wasMuted,
      unknownReason,
      downSince: m.confirmed === 'down' ? m.downSince : null,
      lastResultAt: m.lastResultAt,
      message: m.lastMessage,
    };
  }

  private publish(now: number): void {
    const all = this.touchedAll;
    this.touchedAll = false;
    const some = [...this.touched];
    this.touched.clear();
    if (!this.onStateChange) return;
    for (const m of all ? this.monitors.values() : some) {
      const s = this.statusOf(m, now);
      const key = JSON.stringify(s);
      if (key !== m.published) {
        m.published = key;
        this.onStateChange(s);
      }
    }
  }

  // ── helpers ─────────────────────────────────────────────────────────────────────────────────

  private host(hostId: string): HostRec {
    let h = this.hosts.get(hostId);
    if (!h) {
      h = { name: hostId, deliberate: false, reachable: true, since: -Infinity, confirmedDown: false, notifiedDown: false, coveredIds: [], event: null, trustedSince: -Infinity };
      this.hosts.set(hostId, h);
    }
    return h;
  }

  private hostOf(m: MonitorRec): HostRec | undefined {
    return m.hostId === null ? undefined : this.hosts.get(m.hostId);
  }

  private isMuted(m: MonitorRec, now: number): boolean {
    return (m.s.mutedUntil != null && m.s.mutedUntil > now) || (this.globalMutedUntil !== null && this.globalMutedUntil > now);
  }

  private cfg(m: MonitorRec): PolicyOptions['monitorDefaults'] {
    const d = this.opts.monitorDefaults;
    return {
      retries: m.s.retries ?? d.retries,
      retryIntervalMs: m.s.retryIntervalMs ?? d.retryIntervalMs,
      recoveryConfirmations: Math.max(1, m.s.recoveryConfirmations ?? d.recoveryConfirmations),
      renotifyEvery: m.s.renotifyEvery ?? d.renotifyEvery,
      flap: this.flap(m),
    };
  }

  private flap(m: MonitorRec): FlapSettings {
    return { ...this.opts.monitorDefaults.flap, ...m.s.flap };
  }

  private stallAfter(m: MonitorRec): number | null {
    if (m.s.stallAfterMs === null) return null;
    if (m.s.stallAfterMs !== undefined) return m.s.stallAfterMs;
    const retryInterval = m.s.retryIntervalMs ?? this.opts.monitorDefaults.retryIntervalMs;
    return 3 * Math.max(m.s.intervalMs, retryInterval) + m.s.timeoutMs;
  }
}
