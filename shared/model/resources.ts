/**
 * DTOs of the images, volumes and networks services: plain data only (no dockerode objects), as
 * the contract carries them.
 * Times are epoch milliseconds; sizes are bytes; `null` means "the engine does not know".
 */
import type { ErrorInfo } from './errors';
import type { HostId } from './ids';

/** A container as the resource lists name it (helpers Homeport itself runs are never listed). */
export interface ContainerRefInfo {
  id: string;
  name: string;
  state: string;
}

// ── images ───────────────────────────────────────────────────────────────────────────────────

export interface ImageInfo {
  /** `sha256:…` */
  id: string;
  hostId: HostId;
  /** `repo:tag` names; empty for a dangling image. */
  repoTags: string[];
  /** `repo@sha256:…`; empty for an image that never came from a registry. */
  repoDigests: string[];
  sizeBytes: number;
  createdAt: number;
  /** No tag points at it (what "prune dangling" removes when nothing uses it). */
  dangling: boolean;
  /** Names of the containers created from it, running or not. */
  containers: string[];
}

export interface PullLayerInfo {
  /** Short layer id as the engine reports it (12 hex digits). */
  id: string;
  /** The engine's words: "Waiting", "Downloading", "Extracting", "Pull complete", "Already exists"… */
  status: string;
  /** Progress of the current phase (download or extract), in bytes; 0/0 when the engine gives none. */
  current: number;
  total: number;
}

export interface PullProgressInfo {
  layers: PullLayerInfo[];
  /** Bytes downloaded over bytes to download, over every layer whose size is known so far. */
  overall: { current: number; total: number };
  /** The engine's latest status line without a layer ("Digest: …", "Status: Downloaded newer image…"). */
  message: string;
}

export interface RemoveImageResultInfo {
  untagged: string[];
  /** Image and layer ids the engine deleted; empty when only a tag was removed. */
  deleted: string[];
}

export interface PruneImagesResultInfo {
  deleted: string[];
  spaceReclaimedBytes: number;
}

// ── volumes ──────────────────────────────────────────────────────────────────────────────────

export interface VolumeInfo {
  name: string;
  hostId: HostId;
  driver: string;
  scope: string;
  mountpoint: string;
  createdAt: number | null;
  labels: Record<string, string>;
  /** Compose project, from the com.docker.compose.project label. */
  project: string | null;
  /** A 64-hex-digit name: created by the engine for a container, not by a person. */
  anonymous: boolean;
  /** From `GET /system/df` (cached 30 s); null when the driver does not report sizes. */
  sizeBytes: number | null;
  /** Containers that mount it, running or not. */
  containers: ContainerRefInfo[];
}

export type VolumeEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface VolumeEntryInfo {
  name: string;
  /** Path inside the volume, `/`-rooted (`/sub/file.txt`). */
  path: string;
  type: VolumeEntryType;
  /** Files: their size. Directories: the total of the files below, when the whole tree was read; else null. */
  sizeBytes: number | null;
  /** Permission bits (0o755…). */
  mode: number;
  modifiedAt: number | null;
  /** Symlinks and hard links: where they point (as stored, not resolved). */
  linkTarget: string | null;
  uid: number | null;
  gid: number | null;
}

export interface VolumeDirInfo {
  volume: string;
  /** The directory listed, normalised and `/`-rooted (`/` is the volume's root). */
  path: string;
  entries: VolumeEntryInfo[];
  /**
   * The listing came from the engine's archive stream, or — when the directory holds more than
   * the browse budget — from a `find` run in a helper container plus one stat per entry.
   */
  source: 'archive' | 'find';
  /** True when the listing is incomplete (too many entries); `note` says why. */
  truncated: boolean;
  note: string | null;
}

export interface VolumeTransferProgressInfo {
  phase: 'checking' | 'emptying' | 'copying';
  /** Bytes moved so far: tar bytes read from the engine (backup), or archive bytes read (restore). */
  bytes: number;
  /** Expected bytes, when known (the volume's size from df; the archive's size on disk). */
  totalBytes: number | null;
}

export interface BackupResultInfo {
  volume: string;
  /** Uncompressed tar bytes read from the engine. */
  tarBytes: number;
  /** Bytes written to the output (.tar.gz). */
  gzipBytes: number;
  /** Running containers that had it mounted during the backup: their writes may be half in it. */
  runningContainers: string[];
}

export interface RestoreResultInfo {
  volume: string;
  mode: 'new' | 'overwrite';
  entries: number;
  /** Total size of the files restored. */
  bytes: number;
  /** Files whose setuid/setgid bits were cleared (the user did not keep them). */
  setuidCleared: number;
}

export interface PruneVolumesResultInfo {
  deleted: string[];
  spaceReclaimedBytes: number;
  /** Volumes that could not be removed, with the engine's reason. */
  failed: Array<{ name: string; message: string }>;
}

// ── networks ─────────────────────────────────────────────────────────────────────────────────

export interface NetworkContainerInfo extends ContainerRefInfo {
  /** Only running containers have an address. */
  ipv4: string | null;
  ipv6: string | null;
  mac: string | null;
}

export interface NetworkInfo {
  id: string;
  hostId: HostId;
  name: string;
  driver: string;
  scope: string;
  subnets: string[];
  gateways: string[];
  internal: boolean;
  attachable: boolean;
  ipv6: boolean;
  createdAt: number | null;
  labels: Record<string, string>;
  project: string | null;
  /** bridge, host, none (and swarm's ingress / docker_gwbridge): never removed by Homeport. */
  builtIn: boolean;
  /** Containers attached, running or not (a stopped one needs the network to start again). */
  containers: NetworkContainerInfo[];
}

export interface NetworkDetailInfo extends NetworkInfo {
  ipamDriver: string;
  ipam: Array<{ subnet: string | null; gateway: string | null; ipRange: string | null }>;
  options: Record<string, string>;
  ingress: boolean;
  /** The engine's inspect answer, as JSON-safe data, for the raw view. */
  raw: unknown;
}

export interface RemoveNetworksResultInfo {
  deleted: string[];
  failed: Array<{ name: string; message: string }>;
}

// ── what the contract carries ────────────────────────────────────────────────────────────────

/** One host's images, volumes or networks, or why they cannot be listed (like HostContainersInfo). */
export interface HostImagesInfo {
  hostId: HostId;
  images: ImageInfo[];
  error: ErrorInfo | null;
}
export interface HostVolumesInfo {
  hostId: HostId;
  volumes: VolumeInfo[];
  error: ErrorInfo | null;
}
export interface HostNetworksInfo {
  hostId: HostId;
  networks: NetworkInfo[];
  error: ErrorInfo | null;
}

export interface RemoveImageInput {
  hostId: HostId;
  /** Image id (`sha256:…`) or a `repo:tag` reference (removing a tag only untags when others remain). */
  id: string;
  /** Remove even when stopped containers use it (never under a running one). */
  force: boolean;
}

// ── volume transfers (backup download / restore upload) ─────────────────────────────────────

/**
 * A backup or restore prepared by `volumes.prepareBackup` / `volumes.prepareRestore`. Its progress
 * arrives on a `volume.transfer` stream opened with the id. `url` (headless mode) is where the
 * browser downloads the backup or uploads the archive, once; it carries no secret (the session
 * cookie is still required). `url` is null in the desktop app: the file was chosen in a native
 * dialog and the services read or write it when the stream opens.
 */
export interface VolumeTransferInfo {
  transferId: string;
  url: string | null;
  /** The file's name (the suggested download name, or the chosen file's name). */
  fileName: string;
  /** Restore: the archive's size, when known. */
  sizeBytes: number | null;
}

export type VolumeTransferEventInfo =
  | { type: 'progress'; progress: VolumeTransferProgressInfo }
  | { type: 'backup-done'; result: BackupResultInfo; fileName: string }
  | { type: 'restore-done'; result: RestoreResultInfo };

export interface PrepareRestoreInput {
  hostId: HostId;
  /** The volume to create, or (overwrite) the existing one to replace. */
  name: string;
  mode: 'new' | 'overwrite';
  /** Browser mode: the chosen file's name and size (the upload may not be bigger). Ignored by the desktop app. */
  fileName: string | null;
  sizeBytes: number | null;
  /**
   * Keep the setuid/setgid bits of restored files. Off by default: a volume mounted into a
   * container could otherwise bring a setuid program in from an archive.
   */
  keepSetuid: boolean;
}
