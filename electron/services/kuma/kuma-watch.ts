/**
 * "Who monitors the monitor" (an Uptime Kuma that dies with what it watches sends no alert): keeps a KumaClient connected, re-signs in with the
 * stored session JWT after every drop, and turns what it sees into facts for the alert layer:
 *
 * - unreachable: connection attempts fail (refused, timeout, DNS, TLS);
 * - disconnected: an established connection dropped and has not come back yet;
 * - stale: connected, but no heartbeat from any active monitor for max(3 × the smallest interval,
 *   2 min) — Kuma's socket can outlive its checks (Uptime Kuma #4439, #3752: monitors that silently stop);
 * - auth-failed: the saved session was refused (password changed), so nothing is watched any more.
 *
 * Facts other than stale are raised only once they have lasted `problemGraceMs` (a Kuma restart
 * or upgrade takes seconds and is not an outage). A timer firing far later than asked means this
 * computer slept: baselines restart instead of reporting the sleep as an outage.
 */
import { errorText, HomeportError, toHomeportError, type ErrorInfo } from '../../../shared/contract';
import type { Logger } from '../platform/platform';
import { KumaClient, type KumaClientOptions, type KumaCredentials, type KumaLoginResult } from './kuma-client';
import { shortReason } from './kuma-errors';
import { Emitter } from '../platform/emitter';
import { formatDuration, makeFact, systemClock, type Clock, type KumaInstanceFact, type KumaProblem, type KumaRecovery } from './kuma-model';

export type KumaWatchState =
  | { status: 'idle' }
  | { status: 'connecting'; since: number }
  | { status: 'connected'; since: number; version: string | null }
  | { status: 'reconnecting'; since: number; attempt: number; retryAt: number; error: ErrorInfo | null }
  /** Retrying will not help (the session was refused, or there is none): the user must sign in. */
  | { status: 'failed'; since: number; error: ErrorInfo };

export interface KumaWatchEvents {
  state: KumaWatchState;
  /** A new or changed problem with the instance itself. */
  problem: KumaInstanceFact;
  /** The raised problem is over. */
  recovered: KumaRecovery;
  /** A new session JWT from `login()`: the owner stores it encrypted (it is never logged). */
  session: string;
}

export interface KumaWatchOptions {
  url: string;
  logger: Logger;
  /** "Uptime Kuma on nas" by default. */
  instance?: string;
  /** The stored session JWT, if any. */
  token?: string | null;
  clock?: Clock;
  /** Delay before reconnect attempt n (1-based). Default 0.5 s, 1 s, 2 s, then every 3 s, ±20 % jitter. */
  backoff?: (attempt: number) => number;
  staleFactor?: number;
  staleMinMs?: number;
  /** How long unreachable/disconnected must last before it is raised. Default 30 s. */
  problemGraceMs?: number;
  /** How often staleness and grace periods are evaluated. Default 5 s. */
  tickMs?: number;
  /** Options for the KumaClient the watch creates. */
  client?: Partial<Omit<KumaClientOptions, 'url' | 'logger' | 'instance'>>;
}

/**
 * Capped low on purpose: one attempt is a single small HTTP request (a refused port costs nothing),
 * and a person who restarts Kuma expects Homeport to see it back within seconds, not half a minute.
 */
export const defaultKumaBackoff = (attempt: number): number =>
  Math.min(3_000, 500 * 2 ** Math.max(0, attempt - 1)) * (0.8 + Math.random() * 0.4);

interface Condition {
  problem: KumaProblem;
  /** When Kuma was last heard from (what the message counts from). */
  since: number;
  /** When Homeport noticed (what the grace period counts from); `since` when not told. */
  noticedAt?: number;
  reason?: string;
}

export class KumaWatch extends Emitter<KumaWatchEvents> {
  readonly client: KumaClient;
  readonly instance: string;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly backoff: (attempt: number) => number;
  private readonly staleFactor: number;
  private readonly staleMinMs: number;
  private readonly graceMs: number;
  private readonly tickMs: number;

  private current: KumaWatchState = { status: 'idle' };
  private token: string | null;
  private running = false;
  /** Bumped on start/stop/login so results of an abandoned attempt are dropped. */
  private run = 0;
  private attempt = 0;
  private retryTimer: unknown = null;
  private tickTimer: unknown = null;
  private lastTickAt: number | null = null;

  private connectedAt: number | null = null;
  private lastLiveBeatAt: number | null = null;
  /** When Kuma was last heard from before the connection was lost. */
  private lostAt: number | null = null;
  /** When the loss was noticed: a dead host is noticed only when keep-alive pings time out. */
  private noticedAt: number | null = null;
  private lostReason: string | undefined;
  private lostKind: 'disconnected' | 'unreachable' = 'unreachable';
  private authFailure: Condition | null = null;
  private raised: KumaInstanceFact | null = null;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(opts: KumaWatchOptions) {
    super(opts.logger, 'kuma');
    this.logger = opts.logger;
    this.clock = opts.clock ?? systemClock;
    this.client = new KumaClient({
      ...opts.client,
      url: opts.url,
      logger: opts.logger,
      now: opts.client?.now ?? (() => this.clock.now()),
      ...(opts.instance !== undefined ? { instance: opts.instance } : {}),
    });
    this.instance = this.client.instance;
    this.token = opts.token ?? null;
    this.backoff = opts.backoff ?? defaultKumaBackoff;
    this.staleFactor = opts.staleFactor ?? 3;
    this.staleMinMs = opts.staleMinMs ?? 120_000;
    this.graceMs = opts.problemGraceMs ?? 30_000;
    this.tickMs = opts.tickMs ?? 5_000;
  }

  get state(): KumaWatchState {
    return this.current;
  }

  /** The problem currently raised, re-rendered for now; null when all is well. */
  get fact(): KumaInstanceFact | null {
    return this.raised ? makeFact(this.instance, this.raised.problem, this.raised.since, this.clock.now(), this.raised.reason) : null;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const run = ++this.run;
    this.unsubscribe.push(
      this.client.on('heartbeat', () => {
        this.lastLiveBeatAt = this.clock.now();
        if (this.raised?.problem === 'stale') this.evaluate();
      }),
      this.client.on('disconnected', (reason) => this.onDisconnected(reason)),
      this.client.on('monitors', () => this.evaluate()),
      this.client.on('info', (info) => {
        if (this.current.status === 'connected' && info.version && info.version !== this.current.version) {
          this.setState({ ...this.current, version: info.version });
        }
      }),
    );
    this.setState({ status: 'connecting', since: this.clock.now() });
    this.lastTickAt = this.clock.now();
    this.armTick();
    void this.connectOnce(run);
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.run++;
    this.clearRetry();
    if (this.tickTimer !== null) this.clock.clearTimeout(this.tickTimer);
    this.tickTimer = null;
    for (const u of this.unsubscribe.splice(0)) u();
    this.client.close();
    this.connectedAt = null;
    this.lostAt = null;
    this.noticedAt = null;
    this.authFailure = null;
    this.raised = null;
    this.setState({ status: 'idle' });
  }

  /** A new stored session (e.g. after the user signed in elsewhere); retries at once if failed. */
  setToken(token: string | null): void {
    this.token = token;
    if (this.running && this.current.status === 'failed') {
      this.authFailure = null;
      const run = ++this.run;
      this.setState({ status: 'connecting', since: this.clock.now() });
      void this.connectOnce(run);
    }
  }

  /**
   * Signs in on the watch's own connection (first setup, or after `failed`). Returns Kuma's answer;
   * on success the new JWT is also emitted as `session` for the owner to store.
   */
  async login(creds: KumaCredentials): Promise<KumaLoginResult> {
    if (!this.running) throw new HomeportError({ code: 'DISCONNECTED', message: `${this.instance} is not being watched.`, fix: 'Start the watch first.' });
    const before = this.current.status;
    const run = ++this.run;
    this.clearRetry();
    let result: KumaLoginResult;
    try {
      if (!this.client.connected) await this.client.connect();
      result = await this.client.login(creds);
    } catch (err) {
      // A wrong password typed in a dialog is the dialog's error, not the instance's: put the
      // watch back to what it was doing.
      if (run === this.run) this.resumeAfterLogin(before, run);
      throw err;
    }
    if (run !== this.run) return result;
    if (result.status === 'ok') {
      this.token = result.token;
      this.emit('session', result.token);
      this.onUp();
    } else {
      this.resumeAfterLogin(before, run);
    }
    return result;
  }

  private resumeAfterLogin(before: KumaWatchState['status'], run: number): void {
    if (!this.running) return;
    if (before === 'reconnecting') this.scheduleRetry(null);
    else if (before === 'connecting') void this.connectOnce(run);
  }

  /** The owner's power monitor says the computer woke up: restart baselines and reconnect now. */
  notifyResumed(): void {
    if (!this.running) return;
    this.restartBaselines();
    if (this.current.status === 'reconnecting') {
      this.clearRetry();
      void this.connectOnce(this.run);
    }
  }

  /** Evaluates staleness and grace periods now (the tick does this every `tickMs`). */
  evaluate(): void {
    if (!this.running) return;
    const now = this.clock.now();
    const c = this.condition(now);
    if (!c) {
      if (this.raised) this.recover(now);
      return;
    }
    const r = this.raised;
    if (r && r.problem === c.problem && r.since === c.since) return;
    const escalation = r !== null; // a raised problem that changed kind (disconnected → unreachable)
    if (c.problem === 'stale' || c.problem === 'auth-failed' || escalation || now - (c.noticedAt ?? c.since) >= this.graceMs) {
      this.raised = makeFact(this.instance, c.problem, c.since, now, c.reason);
      this.logger.warn('kuma: instance problem', { instance: this.instance, problem: c.problem, for: formatDuration(now - c.since) });
      this.emit('problem', this.raised);
    }
  }

  /** The smallest interval among active, self-checking monitors, as the stale threshold; null when none. */
  staleThresholdMs(): number | null {
    let smallest: number | null = null;
    for (const m of this.client.monitors()) {
      // Push monitors beat when something outside pushes, not on Kuma's own schedule.
      if (!m.active || m.type === 'push') continue;
      const sec = m.intervalSec ?? 60;
      if (smallest === null || sec < smallest) smallest = sec;
    }
    return smallest === null ? null : Math.max(this.staleFactor * smallest * 1000, this.staleMinMs);
  }

  // ---- connection -------------------------------------------------------------------------

  private async connectOnce(run: number): Promise<void> {
    try {
      const hello = await this.client.connect();
      if (run !== this.run) return;
      if (hello.setupNeeded) {
        return this.fail(new HomeportError({ code: 'AUTH_FAILED', message: `${this.instance} has not been set up yet (it has no user).`, fix: "Open Uptime Kuma's page and create its admin user first." }));
      }
      if (hello.loginRequired) {
        if (!this.token) {
          return this.fail(new HomeportError({ code: 'AUTH_FAILED', message: `Homeport is not signed in to ${this.instance}.`, fix: 'Sign in with the Uptime Kuma username and password.' }));
        }
        await this.client.loginByToken(this.token);
        if (run !== this.run) return;
      }
      this.onUp();
    } catch (err) {
      if (run !== this.run) return;
      const e = asHomeportError(err);
      if (e.code === 'AUTH_FAILED' || e.code === 'VALIDATION') this.fail(e);
      else this.onConnectFailure(run, e);
    }
  }

  private onUp(): void {
    const now = this.clock.now();
    this.clearRetry();
    this.attempt = 0;
    this.connectedAt = now;
    this.lastLiveBeatAt = null;
    this.lostAt = null;
    this.noticedAt = null;
    this.lostReason = undefined;
    this.authFailure = null;
    this.setState({ status: 'connected', since: now, version: this.client.info?.version ?? null });
    this.evaluate();
  }

  private onDisconnected(reason: string): void {
    if (!this.running || this.current.status !== 'connected') return;
    const now = this.clock.now();
    this.connectedAt = null;
    // Count from the last thing Kuma sent (a beat, an event, a keep-alive ping), not from now: a
    // host that lost power is noticed only when the pings time out, up to 45 s later.
    const heard = this.client.lastDataAt;
    this.lostAt = heard !== null && heard <= now ? heard : now;
    this.noticedAt = now;
    this.lostKind = 'disconnected';
    this.lostReason =
      reason === 'io server disconnect'
        ? 'closed by the server'
        : reason === 'ping timeout'
          ? 'no answer to keep-alive pings'
          : reason === 'transport close' || reason === 'transport error'
            ? 'connection lost'
            : reason;
    this.scheduleRetry(null);
    this.evaluate();
  }

  private onConnectFailure(run: number, e: HomeportError): void {
    if (run !== this.run || !this.running) return;
    const now = this.clock.now();
    this.connectedAt = null;
    if (this.lostAt === null) {
      this.lostAt = now;
      this.noticedAt = now;
    }
    this.lostKind = 'unreachable';
    this.lostReason = shortReason(e, this.instance);
    this.logger.info('kuma: connection attempt failed', { instance: this.instance, code: e.code, attempt: this.attempt + 1 });
    this.scheduleRetry(e);
    this.evaluate();
  }

  private fail(e: HomeportError): void {
    const now = this.clock.now();
    this.clearRetry();
    this.connectedAt = null;
    this.lostAt = null;
    this.noticedAt = null;
    // The socket stays open so `login()` can use it.
    this.authFailure = { problem: 'auth-failed', since: now, reason: shortReason(e, this.instance) };
    this.logger.warn('kuma: watch needs the user', { instance: this.instance, reason: e.message });
    this.setState({ status: 'failed', since: now, error: e.toInfo() });
    this.evaluate();
  }

  private scheduleRetry(error: HomeportError | null): void {
    this.clearRetry();
    this.attempt++;
    const now = this.clock.now();
    const delay = Math.max(0, this.backoff(this.attempt));
    const since = this.current.status === 'reconnecting' ? this.current.since : now;
    this.setState({ status: 'reconnecting', since, attempt: this.attempt, retryAt: now + delay, error: error ? error.toInfo() : null });
    const run = this.run;
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = null;
      if (run === this.run && this.running) void this.connectOnce(run);
    }, delay);
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  // ---- liveness ---------------------------------------------------------------------------

  private condition(now: number): Condition | null {
    if (this.authFailure) return this.authFailure;
    if (this.lostAt !== null) {
      const lost = { problem: this.lostKind, since: this.lostAt, noticedAt: this.noticedAt ?? this.lostAt };
      return this.lostReason === undefined ? lost : { ...lost, reason: this.lostReason };
    }
    if (this.current.status !== 'connected' || this.connectedAt === null) return null;
    const threshold = this.staleThresholdMs();
    if (threshold === null) return null;
    const evidence = Math.max(this.connectedAt, this.lastLiveBeatAt ?? -Infinity);
    if (now - evidence < threshold) return null;
    // Since the last beat we know of: a live one, else the newest Kuma told of (its clock), else the connection.
    const told = this.client.newestBeatAt();
    const since = this.lastLiveBeatAt ?? (told !== null && told <= now ? told : this.connectedAt);
    const stale = this.raised?.problem === 'stale' ? this.raised.since : since;
    return { problem: 'stale', since: stale };
  }

  private recover(now: number): void {
    const r = this.raised!;
    this.raised = null;
    const gap = formatDuration(now - r.since);
    const message =
      r.problem === 'stale'
        ? `${this.instance} is reporting again (silent for ${gap})`
        : r.problem === 'auth-failed'
          ? `Homeport is signed in to ${this.instance} again`
          : `${this.instance} is reachable again (after ${gap})`;
    this.logger.info('kuma: instance recovered', { instance: this.instance, problem: r.problem });
    this.emit('recovered', { instance: this.instance, problem: r.problem, since: r.since, recoveredAt: now, message });
  }

  private armTick(): void {
    this.tickTimer = this.clock.setTimeout(() => this.tick(), this.tickMs);
  }

  private tick(): void {
    this.tickTimer = null;
    if (!this.running) return;
    const now = this.clock.now();
    // A tick far later than asked: this computer slept (or was frozen). What happened meanwhile is
    // not evidence against Kuma; start the clocks again instead of raising a stale or outage fact.
    if (this.lastTickAt !== null && now - this.lastTickAt > this.tickMs * 3 + 10_000) {
      this.logger.info('kuma: timer late, assuming this computer slept', { instance: this.instance, lateBy: formatDuration(now - this.lastTickAt - this.tickMs) });
      this.restartBaselines();
    }
    this.lastTickAt = now;
    this.evaluate();
    this.armTick();
  }

  private restartBaselines(): void {
    const now = this.clock.now();
    this.lastTickAt = now;
    if (this.connectedAt !== null) {
      this.connectedAt = now;
      this.lastLiveBeatAt = null;
    }
    if (this.lostAt !== null && !this.raised) {
      this.lostAt = now;
      this.noticedAt = now;
    }
  }

  private setState(s: KumaWatchState): void {
    this.current = s;
    this.emit('state', s);
  }
}

function asHomeportError(err: unknown): HomeportError {
  return toHomeportError(err, { message: (e) => `Unexpected error while watching Uptime Kuma: ${errorText(e)}` });
}
