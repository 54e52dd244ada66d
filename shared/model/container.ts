import type { ErrorInfo } from './errors';
import type { HostId } from './ids';

export type ContainerStateName = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface PortInfo {
  /** Address on the host the port is published on (`0.0.0.0`, `127.0.0.1`…); empty if not published. */
  ip: string;
  privatePort: number;
  publicPort: number | null;
  protocol: 'tcp' | 'udp' | 'sctp';
}

export interface ContainerInfo {
  id: string;
  hostId: HostId;
  name: string;
  image: string;
  state: ContainerStateName;
  /**
   * The engine's status text when the list was read, e.g. "Up 3 minutes" or "Exited (0) 2 hours
   * ago": it ages, so the UI writes it again from the times below as the clock moves.
   */
  status: string;
  /** When the current (or last) run started, ms since the epoch by the engine's clock; null if it never ran. */
  startedAt: number | null;
  /** When the last run ended; null if it never ended. */
  finishedAt: number | null;
  /** The last run's exit code while exited, dead or restarting; null otherwise. */
  exitCode: number | null;
  ports: PortInfo[];
  /** Compose project and service, from the com.docker.compose.* labels. */
  project: string | null;
  service: string | null;
  createdAt: number;
}

/** One host's containers, or why they cannot be listed. */
export interface HostContainersInfo {
  hostId: HostId;
  containers: ContainerInfo[];
  error: ErrorInfo | null;
  /** True until the first list after a (re)connect arrives. */
  loading: boolean;
}

export interface ContainerRef {
  hostId: HostId;
  containerId: string;
}

export interface RemoveContainerInput extends ContainerRef {
  /** Also remove the container's anonymous volumes (`docker rm -v`). */
  removeVolumes: boolean;
  /** Remove even when running (`docker rm -f`). */
  force: boolean;
}

/** An engine event as the UI sees it. */
export interface EngineEventInfo {
  hostId: HostId;
  time: number;
  type: string;
  action: string;
  actorId: string;
  /** Container or image name, when the event carries one. */
  name: string | null;
}
