/**
 * Polls a read-only source (Prometheus `/metrics` with an API key, or a public status page) into
 * the same model as the socket client, every 60 s by default (Kuma caches the status page's beats
 * for 1 min, so faster polling shows nothing new). It also watches the instance itself, like
 * KumaWatch: unreachable (failing polls, raised after `problemGraceMs`), auth-failed (the key was
 * refused) and, for status pages, stale (the newest beat on the page is older than `staleAfterMs`;
 * `/metrics` carries no timestamps, so it cannot show staleness).
 */
import { toHomeportError, type HomeportError } from '../../../shared/contract';
import type { Logger } from '../platform/platform';
import { shortReason } from './kuma-errors';
import type { FetchLike } from './kuma-http';
import { fetchKumaMetrics } from './kuma-metrics';
import {
  defaultInstanceName,
  formatDuration,
  makeFact,
  parseKumaUrl,
  systemClock,
  type Clock,
  type KumaIncident,
  type KumaInstanceFact,
  type KumaMonitorFact,
  type KumaProblem,
  type KumaRecovery,
} from './kuma-model';
import { fetchKumaStatusPage } from './kuma-status-page';
import { Emitter } from '../platform/emitter';

export type KumaReadOnlySource =
  | { kind: 'metrics'; url: string; apiKey?: string; username?: string; password?: string }
  | { kind: 'status-page'; url: string; slug: string };

export interface KumaReadOnlySnapshot {
  kind: KumaReadOnlySource['kind'];
  at: number;
  monitors: KumaMonitorFact[];
  /** `/metrics` only. */
  version: string | null;
  /** Status page only. */
  title: string | null;
  /** Status page only: the pinned incidents. */
  incidents: KumaIncident[];
  /** Kuma listed more monitors than Homeport keeps: a sentence for the user. */
  limit: string | null;
}

export interface KumaPollerEvents {
  snapshot: KumaReadOnlySnapshot;
  /** One poll failed (the previous snapshot stays valid). */
  error: HomeportError;
  problem: KumaInstanceFact;
  recovered: KumaRecovery;
}

export interface KumaPollerOptions {
  source: KumaReadOnlySource;
  logger: Logger;
  instance?: string;
  intervalMs?: number;
  /** Poll interval while polls fail (finds recovery sooner). Default min(interval, 20 s). */
  retryMs?: number;
  problemGraceMs?: number;
  /** Status pages: no beat newer than this on the page → stale. Default 10 min. */
  staleAfterMs?: number;
  timeoutMs?: number;
  clock?: Clock;
  fetch?: FetchLike;
}

export class KumaPoller extends Emitter<KumaPollerEvents> {
  readonly instance: string;
  private readonly opts: KumaPollerOptions;
  private readonly clock: Clock;
  private readonly intervalMs: number;
  private readonly retryMs: number;
  private readonly graceMs: number;
  private readonly staleAfterMs: number;
  private timer: unknown = null;
  private running = false;
  private run = 0;
  private inFlight: Promise<KumaReadOnlySnapshot> | null = null;
  private snapshot: KumaReadOnlySnapshot | null = null;
  private failingSince: number | null = null;
  private failure: HomeportError | null = null;
  private raised: KumaInstanceFact | null = null;

  constructor(opts: KumaPollerOptions) {
    super(opts.logger, 'kuma');
    this.opts = opts;
    this.instance = opts.instance ?? defaultInstanceName(parseKumaUrl(opts.source.url));
    this.clock = opts.clock ?? systemClock;
    this.intervalMs = opts.intervalMs ?? 60_000;
    this.retryMs = opts.retryMs ?? Math.min(this.intervalMs, 20_000);
    this.graceMs = opts.problemGraceMs ?? 60_000;
    this.staleAfterMs = opts.staleAfterMs ?? 10 * 60_000;
  }

  get last(): KumaReadOnlySnapshot | null {
    return this.snapshot;
  }

  get fact(): KumaInstanceFact | null {
    return this.raised ? makeFact(this.instance, this.raised.problem, this.raised.since, this.clock.now(), this.raised.reason) : null;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.run++;
    this.schedule(0);
  }

  stop(): void {
    this.running = false;
    this.run++;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Polls now (one poll at a time; a poll already running is shared). Rejects with the poll's error. */
  pollNow(): Promise<KumaReadOnlySnapshot> {
    if (this.inFlight) return this.inFlight;
    const run = this.run;
    const p = this.fetchOnce().then(
      (snap) => {
        if (run === this.run) this.onSuccess(snap);
        return snap;
      },
      (err: unknown) => {
        const e = toHomeportError(err, { message: (x) => `Polling Uptime Kuma failed: ${String(x)}` });
        if (run === this.run) this.onFailure(e);
        throw e;
      },
    );
    this.inFlight = p.finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private schedule(ms: number): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    const run = this.run;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      if (!this.running || run !== this.run) return;
      this.pollNow().then(
        () => this.running && run === this.run && this.schedule(this.intervalMs),
        () => this.running && run === this.run && this.schedule(this.retryMs),
      );
    }, ms);
  }

  private async fetchOnce(): Promise<KumaReadOnlySnapshot> {
    const src = this.opts.source;
    const common = {
      url: src.url,
      instance: this.instance,
      now: () => this.clock.now(),
      ...(this.opts.fetch ? { fetch: this.opts.fetch } : {}),
      ...(this.opts.timeoutMs !== undefined ? { timeoutMs: this.opts.timeoutMs } : {}),
    };
    if (src.kind === 'metrics') {
      const m = await fetchKumaMetrics({
        ...common,
        ...(src.apiKey !== undefined ? { apiKey: src.apiKey } : {}),
        ...(src.username !== undefined ? { username: src.username } : {}),
        ...(src.password !== undefined ? { password: src.password } : {}),
      });
      return { kind: 'metrics', at: m.at, monitors: m.monitors, version: m.version, title: null, incidents: [], limit: m.limit };
    }
    const p = await fetchKumaStatusPage({ ...common, slug: src.slug });
    if (p.problems.length) this.opts.logger.warn('kuma: unreadable beats on a status page', { instance: this.instance, problems: p.problems.slice(0, 5) });
    return { kind: 'status-page', at: p.at, monitors: p.monitors, version: null, title: p.title, incidents: p.incidents, limit: p.limit };
  }

  private onSuccess(snap: KumaReadOnlySnapshot): void {
    this.snapshot = snap;
    this.failingSince = null;
    this.failure = null;
    this.emit('snapshot', snap);
    this.evaluate();
  }

  private onFailure(e: HomeportError): void {
    if (this.failingSince === null) this.failingSince = this.clock.now();
    this.failure = e;
    this.opts.logger.warn('kuma: poll failed', { instance: this.instance, code: e.code, error: e.message });
    this.emit('error', e);
    this.evaluate();
  }

  /** When Kuma last answered a poll (this poller's clock); null before the first answer. */
  get lastDataAt(): number | null {
    return this.snapshot?.at ?? null;
  }

  private condition(now: number): { problem: KumaProblem; since: number; noticedAt: number; reason?: string } | null {
    if (this.failure && this.failingSince !== null) {
      const problem: KumaProblem = this.failure.code === 'AUTH_FAILED' ? 'auth-failed' : 'unreachable';
      const reason = shortReason(this.failure, this.instance);
      // The message counts from Kuma's last answer (a poll interval may lie between it and the
      // first failed poll); the grace period from the first failure.
      const last = this.lastDataAt;
      const since = last !== null && last <= this.failingSince ? last : this.failingSince;
      const c = { problem, since, noticedAt: this.failingSince };
      return reason === undefined ? c : { ...c, reason };
    }
    const snap = this.snapshot;
    if (snap?.kind === 'status-page' && snap.monitors.length > 0) {
      let newest: number | null = null;
      for (const m of snap.monitors) if (m.lastBeatAt !== null && (newest === null || m.lastBeatAt > newest)) newest = m.lastBeatAt;
      if (newest !== null && now - newest >= this.staleAfterMs) {
        return { problem: 'stale', since: newest, noticedAt: newest };
      }
    }
    return null;
  }

  private evaluate(): void {
    const now = this.clock.now();
    const c = this.condition(now);
    if (!c) {
      if (this.raised) {
        const r = this.raised;
        this.raised = null;
        const message = r.problem === 'stale' ? `${this.instance} is reporting again` : `${this.instance} is reachable again (after ${formatDuration(now - r.since)})`;
        this.emit('recovered', { instance: this.instance, problem: r.problem, since: r.since, recoveredAt: now, message });
      }
      return;
    }
    if (this.raised && this.raised.problem === c.problem && this.raised.since === c.since) return;
    if (c.problem === 'stale' || c.problem === 'auth-failed' || this.raised !== null || now - c.noticedAt >= this.graceMs) {
      this.raised = makeFact(this.instance, c.problem, c.since, now, c.reason);
      this.emit('problem', this.raised);
    }
  }
}
