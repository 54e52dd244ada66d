import type Dockerode from 'dockerode';
import type { Client, ClientChannel } from 'ssh2';
import {
  HomeportError,
  type ContainerInfo,
  type ContainerRef,
  type EngineEventInfo,
  type HostContainersInfo,
  type HostId,
  type RemoveContainerInput,
  type ErrorInfo,
  type TerminalSize,
  type Transport,
} from '../../../shared/contract';
import { engineErrorInfo } from '../docker/engine-message';
import { Emitter } from '../platform/emitter';
import type { Logger } from '../platform/platform';
import { ContainerTimes, sortContainers, toContainerInfo } from './container-list';
import { EngineEventStream, toEngineEvent, type RawEngineEvent } from './engine-events';

/**
 * What the hub takes of a connected host (the hosts make it: a successful connect yields one): a
 * Docker API client over the host's one SSH connection.
 */
export interface Link {
  docker: Dockerode;
  transport: Transport;
  /** The SSH connection under it (null for a local socket), for exec and SFTP on the host. */
  ssh?: Client | null;
  /** Fires once when the underlying connection is gone. */
  onClose(listener: (error: ErrorInfo | null) => void): void;
  /** Declares the link dead (e.g. the engine's event stream ended): closes it and fires onClose. */
  fail(error: ErrorInfo): void;
  close(): void;
  /** An interactive shell on a PTY over the same SSH connection (fails for a local engine, which has none). */
  shell(size: TerminalSize): Promise<ClientChannel>;
}

interface EngineState {
  link: Link | null;
  containers: ContainerInfo[];
  error: HostContainersInfo['error'];
  loading: boolean;
  events: EngineEventStream | null;
  /** Settles once the current link's event stream is open (or its first try failed). */
  eventsOpen: Promise<void> | null;
  /** The next try to open the event stream, after one failed on a link that still works. */
  reopen: NodeJS.Timeout | null;
  refreshing: Promise<void> | null;
  dirty: boolean;
  debounce: NodeJS.Timeout | null;
  times: ContainerTimes;
}

/** A follower of a host's raw events, told too when events may have been missed on the same link. */
interface RawFollower {
  event: (e: RawEngineEvent) => void;
  resumed?: () => void;
}

/** The wait before trying again to open an event stream that could not be opened: 1 s, doubling, at most 30 s. */
const REOPEN_FIRST_MS = 1000;
const REOPEN_MAX_MS = 30_000;

/** What the hub announces. */
export interface EngineHubEvents {
  /** One host's container list, after it changed (or its engine came or went). */
  containers: HostContainersInfo;
  /** A host's engine can be used now (`dockerOf` answers), or no longer; see `onAvailability` to be told the current state too. */
  availability: { hostId: HostId; available: boolean };
  /** One engine event of any connected host, as it comes (the resource lists follow them). */
  engineEvent: EngineEventInfo;
}

/** Coalesces bursts of engine events (a compose up emits dozens) into one list call. */
const DEBOUNCE_MS = 40;

/**
 * Every host's engine as the UI sees it: the container list kept current by each engine's event
 * stream, the container actions, and a fan-out of engine events for `engine.events` streams.
 */
export class EngineHub {
  private readonly engines = new Map<HostId, EngineState>();
  private readonly listeners = new Map<HostId, Set<(e: EngineEventInfo) => void>>();
  private readonly rawListeners = new Map<HostId, Set<RawFollower>>();

  readonly events: Emitter<EngineHubEvents>;

  constructor(private readonly logger: Logger) {
    this.events = new Emitter(logger, 'engines');
  }

  hostAdded(hostId: HostId): void {
    if (!this.engines.has(hostId)) {
      this.engines.set(hostId, { link: null, containers: [], error: null, loading: true, events: null, eventsOpen: null, reopen: null, refreshing: null, dirty: false, debounce: null, times: new ContainerTimes() });
    }
  }

  hostRemoved(hostId: HostId): void {
    this.hostDown(hostId);
    this.engines.delete(hostId);
    this.listeners.delete(hostId);
    this.rawListeners.delete(hostId);
  }

  /** A connection came up: follow its events first, then list, so nothing falls between. */
  hostUp(hostId: HostId, link: Link): void {
    this.hostAdded(hostId);
    const e = this.engines.get(hostId)!;
    if (e.link !== null && e.link !== link) this.hostDown(hostId); // a new link without a drop first: the old one is done
    e.link = link;
    e.loading = true;
    // Whatever happened while the host was away went unseen: read every container's times again.
    e.times.clear();
    this.follow(hostId, e, link, 0);
    this.tell(hostId, true);
  }

  /**
   * Opens the link's event stream, then lists. When the stream cannot be opened while the link
   * itself works (the engine busy, a channel refused), the list is read anyway and the stream is
   * tried again with backoff; once it is open, the list is read again and the raw followers are
   * told that events may have been missed meanwhile.
   */
  private follow(hostId: HostId, e: EngineState, link: Link, attempt: number): void {
    const events = new EngineEventStream(
      link.docker,
      (raw) => {
        const info = toEngineEvent(hostId, raw);
        if (raw.Type === 'container') {
          e.times.forget(info.actorId);
          this.schedule(hostId);
        }
        for (const l of this.listeners.get(hostId) ?? []) l(info);
        for (const f of this.rawListeners.get(hostId) ?? []) f.event(raw);
        this.events.emit('engineEvent', info);
      },
      (error) => {
        // The event stream only ends when the engine or the link is gone: treat it as a drop.
        if (e.link === link) link.fail({ code: 'DISCONNECTED', message: `Lost the engine's event stream${error ? `: ${error.message}` : ''}.`, fix: 'Homeport reconnects by itself.' });
      },
    );
    e.events = events;
    const opening = events.open();
    if (attempt === 0) e.eventsOpen = opening.catch(() => {});
    opening.then(
      () => {
        if (attempt > 0 && e.events === events) for (const f of this.rawListeners.get(hostId) ?? []) f.resumed?.();
        return this.refresh(hostId);
      },
      (err: unknown) => {
        this.logger.warn('could not follow engine events', { hostId, error: String(err), attempt });
        if (attempt === 0) void this.refresh(hostId);
        if (e.link !== link || e.events !== events) return;
        e.reopen = setTimeout(
          () => {
            e.reopen = null;
            if (e.link === link && e.events === events) this.follow(hostId, e, link, attempt + 1);
          },
          Math.min(REOPEN_FIRST_MS * 2 ** attempt, REOPEN_MAX_MS),
        );
        e.reopen.unref?.();
      },
    );
  }

  hostDown(hostId: HostId): void {
    const e = this.engines.get(hostId);
    if (!e) return;
    const was = e.link !== null;
    e.events?.close();
    e.events = null;
    e.eventsOpen = null;
    if (e.reopen) clearTimeout(e.reopen);
    e.reopen = null;
    e.link = null;
    if (was) this.tell(hostId, false);
    if (e.debounce) clearTimeout(e.debounce);
    e.debounce = null;
    e.loading = true;
    this.publish(hostId);
  }

  list(): HostContainersInfo[] {
    return [...this.engines.keys()].map((id) => this.info(id));
  }

  /** Every known host, connected or not, in the order they were added. */
  hostIds(): HostId[] {
    return [...this.engines.keys()];
  }

  /** The host's engine, for the resource services; DISCONNECTED (NOT_FOUND for an unknown id) otherwise. */
  dockerOf(hostId: HostId): Dockerode {
    const e = this.engines.get(hostId);
    if (!e) throw new HomeportError({ code: 'NOT_FOUND', message: `No host with id ${hostId}.`, fix: 'Reload the list.' });
    if (!e.link) {
      throw new HomeportError({ code: 'DISCONNECTED', message: 'The host is not connected.', fix: 'Wait for it to reconnect, or open Hosts to see why.' });
    }
    return e.link.docker;
  }

  /**
   * Follows which hosts' engines can be used (`dockerOf` answers): told at once about every
   * engine available now, then of every change — a new connection, even straight after another,
   * is told again. Level-triggered on purpose: a late subscriber misses nothing.
   */
  onAvailability(listener: (hostId: HostId, available: boolean) => void): () => void {
    const off = this.events.on('availability', ({ hostId, available }) => listener(hostId, available));
    for (const [id, e] of this.engines) if (e.link) listener(id, true);
    return off;
  }

  private tell(hostId: HostId, available: boolean): void {
    this.events.emit('availability', { hostId, available });
  }

  subscribe(hostId: HostId, listener: (e: EngineEventInfo) => void): () => void {
    let set = this.listeners.get(hostId);
    if (!set) this.listeners.set(hostId, (set = new Set()));
    set.add(listener);
    return () => void set.delete(listener);
  }

  /**
   * The host's engine events as the engine sends them, for the services that read more of them
   * than the window's summary (container monitors read exit codes and health states). Every
   * follower of a host shares the hub's one event stream. `resumed`: the stream is open at last
   * on a connection where it could not be opened at first — events may have been missed.
   */
  subscribeRaw(hostId: HostId, listener: (e: RawEngineEvent) => void, resumed?: () => void): () => void {
    let set = this.rawListeners.get(hostId);
    if (!set) this.rawListeners.set(hostId, (set = new Set()));
    const follower: RawFollower = { event: listener, resumed };
    set.add(follower);
    return () => void set.delete(follower);
  }

  /**
   * Settles once the host's event stream is open (or could not be opened), at once when the host
   * is not connected: a look at the engine taken after it misses no event.
   */
  eventsOpen(hostId: HostId): Promise<void> {
    return this.engines.get(hostId)?.eventsOpen ?? Promise.resolve();
  }

  async start(ref: ContainerRef): Promise<void> {
    await this.act(ref, (c) => c.start());
  }
  async stop(ref: ContainerRef): Promise<void> {
    await this.act(ref, (c) => c.stop());
  }
  async restart(ref: ContainerRef): Promise<void> {
    await this.act(ref, (c) => c.restart());
  }
  async remove(input: RemoveContainerInput): Promise<void> {
    await this.act(input, (c) => c.remove({ v: input.removeVolumes, force: input.force }));
  }

  /** Lists now (or once more after the list in flight, if events arrived meanwhile). */
  refresh(hostId: HostId): Promise<void> {
    const e = this.engines.get(hostId);
    if (!e) return Promise.resolve();
    if (e.refreshing) {
      e.dirty = true;
      return e.refreshing;
    }
    const run = async (): Promise<void> => {
      do {
        e.dirty = false;
        const link = e.link;
        if (!link) return;
        try {
          const raw = await link.docker.listContainers({ all: true });
          if (e.link !== link) return;
          // Homeport's own short-lived helpers (volume backup/browse) are not the user's containers.
          const mine = raw.filter((c) => c.Labels?.['homeport.helper'] !== '1');
          const times = await e.times.of(link.docker, mine);
          if (e.link !== link) return;
          e.containers = sortContainers(mine.map((c) => toContainerInfo(hostId, c, times.get(c.Id), e.times.imageName(c), e.times.stateOf(c))));
          e.error = null;
        } catch (err) {
          if (e.link !== link) return;
          e.error = engineErrorInfo(err);
        }
        e.loading = false;
        this.publish(hostId);
      } while (e.dirty);
    };
    e.refreshing = run().finally(() => {
      e.refreshing = null;
    });
    return e.refreshing;
  }

  private schedule(hostId: HostId): void {
    const e = this.engines.get(hostId);
    if (!e || e.debounce) return;
    e.debounce = setTimeout(() => {
      e.debounce = null;
      void this.refresh(hostId);
    }, DEBOUNCE_MS);
  }

  private async act(ref: ContainerRef, action: (c: Dockerode.Container) => Promise<unknown>): Promise<void> {
    const e = this.engines.get(ref.hostId);
    if (!e) throw new HomeportError({ code: 'NOT_FOUND', message: `No host with id ${ref.hostId}.`, fix: 'Reload the list.' });
    if (!e.link) {
      throw new HomeportError({ code: 'DISCONNECTED', message: 'The host is not connected.', fix: 'Wait for it to reconnect, or open Hosts to see why.' });
    }
    try {
      await action(e.link.docker.getContainer(ref.containerId));
    } catch (err) {
      // 304: already in the requested state — what the user asked for is true.
      if ((err as { statusCode?: number }).statusCode !== 304) throw new HomeportError(engineErrorInfo(err));
    }
    await this.refresh(ref.hostId);
  }

  private info(hostId: HostId): HostContainersInfo {
    const e = this.engines.get(hostId)!;
    return { hostId, containers: e.containers, error: e.error, loading: e.loading };
  }

  private publish(hostId: HostId): void {
    if (this.engines.has(hostId)) this.events.emit('containers', this.info(hostId));
  }

  dispose(): void {
    for (const id of this.engines.keys()) this.hostDown(id);
  }
}
