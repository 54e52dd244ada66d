/**
 * The monitors service: ties the scheduler, the checks, the history, the alert policy and the
 * channels together behind one class the RPC layer (and later the tray) can drive.
 *
 * Data flow: Scheduler (polled monitors) / ContainerWatch (container monitors) → one result →
 * AlertPolicy.result (state, retries, grouping) → history.record (the beat, with the state the
 * policy gave it) → alerts → Dispatcher (channels) + `onAlert` listeners. The policy's
 * `fastRecheck` switches the scheduler to the retry interval; one timer follows
 * `policy.nextWakeAt()`. Confirmed transitions (the policy's `confirmed` field changing) open and
 * close 'confirmed' incidents in the history, so an outage is recorded even while muted.
 *
 * Persistence (platform.store): `monitors` (configs without their secrets) and `monitorSecrets`
 * (each monitor's secrets, sealed with platform.secrets; a save seals again only the monitors it
 * changed), `alertChannels` (id, name, type, enabled in clear; the whole config sealed),
 * `alertRouting` (RoutingRules), `monitorMutes` (per-monitor mute deadlines). A stored monitor or
 * channel that cannot be read (not valid, or sealed with another key) is kept as it was, written
 * back with every save and listed by `unreadable()` until the user removes it or it reads again.
 * After a restart the policy is given each monitor's last confirmed state from the history (an open
 * confirmed incident → down), so a known outage is not announced again.
 *
 * What the UI is told (`onChange`): only the monitors that changed, at most twice a second, built
 * from memory — uptime and latency figures are counted as beats arrive (see `figuresOf`), never
 * recomputed from SQLite for every monitor at every check.
 *
 * Test-only knobs: `intervalScale` multiplies every interval and retry interval given to the
 * scheduler and the policy (validateMonitorConfig still enforces ≥ 20 s in the configs; a scale of
 * 0.01 makes that 200 ms), and `policyOptions` shortens the policy's coalescing window.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { HomeportError } from '../../../shared/model/errors';
import { ChannelId, MonitorId } from '../../../shared/model/ids';
import { ALERT_LIMITS } from '../../../shared/model/monitor-limits';
import {
  AlertPolicy,
  Dispatcher,
  describeTarget,
  maintenanceWindowProblem,
  muteUntil,
  validateChannelConfig,
  type Alert,
  type AlertPolicyConfig,
  type ChannelConfig,
  type DeliveryResult,
  type MaintenanceWindow,
  type MonitorPolicySettings,
  type MonitorPolicyStatus,
  type MutePreset,
  type RoutingRules,
  type SendOptions,
} from '../alerts';
import type { Platform } from '../platform/platform';
import { kindOf } from '../platform/settings-store';
import {
  ContainerEventHub,
  createCheckEnv,
  evaluatePush,
  PUSH_TOKEN,
  runCheck,
  validateMonitorConfig,
  type CheckEnv,
  type CheckResult,
  type ContainerWatch,
  type DockerLike,
  type MonitorConfig,
  type PolledMonitorConfig,
} from './checks';
import { MonitorHistory, type BeatStatus, type Incident, type LatencyPoint, type PruneResult, type StatusBar } from './history/monitor-history';
import { Scheduler, type CheckOutcome } from './runtime/scheduler';
import { exportMonitorsYaml, planMonitorsImport, summarizeImport } from './monitors-yaml';
import { assertMonitorSecretsStay, CHANNEL_SECRETS, channelWithKeptSecrets } from './secret-destinations';
import type { AlertSettingsInfo, MonitorConfigInput, MonitorImportResultInfo } from '../../../shared/model/monitors';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/**
 * How soon a container is looked at again to confirm what a new watch or a start event showed
 * (scaled like the intervals), instead of the retry interval.
 */
const CONTAINER_QUICK_LOOK_MS = 3_000;

export type HostExec = (hostId: string, command: string, signal: AbortSignal) => Promise<{ code: number | null; stdout: string; stderr: string }>;

export interface ReferenceTarget {
  host: string;
  port: number;
}

export interface MonitorsManagerOptions {
  platform: Platform;
  historyFile: string;
  now?: () => number;
  /** The single-attempt channel sender (default: the real notifiers). */
  dispatcherSend?: (alert: Alert, config: ChannelConfig, opts: SendOptions) => Promise<void>;
  /** Runs a command over a host's SSH connection (ssh-command monitors); without it they report down. */
  hostExec?: HostExec;
  /** The Docker engine of a host (dockerode satisfies DockerLike); null: not connected, container monitors wait. */
  dockerFor?: (hostId: string) => DockerLike | null;
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
  /** Called with the monitors that changed (and the ids of those removed), at most twice a second. */
  onChange?: (change: MonitorsChange) => void;
  /** This computer is back online (its reference targets answer again) or awake: connections waiting to retry may try now. */
  onNetworkBack?: () => void;
  /** How long `stop` waits for alerts being delivered (default STOP_DELIVERY_WAIT_MS). */
  stopDeliveryWaitMs?: number;
}

/**
 * How long stopping waits for alerts still being delivered: long enough for a slow webhook,
 * short enough to stop within the 10 s a supervisor usually allows before it kills.
 */
export const STOP_DELIVERY_WAIT_MS = 5000;

/** What changed since the last call: the monitors whose state or figures changed, and those removed. */
export interface MonitorsChange {
  changed: MonitorInfo[];
  removed: string[];
}

/** Beats counted in one window of a monitor's history: up, down, and the latencies. */
interface WindowCounts {
  up: number;
  down: number;
  latencyCount: number;
  latencySumMs: number;
}

/** A monitor's figures: 24 h, 30 d and 1 y, and when each was last read from the history. */
interface Figures {
  day: WindowCounts;
  month: WindowCounts;
  year: WindowCounts;
  dayAt: number;
  longAt: number;
}

/** Changes go out at most this often. */
const CHANGE_EVERY_MS = 500;
/** The slow round of `refreshFigures`: one step per tick; every 24 h window is read again within 10 minutes, the others within 6 h. */
const FIGURES_TICK_MS = 1000;
const DAY_FIGURES_EVERY_MS = 10 * 60_000;
const LONG_FIGURES_EVERY_MS = 6 * HOUR;

export interface LastResult {
  time: number;
  status: 'up' | 'down';
  latencyMs: number | null;
  message: string;
  details?: Record<string, string | number | boolean>;
}

/** Where a monitor came from: the user (null), or a container's `homeport.monitor.*` labels. */
export interface LabelSource {
  hostId: string;
  container: string;
}

/** A stored monitor or channel that cannot be read: kept in the file as it was, and reported. */
export interface UnreadableEntry {
  kind: 'monitor' | 'channel';
  /** Its id, or `#<position>` for an entry without one. */
  key: string;
  name: string;
  reason: string;
  fix: string;
  /** Its secrets cannot be opened (as opposed to an entry that is not valid). */
  sealedProblem: boolean;
}

/** What one container's labels declare: a monitor ready to add once the user approves, or why it is refused. */
export type LabelDeclaration = { id: string; hostId: string; container: string } & ({ input: MonitorConfigInput } | { error: string });

/** A push as the push endpoint received it (query `status`, `msg`, `ping`). */
export interface PushInput {
  status?: string | null;
  msg?: string | null;
  ping?: string | null;
}

export interface MonitorInfo {
  /** The config without its secrets (HTTP auth password/token, push token). */
  config: MonitorConfig;
  /** Set for monitors declared by container labels (kept in step with the container; not editable). */
  label: LabelSource | null;
  /** Names of the config's fields that hold a secret (left out of `config`). */
  secretFields: string[];
  status: MonitorPolicyStatus | null;
  last: LastResult | null;
  uptime: { day: number | null; month: number | null; year: number | null };
  /** The last check's latency. */
  latencyMs: number | null;
  /** Average latency over the last 24 h (null: none recorded). */
  avgLatencyMs24h: number | null;
}

/** A channel as the UI sees it: secret fields are named, never given. */
export interface ChannelInfo {
  id: string;
  name: string;
  type: ChannelConfig['type'];
  enabled: boolean;
  /** Where it delivers: a host name, never a URL or a token. */
  target: string;
  /** The channel's non-secret settings. */
  settings: Record<string, unknown>;
  /** Secret fields that are set (their values are kept sealed). */
  hasSecret: Record<string, boolean>;
}

const RECENT_ALERTS = ALERT_LIMITS.recentAlerts;

interface StoredMaintenance {
  global: MaintenanceWindow[];
  monitors: Record<string, MaintenanceWindow[]>;
}

/** An alert as kept in the recent list (what the UI shows). */
export interface StoredAlert {
  id: string;
  kind: string;
  title: string;
  body: string;
  monitorIds: string[];
  at: number;
  severity: Alert['severity'];
}

interface StoredChannel {
  id: string;
  name: string;
  type: string;
  enabled: boolean;
  /** base64 of the sealed JSON config. */
  sealed: string;
}

export function monitorSecretFields(c: MonitorConfig): string[] {
  if (c.type === 'http') {
    // Header values often carry credentials (Authorization, API keys): all are treated as secret.
    const headers = Object.keys(c.headers).map((h) => `headers.${h}`);
    return [...(c.auth.kind === 'basic' ? ['auth.password'] : c.auth.kind === 'bearer' ? ['auth.token'] : []), ...headers];
  }
  if (c.type === 'push') return ['token'];
  return [];
}

function redactMonitor(c: MonitorConfig): MonitorConfig {
  if (c.type === 'http') {
    const headers = Object.fromEntries(Object.keys(c.headers).map((h) => [h, '']));
    const auth = c.auth.kind === 'basic' ? { kind: 'basic' as const, user: c.auth.user, password: '' } : c.auth.kind === 'bearer' ? { kind: 'bearer' as const, token: '' } : c.auth;
    return { ...c, headers, auth };
  }
  if (c.type === 'push') return { ...c, token: '' };
  return c;
}

/** A config from an update form: secrets left empty keep their stored values. */
function keepMonitorSecrets(next: MonitorConfig, prev: MonitorConfig): MonitorConfig {
  if (next.type === 'http' && prev.type === 'http') {
    const headers = Object.fromEntries(Object.entries(next.headers).map(([h, v]) => [h, v === '' && prev.headers[h] !== undefined ? prev.headers[h]! : v]));
    next = { ...next, headers };
    if (next.auth.kind === 'basic' && prev.auth.kind === 'basic' && next.auth.password === '') return { ...next, auth: { ...next.auth, password: prev.auth.password } };
    if (next.auth.kind === 'bearer' && prev.auth.kind === 'bearer' && next.auth.token === '') return { ...next, auth: { ...next.auth, token: prev.auth.token } };
  }
  if (next.type === 'push' && prev.type === 'push' && next.token === '') return { ...next, token: prev.token };
  return next;
}

/** The values of a config's secret fields, by field path (auth.password, headers.X-Key, token). */
function secretValues(c: MonitorConfig): Record<string, string> {
  const out: Record<string, string> = {};
  if (c.type === 'http') {
    for (const [h, v] of Object.entries(c.headers)) out[`headers.${h}`] = v;
    if (c.auth.kind === 'basic') out['auth.password'] = c.auth.password;
    if (c.auth.kind === 'bearer') out['auth.token'] = c.auth.token;
  }
  if (c.type === 'push') out.token = c.token;
  return out;
}

/** Puts secret values back into a raw (redacted) config, before it is validated. */
function withSecretValues(raw: Record<string, unknown>, values: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...raw };
  for (const [path, v] of Object.entries(values)) {
    if (path === 'token') out.token = v;
    else if (path.startsWith('headers.') && typeof out.headers === 'object' && out.headers !== null) out.headers = { ...(out.headers as object), [path.slice(8)]: v };
    else if ((path === 'auth.password' || path === 'auth.token') && typeof out.auth === 'object' && out.auth !== null) out.auth = { ...(out.auth as object), [path.slice(5)]: v };
  }
  return out;
}

/** A form's raw config before validation: secrets left empty (or out) take the stored values. */
function fillBlankSecrets(input: Record<string, unknown>, prev: MonitorConfig): Record<string, unknown> {
  if (input.type !== prev.type) return input;
  const out: Record<string, unknown> = { ...input };
  if (prev.type === 'push' && (out.token === undefined || out.token === '')) out.token = prev.token;
  if (prev.type === 'http') {
    if (typeof out.headers === 'object' && out.headers !== null) {
      out.headers = Object.fromEntries(Object.entries(out.headers as Record<string, unknown>).map(([h, v]) => [h, v === '' && prev.headers[h] !== undefined ? prev.headers[h] : v]));
    }
    const a = out.auth as { kind?: string; password?: string; token?: string } | undefined;
    if (a && a.kind === 'basic' && prev.auth.kind === 'basic' && (a.password === undefined || a.password === '')) out.auth = { ...a, password: prev.auth.password };
    if (a && a.kind === 'bearer' && prev.auth.kind === 'bearer' && (a.token === undefined || a.token === '')) out.auth = { ...a, token: prev.auth.token };
  }
  return out;
}

/** A push token: 32 random bytes, URL-safe (43 characters). */
export function newPushToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What a push's `msg` may show: one line, no control characters, at most 200 characters. */
function pushMessage(msg: string | null | undefined, fallback: string): string {
  const m = (msg ?? '').replace(/\p{Cc}/gu, ' ').trim();
  return m ? (m.length > 200 ? `${m.slice(0, 200)}…` : m) : fallback;
}

function notFound(what: string): HomeportError {
  return new HomeportError({ code: 'NOT_FOUND', message: `There is no such ${what}.`, fix: 'Reload the list.' });
}

const isPolled = (c: MonitorConfig): c is PolledMonitorConfig => c.type !== 'container' && c.type !== 'push';

export class MonitorsManager {
  private readonly platform: Platform;
  private readonly now: () => number;
  private readonly scale: number;
  private readonly history: MonitorHistory;
  private readonly policy: AlertPolicy;
  private readonly dispatcher: Dispatcher;
  private readonly scheduler: Scheduler;
  private readonly env: CheckEnv;
  private readonly opts: MonitorsManagerOptions;
  private monitors = new Map<string, MonitorConfig>();
  private channels = new Map<string, ChannelConfig>();
  private routing: RoutingRules;
  private mutes: Record<string, number>;
  private globalMute: number | null;
  private maintenance: StoredMaintenance;
  private recent: StoredAlert[];
  private readonly last = new Map<string, LastResult>();
  private readonly confirmed = new Map<string, 'up' | 'down' | null>();
  private readonly hubs = new Map<string, ContainerEventHub>();
  /** The engine each hub follows: a new connection brings a new one, and the watches start again on it. */
  private readonly hubDockers = new Map<string, DockerLike>();
  /** Container monitors whose watch started and whose state is not decided yet (see scheduleEventRecheck). */
  private readonly freshWatch = new Set<string>();
  private readonly watches = new Map<string, { hostId: string; watch: ContainerWatch | null; cancelled: boolean }>();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly alertListeners = new Set<(alert: Alert) => void>();
  /**
   * Stored monitors and channels that cannot be read (an invalid entry, secrets sealed with another
   * key): kept as they were and written back with every save, until the user removes them or they
   * can be read again (`retryUnreadable`). By id, or `#<position>` for an entry without one.
   */
  private readonly kept = { monitors: new Map<string, { raw: unknown; sealed: string | undefined; entry: UnreadableEntry }>(), channels: new Map<string, { raw: unknown; entry: UnreadableEntry }>() };
  /** Each monitor's sealed secrets as stored, so a save seals again only the monitors that changed. */
  private readonly sealedOf = new Map<string, string>();
  private readonly redactedOf = new WeakMap<MonitorConfig, MonitorConfig>();
  /** Monitors declared by container labels that the user added (persisted as `monitorLabels`). */
  private labels: Record<string, LabelSource>;
  /** What each connected host's containers declare with labels (suggestions until added). */
  private readonly declared = new Map<string, LabelDeclaration[]>();
  /** Push monitors: the last push (or the start of the first window), and the timer closing the window. */
  private readonly pushes = new Map<string, { lastAt: number; timer: NodeJS.Timeout | null; down: string | null }>();
  /** Event-driven monitors (container, push) whose failure or recovery is unconfirmed: their state is read again after the retry interval. */
  private readonly rechecks = new Map<string, NodeJS.Timeout>();
  /** Hosts whose engine is connected (container monitors on other hosts wait). */
  private readonly enginesUp = new Set<string>();
  private wakeTimer: NodeJS.Timeout | null = null;
  private refTimer: NodeJS.Timeout | null = null;
  private lastRefCheck = 0;
  private refRunning = false;
  /** What the reference targets said last. */
  private networkOk = true;
  private changeTimer: NodeJS.Timeout | null = null;
  /** Monitors changed since the last `onChange` (all of them when `dirtyAll`), and those removed. */
  private readonly dirty = new Set<string>();
  private dirtyAll = false;
  private readonly removedIds = new Set<string>();
  /** Figures kept in memory (see `figuresOf`), and the slow round that reads them again. */
  private readonly figures = new Map<string, Figures>();
  private figureCursor: MapIterator<[string, Figures]> = this.figures.entries();
  private figuresTimer: NodeJS.Timeout | null = null;
  /** Monitors whose last result was looked up in the history already (found or not). */
  private readonly lastLooked = new Set<string>();
  private lastChangeAt = 0;
  private started = false;
  private stopped = false;

  constructor(opts: MonitorsManagerOptions) {
    this.opts = opts;
    this.platform = opts.platform;
    this.now = opts.now ?? Date.now;
    this.scale = opts.intervalScale ?? 1;
    this.history = MonitorHistory.open(opts.historyFile, { logger: opts.platform.logger, now: this.now });
    this.env = createCheckEnv();
    this.policy = new AlertPolicy({ clock: { now: this.now }, options: opts.policyOptions, onStateChange: (s) => this.onPolicyState(s) });
    this.routing = (this.platform.store.get('alertRouting') as RoutingRules | undefined) ?? { defaultChannelIds: [] };
    this.mutes = (this.platform.store.get('monitorMutes') as Record<string, number> | undefined) ?? {};
    this.labels = (this.platform.store.get('monitorLabels') as Record<string, LabelSource> | undefined) ?? {};
    this.globalMute = (this.platform.store.get('globalMute') as number | null | undefined) ?? null;
    const maint = this.platform.store.get('monitorMaintenance') as StoredMaintenance | undefined;
    this.maintenance = { global: maint?.global ?? [], monitors: maint?.monitors ?? {} };
    this.recent = ((this.platform.store.get('recentAlerts') as StoredAlert[] | undefined) ?? []).slice(0, RECENT_ALERTS);
    this.loadChannels();
    this.dispatcher = new Dispatcher({
      logger: this.platform.logger,
      channels: [...this.channels.values()],
      routing: this.routing,
      now: this.now,
      ...(opts.dispatcherSend ? { send: opts.dispatcherSend } : {}),
      ...(opts.dispatcherAttempts ? { attempts: opts.dispatcherAttempts } : {}),
      ...(opts.dispatcherBackoffMs ? { backoffMs: opts.dispatcherBackoffMs } : {}),
    });
    this.scheduler = new Scheduler({
      now: this.now,
      // The wake-up grid shrinks with the test-only interval scale, like the intervals.
      tickMs: 500 * this.scale,
      run: (id, signal) => this.runPolled(id, signal),
      onResult: (id, outcome, startedAt) => this.onResult(id, outcome as CheckResult, startedAt),
    });
    const storedSecrets = this.platform.store.get('monitorSecrets');
    const sealed = storedSecrets && typeof storedSecrets === 'object' ? (storedSecrets as Record<string, unknown>) : {};
    const storedMonitors = this.platform.store.get('monitors');
    const inClear: string[] = [];
    (Array.isArray(storedMonitors) ? storedMonitors : []).forEach((raw, index) => {
      const c = this.readMonitor(raw, index, sealed);
      // Monitors stored before secrets were sealed: seal them now.
      if (c && !this.sealedOf.has(c.id) && Object.values(secretValues(c)).some((v) => v !== '')) inClear.push(c.id);
    });
    if (inClear.length) this.saveMonitors(inClear);
    for (const id of Object.keys(this.labels)) if (!this.monitors.has(id) && !this.kept.monitors.has(id)) delete this.labels[id];
  }

  // ── Lifecycle ─────────────────────────────────────────────────────────────────────────────

  /** Registers every monitor with the policy (restoring its last confirmed state) and starts checking. */
  start(): void {
    if (this.started) return;
    this.started = true;
    if (this.globalMute !== null && this.globalMute > this.now()) this.handle(this.policy.setGlobalMute(this.globalMute));
    for (const c of this.monitors.values()) this.activate(c, true);
    const targets = this.opts.referenceTargets ?? [];
    if (targets.length) {
      void this.checkReference();
      this.refTimer = setInterval(() => void this.checkReference(), this.opts.referenceIntervalMs ?? 30_000);
      this.refTimer.unref?.();
    }
    this.figuresTimer = setInterval(() => {
      try {
        this.refreshFigures();
      } catch (e) {
        this.platform.logger.warn('monitors: could not read the history', { error: (e as Error).message });
      }
    }, FIGURES_TICK_MS);
    this.figuresTimer.unref?.();
    this.rearm();
    this.changed();
  }

  /** Stops checking, writes the history, waits (bounded) for alerts being delivered, closes the history. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.scheduler.stop();
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    if (this.refTimer) clearInterval(this.refTimer);
    if (this.changeTimer) clearTimeout(this.changeTimer);
    if (this.figuresTimer) clearInterval(this.figuresTimer);
    for (const w of this.watches.values()) w.cancelled = true;
    for (const p of this.pushes.values()) if (p.timer) clearTimeout(p.timer);
    for (const t of this.rechecks.values()) clearTimeout(t);
    this.rechecks.clear();
    this.pushes.clear();
    for (const hub of this.hubs.values()) hub.close();
    this.hubs.clear();
    this.hubDockers.clear();
    this.watches.clear();
    // The beats first: they are safe on disk even if the wait below is cut short by a supervisor.
    this.flushHistory();
    if (this.inflight.size) {
      const waitMs = this.opts.stopDeliveryWaitMs ?? STOP_DELIVERY_WAIT_MS;
      this.platform.logger.info('monitors: waiting for alerts being delivered', { alerts: this.inflight.size, atMostMs: waitMs });
      let timer: NodeJS.Timeout | undefined;
      const delivered = await Promise.race([
        Promise.allSettled([...this.inflight]).then(() => true),
        new Promise<false>((done) => (timer = setTimeout(() => done(false), waitMs))),
      ]);
      clearTimeout(timer);
      if (!delivered) this.platform.logger.warn('monitors: stopped before every alert was delivered', { alerts: this.inflight.size });
    }
    this.env.close();
    this.history.close();
  }

  onAlert(listener: (alert: Alert) => void): () => void {
    this.alertListeners.add(listener);
    return () => this.alertListeners.delete(listener);
  }

  /** Resolves when every alert handed to the channels so far has been delivered (or given up). */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  // ── Monitors ──────────────────────────────────────────────────────────────────────────────

  /** Every monitor with its state and figures, from memory (see `figuresOf`). */
  list(): MonitorInfo[] {
    return [...this.monitors.values()].map((c) => this.infoOf(c));
  }

  /** One monitor, as `list()` gives it. */
  info(id: string): MonitorInfo {
    const c = this.monitors.get(id);
    if (!c) throw notFound('monitor');
    return this.infoOf(c);
  }

  private infoOf(c: MonitorConfig): MonitorInfo {
    const last = this.lastOf(c.id);
    const f = this.figuresOf(c.id);
    const ratio = (w: WindowCounts) => (w.up + w.down === 0 ? null : w.up / (w.up + w.down));
    return {
      config: this.redacted(c),
      label: this.labels[c.id] ?? null,
      secretFields: monitorSecretFields(c),
      status: this.policy.status(c.id) ?? null,
      last,
      uptime: { day: ratio(f.day), month: ratio(f.month), year: ratio(f.year) },
      latencyMs: last?.latencyMs ?? null,
      avgLatencyMs24h: f.day.latencyCount ? f.day.latencySumMs / f.day.latencyCount : null,
    };
  }

  /** The last result: this session's, else the newest beat in the history (looked up once). */
  private lastOf(id: string): LastResult | null {
    const known = this.last.get(id);
    if (known !== undefined || this.lastLooked.has(id)) return known ?? null;
    this.lastLooked.add(id);
    try {
      const [b] = this.history.recentBeats(id, 1);
      if (!b) return null;
      const last: LastResult = { time: b.time, status: b.status === 'up' ? 'up' : 'down', latencyMs: b.latencyMs, message: b.message ?? '' };
      this.last.set(id, last);
      return last;
    } catch (e) {
      this.platform.logger.warn('monitors: could not read the history', { monitorId: id, error: (e as Error).message });
      return null;
    }
  }

  /**
   * Uptime and latency figures, kept in memory: read from the history once per monitor, then
   * counted as beats arrive (`countBeat`), and read again on a slow round (`refreshFigures`) so
   * that beats which left a window stop counting — 24 h every 10 minutes, 30 d and 1 y every 6 h.
   * Between two reads a window can hold a few beats older than its span; that is the price of
   * not reading SQLite for every monitor at every check.
   */
  private figuresOf(id: string): Figures {
    let f = this.figures.get(id);
    if (!f) {
      const now = this.now();
      f = { day: this.windowCounts(id, now - DAY), month: this.windowCounts(id, now - 30 * DAY), year: this.windowCounts(id, now - 365 * DAY), dayAt: now, longAt: now };
      this.figures.set(id, f);
    }
    return f;
  }

  private windowCounts(id: string, since: number): WindowCounts {
    try {
      const d = this.history.uptimeDetail(id, since);
      return { up: d.up, down: d.down, latencyCount: d.latencyCount, latencySumMs: d.latencySumMs };
    } catch (e) {
      this.platform.logger.warn('monitors: could not read the history', { monitorId: id, error: (e as Error).message });
      return { up: 0, down: 0, latencyCount: 0, latencySumMs: 0 };
    }
  }

  /** A beat just recorded counts in every window of figures already read (others read it from the history). */
  private countBeat(id: string, beat: BeatStatus, latencyMs: number | null): void {
    const f = this.figures.get(id);
    if (!f) return;
    for (const w of [f.day, f.month, f.year]) {
      if (beat === 'up') w.up++;
      else if (beat === 'down') w.down++;
      if (latencyMs !== null) {
        w.latencyCount++;
        // Kept to the microsecond, as the history keeps it.
        w.latencySumMs += Math.round(latencyMs * 1000) / 1000;
      }
    }
  }

  /** One step of the slow round: the figures read longest ago are read again from the history. */
  private refreshFigures(): void {
    const now = this.now();
    const n = this.figures.size;
    if (!n) return;
    const steps = Math.ceil((n * FIGURES_TICK_MS) / DAY_FIGURES_EVERY_MS) + 1;
    for (let i = 0; i < steps; i++) {
      let next = this.figureCursor.next();
      if (next.done) {
        this.figureCursor = this.figures.entries();
        next = this.figureCursor.next();
        if (next.done) return;
      }
      const [id, f] = next.value;
      if (!this.monitors.has(id)) {
        this.figures.delete(id);
        continue;
      }
      const before = [f.day.up, f.day.down, f.month.up, f.month.down, f.year.up, f.year.down].join();
      if (now - f.dayAt >= DAY_FIGURES_EVERY_MS) {
        f.day = this.windowCounts(id, now - DAY);
        f.dayAt = now;
      }
      if (now - f.longAt >= LONG_FIGURES_EVERY_MS) {
        f.month = this.windowCounts(id, now - 30 * DAY);
        f.year = this.windowCounts(id, now - 365 * DAY);
        f.longAt = now;
      }
      if ([f.day.up, f.day.down, f.month.up, f.month.down, f.year.up, f.year.down].join() !== before) this.changed(id);
    }
  }

  /** Validates and adds a monitor; returns the stored config (redacted). */
  add(input: unknown, label?: LabelSource): MonitorConfig {
    const raw = input as Record<string, unknown> | null;
    const c = validateMonitorConfig(raw && typeof raw === 'object' && raw.type === 'push' && !raw.token ? { ...raw, token: newPushToken() } : input);
    if (this.monitors.has(c.id)) throw new HomeportError({ code: 'VALIDATION', message: `id: a monitor with the id ${c.id} exists already.`, fix: 'Choose another id.', details: { field: 'id' } });
    // A label monitor declared again replaces a stored copy that could not be read.
    const keptBefore = this.kept.monitors.get(c.id);
    this.monitors.set(c.id, c);
    this.kept.monitors.delete(c.id);
    this.saveMonitors([c.id], () => {
      this.monitors.delete(c.id);
      if (keptBefore) this.kept.monitors.set(c.id, keptBefore);
    });
    if (label) this.setLabel(c.id, label);
    if (this.started) this.activate(c, false);
    this.changed(c.id);
    return redactMonitor(c);
  }

  /** Replaces a monitor's config (same id; secrets left empty keep their values). */
  update(id: string, input: unknown, opts: { fromLabels?: boolean } = {}): MonitorConfig {
    const prev = this.monitors.get(id);
    if (!prev) throw notFound('monitor');
    if (this.labels[id] && !opts.fromLabels) throw labelOwned(this.labels[id]);
    // A secret left blank ("keep it") is not carried to another server.
    assertMonitorSecretsStay({ ...(input as object) }, prev);
    const c = keepMonitorSecrets(validateMonitorConfig(fillBlankSecrets({ ...(input as object), id }, prev)), prev);
    this.monitors.set(id, c);
    this.saveMonitors([id], () => this.monitors.set(id, prev));
    if (this.started) {
      this.deactivate(id, prev.type !== c.type || prev.type === 'container');
      this.activate(c, false);
    }
    this.changed(id);
    return redactMonitor(c);
  }

  /** Removes a monitor (the user may remove one declared by labels: it is suggested again while they declare it). */
  remove(id: string): void {
    if (!this.monitors.has(id)) throw notFound('monitor');
    const prev = this.monitors.get(id)!;
    const sealed = this.sealedOf.get(id);
    this.monitors.delete(id);
    this.sealedOf.delete(id);
    this.saveMonitors([], () => {
      this.monitors.set(id, prev);
      if (sealed !== undefined) this.sealedOf.set(id, sealed);
    });
    if (this.labels[id]) this.setLabel(id, null);
    this.deactivate(id, true);
    this.handle(this.policy.removeMonitor(id));
    this.last.delete(id);
    this.lastLooked.delete(id);
    this.figures.delete(id);
    this.confirmed.delete(id);
    if (this.mutes[id] !== undefined) {
      delete this.mutes[id];
      this.platform.store.set('monitorMutes', this.mutes);
    }
    if (this.maintenance.monitors[id]) {
      delete this.maintenance.monitors[id];
      this.platform.store.set('monitorMaintenance', this.maintenance);
    }
    if (this.routing.monitors?.[id]) {
      const monitors = { ...this.routing.monitors };
      delete monitors[id];
      this.setRouting({ ...this.routing, monitors });
    }
    this.history.deleteMonitor(id);
    this.gone(id);
  }

  pause(id: string): void {
    this.setPaused(id, true);
  }

  resume(id: string): void {
    this.setPaused(id, false);
  }

  has(id: string): boolean {
    return this.monitors.has(id);
  }

  /** Checks a polled monitor soon (a monitor just added or resumed from the UI), outside its spread slot. */
  checkSoon(id: string): void {
    const c = this.monitors.get(id);
    if (this.started && c && isPolled(c) && !c.paused) this.scheduler.runSoon(id);
  }

  /** Mutes one monitor (or, with id null, every notification) for a preset duration; `null` preset unmutes. */
  mute(id: string | null, preset: MutePreset | null, utcOffsetMinutes?: number): number | null {
    const now = this.now();
    const offset = utcOffsetMinutes ?? -new Date(now).getTimezoneOffset();
    if (!Number.isInteger(offset) || Math.abs(offset) > 14 * 60) {
      throw new HomeportError({ code: 'VALIDATION', message: 'utcOffsetMinutes: the time-zone offset must be between −14 h and +14 h.', fix: 'Send the offset in minutes (−getTimezoneOffset()).', details: { field: 'utcOffsetMinutes' } });
    }
    const until = preset === null ? null : muteUntil(preset, now, offset);
    if (id === null) {
      this.globalMute = until;
      this.platform.store.set('globalMute', until);
      this.handle(this.policy.setGlobalMute(until));
    } else {
      const c = this.monitors.get(id);
      if (!c) throw notFound('monitor');
      if (until === null) delete this.mutes[id];
      else this.mutes[id] = until;
      this.platform.store.set('monitorMutes', this.mutes);
      if (this.started) this.handle(this.policy.upsertMonitor(this.policySettings(c)));
    }
    this.changed(id ?? undefined);
    return until;
  }

  /** The computer woke from sleep: hold alerts, and check everything soon. */
  systemResumed(): void {
    this.handle(this.policy.systemResumed(this.now()));
    this.opts.onNetworkBack?.();
    for (const c of this.monitors.values()) if (isPolled(c) && !c.paused) this.scheduler.runSoon(c.id);
    void this.checkReference(true);
    this.changed();
  }

  // ── Hosts, labels, push ───────────────────────────────────────────────────────────────────

  /**
   * A host's SSH connection state: while it cannot be reached its monitors are unknown, and a long
   * outage is one "host unreachable" alert (not when the user disconnected it: `deliberate`). When it is back, its command monitors run at once
   * (its container monitors start watching as soon as its engine is back: `hostEngineUp`).
   */
  hostReachability(hostId: string, name: string, reachable: boolean, deliberate = false): void {
    this.policy.upsertHost(hostId, name);
    this.handle(this.policy.hostReachability(hostId, reachable, this.now(), deliberate));
    if (reachable && this.started && !this.stopped) {
      for (const c of this.monitors.values()) if (c.type === 'ssh-command' && c.hostId === hostId && !c.paused) this.scheduler.runSoon(c.id);
    }
    // Only this host's monitors can have changed.
    for (const c of this.monitors.values()) if ((c.type === 'container' || c.type === 'ssh-command') && c.hostId === hostId) this.changed(c.id);
  }

  /**
   * A host's engine can be used (a new connection, or told again about the current one): every
   * container monitor of the host watches it. Idempotent: watches already on this engine stay.
   */
  hostEngineUp(hostId: string): void {
    this.enginesUp.add(hostId);
    if (!this.started || this.stopped) return;
    const docker = this.opts.dockerFor?.(hostId) ?? null;
    if (this.hubs.has(hostId) && this.hubDockers.get(hostId) !== docker) this.dropHub(hostId);
    for (const c of this.monitors.values()) if (c.type === 'container' && c.hostId === hostId && !c.paused && !this.watches.has(c.id)) this.watchContainer(c);
  }

  /** A host's engine went away: its container watches end until it is back. */
  hostEngineDown(hostId: string): void {
    this.enginesUp.delete(hostId);
    this.dropHub(hostId);
  }

  /**
   * What one host's containers declare with labels (`present`: every container on the host). A
   * declaration becomes a suggestion until the user adds it (`approveLabel`); nothing is added
   * here. A monitor the user added follows its labels: updated when they change (a refused change
   * leaves it as it was), removed when its container is there and no longer declares it. A
   * container that is gone keeps its monitor (it reports it down).
   */
  syncLabelMonitors(hostId: string, declared: LabelDeclaration[], present: readonly string[]): { updated: number; removed: number; errors: string[] } {
    const out = { updated: 0, removed: 0, errors: [] as string[] };
    this.declared.set(hostId, declared);
    const byId = new Map(declared.map((d) => [d.id, d]));
    const there = new Set(present);
    for (const [id, l] of Object.entries(this.labels)) {
      if (l.hostId !== hostId) continue;
      const d = byId.get(id);
      if (!d) {
        if (there.has(l.container)) {
          this.remove(id);
          out.removed++;
        }
        continue;
      }
      if (!('input' in d)) continue;
      try {
        const prev = this.monitors.get(id);
        if (!prev) continue;
        // Pausing is the one thing the user may change on a label monitor.
        const next = validateMonitorConfig(fillBlankSecrets({ ...d.input, id, paused: prev.paused }, prev));
        if (JSON.stringify(next) !== JSON.stringify(prev)) {
          this.update(id, { ...d.input, paused: prev.paused }, { fromLabels: true });
          out.updated++;
        }
      } catch (e) {
        out.errors.push(`${d.container}: ${(e as Error).message}`);
      }
    }
    return out;
  }

  /** Every label declaration read from the connected hosts (added ones included). */
  labelDeclarations(): LabelDeclaration[] {
    return [...this.declared.values()].flat();
  }

  /** The user approves what a container declares with labels: the monitor is added, owned by those labels. */
  approveLabel(hostId: string, container: string): MonitorConfig {
    const d = this.declared.get(hostId)?.find((x) => x.container === container);
    if (!d) {
      throw new HomeportError({ code: 'NOT_FOUND', message: `${container} no longer declares a monitor with labels.`, fix: 'Reload the suggestions.' });
    }
    if ('error' in d) {
      throw new HomeportError({ code: 'VALIDATION', message: `The monitor ${container} declares is refused: ${d.error}.`, fix: "Change the container's homeport.monitor.* labels and re-create it." });
    }
    if (this.monitors.has(d.id)) return redactMonitor(this.monitors.get(d.id)!);
    return this.add({ ...d.input, id: d.id }, { hostId, container });
  }

  /** A push arrived for a token: false when no active push monitor has it (the endpoint answers 404). */
  push(token: string, input: PushInput = {}): boolean {
    if (!this.started || this.stopped || !PUSH_TOKEN.test(token)) return false;
    let found: Extract<MonitorConfig, { type: 'push' }> | null = null;
    for (const c of this.monitors.values()) if (c.type === 'push' && !c.paused && safeTokenEqual(c.token, token)) found = c;
    if (!found) return false;
    const now = this.now();
    const ping = input.ping !== undefined && input.ping !== null && input.ping !== '' ? Number(input.ping) : NaN;
    const latencyMs = Number.isFinite(ping) && ping >= 0 && ping <= 86_400_000 ? ping : null;
    const down = typeof input.status === 'string' && input.status !== '' && input.status.toLowerCase() !== 'up';
    this.armPush(found, now, down ? pushMessage(input.msg, 'The service pushed "down"') : null);
    this.onResult(found.id, { status: down ? 'down' : 'up', latencyMs, message: pushMessage(input.msg, down ? 'The service pushed "down"' : 'Push received') }, now);
    return true;
  }

  /** The push token of a push monitor, for the UI's push URL (asked for explicitly; never in lists). */
  pushToken(id: string): string {
    const c = this.monitors.get(id);
    if (!c) throw notFound('monitor');
    if (c.type !== 'push') throw new HomeportError({ code: 'VALIDATION', message: `${c.name} is not a push monitor.`, fix: 'Choose a push monitor.' });
    return c.token;
  }

  /** Deletes history that has aged out (call it on a timer). */
  pruneHistory(): PruneResult {
    return this.history.prune();
  }

  // ── History reads ─────────────────────────────────────────────────────────────────────────

  latencySeries(id: string, fromMs: number, toMs: number, maxPoints: number): LatencyPoint[] {
    this.flushHistory();
    return this.history.latencySeries(id, fromMs, toMs, maxPoints);
  }

  statusBars(id: string, buckets: number, bucketMs: number): StatusBar[] {
    this.flushHistory();
    return this.history.statusBars(id, buckets, bucketMs);
  }

  incidents(id: string | null, limit: number, kind?: 'observed' | 'confirmed'): Incident[] {
    this.flushHistory();
    return this.history.incidents(id, limit, kind);
  }

  // ── Channels and routing ──────────────────────────────────────────────────────────────────

  listChannels(): ChannelInfo[] {
    return [...this.channels.values()].map((c) => {
      const secretNames = CHANNEL_SECRETS[c.type];
      const settings: Record<string, unknown> = {};
      const hasSecret: Record<string, boolean> = {};
      for (const [k, v] of Object.entries(c)) if (!secretNames.includes(k) && !['id', 'name', 'type', 'enabled'].includes(k)) settings[k] = v;
      // Every secret field of the type is named, set or not, so a form can tell "none" from "kept".
      for (const k of secretNames) {
        const v = (c as Record<string, unknown>)[k];
        hasSecret[k] = v !== undefined && v !== '' && !(typeof v === 'object' && v !== null && Object.keys(v).length === 0);
      }
      return { id: c.id, name: c.name, type: c.type, enabled: c.enabled, target: describeTarget(c), settings, hasSecret };
    });
  }

  /** Adds a channel; by default it also becomes one of the default channels (every monitor's alerts). */
  addChannel(input: unknown, opts: { makeDefault?: boolean } = {}): ChannelInfo {
    const c = validateChannelConfig(input);
    if (this.channels.has(c.id)) throw new HomeportError({ code: 'VALIDATION', message: `id: a channel with the id ${c.id} exists already.`, fix: 'Choose another id.', details: { field: 'id' } });
    this.channels.set(c.id, c);
    this.saveChannels(() => this.channels.delete(c.id));
    if (opts.makeDefault !== false && !this.routing.defaultChannelIds.includes(c.id)) this.setRouting({ ...this.routing, defaultChannelIds: [...this.routing.defaultChannelIds, c.id] });
    return this.listChannels().find((x) => x.id === c.id)!;
  }

  /** Changes a channel; secret fields left out keep their sealed values. */
  updateChannel(id: string, input: Record<string, unknown>): ChannelInfo {
    const prev = this.channels.get(id);
    if (!prev) throw notFound('channel');
    // Blank secrets keep their sealed values, unless the channel now delivers somewhere else.
    const c = validateChannelConfig(channelWithKeptSecrets({ ...input, id }, prev, validateChannelConfig));
    this.channels.set(id, c);
    this.saveChannels(() => this.channels.set(id, prev));
    return this.listChannels().find((x) => x.id === id)!;
  }

  removeChannel(id: string): void {
    const prev = this.channels.get(id);
    if (!prev || !this.channels.delete(id)) throw notFound('channel');
    this.saveChannels(() => this.channels.set(id, prev));
    const monitors = Object.fromEntries(Object.entries(this.routing.monitors ?? {}).map(([m, r]) => [m, { ...r, channelIds: r.channelIds.filter((x) => x !== id) }]));
    this.setRouting({ defaultChannelIds: this.routing.defaultChannelIds.filter((x) => x !== id), monitors });
  }

  /** Sends a test message through a saved channel. */
  testChannel(id: string, signal?: AbortSignal): Promise<void> {
    return this.dispatcher.test(id, signal ? { signal } : {});
  }

  getRouting(): RoutingRules {
    return this.routing;
  }

  setRouting(rules: RoutingRules): void {
    this.routing = { defaultChannelIds: [...rules.defaultChannelIds], ...(rules.monitors ? { monitors: rules.monitors } : {}) };
    this.platform.store.set('alertRouting', this.routing);
    this.dispatcher.setRouting(this.routing);
  }

  // ── Mute, maintenance, routing, recent alerts ────────────────────────────────────────────────

  /**
   * Sets the maintenance windows of one monitor, or (id null) the windows that apply to every
   * monitor. Each window is checked; the error names the window (1-based) and the problem.
   */
  setMaintenance(id: string | null, windows: readonly MaintenanceWindow[]): void {
    if (id !== null && !this.monitors.has(id)) throw notFound('monitor');
    if (windows.length > ALERT_LIMITS.maintenanceWindows) throw new HomeportError({ code: 'VALIDATION', message: `windows: at most ${ALERT_LIMITS.maintenanceWindows} maintenance windows.`, fix: 'Remove windows that are over.', details: { field: 'windows' } });
    windows.forEach((w, i) => {
      const problem = maintenanceWindowProblem(w);
      if (problem) throw new HomeportError({ code: 'VALIDATION', message: `windows.${i}: window ${i + 1}: ${problem}`, fix: 'Correct the window and save again.', details: { field: `windows.${i}` } });
    });
    const copy = windows.map((w) => (w.kind === 'once' ? { kind: 'once' as const, from: w.from, to: w.to } : { kind: 'weekly' as const, days: [...new Set(w.days)].sort(), start: w.start, end: w.end, utcOffsetMinutes: w.utcOffsetMinutes }));
    if (id === null) this.maintenance.global = copy;
    else if (copy.length) this.maintenance.monitors[id] = copy;
    else delete this.maintenance.monitors[id];
    this.platform.store.set('monitorMaintenance', this.maintenance);
    if (this.started) for (const c of this.monitors.values()) if (id === null || c.id === id) this.handle(this.policy.upsertMonitor(this.policySettings(c)));
    this.changed(id ?? undefined);
  }

  /** Where one monitor's alerts go: a chosen set of channels (optionally plus the defaults), or (null) the defaults. */
  setMonitorRouting(id: string, route: { channelIds: string[]; includeDefaults?: boolean } | null): void {
    if (!this.monitors.has(id)) throw notFound('monitor');
    if (route) {
      const unknown = route.channelIds.find((c) => !this.channels.has(c));
      if (unknown) throw new HomeportError({ code: 'VALIDATION', message: 'channelIds: one of the channels does not exist (any more).', fix: 'Reload the channels and choose again.', details: { field: 'channelIds' } });
    }
    const monitors = { ...(this.routing.monitors ?? {}) };
    if (route) monitors[id] = { channelIds: [...new Set(route.channelIds)], ...(route.includeDefaults ? { includeDefaults: true } : {}) };
    else delete monitors[id];
    this.setRouting({ ...this.routing, monitors });
  }

  /** Sets which channels get the alerts of monitors without their own routing. */
  setDefaultChannels(channelIds: string[]): void {
    const unknown = channelIds.find((c) => !this.channels.has(c));
    if (unknown) throw new HomeportError({ code: 'VALIDATION', message: 'channelIds: one of the channels does not exist (any more).', fix: 'Reload the channels and choose again.', details: { field: 'channelIds' } });
    this.setRouting({ ...this.routing, defaultChannelIds: [...new Set(channelIds)] });
  }

  alertSettings(): AlertSettingsInfo {
    const now = this.now();
    const live = (t: number | null | undefined) => (t != null && t > now ? t : null);
    const monitors: AlertSettingsInfo['monitors'] = {};
    for (const c of this.monitors.values()) {
      const r = this.routing.monitors?.[c.id];
      monitors[MonitorId(c.id)] = {
        mutedUntil: live(this.mutes[c.id]),
        maintenance: (this.maintenance.monitors[c.id] ?? []).map((w) => ({ ...w })),
        routing: r ? { channelIds: r.channelIds.map(ChannelId), includeDefaults: r.includeDefaults ?? false } : null,
      };
    }
    return { globalMuteUntil: live(this.globalMute), globalMaintenance: this.maintenance.global.map((w) => ({ ...w })), defaultChannelIds: this.routing.defaultChannelIds.map(ChannelId), monitors };
  }

  /** The last alerts (newest first), kept across restarts (at most 50). */
  recentAlerts(limit = RECENT_ALERTS): StoredAlert[] {
    return this.recent.slice(0, limit).map((a) => ({ ...a, monitorIds: [...a.monitorIds] }));
  }

  private remember(a: Alert): void {
    this.recent = [{ id: a.id, kind: a.kind, title: a.title, body: a.body, monitorIds: [...a.monitorIds], at: a.at, severity: a.severity }, ...this.recent].slice(0, RECENT_ALERTS);
    this.platform.store.set('recentAlerts', this.recent);
  }

  // ── YAML ──────────────────────────────────────────────────────────────────────────────────

  /** Every monitor as YAML; secrets are placeholders. */
  exportYaml(): string {
    // Monitors declared by container labels belong to those labels, not to the file.
    return exportMonitorsYaml([...this.monitors.values()].filter((c) => !this.labels[c.id]), monitorSecretFields, this.now());
  }

  /** Reads a YAML export; unless `dryRun`, adds and updates the entries without errors (the others are skipped). */
  importYaml(text: string, dryRun: boolean): MonitorImportResultInfo {
    const plan = planMonitorsImport(text, this.monitors).map((e) =>
      e.id && this.labels[e.id] && e.action !== 'error'
        ? { index: e.index, line: e.line, name: e.name, id: e.id, action: 'error' as const, error: { message: `Entry ${e.index + 1}${e.line ? ` (line ${e.line})` : ''}: the monitor ${e.name} is declared by container labels.`, fix: 'Change the homeport.monitor.* labels of its container instead, or remove the entry.' } }
        : e,
    );
    if (dryRun) return summarizeImport(plan, false);
    // Stored first (all or nothing), then checked.
    const applied = plan.filter((e): e is typeof e & { config: MonitorConfig } => !!e.config);
    const before = new Map(applied.map((e) => [e.config.id, { config: this.monitors.get(e.config.id), kept: this.kept.monitors.get(e.config.id) }]));
    for (const e of applied) {
      this.monitors.set(e.config.id, e.config);
      this.kept.monitors.delete(e.config.id);
    }
    this.saveMonitors(
      applied.map((e) => e.config.id),
      () => {
        for (const [id, b] of before) {
          if (b.config) this.monitors.set(id, b.config);
          else this.monitors.delete(id);
          if (b.kept) this.kept.monitors.set(id, b.kept);
        }
      },
    );
    if (this.started) {
      for (const e of applied) {
        const prev = before.get(e.config.id)?.config;
        if (prev) this.deactivate(prev.id, prev.type !== e.config.type || prev.type === 'container');
        this.activate(e.config, false);
        this.checkSoon(e.config.id);
      }
    }
    for (const e of applied) this.changed(e.config.id);
    return summarizeImport(plan, true);
  }

  // ── Internals ─────────────────────────────────────────────────────────────────────────────

  private policySettings(c: MonitorConfig): MonitorPolicySettings {
    const hostId = c.type === 'container' || c.type === 'ssh-command' ? c.hostId : null;
    return {
      id: c.id,
      name: c.name,
      hostId,
      intervalMs: c.intervalSec * 1000 * this.scale,
      timeoutMs: c.timeoutSec * 1000,
      retries: c.retries,
      retryIntervalMs: c.retryIntervalSec * 1000 * this.scale,
      paused: c.paused,
      mutedUntil: this.mutes[c.id] ?? null,
      maintenance: [...this.maintenance.global, ...(this.maintenance.monitors[c.id] ?? [])],
      // Event-driven and push monitors report only on change.
      ...(c.type === 'container' || c.type === 'push' ? { stallAfterMs: null } : {}),
    };
  }

  private activate(c: MonitorConfig, restoring: boolean): void {
    const restored = restoring ? this.restoredState(c.id) : undefined;
    this.handle(this.policy.upsertMonitor(this.policySettings(c), restored));
    if (c.paused) return;
    if (isPolled(c)) {
      this.scheduler.upsert({ id: c.id, intervalMs: c.intervalSec * 1000 * this.scale, retryIntervalMs: c.retryIntervalSec * 1000 * this.scale, timeoutMs: c.timeoutSec * 1000 });
      const s = this.policy.status(c.id);
      if (s) this.scheduler.setFast(c.id, s.fastRecheck);
    } else if (c.type === 'container') {
      this.watchContainer(c);
    }
    else if (c.type === 'push') {
      // A new or resumed push monitor gets one full window for its first push.
      this.armPush(c, this.pushes.get(c.id)?.lastAt ?? this.now());
    }
  }

  /** Records a push (or the start of a window) and arms the timer that closes the window. */
  private armPush(c: Extract<MonitorConfig, { type: 'push' }>, lastAt: number, down: string | null = null): void {
    const prev = this.pushes.get(c.id);
    if (prev?.timer) clearTimeout(prev.timer);
    const entry = { lastAt, timer: null as NodeJS.Timeout | null, down };
    this.pushes.set(c.id, entry);
    const windowMs = (c.intervalSec + c.graceSec) * 1000 * this.scale;
    entry.timer = setTimeout(
      () => {
        entry.timer = null;
        const cur = this.monitors.get(c.id);
        if (this.stopped || !cur || cur.type !== 'push' || cur.paused || this.pushes.get(c.id) !== entry) return;
        const r = evaluatePush(entry.lastAt, cur.graceSec * this.scale, cur.intervalSec * this.scale, this.now());
        if (r.status === 'down') this.onResult(c.id, { status: r.status, latencyMs: null, message: r.message }, this.now());
      },
      Math.min(Math.max(0, lastAt + windowMs - this.now()) + 5, 2 ** 31 - 1),
    );
    entry.timer.unref?.();
  }

  /** What an event-driven monitor reports right now (its retries and recovery checks read this again). */
  private currentEventResult(c: MonitorConfig): CheckResult | null {
    if (c.type === 'container') return this.watches.get(c.id)?.watch?.current() ?? null;
    if (c.type === 'push') {
      const p = this.pushes.get(c.id);
      if (!p) return null;
      if (p.down !== null) return { status: 'down', latencyMs: null, message: p.down };
      const r = evaluatePush(p.lastAt, c.graceSec * this.scale, c.intervalSec * this.scale, this.now());
      return { status: r.status, latencyMs: null, message: r.message };
    }
    return null;
  }

  /**
   * While the policy wants a fast re-check of an event-driven monitor, its current state is fed
   * again every retry interval. A container is looked at again after a few seconds instead when
   * it is coming back (its start or healthy event is first-hand evidence: the second look only
   * makes sure it did not fall over straight away, the policy's recovery confirmation), and when
   * a new watch (a new monitor, Homeport starting, the host back) found it down: it may have been
   * down for as long as nobody could see it, so its retries are not spread over minutes.
   */
  private scheduleEventRecheck(c: MonitorConfig): void {
    if (c.type !== 'container' && c.type !== 'push') return;
    const status = this.policy.status(c.id);
    if (!status?.fastRecheck) this.freshWatch.delete(c.id);
    if (this.rechecks.has(c.id) || this.stopped || !status?.fastRecheck) return;
    const retryMs = c.retryIntervalSec * 1000 * this.scale;
    const quick = c.type === 'container' && (status.confirmed === 'down' || this.freshWatch.has(c.id));
    const delay = quick ? Math.min(retryMs, CONTAINER_QUICK_LOOK_MS * this.scale) : retryMs;
    const t = setTimeout(() => {
      this.rechecks.delete(c.id);
      const cur = this.monitors.get(c.id);
      if (!cur || cur.paused || this.stopped) return;
      const r = this.currentEventResult(cur);
      if (r) this.onResult(c.id, r, this.now());
    }, delay);
    t.unref?.();
    this.rechecks.set(c.id, t);
  }

  private dropHub(hostId: string): void {
    const hub = this.hubs.get(hostId);
    if (hub) hub.close();
    this.hubs.delete(hostId);
    this.hubDockers.delete(hostId);
    for (const [id, w] of this.watches) {
      if (w.hostId !== hostId) continue;
      w.cancelled = true;
      this.watches.delete(id);
    }
  }

  private setLabel(id: string, label: LabelSource | null): void {
    if (label) this.labels[id] = label;
    else delete this.labels[id];
    this.platform.store.set('monitorLabels', this.labels);
  }

  private deactivate(id: string, dropWatch: boolean): void {
    this.scheduler.remove(id);
    const rc = this.rechecks.get(id);
    if (rc) clearTimeout(rc);
    this.rechecks.delete(id);
    this.freshWatch.delete(id);
    const p = this.pushes.get(id);
    if (p?.timer) clearTimeout(p.timer);
    if (p) p.timer = null;
    if (dropWatch && p) this.pushes.delete(id);
    if (dropWatch) {
      const w = this.watches.get(id);
      if (w) {
        w.cancelled = true;
        if (w.watch) this.hubs.get(w.hostId)?.unwatch(w.watch);
        this.watches.delete(id);
      }
    }
  }

  private setPaused(id: string, paused: boolean): void {
    const prev = this.monitors.get(id);
    if (!prev) throw notFound('monitor');
    const c = { ...prev, paused } as MonitorConfig;
    this.monitors.set(id, c);
    this.saveMonitors([], () => this.monitors.set(id, prev));
    if (this.started) {
      this.deactivate(id, true);
      this.activate(c, false);
    }
    this.changed(id);
  }

  private restoredState(id: string): { status: 'up' | 'down'; since?: number } | undefined {
    const [inc] = this.history.incidents(id, 1, 'confirmed');
    if (inc && inc.end === null) return { status: 'down', since: inc.start };
    const [beat] = this.history.recentBeats(id, 1);
    if (beat?.status === 'up') return { status: 'up', since: inc?.end ?? beat.time };
    return undefined;
  }

  private runPolled(id: string, signal: AbortSignal): Promise<CheckOutcome> {
    const c = this.monitors.get(id);
    if (!c || !isPolled(c)) return Promise.resolve({ status: 'down', latencyMs: null, message: 'The monitor was removed' });
    const exec = c.type === 'ssh-command' && this.opts.hostExec ? (cmd: string, s: AbortSignal) => this.opts.hostExec!(c.hostId, cmd, s) : undefined;
    return runCheck(c, { signal, env: this.env, ...(exec ? { exec } : {}) });
  }

  private onResult(id: string, raw: CheckResult, startedAt: number): void {
    const c = this.monitors.get(id);
    if (!c || this.stopped) return;
    const r = c.upsideDown ? this.flip(raw) : raw;
    this.last.set(id, { time: startedAt, status: r.status, latencyMs: r.latencyMs, message: r.message, ...(r.details ? { details: r.details } : {}) });
    const hostId = c.type === 'container' || c.type === 'ssh-command' ? c.hostId : null;
    this.handle(this.policy.result({ monitorId: id, hostId, time: startedAt, status: r.status, message: r.message }));
    const state = this.policy.status(id)?.state;
    let beat: BeatStatus;
    if (state === 'maintenance') beat = 'maintenance';
    else if (r.status === 'up') beat = 'up';
    else if (state === 'down') beat = 'down';
    else if (state === 'unknown') beat = 'unknown';
    else beat = 'pending';
    try {
      this.history.record({ monitorId: id, time: startedAt, status: beat, latencyMs: r.latencyMs, message: r.message });
      this.countBeat(id, beat, r.latencyMs);
    } catch (e) {
      this.platform.logger.warn('monitors: could not record a check', { monitorId: id, error: (e as Error).message });
    }
    if (r.status === 'down') void this.checkReference();
    this.scheduleEventRecheck(c);
    this.changed(id);
  }

  private flip(r: CheckResult): CheckResult {
    return r.status === 'up'
      ? { ...r, status: 'down', message: `Reachable, and this monitor is upside down: ${r.message}` }
      : { ...r, status: 'up', message: `Not reachable, as expected (upside down): ${r.message}` };
  }

  private onPolicyState(s: MonitorPolicyStatus): void {
    this.scheduler.setFast(s.monitorId, s.fastRecheck);
    const prev = this.confirmed.get(s.monitorId) ?? null;
    if (s.confirmed !== prev) {
      this.confirmed.set(s.monitorId, s.confirmed);
      try {
        if (s.confirmed === 'down') this.history.openIncident(s.monitorId, s.downSince ?? this.now(), s.message || null);
        else if (prev === 'down') this.history.closeIncident(s.monitorId, this.now());
      } catch (e) {
        this.platform.logger.warn('monitors: could not record an incident', { monitorId: s.monitorId, error: (e as Error).message });
      }
    }
    this.changed(s.monitorId);
  }

  /**
   * An alert from outside the policy (an Uptime Kuma instance, a mirrored Kuma monitor): to the
   * same listeners and channels as the monitors' own alerts.
   */
  raise(alert: Alert): void {
    this.handle([alert]);
  }

  /** Hands the policy's alerts to the listeners and the channels, and re-arms the wake timer. */
  private handle(alerts: Alert[]): void {
    for (const alert of alerts) {
      this.remember(alert);
      for (const l of this.alertListeners) {
        try {
          l(alert);
        } catch (e) {
          this.platform.logger.error('monitors: an alert listener failed', { error: (e as Error).message });
        }
      }
      const p: Promise<DeliveryResult[]> = this.dispatcher.dispatch(alert);
      this.inflight.add(p);
      void p.finally(() => this.inflight.delete(p));
    }
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

  private watchContainer(c: Extract<MonitorConfig, { type: 'container' }>): void {
    const docker = this.opts.dockerFor?.(c.hostId) ?? null;
    if (!docker) {
      this.platform.logger.info('monitors: container monitor waits for its host', { monitorId: c.id, hostId: c.hostId });
      return;
    }
    if (this.hubs.has(c.hostId) && this.hubDockers.get(c.hostId) !== docker) this.dropHub(c.hostId);
    let hub = this.hubs.get(c.hostId);
    if (!hub) {
      hub = new ContainerEventHub(docker, this.platform.logger);
      this.hubs.set(c.hostId, hub);
      this.hubDockers.set(c.hostId, docker);
    }
    const entry = { hostId: c.hostId, watch: null as ContainerWatch | null, cancelled: false };
    // A re-read still pending from the last watch would read the new one a retry interval late.
    const pending = this.rechecks.get(c.id);
    if (pending) clearTimeout(pending);
    this.rechecks.delete(c.id);
    this.freshWatch.add(c.id);
    this.watches.set(c.id, entry);
    const h = hub;
    h.watch(c.container, (r) => {
      if (!entry.cancelled) this.onResult(c.id, r, this.now());
    }).then(
      (w) => {
        if (entry.cancelled) h.unwatch(w);
        else {
          entry.watch = w;
          const first = w.current();
          if (first && !this.last.has(c.id)) this.onResult(c.id, first, this.now());
        }
      },
      (e: Error) => this.platform.logger.warn('monitors: could not watch a container', { monitorId: c.id, error: e.message }),
    );
  }

  /** Checks the reference targets (throttled, unless forced) and tells the policy; ok when any answers. */
  private async checkReference(force = false): Promise<void> {
    const targets = this.opts.referenceTargets ?? [];
    if (!targets.length || this.refRunning || this.stopped) return;
    const minGap = Math.min(5000, this.opts.referenceIntervalMs ?? 30_000);
    if (!force && this.now() - this.lastRefCheck < minGap && this.lastRefCheck !== 0) return;
    this.refRunning = true;
    this.lastRefCheck = this.now();
    try {
      const results = await Promise.all(targets.map((t) => tcpReachable(t, 3000)));
      if (this.stopped) return;
      const ok = results.some(Boolean);
      const back = ok && !this.networkOk;
      this.networkOk = ok;
      this.handle(this.policy.localNetwork(ok, this.now()));
      if (back) this.opts.onNetworkBack?.();
    } finally {
      this.refRunning = false;
    }
  }

  private flushHistory(): void {
    try {
      this.history.flush();
    } catch (e) {
      this.platform.logger.warn('monitors: could not write the history', { error: (e as Error).message });
    }
  }

  /**
   * Something about a monitor (or, without an id, about every monitor) changed: `onChange` gets
   * the monitors that changed — built from memory, no history read — at most every 500 ms.
   */
  private changed(id?: string): void {
    if (id === undefined) this.dirtyAll = true;
    else this.dirty.add(id);
    this.scheduleChange();
  }

  /** A monitor was removed: the next change says so. */
  private gone(id: string): void {
    this.dirty.delete(id);
    this.removedIds.add(id);
    this.scheduleChange();
  }

  private scheduleChange(): void {
    const cb = this.opts.onChange;
    if (!cb || this.stopped || this.changeTimer) return;
    const wait = Math.max(0, this.lastChangeAt + CHANGE_EVERY_MS - Date.now());
    this.changeTimer = setTimeout(() => {
      this.changeTimer = null;
      if (this.stopped) return;
      this.lastChangeAt = Date.now();
      const ids = this.dirtyAll ? [...this.monitors.keys()] : [...this.dirty].filter((x) => this.monitors.has(x));
      const removed = [...this.removedIds].filter((x) => !this.monitors.has(x));
      this.dirty.clear();
      this.dirtyAll = false;
      this.removedIds.clear();
      if (!ids.length && !removed.length) return;
      cb({ changed: ids.map((x) => this.infoOf(this.monitors.get(x)!)), removed });
    }, wait);
  }

  /** A config without its secrets, as stored and listed (made once per config object: configs are replaced, never changed). */
  private redacted(c: MonitorConfig): MonitorConfig {
    let r = this.redactedOf.get(c);
    if (!r) {
      r = redactMonitor(c);
      this.redactedOf.set(c, r);
    }
    return r;
  }

  /** Writes several settings entries, in one file write where the store can. */
  private writeStore(values: Record<string, unknown>, owned = false): void {
    const store = this.platform.store;
    if (store.setMany) store.setMany(values, { owned });
    else for (const [k, v] of Object.entries(values)) store.set(k, v);
  }

  /**
   * Configs in clear without their secrets; the secrets of each, sealed with the platform's secret
   * box. Only the monitors in `reseal` (added, edited, imported) are sealed again; every other
   * monitor's sealed secrets are written as they were, and so is every entry that cannot be read.
   */
  private saveMonitors(reseal: Iterable<string> = [], undo?: () => void): void {
    const resealed = new Map<string, string | null>();
    try {
      for (const id of reseal) {
        const c = this.monitors.get(id);
        const values = c ? secretValues(c) : {};
        resealed.set(id, Object.keys(values).length ? this.platform.secrets.encrypt(Buffer.from(JSON.stringify(values), 'utf8')).toString('base64') : null);
      }
      const sealed: Record<string, string> = {};
      const monitors: unknown[] = [];
      for (const c of this.monitors.values()) {
        monitors.push(this.redacted(c));
        const s = resealed.has(c.id) ? resealed.get(c.id) : this.sealedOf.get(c.id);
        if (s !== undefined && s !== null) sealed[c.id] = s;
      }
      for (const [key, k] of this.kept.monitors) {
        monitors.push(k.raw);
        if (k.sealed !== undefined) sealed[key] = k.sealed;
      }
      // Both built here and never changed afterwards: the store keeps them without a copy.
      this.writeStore({ monitorSecrets: sealed, monitors }, true);
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

  /** The settings file, for messages. */
  private get settingsFile(): string {
    return this.platform.store.file ?? path.join(this.platform.dataDir, 'settings.json');
  }

  /** What to do about secrets that cannot be opened, in this platform's terms. */
  private sealedFix(what: string): string {
    const keyFile = this.platform.secrets.keyFile;
    return keyFile
      ? `If ${keyFile} was replaced or lost, put the original back and choose "Check again". Otherwise remove ${what} and add it again.`
      : `If this computer's keyring was reset, or the settings come from another computer or user, remove ${what} and add it again.`;
  }

  /**
   * Reads one stored monitor (its secrets opened with the secret box); returns it, or keeps the
   * entry as it was, with the reason, and returns null.
   */
  private readMonitor(raw: unknown, index: number, sealed: Record<string, unknown>): MonitorConfig | null {
    const o = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : null;
    const id = typeof o?.id === 'string' && o.id !== '' ? o.id : null;
    const name = typeof o?.name === 'string' && o.name.trim() ? o.name : (id ?? `number ${index + 1}`);
    const sealedText = id !== null && typeof sealed[id] === 'string' ? (sealed[id] as string) : undefined;
    const keep = (reason: string, fix: string, sealedProblem: boolean): null => {
      const key = id ?? `#${index}`;
      this.kept.monitors.set(key, { raw, sealed: sealedText, entry: { kind: 'monitor', key, name, reason, fix, sealedProblem } });
      this.platform.logger.warn('monitors: a stored monitor cannot be read; it is kept as it was', { monitorId: key, reason });
      return null;
    };
    const badEntry = (why: string) => keep(why, `Correct this entry under "monitors" in ${this.settingsFile} and restart Homeport, or remove it here.`, false);
    if (!o) return badEntry(`The entry is ${kindOf(raw)}, not a monitor.`);
    if (id !== null && (this.monitors.has(id) || this.kept.monitors.has(id))) return badEntry(`Another stored monitor has the same id (${id}).`);
    let full: unknown = o;
    if (sealedText !== undefined) {
      try {
        const values = JSON.parse(this.platform.secrets.decrypt(Buffer.from(sealedText, 'base64')).toString('utf8')) as Record<string, string>;
        full = withSecretValues(o, values);
      } catch (e) {
        return keep(`Its password, token or header values cannot be opened: ${(e as Error).message}`, this.sealedFix('the monitor'), true);
      }
    }
    let c: MonitorConfig;
    try {
      c = validateMonitorConfig(full);
    } catch (e) {
      return badEntry(`${(e as Error).message}`);
    }
    this.monitors.set(c.id, c);
    if (sealedText !== undefined) this.sealedOf.set(c.id, sealedText);
    return c;
  }

  /** Reads one stored channel (sealed whole), or keeps the entry as it was, with the reason. */
  private readChannel(raw: unknown, index: number): ChannelConfig | null {
    const s = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Partial<StoredChannel>) : null;
    const id = typeof s?.id === 'string' && s.id !== '' ? s.id : null;
    const name = typeof s?.name === 'string' && s.name.trim() ? s.name : (id ?? `number ${index + 1}`);
    const keep = (reason: string, fix: string, sealedProblem: boolean): null => {
      const key = id ?? `#${index}`;
      this.kept.channels.set(key, { raw, entry: { kind: 'channel', key, name, reason, fix, sealedProblem } });
      this.platform.logger.warn('monitors: a stored alert channel cannot be read; it is kept as it was', { channelId: key, reason });
      return null;
    };
    const badEntry = (why: string) => keep(why, `Correct this entry under "alertChannels" in ${this.settingsFile} and restart Homeport, or remove it here.`, false);
    if (!s) return badEntry(`The entry is ${kindOf(raw)}, not an alert channel.`);
    if (typeof s.sealed !== 'string') return badEntry('Its sealed settings are missing.');
    if (id !== null && (this.channels.has(id) || this.kept.channels.has(id))) return badEntry(`Another stored channel has the same id (${id}).`);
    let plain: string;
    try {
      plain = this.platform.secrets.decrypt(Buffer.from(s.sealed, 'base64')).toString('utf8');
    } catch (e) {
      return keep(`Its settings (sealed with its token or password) cannot be opened: ${(e as Error).message}`, this.sealedFix('the channel'), true);
    }
    try {
      const c = validateChannelConfig({ ...(JSON.parse(plain) as object), enabled: s.enabled, name: s.name });
      this.channels.set(c.id, c);
      return c;
    } catch (e) {
      return badEntry(`${(e as Error).message}`);
    }
  }

  private loadChannels(): void {
    const stored = this.platform.store.get('alertChannels');
    (Array.isArray(stored) ? stored : []).forEach((raw, index) => this.readChannel(raw, index));
  }

  /** Seals and writes every channel; when that fails (no key, disk full), `undo` puts the change back and the error goes to the caller. */
  private saveChannels(undo?: () => void): void {
    try {
      const stored: unknown[] = [...this.channels.values()].map((c) => ({
        id: c.id,
        name: c.name,
        type: c.type,
        enabled: c.enabled,
        sealed: this.platform.secrets.encrypt(Buffer.from(JSON.stringify(c), 'utf8')).toString('base64'),
      }));
      for (const k of this.kept.channels.values()) stored.push(k.raw);
      this.platform.store.set('alertChannels', stored);
    } catch (e) {
      undo?.();
      throw e;
    } finally {
      this.dispatcher.setChannels([...this.channels.values()]);
    }
  }

  // ── Entries that cannot be read ──────────────────────────────────────────────────────────

  /** Stored monitors and channels that cannot be read (kept in the file as they were). */
  unreadable(): UnreadableEntry[] {
    return [...this.kept.monitors.values(), ...this.kept.channels.values()].map((k) => ({ ...k.entry }));
  }

  /** Removes an entry that cannot be read, for good (the user chose to). */
  discardUnreadable(kind: 'monitor' | 'channel', key: string): void {
    if (kind === 'monitor') {
      if (!this.kept.monitors.delete(key)) throw notFound('monitor');
      if (this.labels[key]) this.setLabel(key, null);
      if (this.mutes[key] !== undefined) {
        delete this.mutes[key];
        this.platform.store.set('monitorMutes', this.mutes);
      }
      if (this.maintenance.monitors[key]) {
        delete this.maintenance.monitors[key];
        this.platform.store.set('monitorMaintenance', this.maintenance);
      }
      if (this.routing.monitors?.[key]) {
        const monitors = { ...this.routing.monitors };
        delete monitors[key];
        this.setRouting({ ...this.routing, monitors });
      }
      this.saveMonitors();
    } else {
      if (!this.kept.channels.delete(key)) throw notFound('channel');
      if (this.routing.defaultChannelIds.includes(key) || Object.values(this.routing.monitors ?? {}).some((r) => r.channelIds.includes(key))) {
        const monitors = Object.fromEntries(Object.entries(this.routing.monitors ?? {}).map(([m, r]) => [m, { ...r, channelIds: r.channelIds.filter((x) => x !== key) }]));
        this.setRouting({ defaultChannelIds: this.routing.defaultChannelIds.filter((x) => x !== key), monitors });
      }
      this.saveChannels();
    }
  }

  /**
   * Tries the entries that could not be read again (the original key file is back). Those that
   * read now run; the file is not rewritten (their stored form did not change). Returns how many.
   */
  retryUnreadable(): number {
    let n = 0;
    const monitors = [...this.kept.monitors.values()];
    this.kept.monitors.clear();
    monitors.forEach((k, index) => {
      const c = this.readMonitor(k.raw, index, k.sealed !== undefined && k.entry.key ? { [k.entry.key]: k.sealed } : {});
      if (!c) return;
      n++;
      if (this.started) {
        this.activate(c, true);
        this.checkSoon(c.id);
      }
    });
    const channels = [...this.kept.channels.values()];
    this.kept.channels.clear();
    channels.forEach((k, index) => {
      if (this.readChannel(k.raw, index)) n++;
    });
    if (n) {
      this.dispatcher.setChannels([...this.channels.values()]);
      this.changed();
    }
    return n;
  }
}

function labelOwned(l: LabelSource): HomeportError {
  return new HomeportError({
    code: 'CONFLICT',
    message: `This monitor is declared by the labels of the container ${l.container}.`,
    fix: 'Change its homeport.monitor.* labels and re-create the container (here you can pause or remove it).',
  });
}

function safeTokenEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function tcpReachable(t: ReferenceTarget, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: t.host, port: t.port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}
