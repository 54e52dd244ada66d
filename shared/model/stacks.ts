import type { ContainerStateName } from './container';
import type { ErrorInfo } from './errors';
import type { HostId } from './ids';

/** One container of a compose service. */
export interface StackContainerInfo {
  id: string;
  name: string;
  state: ContainerStateName;
  /** The engine's status text ("Up 3 minutes", "Exited (0) 2 hours ago"). */
  status: string;
}

export interface StackServiceInfo {
  name: string;
  /** The image its containers run (as the engine reports it). */
  image: string;
  containers: StackContainerInfo[];
  running: number;
}

/** How a stack is doing as a whole. */
export type StackStatus = 'running' | 'partial' | 'stopped';

/**
 * A compose project on a host, whoever deployed it (by hand, Ansible or Homeport): found from its
 * containers' com.docker.compose.* labels, stopped containers included.
 */
export interface StackInfo {
  hostId: HostId;
  project: string;
  /** com.docker.compose.project.working_dir (null if no container carries it). */
  workingDir: string | null;
  /** The project's compose files, absolute (Compose v1 writes them relative to the working dir). */
  configFiles: string[];
  services: StackServiceInfo[];
  running: number;
  total: number;
  status: StackStatus;
}

export interface HostStacksInfo {
  hostId: HostId;
  stacks: StackInfo[];
  /** Why this host's stacks could not be listed (e.g. DISCONNECTED); its list is then empty. */
  error: ErrorInfo | null;
}

/** A stack's compose file as read from the host. */
export interface StackFileInfo {
  hostId: HostId;
  project: string;
  /** Absolute path on the host. */
  path: string;
  content: string;
  /** The file kept before Homeport's last change (path), if there is one: "Roll back file" restores it. */
  previousPath: string | null;
}

/** What `stack.run` runs: up -d, down, restart, pull, up -d --force-recreate. */
export const STACK_ACTIONS = ['up', 'down', 'restart', 'pull', 'recreate'] as const;
export type StackAction = (typeof STACK_ACTIONS)[number];

/** One piece of `stack.run` output. */
export interface StackRunOutputInfo {
  /** A line of the command's output (stdout and stderr interleaved); the first is the command itself. */
  line: string;
  stream: 'stdout' | 'stderr' | 'info';
}

export interface StackRef {
  hostId: HostId;
  project: string;
}

/** The largest compose file Homeport opens, edits or saves (the contract refuses larger content). */
export const MAX_COMPOSE_FILE_BYTES = 1024 * 1024;
