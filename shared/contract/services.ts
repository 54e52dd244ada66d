import type { AppInfo, SettingsAction, SettingsProblemInfo } from '../model/app';
import type { ContainerRef, HostContainersInfo, RemoveContainerInput } from '../model/container';
import type { ContainerInspectInfo, RevealEnvInput } from '../model/container-inspect';
import type { HostId, KeyId, StreamId } from '../model/ids';
import type {
  AcceptHostKeyInput,
  HostInfo,
  HostInput,
  HostTestResult,
  KeyInfo,
  SshConfigScanInfo,
} from '../model/host';
import type {
  HostImagesInfo,
  HostNetworksInfo,
  HostVolumesInfo,
  NetworkDetailInfo,
  PrepareRestoreInput,
  PruneImagesResultInfo,
  PruneVolumesResultInfo,
  VolumeDirInfo,
  VolumeTransferInfo,
  RemoveImageInput,
  RemoveImageResultInfo,
  RemoveNetworksResultInfo,
} from '../model/resources';
import type {
  ChannelConfigInput,
  ChannelId,
  ChannelInfo,
  HistoryRange,
  MonitorConfigInput,
  MonitorHistoryInfo,
  MonitorId,
  MonitorInfo,
  MonitorSuggestion,
  AlertInfo,
  AlertSettingsInfo,
  MaintenanceWindowInfo,
  MonitorImportResultInfo,
  MonitorRoutingInfo,
  MutePreset,
} from '../model/monitors';
import type { HeartbeatInfo, KumaAddInput, KumaAddResult, KumaInstanceInfo } from '../model/kuma';
import type { HostStacksInfo, StackFileInfo, StackRef } from '../model/stacks';
import type { RollbackResultInfo, UpgradeOptionsInfo } from '../model/upgrade';
import type { DiskUsageInfo, HostOverviewInfo } from '../model/overview';
import type { StreamOpenInput } from './streams';


/**
 * The contract: every call the UI can make, declared once. Each method takes at most one
 * argument (a plain object) and returns a Promise of plain data. Main implements these
 * interfaces; the preload bridge, the WebSocket transport and the renderer client are derived.
 * A feature's `*Api` is what it offers the window; the object in the services that answers it
 * is that feature's `*Service` (`HostsService implements HostsApi`).
 */
export interface AppApi {
  info(): Promise<AppInfo>;
  /** Saved settings that cannot be read (kept as they were); live updates: `app.problems`. */
  problems(): Promise<SettingsProblemInfo[]>;
  /** The user's decision about one of them (see SettingsAction). */
  resolveProblem(input: { id: string; action: SettingsAction }): Promise<void>;
}

export interface HostsApi {
  list(): Promise<HostInfo[]>;
  add(input: HostInput): Promise<HostInfo>;
  update(input: { id: HostId; host: HostInput }): Promise<HostInfo>;
  remove(input: { id: HostId }): Promise<void>;
  /** Connect with these settings once, without saving them; `id` lets an edit reuse a stored password. */
  test(input: { id: HostId | null; host: HostInput }): Promise<HostTestResult>;
  connect(input: { id: HostId }): Promise<void>;
  disconnect(input: { id: HostId }): Promise<void>;
  /** Trust the key a server presented (it must be the fingerprint the server showed). */
  acceptHostKey(input: AcceptHostKeyInput): Promise<void>;
  scanSshConfig(): Promise<SshConfigScanInfo>;
  importSshConfig(input: { aliases: string[] }): Promise<HostInfo[]>;
}

export interface KeysApi {
  list(): Promise<KeyInfo[]>;
  /** From a file path on the computer running the services, or pasted text. */
  import(input: { name: string; path: string | null; privateKey: string | null; passphrase: string | null }): Promise<KeyInfo>;
  generate(input: { comment: string; passphrase: string | null }): Promise<KeyInfo>;
  remove(input: { id: KeyId }): Promise<void>;
}

export interface ContainersApi {
  list(): Promise<HostContainersInfo[]>;
  start(input: ContainerRef): Promise<void>;
  stop(input: ContainerRef): Promise<void>;
  restart(input: ContainerRef): Promise<void>;
  remove(input: RemoveContainerInput): Promise<void>;
  /** What an upgrade of this container can pick from (upgrades run as `container.upgrade` streams). */
  upgradeOptions(input: ContainerRef): Promise<UpgradeOptionsInfo>;
  /** Puts back the container an upgrade kept; the upgraded one is removed once the old one runs. */
  rollback(input: ContainerRef): Promise<RollbackResultInfo>;
  /** Removes the container an upgrade kept (the upgrade is then final). */
  discardPrevious(input: ContainerRef): Promise<void>;
  /** Configuration and state of one container; secret-looking env values are masked. */
  inspect(input: ContainerRef): Promise<ContainerInspectInfo>;
  /** One env value, when the user asks to see it. */
  revealEnv(input: RevealEnvInput): Promise<{ value: string }>;
}

/** Images of every host (pulls run as `image.pull` streams). */
export interface ImagesApi {
  list(): Promise<HostImagesInfo[]>;
  /** Refused (CONFLICT) while containers use it; `force` never removes one under a running container. */
  remove(input: RemoveImageInput): Promise<RemoveImageResultInfo>;
  /** Removes untagged images no container uses. */
  prune(input: { hostId: HostId }): Promise<PruneImagesResultInfo>;
}

export interface VolumesApi {
  list(): Promise<HostVolumesInfo[]>;
  /** Refused (CONFLICT) while a container mounts it. */
  remove(input: { hostId: HostId; name: string }): Promise<void>;
  /** One directory of a volume, read-only (`path` is `/`-rooted inside the volume). */
  browse(input: { hostId: HostId; name: string; path: string }): Promise<VolumeDirInfo>;
  /** Removes volumes no container mounts: anonymous ones only, or (`all`) named ones too. */
  prune(input: { hostId: HostId; all: boolean }): Promise<PruneVolumesResultInfo>;
  /**
   * Prepares a backup to the user's computer; progress on a `volume.transfer` stream. Null when
   * the user cancelled the desktop app's save dialog.
   */
  prepareBackup(input: { hostId: HostId; name: string }): Promise<VolumeTransferInfo | null>;
  /** Prepares a restore from the user's computer (see VolumeTransferInfo); null when the open dialog was cancelled. */
  prepareRestore(input: PrepareRestoreInput): Promise<VolumeTransferInfo | null>;
}

export interface NetworksApi {
  list(): Promise<HostNetworksInfo[]>;
  /** Removes user networks no container is attached to (built-in ones are never removed). */
  removeUnused(input: { hostId: HostId }): Promise<RemoveNetworksResultInfo>;
  /** Subnets, gateways, options and the attached containers with their addresses. */
  inspect(input: { hostId: HostId; id: string }): Promise<NetworkDetailInfo>;
}

/** What a host's engine says about itself (engine events are the `engine.events` stream). */
export interface EnginesApi {
  /** Engine version, OS, CPUs, memory, container counts (`/version` + `/info`). */
  overview(input: { hostId: HostId }): Promise<HostOverviewInfo>;
  /** Disk use per category (`/system/df`: costly, so cached 30 s unless `refresh`). */
  diskUsage(input: { hostId: HostId; refresh: boolean }): Promise<DiskUsageInfo>;
}

/** Monitors and alert channels (live updates: `monitors.changed`; alerts: `alerts.fired`). */
export interface MonitorsApi {
  list(): Promise<MonitorInfo[]>;
  add(input: MonitorConfigInput): Promise<MonitorInfo>;
  /** Secrets left empty keep their stored values. */
  update(input: { id: MonitorId; config: MonitorConfigInput }): Promise<MonitorInfo>;
  remove(input: { id: MonitorId }): Promise<void>;
  pause(input: { id: MonitorId }): Promise<void>;
  resume(input: { id: MonitorId }): Promise<void>;
  /** A container monitor for every running container without one, an HTTP monitor for every published port, and the monitors containers declare with labels. */
  suggestions(): Promise<MonitorSuggestion[]>;
  /** Adds the suggestion with this key as it is offered now (a label declaration: owned by the container's labels). */
  addSuggested(input: { key: string }): Promise<MonitorInfo>;
  /** A push monitor's push path (`/push/<token>`), asked for explicitly: tokens are never in lists. */
  pushUrl(input: { id: MonitorId }): Promise<{ path: string }>;
  /** Latency series, status bars and incidents of one monitor over a range. */
  history(input: { id: MonitorId; range: HistoryRange }): Promise<MonitorHistoryInfo>;
  listChannels(): Promise<ChannelInfo[]>;
  /** A new channel is one of the default channels (every monitor's alerts go to it). */
  addChannel(input: ChannelConfigInput): Promise<ChannelInfo>;
  removeChannel(input: { id: ChannelId }): Promise<void>;
  /** Sends a test message through a saved channel. */
  testChannel(input: { id: ChannelId }): Promise<void>;
  /** Changes a channel; secret fields left empty keep their stored values. */
  updateChannel(input: { id: ChannelId; config: ChannelConfigInput }): Promise<ChannelInfo>;
  /** Mutes one monitor (or, id null, every notification); "tomorrow" is the next 08:00 at the given offset. Returns the end. */
  mute(input: { id: MonitorId | null; preset: MutePreset; utcOffsetMinutes: number }): Promise<{ until: number }>;
  unmute(input: { id: MonitorId | null }): Promise<void>;
  /** Replaces the maintenance windows of one monitor (or, id null, the windows of every monitor). */
  setMaintenance(input: { id: MonitorId | null; windows: MaintenanceWindowInfo[] }): Promise<void>;
  /** Where one monitor's alerts go (null: the default channels). */
  setRouting(input: { id: MonitorId; routing: MonitorRoutingInfo | null }): Promise<void>;
  /** The channels for monitors without their own routing. */
  setDefaultChannels(input: { channelIds: ChannelId[] }): Promise<void>;
  /** Mutes, maintenance windows and routing. */
  alertSettings(): Promise<AlertSettingsInfo>;
  /** The last 50 alerts, newest first (kept across restarts). */
  recentAlerts(): Promise<AlertInfo[]>;
  /** Every monitor as YAML (secrets replaced by a placeholder). */
  exportYaml(): Promise<{ yaml: string }>;
  /** Reads a YAML export: a dry run says what each entry would do; otherwise entries without errors are applied. */
  importYaml(input: { yaml: string; dryRun: boolean }): Promise<MonitorImportResultInfo>;
}

/**
 * The user's Uptime Kuma instances, mirrored (live updates: `kuma.changed`), and Homeport's own
 * heartbeat to a push URL (`heartbeat.changed`). Instance ids are `k_…`.
 */
export interface KumaApi {
  list(): Promise<KumaInstanceInfo[]>;
  /** Connects once before saving; answers `totp-required` when the account has 2FA. */
  add(input: KumaAddInput): Promise<KumaAddResult>;
  remove(input: { id: string }): Promise<void>;
  pauseMonitor(input: { id: string; monitorId: string }): Promise<void>;
  resumeMonitor(input: { id: string; monitorId: string }): Promise<void>;
  heartbeat(): Promise<HeartbeatInfo>;
  /** `url` null stops it. The first beat goes out at once; its result is in the answer. */
  setHeartbeat(input: { url: string | null; intervalSec: number }): Promise<HeartbeatInfo>;
  sendHeartbeat(): Promise<HeartbeatInfo>;
}

/**
 * Compose projects of every host (actions run as `stack.run` streams). Every change of a file is
 * validated with compose first (an invalid file changes nothing: VALIDATION with compose's
 * message) and keeps the file it replaced, for `rollbackFile`. None of these redeploys: the UI
 * runs `stack.run` with `up` afterwards (with `revertFile`, so a file compose accepts but cannot
 * deploy is replaced by the previous one again), so the output streams to it.
 */
export interface StacksApi {
  list(): Promise<HostStacksInfo[]>;
  /** A compose file of the stack (`path` one of its config files; default the first). */
  file(input: StackRef & { path?: string | undefined }): Promise<StackFileInfo>;
  /** Checks text with `compose config -q` without changing anything; VALIDATION with compose's message. */
  validateFile(input: StackRef & { path?: string | undefined; content: string }): Promise<void>;
  /** Validates, keeps the current file as the previous one, and atomically puts the new text in place. */
  saveFile(input: StackRef & { path?: string | undefined; content: string }): Promise<StackFileInfo>;
  /** Puts the previous file back (the current one becomes the previous). */
  rollbackFile(input: StackRef & { path?: string | undefined }): Promise<StackFileInfo>;
  /** Changes only `image:` of one service (comments and layout kept), then as saveFile. */
  setServiceImage(input: StackRef & { service: string; image: string }): Promise<StackFileInfo>;
}

/** The one stream mechanism: open → `stream.data` / `stream.end` events keyed by id → close. */
export interface StreamsApi {
  open(input: StreamOpenInput): Promise<{ streamId: StreamId }>;
  close(input: { streamId: StreamId }): Promise<void>;
  /** Input for a stream that takes it (a terminal's keystrokes and size); only its opener may send. */
  send(input: { streamId: StreamId; data: unknown }): Promise<void>;
}

export interface Contract {
  app: AppApi;
  hosts: HostsApi;
  keys: KeysApi;
  containers: ContainersApi;
  images: ImagesApi;
  volumes: VolumesApi;
  networks: NetworksApi;
  engines: EnginesApi;
  monitors: MonitorsApi;
  kuma: KumaApi;
  stacks: StacksApi;
  streams: StreamsApi;
}

export type ServiceName = keyof Contract;
export type MethodName = {
  [S in ServiceName]: `${S}.${Extract<keyof Contract[S], string>}`;
}[ServiceName];

type Split<M extends MethodName> = M extends `${infer S extends ServiceName}.${infer F}` ? [S, F] : never;
type Fn<M extends MethodName> = Split<M> extends [infer S extends ServiceName, infer F]
  ? F extends keyof Contract[S]
    ? Contract[S][F]
    : never
  : never;

/** The argument a method takes (undefined for none). */
export type InputOf<M extends MethodName> = Fn<M> extends (...args: infer A) => unknown
  ? A extends [] ? undefined : A[0]
  : never;
/** What a method resolves to. */
export type OutputOf<M extends MethodName> = Fn<M> extends (...args: never[]) => Promise<infer R> ? R : never;
