/**
 * The watches of the container monitors, per host: each follows its container through the host
 * engine's events (see ContainerWatch). A host's watches live as long as its engine: when the
 * engine goes away they end, and when it is back (a new connection) they start again on it, with
 * a fresh look at each container, since events may have been missed meanwhile.
 */
import type { Logger } from '../../platform/platform';
import { ContainerEventHub, type CheckResult, type ContainerWatch, type DockerLike, type MonitorConfig } from '../checks';

type ContainerConfig = Extract<MonitorConfig, { type: 'container' }>;

export interface ContainerWatchesOptions {
  /** The Docker engine of a host (dockerode satisfies DockerLike); null: not connected, its container monitors wait. */
  dockerFor?: (hostId: string) => DockerLike | null;
  logger: Logger;
  /** A watch's result (its first look, then every change). */
  onResult: (monitorId: string, result: CheckResult) => void;
  /** Whether the monitor has a result this session already (a watch's first look is then not repeated). */
  hasResult: (monitorId: string) => boolean;
}

interface Entry {
  hostId: string;
  watch: ContainerWatch | null;
  cancelled: boolean;
}

export class ContainerWatches {
  private readonly hubs = new Map<string, ContainerEventHub>();
  /** The engine each hub follows: a new connection brings a new one, and the watches start again on it. */
  private readonly hubDockers = new Map<string, DockerLike>();
  private readonly watches = new Map<string, Entry>();

  constructor(private readonly opts: ContainerWatchesOptions) {}

  has(monitorId: string): boolean {
    return this.watches.has(monitorId);
  }

  /** What the container monitor reports now (null: not watched, or its first look is not back). */
  current(monitorId: string): CheckResult | null {
    return this.watches.get(monitorId)?.watch?.current() ?? null;
  }

  /**
   * Starts watching a container monitor's container. False when its host's engine cannot be used
   * now: the monitor waits for `hostUp`.
   */
  watch(c: ContainerConfig): boolean {
    const docker = this.opts.dockerFor?.(c.hostId) ?? null;
    if (!docker) {
      this.opts.logger.info('monitors: container monitor waits for its host', { monitorId: c.id, hostId: c.hostId });
      return false;
    }
    if (this.hubs.has(c.hostId) && this.hubDockers.get(c.hostId) !== docker) this.hostDown(c.hostId);
    let hub = this.hubs.get(c.hostId);
    if (!hub) {
      hub = new ContainerEventHub(docker, this.opts.logger);
      this.hubs.set(c.hostId, hub);
      this.hubDockers.set(c.hostId, docker);
    }
    const entry: Entry = { hostId: c.hostId, watch: null, cancelled: false };
    this.watches.set(c.id, entry);
    const h = hub;
    h.watch(c.container, (r) => {
      if (!entry.cancelled) this.opts.onResult(c.id, r);
    }).then(
      (w) => {
        if (entry.cancelled) h.unwatch(w);
        else {
          entry.watch = w;
          const first = w.current();
          if (first && !this.opts.hasResult(c.id)) this.opts.onResult(c.id, first);
        }
      },
      (e: Error) => this.opts.logger.warn('monitors: could not watch a container', { monitorId: c.id, error: e.message }),
    );
    return true;
  }

  unwatch(monitorId: string): void {
    const w = this.watches.get(monitorId);
    if (!w) return;
    w.cancelled = true;
    if (w.watch) this.hubs.get(w.hostId)?.unwatch(w.watch);
    this.watches.delete(monitorId);
  }

  /**
   * A host's engine can be used (a new connection, or told again about the current one): the
   * monitors given that have no watch get one; on a new engine, every watch starts again.
   * Returns the monitors whose watch started.
   */
  hostUp(hostId: string, monitors: Iterable<ContainerConfig>): ContainerConfig[] {
    const docker = this.opts.dockerFor?.(hostId) ?? null;
    if (this.hubs.has(hostId) && this.hubDockers.get(hostId) !== docker) this.hostDown(hostId);
    const started: ContainerConfig[] = [];
    for (const c of monitors) if (!this.watches.has(c.id) && this.watch(c)) started.push(c);
    return started;
  }

  /** A host's engine went away: its watches end until it is back. */
  hostDown(hostId: string): void {
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

  stop(): void {
    for (const w of this.watches.values()) w.cancelled = true;
    for (const hub of this.hubs.values()) hub.close();
    this.hubs.clear();
    this.hubDockers.clear();
    this.watches.clear();
  }
}
