import type { ErrorInfo } from './errors';
import type { HostId } from './ids';
import type { PullProgressInfo } from './resources';

/** The container an upgrade kept (stopped, renamed `<name>-homeport-previous`): the way back. */
export interface PreviousContainerInfo {
  containerId: string;
  name: string;
  /** The image reference it was created from, and the image it runs. */
  image: string;
  imageId: string;
  /** When the upgrade that kept it ran (ms since epoch), when known. */
  upgradedAt: number | null;
}

/** One tag of the container's repository present on the host. */
export interface UpgradeTagInfo {
  ref: string;
  imageId: string;
  createdAt: number;
  /** The image the container runs now. */
  current: boolean;
}

/** What the upgrade dialog needs to know about one container. */
export interface UpgradeOptionsInfo {
  hostId: HostId;
  containerId: string;
  name: string;
  /** The reference the container was created from (`Config.Image`). */
  image: string;
  imageId: string;
  /** The repository of `image` (null when the container was created from a bare image id). */
  repository: string | null;
  tags: UpgradeTagInfo[];
  running: boolean;
  /** Set when the container belongs to a compose project: upgrade it from its compose file instead. */
  compose: { project: string; service: string | null } | null;
  /** Why an upgrade cannot run here (compose, `--rm`, a kept container itself); null when it can. */
  blocked: ErrorInfo | null;
  previous: PreviousContainerInfo | null;
}

export type UpgradeStepName = 'pull' | 'prepare' | 'create' | 'stop' | 'swap' | 'start' | 'verify' | 'cleanup' | 'restore';

/** `container.upgrade` stream data: steps as they go, pull progress, and the outcome. */
export type UpgradeProgressInfo =
  | { type: 'step'; step: UpgradeStepName; state: 'running' | 'done' | 'failed' | 'skipped'; text: string }
  | { type: 'pull'; progress: PullProgressInfo }
  | { type: 'done'; result: UpgradeResultInfo };

export interface UpgradeResultInfo {
  /** The new container (a new id: the detail page follows it). */
  containerId: string;
  name: string;
  image: string;
  imageId: string;
  previous: PreviousContainerInfo;
}

export interface RollbackResultInfo {
  /** The restored container (the one that ran before the upgrade, same id as then). */
  containerId: string;
  name: string;
  image: string;
  imageId: string;
}
