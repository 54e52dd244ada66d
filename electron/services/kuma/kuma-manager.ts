/**
 * The user's Uptime Kuma instances, as a service: which instances (persisted, secrets sealed),
 * a KumaWatch (signed-in socket) or a KumaPoller (`/metrics`, status page) for each, their
 * mirrored monitors for the UI, and alerts:
 *
 * - a mirrored monitor that goes down (or comes back) in Kuma is an alert in Homeport too;
 * - the instance itself being unreachable, disconnected, stale or refusing the session is an alert
 *   ("Uptime Kuma on nas stopped reporting 4 min ago") — who monitors the monitor.
 *
 * It also owns Homeport's own push heartbeat (so something outside notices when Homeport stops).
 * Secrets (session JWT, API key, basic-auth password, the push URL) are sealed with the platform's
 * secret box and never leave this module.
 */
import { randomBytes } from 'node:crypto';
import {
  HomeportError,
  KumaInstanceId,
  type ErrorInfo,
  type HeartbeatInfo,
  type KumaAddInput,
  type KumaAddResultInfo,
  type KumaConnectionState,
  type KumaInstanceInfo,
  type KumaMode,
  type KumaMonitorInfo,
} from '../../../shared/contract';
import type { Alert } from '../alerts';
import { Emitter } from '../platform/emitter';
import type { Platform } from '../platform/platform';
import { KumaClient } from './kuma-client';
import { defaultInstanceName, parseKumaUrl, type KumaIncident, type KumaInstanceFact, type KumaMonitorFact, type KumaRecovery } from './kuma-model';
import { KumaPoller, type KumaReadOnlySource } from './kuma-poller';
import { KumaWatch, type KumaWatchOptions, type KumaWatchState } from './kuma-watch';
import { startPushHeartbeat, validatePushUrl, type PushHeartbeat, type PushHeartbeatStatus } from './push-heartbeat';

const STORE_KEY = 'kumaInstances';
const HEARTBEAT_KEY = 'pushHeartbeat';
export const DEFAULT_HEARTBEAT_SEC = 60;

interface KumaRecord {
  id: KumaInstanceId;
  name: string;
  url: string;
  mode: KumaMode;
  slug: string | null;
  allowSelfSigned: boolean;
  /** base64 of secrets.encrypt(JSON {token?, apiKey?, username?, password?}); null: none. */
  sealed: string | null;
}

interface KumaSecrets {
  token?: string;
  apiKey?: string;
  username?: string;
  password?: string;
}

interface Runtime {
  record: KumaRecord;
  watch: KumaWatch | null;
  poller: KumaPoller | null;
  state: KumaConnectionState;
  error: ErrorInfo | null;
  version: string | null;
  monitors: KumaMonitorFact[];
  incidents: KumaIncident[];
  /** Kuma sent more than Homeport keeps (too many monitors): said on the instance. */
  limit: string | null;
  /** The last status seen per monitor, for down/up alerts on transitions. */
  seen: Map<string, KumaMonitorFact['status']>;
  offs: (() => void)[];
}

/** What the Uptime Kuma side announces. */
export interface KumaEvents {
  /** Every instance, after something about one changed (at most once per `throttleMs`). */
  changed: KumaInstanceInfo[];
  /** Homeport's own heartbeat to a Kuma push monitor: its settings or its last result changed. */
  heartbeat: HeartbeatInfo;
  /** Alerts about mirrored monitors and the instances themselves (for the channels and the UI). */
  alert: Alert;
}

export interface KumaManagerOptions {
  platform: Platform;
  /** Test knobs for the watches (grace period, tick) and the pollers' interval. */
  watchOptions?: Partial<Pick<KumaWatchOptions, 'problemGraceMs' | 'tickMs' | 'staleMinMs' | 'backoff'>>;
  pollIntervalMs?: number;
  /** Coalesce change notifications (ms). */
  throttleMs?: number;
  /** While an instance is silent or has a problem, how often the list is sent again so "for 4 min" keeps counting. Default 5 s. */
  refreshMs?: number;
}

const notFound = () => new HomeportError({ code: 'NOT_FOUND', message: 'There is no such Uptime Kuma instance.', fix: 'Reload the list.' });

function view(m: KumaMonitorFact, stale: boolean): KumaMonitorInfo {
  return {
    id: m.id,
    name: m.name,
    type: m.type,
    target: m.url ?? m.hostname,
    active: m.active,
    // A status Kuma reported before it went silent is a guess now: say so, keep it beside.
    status: stale ? 'unknown' : m.status,
    lastKnownStatus: m.status,
    lastBeatAt: m.lastBeatAt,
    latencyMs: m.latencyMs,
    avgLatencyMs: m.avgLatencyMs,
    uptime: { day: m.uptime24h, month: m.uptime30d, year: m.uptime1y },
    message: m.message,
  };
}

const MODE_WORDS: Record<KumaMode, string> = { socket: 'signed in', metrics: 'read through /metrics', 'status-page': 'read through a status page' };
const MODE_RANK: Record<KumaMode, number> = { socket: 0, metrics: 1, 'status-page': 2 };

function watchState(s: KumaWatchState): KumaConnectionState {
  return s.status === 'idle' ? 'stopped' : s.status;
}

export class KumaManager {
  private readonly runtimes = new Map<KumaInstanceId, Runtime>();
  private heartbeat: PushHeartbeat | null = null;
  private heartbeatIntervalSec = DEFAULT_HEARTBEAT_SEC;
  private changeTimer: ReturnType<typeof setTimeout> | null = null;
  private refreshTimer: ReturnType<typeof setInterval> | null = null;
  private alertSeq = 0;
  private started = false;

  readonly events: Emitter<KumaEvents>;

  constructor(private readonly opts: KumaManagerOptions) {
    this.events = new Emitter(opts.platform.logger, 'kuma');
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.startSaved();
  }

  /**
   * Starts what is saved and not running yet: at start-up, and again when the user asks to check
   * again (the original key file is back). An instance or a heartbeat whose secrets cannot be
   * opened stays saved as it was and waits: Homeport starts without it, and the settings'
   * problems list names it until it opens or the user removes it.
   */
  retry(): void {
    if (!this.started) return;
    const hadHeartbeat = this.heartbeat !== null;
    this.startSaved();
    this.changed();
    if (!hadHeartbeat && this.heartbeat) this.heartbeatChanged();
  }

  private startSaved(): void {
    for (const r of this.loadRecords()) {
      if (this.runtimes.has(r.id)) continue;
      try {
        this.run(r);
      } catch (e) {
        this.opts.platform.logger.warn('kuma: a saved instance waits: its secrets cannot be opened', { instance: r.name, error: (e as Error).message });
      }
    }
    const hb = this.opts.platform.store.get(HEARTBEAT_KEY) as { sealedUrl?: string; intervalSec?: number } | undefined;
    if (hb?.sealedUrl && !this.heartbeat) {
      try {
        this.startHeartbeat(this.open<{ url: string }>(hb.sealedUrl).url, hb.intervalSec ?? DEFAULT_HEARTBEAT_SEC);
      } catch (e) {
        this.opts.platform.logger.warn('kuma: the saved heartbeat could not be started', { error: (e as Error).message });
      }
    }
  }

  stop(): void {
    this.started = false;
    for (const rt of this.runtimes.values()) this.halt(rt);
    this.runtimes.clear();
    this.heartbeat?.stop();
    this.heartbeat = null;
    if (this.changeTimer) clearTimeout(this.changeTimer);
    this.changeTimer = null;
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = null;
  }

  list(): KumaInstanceInfo[] {
    return [...this.runtimes.values()].map((rt) => this.info(rt));
  }

  /**
   * Connects once with what the user typed before saving anything: a wrong password, a missing
   * 2FA code, an address that is not Kuma, each comes back as an answer or a clear error.
   */
  async add(input: KumaAddInput): Promise<KumaAddResultInfo> {
    const url = parseKumaUrl(input.url);
    const origin = url.origin;
    const name = input.name.trim() || defaultInstanceName(url);
    // One Kuma read two ways (signed in and its status page, say) would announce every change
    // twice, and its own outages twice: each Kuma is read once.
    const same = [...this.runtimes.values()].find((rt) => rt.record.url === origin);
    if (same) {
      throw new HomeportError({
        code: 'CONFLICT',
        message: `${origin} is already connected as “${same.record.name}” (${MODE_WORDS[same.record.mode]}).`,
        fix: `Homeport reads each Uptime Kuma once, so that each change alerts once. To read it another way, remove “${same.record.name}” first.`,
      });
    }
    // One saved but waiting (its secrets cannot be opened) would run beside the new one once they open.
    const waiting = this.loadRecords().find((r) => r.url === origin && !this.runtimes.has(r.id));
    if (waiting) {
      throw new HomeportError({
        code: 'CONFLICT',
        message: `${origin} is already saved as “${waiting.name}”, which waits: its login or API key cannot be opened.`,
        fix: `Put the original key file back and choose "Check again" in the settings problems, or remove “${waiting.name}” there first, then add it again.`,
      });
    }
    const secrets: KumaSecrets = {};
    if (input.mode === 'socket') {
      const client = new KumaClient({ url: origin, logger: this.opts.platform.logger, instance: name, allowSelfSigned: input.allowSelfSigned });
      try {
        const hello = await client.connect();
        if (hello.setupNeeded) {
          throw new HomeportError({ code: 'VALIDATION', message: `${name} has no user yet.`, fix: `Open ${origin} and finish Uptime Kuma's setup first.` });
        }
        if (hello.loginRequired) {
          if (!input.username || !input.password) {
            throw new HomeportError({ code: 'VALIDATION', message: `${name} asks for a username and a password.`, fix: 'Enter the account you sign in to Uptime Kuma with.' });
          }
          const creds = input.totp.trim() ? { username: input.username, password: input.password, token: input.totp.trim() } : { username: input.username, password: input.password };
          const r = await client.login(creds);
          if (r.status === 'totp-required') return { status: 'totp-required' };
          secrets.token = r.token;
        }
      } finally {
        client.close();
      }
    } else if (input.mode === 'metrics') {
      if (input.apiKey) secrets.apiKey = input.apiKey;
      else if (input.password) Object.assign(secrets, { username: input.username, password: input.password });
    } else if (!input.slug.trim()) {
      throw new HomeportError({ code: 'VALIDATION', message: 'A status page needs its slug.', fix: `Copy it from the page's address: ${origin}/status/<slug>.` });
    }
    const record: KumaRecord = {
      id: KumaInstanceId(`ku_${randomBytes(6).toString('base64url')}`),
      name,
      url: origin,
      mode: input.mode,
      slug: input.mode === 'status-page' ? input.slug.trim() : null,
      allowSelfSigned: input.allowSelfSigned,
      sealed: Object.keys(secrets).length ? this.seal(secrets) : null,
    };
    if (input.mode !== 'socket') {
      // Read once now, so a wrong address, key or slug is told at the form, not later.
      const poller = this.makePoller(record, secrets);
      try {
        await poller.pollNow();
      } finally {
        poller.stop();
      }
    }
    this.saveRecords([...this.loadRecords(), record]);
    const rt = this.run(record);
    this.changed();
    return { status: 'added', instance: this.info(rt) };
  }

  /** Removes an instance: a running one, or one saved whose secrets cannot be opened (not running). */
  remove(id: KumaInstanceId): void {
    const rt = this.runtimes.get(id);
    const records = this.loadRecords();
    if (!rt && !records.some((r) => r.id === id)) throw notFound();
    if (rt) this.halt(rt);
    this.runtimes.delete(id);
    this.saveRecords(records.filter((r) => r.id !== id));
    this.changed();
  }

  async pause(id: KumaInstanceId, monitorId: string): Promise<void> {
    await this.socketOf(id).pauseMonitor(monitorId);
  }

  async resume(id: KumaInstanceId, monitorId: string): Promise<void> {
    await this.socketOf(id).resumeMonitor(monitorId);
  }

  heartbeatInfo(): HeartbeatInfo {
    const s: PushHeartbeatStatus | null = this.heartbeat?.status() ?? null;
    return {
      configured: s !== null,
      target: s?.target ?? null,
      kind: s?.kind ?? null,
      intervalSec: this.heartbeatIntervalSec,
      lastOkAt: s?.lastOkAt ?? null,
      lastAttemptAt: s?.lastAttemptAt ?? null,
      lastError: s?.lastError ?? null,
      nextAt: s?.nextAt ?? null,
      sent: s?.sent ?? 0,
      failed: s?.failed ?? 0,
    };
  }

  /** Sets (or, with `url` null, stops) Homeport's own heartbeat; the first beat goes out at once. */
  async setHeartbeat(input: { url: string | null; intervalSec: number }): Promise<HeartbeatInfo> {
    this.heartbeat?.stop();
    this.heartbeat = null;
    if (input.url === null) {
      this.opts.platform.store.delete(HEARTBEAT_KEY);
      this.heartbeatIntervalSec = DEFAULT_HEARTBEAT_SEC;
      this.heartbeatChanged();
      return this.heartbeatInfo();
    }
    validatePushUrl(input.url);
    this.startHeartbeat(input.url, input.intervalSec);
    this.opts.platform.store.set(HEARTBEAT_KEY, { sealedUrl: this.seal({ url: input.url }), intervalSec: input.intervalSec });
    await this.heartbeat!.sendNow();
    return this.heartbeatInfo();
  }

  async sendHeartbeat(): Promise<HeartbeatInfo> {
    if (!this.heartbeat) {
      throw new HomeportError({ code: 'VALIDATION', message: 'No heartbeat URL is set.', fix: 'Paste the push URL of an Uptime Kuma push monitor, a Healthchecks check or a Better Stack heartbeat first.' });
    }
    await this.heartbeat.sendNow();
    return this.heartbeatInfo();
  }

  // ── internals ────────────────────────────────────────────────────────────

  private startHeartbeat(url: string, intervalSec: number): void {
    this.heartbeatIntervalSec = intervalSec;
    this.heartbeat = startPushHeartbeat({ url, intervalSec, logger: this.opts.platform.logger, onStatus: () => this.heartbeatChanged() });
  }

  private heartbeatChanged(): void {
    this.events.emit('heartbeat', this.heartbeatInfo());
  }

  private socketOf(id: KumaInstanceId): KumaClient {
    const rt = this.runtimes.get(id);
    if (!rt) throw notFound();
    if (!rt.watch) {
      throw new HomeportError({ code: 'VALIDATION', message: `${rt.record.name} is read through ${rt.record.mode === 'metrics' ? '/metrics' : 'a status page'}, which cannot pause monitors.`, fix: 'Connect it with a username and password to pause and resume its monitors.' });
    }
    if (!rt.watch.client.loggedIn) {
      throw new HomeportError({ code: 'DISCONNECTED', message: `${rt.record.name} is not connected.`, fix: 'Wait until it is connected again.' });
    }
    return rt.watch.client;
  }

  private run(record: KumaRecord): Runtime {
    const secrets = record.sealed ? this.open<KumaSecrets>(record.sealed) : {};
    const rt: Runtime = { record, watch: null, poller: null, state: 'connecting', error: null, version: null, monitors: [], incidents: [], limit: null, seen: new Map(), offs: [] };
    this.runtimes.set(record.id, rt);
    if (record.mode === 'socket') {
      const watch = new KumaWatch({
        url: record.url,
        logger: this.opts.platform.logger,
        instance: record.name,
        token: secrets.token ?? null,
        client: { allowSelfSigned: record.allowSelfSigned },
        ...this.opts.watchOptions,
      });
      rt.watch = watch;
      rt.offs.push(
        watch.on('state', (s) => {
          rt.state = watchState(s);
          rt.error = s.status === 'reconnecting' || s.status === 'failed' ? s.error : null;
          if (s.status === 'connected') rt.version = s.version;
          this.changed();
        }),
        watch.on('session', (token) => this.updateSecrets(record.id, { ...secrets, token })),
        watch.on('problem', (fact) => this.instanceProblem(rt, fact)),
        watch.on('recovered', (r) => this.instanceRecovered(rt, r)),
        watch.client.on('monitors', (u) => this.mirror(rt, u.monitors)),
        watch.client.on('limit', (notice) => {
          rt.limit = notice;
          this.changed();
        }),
      );
      watch.start();
    } else {
      const poller = this.makePoller(record, secrets);
      rt.poller = poller;
      rt.state = 'polling';
      rt.offs.push(
        poller.on('snapshot', (snap) => {
          rt.error = null;
          rt.version = snap.version ?? rt.version;
          rt.incidents = snap.incidents;
          rt.limit = snap.limit;
          this.mirror(rt, snap.monitors);
        }),
        poller.on('error', (e) => {
          rt.error = e.toInfo();
          this.changed();
        }),
        poller.on('problem', (fact) => this.instanceProblem(rt, fact)),
        poller.on('recovered', (r) => this.instanceRecovered(rt, r)),
      );
      poller.start();
    }
    return rt;
  }

  private makePoller(record: KumaRecord, secrets: KumaSecrets): KumaPoller {
    const source: KumaReadOnlySource =
      record.mode === 'status-page'
        ? { kind: 'status-page', url: record.url, slug: record.slug ?? '' }
        : {
            kind: 'metrics',
            url: record.url,
            ...(secrets.apiKey ? { apiKey: secrets.apiKey } : {}),
            ...(secrets.password ? { username: secrets.username ?? '', password: secrets.password } : {}),
          };
    return new KumaPoller({
      source,
      logger: this.opts.platform.logger,
      instance: record.name,
      ...(this.opts.pollIntervalMs ? { intervalMs: this.opts.pollIntervalMs } : {}),
      ...(this.opts.watchOptions?.problemGraceMs !== undefined ? { problemGraceMs: this.opts.watchOptions.problemGraceMs } : {}),
    });
  }

  private halt(rt: Runtime): void {
    for (const off of rt.offs.splice(0)) off();
    rt.watch?.stop();
    rt.poller?.stop();
  }

  /** New monitor data: down/up transitions become alerts (Kuma has already applied its retries). */
  private mirror(rt: Runtime, monitors: KumaMonitorFact[]): void {
    rt.monitors = monitors;
    const first = rt.seen.size === 0;
    for (const m of monitors) {
      const before = rt.seen.get(m.id);
      rt.seen.set(m.id, m.status);
      // The first picture is the baseline: an outage that was already there is shown, not announced.
      if (first || before === undefined || !m.active) continue;
      if (m.status === 'down' && before !== 'down') this.alert(rt, 'down', `${m.name} is down`, `${m.message || 'Down'} — reported by ${rt.record.name}`, 'critical', m.id);
      else if (m.status === 'up' && before === 'down') this.alert(rt, 'up', `${m.name} is back up`, `Reported by ${rt.record.name}`, 'info', m.id);
    }
    const ids = new Set(monitors.map((m) => m.id));
    for (const id of rt.seen.keys()) if (!ids.has(id)) rt.seen.delete(id);
    this.changed();
  }

  private instanceProblem(rt: Runtime, fact: KumaInstanceFact): void {
    this.alert(rt, 'stalled', fact.message, `Homeport watches ${rt.record.name} (${rt.record.url}); the monitors it runs may be failing unseen.`, 'critical', null);
    this.changed();
  }

  private instanceRecovered(rt: Runtime, r: KumaRecovery): void {
    this.alert(rt, 'stall-cleared', r.message, `${rt.record.name} is being watched again.`, 'info', null);
    this.changed();
  }

  /**
   * The instance that speaks for a Kuma connected more than one way (saved before that was
   * refused): the signed-in one first, then /metrics, then a status page; the older on a tie.
   * Null when `rt` is that one.
   */
  private primaryOver(rt: Runtime): Runtime | null {
    let best = rt;
    for (const other of this.runtimes.values()) {
      if (other === rt || other.record.url !== rt.record.url) continue;
      if (MODE_RANK[other.record.mode] < MODE_RANK[best.record.mode]) best = other;
    }
    if (best !== rt) return best;
    // Same mode: the first one saved speaks (runtimes keep the saved order).
    for (const other of this.runtimes.values()) {
      if (other === rt) break;
      if (other.record.url === rt.record.url && other.record.mode === rt.record.mode) return other;
    }
    return null;
  }

  private alert(rt: Runtime, kind: Alert['kind'], title: string, body: string, severity: Alert['severity'], kumaMonitorId: string | null): void {
    if (this.primaryOver(rt)) return; // the same Kuma's other instance says it, once
    const monitorId = kumaMonitorId === null ? null : `kuma:${rt.record.id}:${kumaMonitorId}`;
    const alert: Alert = {
      id: `kuma-${++this.alertSeq}-${Date.now().toString(36)}`,
      kind,
      title,
      body,
      monitorIds: monitorId ? [monitorId] : [],
      at: Date.now(),
      severity,
      entries: monitorId ? [{ monitorId, name: title, hostId: null, message: body }] : [],
    };
    this.events.emit('alert', alert);
  }

  /** Whether Homeport hears the instance right now; its monitors' statuses are unknown otherwise. */
  private isStale(rt: Runtime): boolean {
    if (rt.watch) return !(rt.watch.state.status === 'connected' && rt.watch.client.loggedIn) || rt.watch.fact !== null;
    if (rt.poller) return rt.poller.last === null || rt.error !== null || rt.poller.fact !== null;
    return true;
  }

  private info(rt: Runtime): KumaInstanceInfo {
    const fact = rt.watch?.fact ?? rt.poller?.fact ?? null;
    const stale = this.isStale(rt);
    const primary = this.primaryOver(rt);
    return {
      id: rt.record.id,
      name: rt.record.name,
      url: rt.record.url,
      mode: rt.record.mode,
      slug: rt.record.slug,
      state: rt.state,
      error: rt.error,
      problem: fact?.message ?? null,
      stale,
      lastDataAt: rt.watch?.client.lastDataAt ?? rt.poller?.lastDataAt ?? null,
      version: rt.version,
      warning:
        [
          primary ? `Also connected as “${primary.record.name}” (${MODE_WORDS[primary.record.mode]}): alerts about this Uptime Kuma come from there only. Remove one of the two.` : null,
          rt.limit,
        ]
          .filter(Boolean)
          .join(' ') || null,
      canPause: rt.record.mode === 'socket',
      incidents: rt.incidents.map((i) => ({ ...i })),
      monitors: rt.monitors.map((m) => view(m, stale)).sort((a, b) => a.name.localeCompare(b.name)),
    };
  }

  private changed(): void {
    this.armRefresh();
    if (this.changeTimer) return;
    this.changeTimer = setTimeout(() => {
      this.changeTimer = null;
      this.events.emit('changed', this.list());
    }, this.opts.throttleMs ?? 100);
    this.changeTimer.unref?.();
  }

  /**
   * The problem sentence ("unreachable for 4 min") and the age of the last data are rendered when
   * the list is sent; while some instance is silent nothing else may change for minutes, so the
   * list is sent again every few seconds until all are heard again.
   */
  private armRefresh(): void {
    if (this.refreshTimer || !this.started) return;
    this.refreshTimer = setInterval(() => {
      if ([...this.runtimes.values()].some((rt) => this.isStale(rt))) {
        this.events.emit('changed', this.list());
      } else if (this.refreshTimer) {
        clearInterval(this.refreshTimer);
        this.refreshTimer = null;
      }
    }, this.opts.refreshMs ?? 5_000);
    this.refreshTimer.unref?.();
  }

  private loadRecords(): KumaRecord[] {
    const raw = this.opts.platform.store.get(STORE_KEY);
    return Array.isArray(raw) ? (raw as KumaRecord[]) : [];
  }

  private saveRecords(records: KumaRecord[]): void {
    this.opts.platform.store.set(STORE_KEY, records);
  }

  private updateSecrets(id: KumaInstanceId, secrets: KumaSecrets): void {
    this.saveRecords(this.loadRecords().map((r) => (r.id === id ? { ...r, sealed: this.seal(secrets) } : r)));
  }

  private seal(value: object): string {
    return this.opts.platform.secrets.encrypt(Buffer.from(JSON.stringify(value), 'utf8')).toString('base64');
  }

  private open<T>(sealed: string): T {
    try {
      return JSON.parse(this.opts.platform.secrets.decrypt(Buffer.from(sealed, 'base64')).toString('utf8')) as T;
    } catch {
      throw new HomeportError({ code: 'INTERNAL', message: 'A saved Uptime Kuma secret could not be decrypted.', fix: 'Remove the instance and connect it again.' });
    }
  }

  /** Test helper: a record's secrets as stored (sealed) — for asserting nothing is in clear. */
  storedRecords(): readonly KumaRecord[] {
    return this.loadRecords();
  }
}
