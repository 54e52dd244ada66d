import type { Logger } from '../../platform/platform';
import type { CheckResult } from './types';
import type { RawEngineEvent } from '../../engines';

/**
 * Container monitors are driven by the engine's event stream, not by polling: one inspect when
 * the watch starts (a watch starts again when its engine is back, since events may have been
 * missed meanwhile), then every change comes from events. A result is emitted only when the
 * status or message changes.
 *
 * Up/down:
 * - running, no health check → up;
 * - running, health "healthy" → up; "starting" → still up, with details.health = 'starting' and a
 *   message that says so (a container that never gets healthy turns "unhealthy" after its
 *   retries, and that is down); "unhealthy" → down, with the last health-check output when known;
 * - paused, restarting, exited, created, dead, removed, not found → down.
 *
 * Identity: a monitor given a container *name* follows the name — `docker compose up` replaces a
 * container with a new one (new id) under the same name, and the watch adopts the new one on its
 * create/start event. Given an *id*, it follows that container only.
 */

export type DockerEventLike = RawEngineEvent;

export interface ContainerInspectLike {
  Id: string;
  Name: string;
  State: {
    Status: string;
    Running: boolean;
    Paused: boolean;
    Restarting: boolean;
    ExitCode?: number;
    Health?: { Status: string; Log?: Array<{ Output?: string; ExitCode?: number }> };
  };
  Config?: { Healthcheck?: { Test?: string[] } };
}

/** The part of dockerode a watch needs (its looks at the container); dockerode itself satisfies it. */
export interface DockerLike {
  getContainer(id: string): { inspect(): Promise<ContainerInspectLike> };
}

type Health = 'none' | 'starting' | 'healthy' | 'unhealthy';

interface State {
  id: string | null;
  name: string;
  status: string; // running, exited, paused, restarting, created, dead, removed, missing, renamed, error
  exitCode: number | null;
  hasHealth: boolean;
  health: Health;
  healthOutput: string | null;
  note: string | null;
}

const INSPECT_TIMEOUT_MS = 10_000;
/** Events that can change what a watch reports; anything else (exec_*, attach, top…) is noise. */
export const CONTAINER_EVENTS = ['create', 'start', 'restart', 'die', 'stop', 'kill', 'pause', 'unpause', 'health_status', 'destroy', 'rename', 'oom'];

export interface ContainerWatchOptions {
  docker: DockerLike;
  /** Name (followed across re-creation) or id (prefix allowed) of the container. */
  container: string;
  onResult: (result: CheckResult) => void;
  logger?: Logger;
}

export class ContainerWatch {
  readonly container: string;
  private state: State;
  private last: CheckResult | null = null;
  private byName: boolean | null = null;
  /** Bumped by every event that concerns this container; an inspect that overlapped one is redone. */
  private seq = 0;
  /** Inspects in flight (a refresh and an adoption may overlap); events are applied but not emitted meanwhile. */
  private inspecting = 0;
  private stopped = false;

  constructor(private readonly opts: ContainerWatchOptions) {
    this.container = opts.container.replace(/^\//, '');
    this.state = { id: null, name: this.container, status: 'missing', exitCode: null, hasHealth: false, health: 'none', healthOutput: null, note: null };
  }

  /** Inspects the container and emits the first result. Follow the engine's events before calling it, so that no change falls between. */
  start(): Promise<CheckResult> {
    return this.refresh();
  }

  /** The last result (null before start settles). */
  current(): CheckResult | null {
    return this.last;
  }

  stop(): void {
    this.stopped = true;
  }

  /** Re-reads the container's state (its first look, and whenever the owner wants a fresh one). */
  async refresh(): Promise<CheckResult> {
    this.inspecting++;
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        const before = this.seq;
        await this.inspectInto(this.state.id ?? this.container);
        if (this.seq === before) break;
      }
    } finally {
      this.inspecting--;
    }
    return this.emit();
  }

  /** Feeds one engine event (from the host's event stream; see runtime/container-watches.ts). */
  handleEvent(ev: DockerEventLike): void {
    if (this.stopped || (ev.Type !== undefined && ev.Type !== 'container')) return;
    const actorId = ev.Actor?.ID ?? ev.id ?? '';
    const attrs = ev.Actor?.Attributes ?? {};
    const action = ev.Action ?? ev.status ?? '';
    const base = action.split(':', 1)[0]!;
    const s = this.state;
    const ours = s.id !== null ? actorId === s.id : this.matchesUnknown(actorId, attrs.name);
    if (!ours) {
      // A new container under our name (compose re-created it): adopt it.
      if (this.byName !== false && attrs.name === this.container && (base === 'create' || base === 'start' || base === 'rename')) {
        this.seq++;
        void this.adopt(actorId);
      }
      return;
    }
    this.seq++;
    if (s.id === null) {
      // First sight of a container that did not exist at start.
      void this.adopt(actorId);
      return;
    }
    s.note = null;
    switch (base) {
      case 'start':
      case 'restart':
      case 'unpause':
        if (base === 'start' || s.status !== 'running') s.health = s.hasHealth ? 'starting' : 'none';
        s.status = 'running';
        s.exitCode = null;
        break;
      case 'die':
        s.status = 'exited';
        s.exitCode = attrs.exitCode !== undefined && /^-?\d+$/.test(attrs.exitCode) ? Number(attrs.exitCode) : s.exitCode;
        break;
      case 'stop':
        if (s.status === 'running' || s.status === 'paused') s.status = 'exited';
        break;
      case 'pause':
        s.status = 'paused';
        break;
      case 'health_status': {
        const h = action.slice(action.indexOf(':') + 1).trim();
        if (h === 'healthy' || h === 'unhealthy' || h === 'starting') {
          s.hasHealth = true;
          s.health = h;
          s.healthOutput = null;
          if (h === 'unhealthy') void this.enrichUnhealthy(this.seq);
        }
        break;
      }
      case 'destroy':
        s.status = 'removed';
        s.id = null;
        s.exitCode = null;
        break;
      case 'rename': {
        const newName = (attrs.name ?? '').replace(/^\//, '');
        if (this.byName && newName !== this.container) {
          // The name we watch no longer points at this container.
          s.id = null;
          s.status = 'renamed';
          s.note = newName;
        } else if (newName) {
          s.name = newName;
        }
        break;
      }
      case 'oom':
        s.note = 'out of memory';
        break;
      default:
        return;
    }
    if (this.inspecting === 0) this.emit();
  }

  private matchesUnknown(actorId: string, name: string | undefined): boolean {
    if (this.byName === true) return false; // a name is matched (and adopted) through attrs.name
    return actorId !== '' && this.container.length >= 12 && /^[0-9a-f]+$/.test(this.container) && actorId.startsWith(this.container) && name !== undefined;
  }

  private async adopt(id: string): Promise<void> {
    if (this.inspecting > 0 || this.stopped) return; // the running refresh sees the bumped seq and re-inspects
    await this.refreshById(id);
  }

  private async refreshById(id: string): Promise<void> {
    this.inspecting++;
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        const before = this.seq;
        await this.inspectInto(attempt === 0 ? id : (this.state.id ?? this.container));
        if (this.seq === before) break;
      }
    } finally {
      this.inspecting--;
    }
    if (this.inspecting === 0) this.emit();
  }

  private async inspectInto(ref: string): Promise<void> {
    let info: ContainerInspectLike;
    try {
      info = await withTimeout(this.opts.docker.getContainer(ref).inspect(), INSPECT_TIMEOUT_MS);
    } catch (e) {
      const status = (e as { statusCode?: number }).statusCode;
      const s = this.state;
      if (status === 404) {
        const wasKnown = s.id !== null || s.status === 'removed';
        s.id = null;
        s.status = wasKnown ? 'removed' : 'missing';
      } else {
        s.status = 'error';
        s.note = (e as Error).message ?? String(e);
        this.opts.logger?.warn('container monitor: inspect failed', { container: this.container, error: s.note });
      }
      return;
    }
    const name = info.Name.replace(/^\//, '');
    if (this.byName === null) this.byName = name === this.container;
    if (this.byName && name !== this.container) {
      // Asked for a name, found a container that has been renamed since: it is not ours.
      this.state = { ...this.state, id: null, status: 'renamed', note: name };
      return;
    }
    const st = info.State;
    const hasHealth = !!st.Health || (info.Config?.Healthcheck?.Test?.[0] !== undefined && info.Config.Healthcheck.Test[0] !== 'NONE');
    const hs = st.Health?.Status;
    const health: Health = !hasHealth ? 'none' : hs === 'healthy' || hs === 'unhealthy' ? hs : 'starting';
    const lastLog = st.Health?.Log?.[st.Health.Log.length - 1];
    this.state = {
      id: info.Id,
      name,
      status: st.Paused ? 'paused' : st.Restarting ? 'restarting' : st.Running ? 'running' : st.Status || 'exited',
      exitCode: st.Running ? null : (st.ExitCode ?? null),
      hasHealth,
      health,
      healthOutput: health === 'unhealthy' && lastLog?.Output ? lastLog.Output : null,
      note: null,
    };
  }

  /** The health event does not carry the check's output; one inspect adds it to the message. */
  private async enrichUnhealthy(seqAtEvent: number): Promise<void> {
    const id = this.state.id;
    if (!id) return;
    try {
      const info = await withTimeout(this.opts.docker.getContainer(id).inspect(), INSPECT_TIMEOUT_MS);
      const log = info.State.Health?.Log;
      const out = log?.[log.length - 1]?.Output;
      if (this.seq !== seqAtEvent || this.stopped || this.state.health !== 'unhealthy' || !out) return;
      this.state.healthOutput = out;
      if (this.inspecting === 0) this.emit();
    } catch {
      // the message without the output is still right
    }
  }

  /** The result for the current state; calls onResult when it differs from the last one. */
  private emit(): CheckResult {
    const r = this.result();
    if (!this.stopped && (!this.last || this.last.status !== r.status || this.last.message !== r.message)) {
      this.last = r;
      this.opts.onResult(r);
    }
    return r;
  }

  private result(): CheckResult {
    const s = this.state;
    const label = `Container ${s.name}`;
    const details: Record<string, string | number | boolean> = { state: s.status };
    if (s.id) details.containerId = s.id.slice(0, 12);
    if (s.hasHealth) details.health = s.health;
    if (s.exitCode !== null && s.status !== 'created') details.exitCode = s.exitCode;
    const down = (message: string): CheckResult => ({ status: 'down', latencyMs: null, message, details });
    switch (s.status) {
      case 'running':
        if (s.health === 'unhealthy') return down(`${label} is unhealthy${s.healthOutput ? `: ${clip(oneLine(s.healthOutput), 200)}` : ''}`);
        if (s.health === 'starting') return { status: 'up', latencyMs: null, message: `${label} is running; health check starting`, details };
        return { status: 'up', latencyMs: null, message: `${label} is running${s.health === 'healthy' ? ' and healthy' : ''}`, details };
      case 'missing':
        return down(`No container named ${this.container} on this host`);
      case 'removed':
        return down(`${label} was removed`);
      case 'renamed':
        return down(`No container named ${this.container} on this host (it was renamed to ${s.note ?? 'another name'})`);
      case 'error':
        return down(`Could not read the state of ${label}: ${s.note ?? 'unknown error'}`);
      case 'paused':
        return down(`${label} is paused`);
      case 'restarting':
        return down(`${label} is restarting${s.exitCode !== null ? ` (last exit code ${s.exitCode})` : ''}`);
      default:
        // "created" has an exit code of 0 in inspect; it never ran, so none is shown.
        if (s.status === 'created' || s.exitCode === null) return down(`${label} is ${s.status}${s.note ? ` (${s.note})` : ''}`);
        return down(`${label} is ${s.status} (exit code ${s.exitCode}${s.note ? `, ${s.note}` : ''})`);
    }
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      t = setTimeout(() => reject(new Error(`no answer from the engine within ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(t));
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
