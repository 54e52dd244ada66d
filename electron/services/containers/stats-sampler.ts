import type Dockerode from 'dockerode';
import type { ContainerStatsSampleInfo } from '../../../shared/contract';
import { toCounters, toSample, type Counters, type RawStats } from './stats-math';

/**
 * Requests in flight at once, per stream. Engine 20.10 answers a one-shot request at its stats
 * collector's next tick (once a second), and one tick serves every request waiting on it: so a
 * round costs about ceil(containers / concurrency) seconds, and 24 samples 50 containers in ~2 s.
 */
export const STATS_CONCURRENCY = 24;
/** The second round comes this soon after the first, so CPU and rates show without a full period's wait. */
const PRIMING_MS = 1000;
const REQUEST_TIMEOUT_MS = 15_000;

export interface StatsSamplerOptions {
  /** The host's engine now, or null while it is not connected (the round is skipped). */
  docker(): Dockerode | null;
  /** Full ids of the running containers among those asked for (stopped ones are not sampled). */
  running(): string[];
  periodMs: number;
  concurrency?: number;
  emit(samples: ContainerStatsSampleInfo[]): void;
  /** A sample failed for a reason other than the container going away. */
  onError?(containerId: string, error: unknown): void;
}

/**
 * Live stats the cheap way: instead of one streaming `docker stats` connection per container (the
 * engine then samples every container every second, whether anyone looks or not), one one-shot
 * request per container per period (`GET /containers/{id}/stats?stream=false&one-shot=true`,
 * API 1.41+: no second frame to wait for), a bounded number in flight at a time. Rates come
 * from this round's counters and the previous round's.
 */
export class StatsSampler {
  private readonly prev = new Map<string, Counters>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private rounds = 0;
  private readonly abort = new AbortController();
  private lastDocker: Dockerode | null = null;

  constructor(private readonly opts: StatsSamplerOptions) {}

  start(): void {
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.abort.abort();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const began = Date.now();
      void this.round().finally(() => {
        const wait = this.rounds === 1 ? PRIMING_MS : this.opts.periodMs;
        // Rounds never overlap: a slow round delays the next instead of piling requests up.
        this.schedule(Math.max(0, wait - (Date.now() - began)));
      });
    }, ms);
  }

  /** One round: every running container once, at most `concurrency` requests in flight. */
  async round(): Promise<void> {
    this.rounds++;
    const docker = this.opts.docker();
    if (docker !== this.lastDocker) this.prev.clear(); // a new connection: old counters are no base
    this.lastDocker = docker;
    if (!docker) return;
    const ids = this.opts.running();
    for (const id of this.prev.keys()) if (!ids.includes(id)) this.prev.delete(id);
    const samples: ContainerStatsSampleInfo[] = [];
    let next = 0;
    const worker = async () => {
      while (!this.stopped && next < ids.length) {
        const id = ids[next++]!;
        const sample = await this.sampleOne(docker, id);
        if (sample) samples.push(sample);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.concurrency ?? STATS_CONCURRENCY, ids.length) }, worker));
    if (this.stopped) return;
    samples.sort((a, b) => ids.indexOf(a.containerId) - ids.indexOf(b.containerId));
    this.opts.emit(samples);
  }

  private async sampleOne(docker: Dockerode, id: string): Promise<ContainerStatsSampleInfo | null> {
    const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    try {
      const raw = (await docker.getContainer(id).stats({
        stream: false,
        'one-shot': true,
        abortSignal: AbortSignal.any([this.abort.signal, timeout]),
      } as { stream: false; 'one-shot': boolean })) as unknown as RawStats;
      const cur = toCounters(raw, Date.now());
      const sample = toSample(id, cur, this.prev.get(id) ?? null);
      this.prev.set(id, cur);
      return sample;
    } catch (e) {
      this.prev.delete(id);
      // Gone or stopped between the list and the request: nothing to show, nothing to report.
      const status = (e as { statusCode?: number }).statusCode;
      if (!this.stopped && status !== 404 && status !== 409) this.opts.onError?.(id, e);
      return null;
    }
  }
}
