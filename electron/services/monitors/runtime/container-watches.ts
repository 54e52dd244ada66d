/**
 * The watches of the container monitors, per host: each follows its container through the host
 * engine's events (see ContainerWatch). The events come from the engine hub's one event stream
 * per host — the monitors open no stream of their own. A host's watches live as long as its
 * engine: when the engine goes away they end, and when it is back (a new connection) they start
 * again on it, each with a fresh look at its container, since events may have been missed
 * meanwhile.
 */
import type { RawEngineEvent } from '../../engines';
import type { Logger } from '../../platform/platform';
import { CONTAINER_EVENTS, ContainerWatch, type CheckResult, type DockerLike, type MonitorConfig } from '../checks';
import type { HostId, MonitorId } from '../../../../shared/model/ids';

type ContainerConfig = Extract<MonitorConfig, { type: 'container' }>;

/** What container monitors need of the engines (the engine hub gives it; see engineFeedVia). */
export interface EngineFeed {
  /** The host's engine, for looks at a container; null while it cannot be used (its monitors wait). */
  dockerOf(hostId: HostId): DockerLike | null;
  /** The host's engine events as they come; `resumed`: events may have been missed on this engine (take fresh looks). */
  subscribe(hostId: HostId, listener: (e: RawEngineEvent) => void, resumed: () => void): () => void;
  /** Settles once the host's event stream is open: a look taken after it misses no event. */
  eventsOpen(hostId: HostId): Promise<void>;
}

export interface ContainerWatchesOptions {
  engines?: EngineFeed;
  logger: Logger;
  /** A watch's result (its first look, then every change). */
  onResult: (monitorId: MonitorId, result: CheckResult) => void;
  /** Whether the monitor has a result this session already (a watch's first look is then not repeated). */
  hasResult: (monitorId: MonitorId) => boolean;
}

interface Entry {
  hostId: HostId;
  watch: ContainerWatch;
  cancelled: boolean;
}

/** One host's watches and its subscription to the host's events. */
interface HostWatches {
  docker: DockerLike;
  watches: Set<ContainerWatch>;
  unsubscribe: () => void;
}

const WATCHED = new Set(CONTAINER_EVENTS);

export class ContainerWatches {
  private readonly hosts = new Map<HostId, HostWatches>();
  private readonly watches = new Map<MonitorId, Entry>();

  constructor(private readonly opts: ContainerWatchesOptions) {}

  has(monitorId: MonitorId): boolean {
    return this.watches.has(monitorId);
  }

  /** What the container monitor reports now (null: not watched, or its first look is not back). */
  current(monitorId: MonitorId): CheckResult | null {
    return this.watches.get(monitorId)?.watch.current() ?? null;
  }

  /**
   * Starts watching a container monitor's container. False when its host's engine cannot be used
   * now: the monitor waits for `hostUp`.
   */
  watch(c: ContainerConfig): boolean {
    const docker = this.opts.engines?.dockerOf(c.hostId) ?? null;
    if (!docker) {
      this.opts.logger.info('monitors: container monitor waits for its host', { monitorId: c.id, hostId: c.hostId });
      return false;
    }
    const host = this.hostOn(c.hostId, docker);
    const entry: Entry = {
      hostId: c.hostId,
      cancelled: false,
      watch: new ContainerWatch({
        docker,
        container: c.container,
        logger: this.opts.logger,
        onResult: (r) => {
          if (!entry.cancelled) this.opts.onResult(c.id, r);
        },
      }),
    };
    this.watches.set(c.id, entry);
    host.watches.add(entry.watch);
    const engines = this.opts.engines!;
    // The first look after the event stream is open: a change in between is then seen by both.
    void engines
      .eventsOpen(c.hostId)
      .then(() => (entry.cancelled ? null : entry.watch.start()))
      .then(
        (first) => {
          if (first && !entry.cancelled && !this.opts.hasResult(c.id)) this.opts.onResult(c.id, first);
        },
        (e: Error) => this.opts.logger.warn('monitors: could not watch a container', { monitorId: c.id, error: e.message }),
      );
    return true;
  }

  unwatch(monitorId: MonitorId): void {
    const w = this.watches.get(monitorId);
    if (!w) return;
    this.end(monitorId, w);
  }

  /**
   * A host's engine can be used (a new connection, or told again about the current one): the
   * monitors given that have no watch get one; on a new engine, every watch starts again.
   * Returns the monitors whose watch started.
   */
  hostUp(hostId: HostId, monitors: Iterable<ContainerConfig>): ContainerConfig[] {
    const docker = this.opts.engines?.dockerOf(hostId) ?? null;
    if (this.hosts.has(hostId) && this.hosts.get(hostId)!.docker !== docker) this.hostDown(hostId);
    const started: ContainerConfig[] = [];
    for (const c of monitors) if (!this.watches.has(c.id) && this.watch(c)) started.push(c);
    return started;
  }

  /** A host's engine went away: its watches end until it is back. */
  hostDown(hostId: HostId): void {
    for (const [id, w] of this.watches) if (w.hostId === hostId) this.end(id, w);
    this.dropHost(hostId);
  }

  stop(): void {
    for (const [id, w] of this.watches) this.end(id, w);
    for (const id of [...this.hosts.keys()]) this.dropHost(id);
  }

  /** The host's watches on this engine, following its events (a new engine: the old watches end). */
  private hostOn(hostId: HostId, docker: DockerLike): HostWatches {
    const known = this.hosts.get(hostId);
    if (known && known.docker === docker) return known;
    if (known) this.hostDown(hostId);
    const watches = new Set<ContainerWatch>();
    const unsubscribe = this.opts.engines!.subscribe(
      hostId,
      (e) => {
        // Only what can change a watch's result: exec_* (every health check runs one), attach, top… are noise.
        if (e.Type !== undefined && e.Type !== 'container') return;
        const action = e.Action ?? e.status ?? '';
        if (!WATCHED.has(action.split(':', 1)[0]!)) return;
        for (const w of watches) w.handleEvent(e);
      },
      () => {
        for (const w of watches) void w.refresh();
      },
    );
    const host: HostWatches = { docker, watches, unsubscribe };
    this.hosts.set(hostId, host);
    return host;
  }

  private end(monitorId: MonitorId, w: Entry): void {
    w.cancelled = true;
    w.watch.stop();
    this.hosts.get(w.hostId)?.watches.delete(w.watch);
    this.watches.delete(monitorId);
  }

  private dropHost(hostId: HostId): void {
    this.hosts.get(hostId)?.unsubscribe();
    this.hosts.delete(hostId);
  }
}
